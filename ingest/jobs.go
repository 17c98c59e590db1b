package ingest

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// HappeningNowArgs asks for an alert to the PCR unit covering a report
// marked "happening now". The alert is raised in the transaction that
// stores the report (AlertRaiser) or, without one or should that fail, this
// job is inserted there instead, so a committed report always gets its
// alert. It carries ids and the public r8 cell only, never text or the
// exact point.
type HappeningNowArgs struct {
	ReportID   int64 `json:"report_id"`
	PCRUnitID  int64 `json:"pcr_unit_id"` // 0 when no unit is configured
	DistrictID int   `json:"district_id"`
	H3R8       int64 `json:"h3_r8"`
}

// Kind implements river.JobArgs.
func (HappeningNowArgs) Kind() string { return "ingest.happening_now" }

// AlertRaiser raises a happening-now report's alert inside the report's own
// transaction, so the PCR console hears of it at the report's commit, not
// once a worker has fetched and run a job (a second transaction, on a busy
// machine a few hundred milliseconds later). Package alerts implements it;
// ingest does not import alerts.
type AlertRaiser interface {
	RaiseHappeningNowTx(ctx context.Context, tx pgx.Tx, args HappeningNowArgs) error
}

// TipReceivedArgs announces a stored trafficking tip to the lead analysis
// (entity extraction and linking), inserted in the tip's transaction.
type TipReceivedArgs struct {
	TipID   int64 `json:"tip_id"`
	AHTUIDs []int `json:"ahtu_ids"`
}

// Kind implements river.JobArgs.
func (TipReceivedArgs) Kind() string { return "ingest.tip_received" }
