package leads

import (
	"context"

	"github.com/riverqueue/river"

	"github.com/vikalp/vikalp/ingest"
)

// AlertArgs asks for an alert to the AHTU of a new or rising lead. It
// is inserted in the transaction that stores the lead's new score, so a
// committed lead change always gets its alert. It carries ids and numbers
// only: never tip text, names, phone numbers or places.
type AlertArgs struct {
	LeadID        int64   `json:"lead_id"`
	AHTUID        int     `json:"ahtu_id"` // 0 when no AHTU covers the lead's places
	Score         float64 `json:"score"`
	PreviousScore float64 `json:"previous_score"` // score of the last alert; 0 for "new"
	Reason        string  `json:"reason"`         // "new" or "rising"
}

// Kind implements river.JobArgs. Package alerts runs these jobs
// (alerts.LeadAlertWorker). The kind keeps the name it had before leads
// left package analytics: queued jobs store it.
func (AlertArgs) Kind() string { return "analytics.lead_alert" }

// TipWorker links a newly received tip into the leads: it extracts the
// tip's entities and relinks the tips connected to it (Service.RunTip).
type TipWorker struct {
	river.WorkerDefaults[ingest.TipReceivedArgs]
	Leads *Service
}

// Work implements river.Worker.
func (w *TipWorker) Work(ctx context.Context, job *river.Job[ingest.TipReceivedArgs]) error {
	return w.Leads.RunTip(ctx, job.Args.TipID)
}
