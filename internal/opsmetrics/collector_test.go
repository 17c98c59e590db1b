package opsmetrics_test

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases/casestest"
	"github.com/vikalp/vikalp/internal/opsmetrics"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
)

// scrapeNow is the collector's clock in these tests: every age and every
// "overdue" is measured from it.
var scrapeNow = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

// gather registers c on a fresh registry, gathers once and returns every
// sample as `name{label="value",…}` → value.
func gather(t *testing.T, c prometheus.Collector) map[string]float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	out := map[string]float64{}
	for _, f := range families {
		if f.GetType() != dto.MetricType_GAUGE {
			t.Errorf("%s is a %v, want a gauge", f.GetName(), f.GetType())
		}
		for _, m := range f.GetMetric() {
			out[sampleKey(f.GetName(), m)] = m.GetGauge().GetValue()
		}
	}
	return out
}

func sampleKey(name string, m *dto.Metric) string {
	var labels []string
	for _, l := range m.GetLabel() {
		labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
	}
	sort.Strings(labels)
	if len(labels) == 0 {
		return name
	}
	return name + "{" + strings.Join(labels, ",") + "}"
}

// exec runs fixture SQL (tests write rows the way their owners would, with
// only the columns the collector reads set meaningfully).
func exec(ctx context.Context, t *testing.T, db *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := db.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("fixture %q: %v", strings.Fields(sql)[:3], err)
	}
}

// seedState writes complaints, alerts, SMS, River jobs and analysis runs
// around scrapeNow; the expected numbers are in TestCollectorReadsState.
func seedState(ctx context.Context, t *testing.T, db *pgxpool.Pool) {
	t.Helper()
	f := casestest.Jurisdictions(ctx, t, db)
	complaint := `INSERT INTO complaints (code, secret_hash, status, category, description, language, district_id,
		station_id, filed_by, atr_due_at, sla_stage, created_at, updated_at, closed_at)
		VALUES ($1, decode(repeat('ab', 32), 'hex'), $2, 'stalking', 'a private account of what happened', 'en',
		$3, $4, 'self', $5, $6, $7, $7, $8)`
	day := 24 * time.Hour
	for i, c := range []struct {
		status string
		due    *time.Time
		stage  int
		closed *time.Time
	}{
		{"assigned", ptr(scrapeNow.Add(-time.Hour)), 0, nil},          // overdue, no rung yet
		{"atr_draft", ptr(scrapeNow.Add(-2 * time.Hour)), 0, nil},     // overdue, no rung yet
		{"escalated", ptr(scrapeNow.Add(-40 * time.Hour)), 2, nil},    // overdue, SP rung fired
		{"assigned", ptr(scrapeNow.Add(time.Hour)), 0, nil},           // not yet due
		{"atr_published", ptr(scrapeNow.Add(-3 * time.Hour)), 0, nil}, // ATR delivered: not owed
		{"closed", nil, 3, ptr(scrapeNow.Add(-day))},                  // closed
	} {
		exec(ctx, t, db, complaint, fmt.Sprintf("VK-TEST-%04d", i), c.status, f.DistrictA, f.StationA1,
			c.due, c.stage, scrapeNow.Add(-3*day), c.closed)
	}
	alert := `INSERT INTO alerts (kind, unit_kind, unit_id, severity, dedup_key, summary, subject_kind, state,
		raised_at, updated_at) VALUES ($1, 'pcr_unit', 1, 'critical', $2, 'Report: unsafe place', 'report', $3, $4, $4)`
	exec(ctx, t, db, alert, "report.happening_now", "a1", "open", scrapeNow.Add(-30*time.Minute))
	exec(ctx, t, db, alert, "report.happening_now", "a2", "open", scrapeNow.Add(-5*time.Minute))
	exec(ctx, t, db, alert, "report.happening_now", "a3", "acknowledged", scrapeNow.Add(-50*time.Minute))
	exec(ctx, t, db, alert, "lead.alert", "a4", "open", scrapeNow.Add(-2*time.Hour))
	exec(ctx, t, db, alert, "lead.alert", "a5", "resolved", scrapeNow.Add(-3*time.Hour))
	sms := `INSERT INTO sms_outbox (to_kind, template, body, status, created_at) VALUES ('msp', 'complaint.assigned', 'x', $1, $2)`
	exec(ctx, t, db, sms, "queued", scrapeNow.Add(-20*time.Minute))
	exec(ctx, t, db, sms, "failed", scrapeNow.Add(-2*time.Hour))
	exec(ctx, t, db, sms, "failed", scrapeNow.Add(-3*time.Hour))
	exec(ctx, t, db, sms, "sent", scrapeNow.Add(-time.Hour))
	exec(ctx, t, db, sms, "failed", scrapeNow.Add(-2*day)) // outside the day
	job := `INSERT INTO river_job (args, kind, max_attempts, state, scheduled_at, finalized_at)
		VALUES ('{}', $1, 12, $2, $3, $4)`
	exec(ctx, t, db, job, "cases.sms_drain", "available", scrapeNow.Add(-90*time.Second), nil)
	exec(ctx, t, db, job, "cases.sms_drain", "available", scrapeNow.Add(-10*time.Second), nil)
	exec(ctx, t, db, job, "cases.sla_check", "available", scrapeNow.Add(time.Hour), nil) // not due yet
	exec(ctx, t, db, job, "cases.sla_check", "scheduled", scrapeNow.Add(time.Hour), nil)
	exec(ctx, t, db, job, "alerts.webhook_deliver", "discarded", scrapeNow.Add(-time.Hour), scrapeNow.Add(-time.Hour))
	exec(ctx, t, db, job, "analytics.analyze", "completed", scrapeNow.Add(-time.Hour), scrapeNow.Add(-time.Hour))
	exec(ctx, t, db, job, auth.AuditCheckpointArgs{}.Kind(), "completed", scrapeNow.Add(-2*time.Hour), scrapeNow.Add(-2*time.Hour))
	exec(ctx, t, db, job, auth.AuditCheckpointArgs{}.Kind(), "completed", scrapeNow.Add(-time.Hour), scrapeNow.Add(-50*time.Minute))
	exec(ctx, t, db, job, auth.AuditCheckpointArgs{}.Kind(), "discarded", scrapeNow, scrapeNow) // failed: not a checkpoint
	run := `INSERT INTO analysis_runs (kind, status, started_at, finished_at) VALUES ($1, $2, $3, $4)`
	exec(ctx, t, db, run, "hotspots", "done", scrapeNow.Add(-40*time.Minute), scrapeNow.Add(-35*time.Minute))
	exec(ctx, t, db, run, "hotspots", "failed", scrapeNow.Add(-20*time.Minute), scrapeNow.Add(-19*time.Minute))
	exec(ctx, t, db, run, "hotspots", "running", scrapeNow.Add(-5*time.Minute), nil)
	exec(ctx, t, db, run, "leads", "done", scrapeNow.Add(-3*time.Hour), scrapeNow.Add(-2*time.Hour))
}

func ptr[T any](v T) *T { return &v }

func TestCollectorReadsState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	seedState(ctx, t, db)
	got := gather(t, opsmetrics.NewCollector(db, slog.New(slog.DiscardHandler),
		opsmetrics.Config{Now: func() time.Time { return scrapeNow }}))

	want := map[string]float64{
		`vikalp_ops_metrics_up`:                                                        1,
		`vikalp_complaints_atr_overdue{rung="none"}`:                                   2,
		`vikalp_complaints_atr_overdue{rung="nodal"}`:                                  0,
		`vikalp_complaints_atr_overdue{rung="sp"}`:                                     1,
		`vikalp_complaints_atr_overdue{rung="msp"}`:                                    0,
		`vikalp_alerts_unacknowledged{kind="report.happening_now"}`:                    2,
		`vikalp_alerts_unacknowledged_oldest_age_seconds{kind="report.happening_now"}`: 1800,
		`vikalp_alerts_unacknowledged{kind="lead.alert"}`:                              1,
		`vikalp_alerts_unacknowledged_oldest_age_seconds{kind="lead.alert"}`:           7200,
		`vikalp_alerts_unacknowledged{kind="hotspot.detected"}`:                        0,
		`vikalp_alerts_unacknowledged_oldest_age_seconds{kind="hotspot.detected"}`:     0,
		`vikalp_jobs{state="available"}`:                                               3,
		`vikalp_jobs{state="scheduled"}`:                                               1,
		`vikalp_jobs{state="retryable"}`:                                               0,
		`vikalp_jobs{state="running"}`:                                                 0,
		`vikalp_jobs{state="discarded"}`:                                               2,
		`vikalp_jobs_oldest_available_age_seconds`:                                     90,
		`vikalp_sms_outbox_last_24h{status="queued"}`:                                  1,
		`vikalp_sms_outbox_last_24h{status="sent"}`:                                    1,
		`vikalp_sms_outbox_last_24h{status="failed"}`:                                  2,
		`vikalp_sms_outbox_oldest_queued_age_seconds`:                                  1200,
		`vikalp_analysis_last_finished_timestamp_seconds{kind="hotspots"}`:             float64(scrapeNow.Add(-35 * time.Minute).Unix()),
		`vikalp_analysis_last_finished_timestamp_seconds{kind="leads"}`:                float64(scrapeNow.Add(-2 * time.Hour).Unix()),
		`vikalp_analysis_last_finished_timestamp_seconds{kind="forecast"}`:             0,
		`vikalp_audit_checkpoint_last_timestamp_seconds`:                               float64(scrapeNow.Add(-50 * time.Minute).Unix()),
	}
	for key, v := range want {
		if g, ok := got[key]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", key, g, ok, v)
		}
	}
	// Every sample has a label value from the package's fixed lists: a
	// scrape is the same size whatever the database holds, and nothing of a
	// complaint (its code) reaches Prometheus.
	for key := range got {
		if strings.Contains(key, "VK-") {
			t.Errorf("sample %s carries a complaint code", key)
		}
	}
	if n := len(opsmetrics.SLARungs) + 2*len(opsmetrics.AlertKinds) + len(opsmetrics.JobStates) +
		len(opsmetrics.SMSStatuses) + len(opsmetrics.AnalysisKinds) + 4; len(got) != n {
		t.Errorf("scrape has %d samples, want the fixed %d: %v", len(got), n, got)
	}
}

// TestCollectorEmptyDatabase: a new deployment reports zeros, not gaps, so
// rules on rates and ages have a series from the first scrape.
func TestCollectorEmptyDatabase(t *testing.T) {
	t.Parallel()
	got := gather(t, opsmetrics.NewCollector(pgtest.New(t), slog.New(slog.DiscardHandler),
		opsmetrics.Config{Now: func() time.Time { return scrapeNow }}))
	for key, v := range got {
		if want := map[bool]float64{true: 1, false: 0}[key == "vikalp_ops_metrics_up"]; v != want {
			t.Errorf("%s = %v on an empty database, want %v", key, v, want)
		}
	}
	if _, ok := got[`vikalp_jobs{state="available"}`]; !ok {
		t.Errorf("no vikalp_jobs{state=\"available\"} series on an empty database: %v", got)
	}
}

// TestCollectorDatabaseDown: without a database the scrape still answers,
// with vikalp_ops_metrics_up 0 and no stale numbers.
func TestCollectorDatabaseDown(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	db.Close()
	got := gather(t, opsmetrics.NewCollector(db, slog.New(slog.DiscardHandler), opsmetrics.Config{}))
	if len(got) != 1 || got["vikalp_ops_metrics_up"] != 0 {
		t.Fatalf("scrape without a database = %v, want only vikalp_ops_metrics_up 0", got)
	}
}

// TestDefaultAuditCheckpointJobKind keeps the collector's default in step
// with the job auth really runs.
func TestDefaultAuditCheckpointJobKind(t *testing.T) {
	if got, want := opsmetrics.DefaultAuditCheckpointJobKind, (auth.AuditCheckpointArgs{}).Kind(); got != want {
		t.Fatalf("DefaultAuditCheckpointJobKind = %q, auth's job kind is %q", got, want)
	}
}
