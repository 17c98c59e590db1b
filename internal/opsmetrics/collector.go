package opsmetrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vikalp/vikalp/internal/pg"
)

// The fixed label values. A row whose value is not listed (a state added by
// a later migration) is not exported until it is added here, so no label
// ever takes a value from the data.
var (
	// SLARungs names complaints.sla_stage 0–3: the rungs of the SLA ladder
	// that have fired for an overdue ATR.
	SLARungs = []string{"none", "nodal", "sp", "msp"}
	// AlertKinds are the kinds of alerts.kind.
	AlertKinds = []string{"report.happening_now", "hotspot.detected", "lead.alert",
		"complaint.assigned", "complaint.atr_overdue", "complaint.escalated"}
	// JobStates are the River job states counted as a backlog (and
	// discarded, jobs that gave up).
	JobStates = []string{"available", "scheduled", "retryable", "running", "discarded"}
	// SMSStatuses are the statuses of sms_outbox.status.
	SMSStatuses = []string{"queued", "sent", "failed", "held"}
	// AnalysisKinds are the periodic analyses whose last finish is exported
	// (analysis_runs.kind; backtests run by hand are left out).
	AnalysisKinds = []string{"hotspots", "leads", "forecast"}
)

// DefaultAuditCheckpointJobKind is the River kind of the audit checkpoint
// job (auth.AuditCheckpointArgs; package internal cannot import auth, a
// test keeps them equal).
const DefaultAuditCheckpointJobKind = "auth.audit_checkpoint"

// Config tunes a Collector.
type Config struct {
	// Timeout bounds one scrape's queries; default 2 s.
	Timeout time.Duration
	// AuditCheckpointJobKind is the audit checkpoint job's River kind;
	// default DefaultAuditCheckpointJobKind.
	AuditCheckpointJobKind string
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Collector is a prometheus.Collector that reads a Snapshot from the
// database at every scrape.
type Collector struct {
	store  *SnapshotStore
	logger *slog.Logger
	cfg    Config
}

// NewCollector returns a Collector on db. Register it only on the registry
// served on VIKALP_METRICS_ADDR.
func NewCollector(db pg.DBTX, logger *slog.Logger, cfg Config) *Collector {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 2 * time.Second
	}
	if cfg.AuditCheckpointJobKind == "" {
		cfg.AuditCheckpointJobKind = DefaultAuditCheckpointJobKind
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &Collector{store: NewSnapshotStore(db), logger: logger, cfg: cfg}
}

// The exported metrics, documented in their help text.
var (
	upDesc = prometheus.NewDesc("vikalp_ops_metrics_up",
		"1 when the operational metrics below could be read from the database at this scrape, 0 when not.", nil, nil)
	atrOverdueDesc = prometheus.NewDesc("vikalp_complaints_atr_overdue",
		"Open complaints whose Action Taken Report is past its deadline, by the last SLA ladder rung that fired (none, nodal, sp, msp).",
		[]string{"rung"}, nil)
	alertsOpenDesc = prometheus.NewDesc("vikalp_alerts_unacknowledged",
		"Alerts nobody has acknowledged yet, by alert kind.", []string{"kind"}, nil)
	alertsOldestDesc = prometheus.NewDesc("vikalp_alerts_unacknowledged_oldest_age_seconds",
		"Age of the oldest unacknowledged alert of each kind (0 when none).", []string{"kind"}, nil)
	jobsDesc = prometheus.NewDesc("vikalp_jobs",
		"Background (River) jobs by state: available (due, waiting for a worker), scheduled, retryable, running, discarded (gave up; kept a week).",
		[]string{"state"}, nil)
	jobsOldestDesc = prometheus.NewDesc("vikalp_jobs_oldest_available_age_seconds",
		"How long the oldest due job has waited for a worker (0 when none waits).", nil, nil)
	smsDesc = prometheus.NewDesc("vikalp_sms_outbox_last_24h",
		"SMS created in the last 24 hours by status: queued (not yet delivered), sent, failed (gave up).",
		[]string{"status"}, nil)
	smsOldestDesc = prometheus.NewDesc("vikalp_sms_outbox_oldest_queued_age_seconds",
		"Age of the oldest SMS still queued for delivery (0 when none).", nil, nil)
	analysisDesc = prometheus.NewDesc("vikalp_analysis_last_finished_timestamp_seconds",
		"Unix time the newest successful run of each periodic analysis finished (0 when none ever did).",
		[]string{"kind"}, nil)
	checkpointDesc = prometheus.NewDesc("vikalp_audit_checkpoint_last_timestamp_seconds",
		"Unix time the newest signed audit-chain checkpoint was published (0 when none in the last day).", nil, nil)
)

// Describe sends every metric's description.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{upDesc, atrOverdueDesc, alertsOpenDesc, alertsOldestDesc, jobsDesc,
		jobsOldestDesc, smsDesc, smsOldestDesc, analysisDesc, checkpointDesc} {
		ch <- d
	}
}

// Collect reads a snapshot under the timeout and sends it. When the
// database does not answer it sends vikalp_ops_metrics_up 0 only and logs
// why (the error names a query, never data).
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.Timeout)
	defer cancel()
	now := c.cfg.Now()
	snap, err := c.store.Read(ctx, now, AnalysisKinds, c.cfg.AuditCheckpointJobKind)
	if err != nil {
		c.logger.Warn("Operational metrics unavailable", slog.String("error", err.Error()))
		ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 1)
	for stage, rung := range SLARungs {
		gauge(ch, atrOverdueDesc, float64(snap.ATROverdue[stage]), rung)
	}
	for _, kind := range AlertKinds {
		gauge(ch, alertsOpenDesc, float64(snap.AlertsOpen[kind]), kind)
		gauge(ch, alertsOldestDesc, age(now, snap.AlertsOldest[kind]), kind)
	}
	for _, state := range JobStates {
		gauge(ch, jobsDesc, float64(snap.Jobs[state]), state)
	}
	gauge(ch, jobsOldestDesc, age(now, snap.OldestAvailable))
	for _, status := range SMSStatuses {
		gauge(ch, smsDesc, float64(snap.SMSLastDay[status]), status)
	}
	gauge(ch, smsOldestDesc, age(now, snap.OldestQueuedSMS))
	for _, kind := range AnalysisKinds {
		gauge(ch, analysisDesc, unix(snap.AnalysisFinished[kind]), kind)
	}
	gauge(ch, checkpointDesc, unix(snap.AuditCheckpoint))
}

func gauge(ch chan<- prometheus.Metric, d *prometheus.Desc, v float64, labels ...string) {
	ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
}

// age is how long before now at was, in seconds; 0 for the zero time.
func age(now, at time.Time) float64 {
	if at.IsZero() {
		return 0
	}
	return max(now.Sub(at).Seconds(), 0)
}

// unix is at as Unix seconds (fractional); 0 for the zero time.
func unix(at time.Time) float64 {
	if at.IsZero() {
		return 0
	}
	return float64(at.UnixMilli()) / 1000
}
