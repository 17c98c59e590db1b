package ingest

import (
	"context"

	"github.com/riverqueue/river"
)

// HappeningNowArgs asks for an alert to the PCR unit covering a report
// marked "happening now". It is inserted in the transaction that stores the
// report, so a committed report always gets its alert. It carries ids and
// the public r8 cell only, never text or the exact point.
type HappeningNowArgs struct {
	ReportID   int64 `json:"report_id"`
	PCRUnitID  int64 `json:"pcr_unit_id"` // 0 when no unit is configured
	DistrictID int   `json:"district_id"`
	H3R8       int64 `json:"h3_r8"`
}

// Kind implements river.JobArgs.
func (HappeningNowArgs) Kind() string { return "ingest.happening_now" }

// TipReceivedArgs announces a stored trafficking tip to the lead analysis
// (entity extraction and linking), inserted in the tip's transaction.
type TipReceivedArgs struct {
	TipID   int64 `json:"tip_id"`
	AHTUIDs []int `json:"ahtu_ids"`
}

// Kind implements river.JobArgs.
func (TipReceivedArgs) Kind() string { return "ingest.tip_received" }

// HappeningNowWorker is a placeholder that completes HappeningNowArgs jobs
// until package alerts registers the worker that raises the alert. River
// refuses to insert a job kind no worker is registered for, so a process
// that runs workers must register one of the two.
type HappeningNowWorker struct {
	river.WorkerDefaults[HappeningNowArgs]
}

// Work implements river.Worker.
func (*HappeningNowWorker) Work(context.Context, *river.Job[HappeningNowArgs]) error { return nil }

// TipReceivedWorker is a placeholder that completes TipReceivedArgs jobs
// until package analytics registers the lead-linking worker.
type TipReceivedWorker struct {
	river.WorkerDefaults[TipReceivedArgs]
}

// Work implements river.Worker.
func (*TipReceivedWorker) Work(context.Context, *river.Job[TipReceivedArgs]) error { return nil }
