package ingest

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
