package opsmetrics

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// Snapshot is the operational state read at one scrape. Every map is keyed
// by a value from this package's fixed lists; a key with no rows is absent
// (the collector reports it as 0).
type Snapshot struct {
	// ATROverdue counts open complaints whose ATR deadline has passed, by
	// how many rungs of the SLA ladder have fired for it (complaints.sla_stage:
	// 0 none yet, 1 nodal, 2 SP, 3 MSP).
	ATROverdue map[int]int64
	// AlertsOpen counts alerts nobody acknowledged yet, by alert kind, and
	// AlertsOldest is when the oldest of each kind was raised.
	AlertsOpen   map[string]int64
	AlertsOldest map[string]time.Time
	// Jobs counts River jobs by non-final state (and discarded ones, which
	// River keeps for a week); OldestAvailable is the scheduled time of the
	// oldest job that is due and waiting for a worker (zero when none).
	Jobs            map[string]int64
	OldestAvailable time.Time
	// SMSLastDay counts SMS created in the 24 hours before the scrape by
	// status; OldestQueuedSMS is when the oldest message still queued was
	// created (zero when none).
	SMSLastDay      map[string]int64
	OldestQueuedSMS time.Time
	// AnalysisFinished is when the newest successful run of each analysis
	// kind finished (absent when none ever did).
	AnalysisFinished map[string]time.Time
	// AuditCheckpoint is when the newest audit checkpoint job completed
	// (zero when none is on record: River keeps completed jobs for a day).
	AuditCheckpoint time.Time
}

// SnapshotStore reads a Snapshot. It writes nothing.
type SnapshotStore struct{ db pg.DBTX }

// NewSnapshotStore returns a SnapshotStore on db.
func NewSnapshotStore(db pg.DBTX) *SnapshotStore { return &SnapshotStore{db: db} }

// atrOverdueSQL is served by complaints_atr_due_idx (partial on atr_due_at
// IS NOT NULL, which atr_due_at < $1 implies): it reads only the overdue
// complaints, never the whole table. The states are the ones an ATR is owed
// in, as in cases' SLA sweep and dashboard.
const atrOverdueSQL = `
SELECT sla_stage::int AS stage, count(*) AS n FROM complaints
WHERE atr_due_at < $1 AND status IN ('assigned', 'atr_draft', 'escalated')
GROUP BY sla_stage`

// alertsOpenSQL reads open alerts through alerts_dedup_live_idx (partial on
// the live states, which state = 'open' implies).
const alertsOpenSQL = `
SELECT kind AS key, count(*) AS n, min(raised_at) AS oldest FROM alerts
WHERE state = 'open' GROUP BY kind`

// jobsSQL counts River jobs in the states that make a backlog, through
// river_job_prioritized_fetching_index (state first). Completed jobs, the
// bulk of the table, are never counted.
const jobsSQL = `
SELECT state::text AS key, count(*) AS n FROM river_job
WHERE state IN ('available', 'scheduled', 'retryable', 'running', 'discarded')
GROUP BY state`

// oldestAvailableJobSQL is the same index, available jobs only.
const oldestAvailableJobSQL = `
SELECT min(scheduled_at) FROM river_job WHERE state = 'available' AND scheduled_at <= $1`

// smsLastDaySQL reads one day of the outbox through sms_outbox_created_idx.
const smsLastDaySQL = `
SELECT status AS key, count(*) AS n FROM sms_outbox
WHERE created_at > $1::timestamptz - interval '24 hours' GROUP BY status`

// oldestQueuedSMSSQL reads the queued messages only, through the partial
// sms_outbox_due_idx. A message to a complainant that waits for her safe
// callback window (next_attempt_at ahead, never tried) is not late: it is
// left out until due, then counted from when it became due.
const oldestQueuedSMSSQL = `SELECT min(CASE WHEN attempts = 0 THEN greatest(created_at, next_attempt_at) ELSE created_at END)
	FROM sms_outbox WHERE status = 'queued' AND (attempts > 0 OR next_attempt_at <= $1)`

// analysisFinishedSQL takes, for each kind, the newest finished run from
// analysis_runs_kind_idx (kind, id DESC): a few index rows per kind.
const analysisFinishedSQL = `
SELECT k.kind AS key, (SELECT r.finished_at FROM analysis_runs r
    WHERE r.kind = k.kind AND r.status = 'done' ORDER BY r.id DESC LIMIT 1) AS at
FROM unnest($1::text[]) AS k(kind)`

// auditCheckpointSQL reads the checkpoint job's rows through river_job_kind:
// one an hour, kept for a day.
const auditCheckpointSQL = `
SELECT max(finalized_at) FROM river_job WHERE kind = $1 AND state = 'completed'`

type keyCount struct {
	Key    string     `db:"key"`
	N      int64      `db:"n"`
	Oldest *time.Time `db:"oldest"`
}

type stageCount struct {
	Stage int   `db:"stage"`
	N     int64 `db:"n"`
}

type keyTime struct {
	Key string     `db:"key"`
	At  *time.Time `db:"at"`
}

// Read takes a snapshot as of now in one read-only transaction, so the
// numbers of one scrape agree with each other. analysisKinds are the
// analysis_runs kinds to report; checkpointKind is the River job kind of
// the audit checkpoint.
func (s *SnapshotStore) Read(ctx context.Context, now time.Time, analysisKinds []string, checkpointKind string) (Snapshot, error) {
	var snap Snapshot
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET TRANSACTION READ ONLY"); err != nil {
			return fmt.Errorf("make snapshot read-only: %w", err)
		}
		return readSnapshot(ctx, tx, now, analysisKinds, checkpointKind, &snap)
	})
	if err != nil {
		return Snapshot{}, fmt.Errorf("read operations snapshot: %w", pg.Interpret(err))
	}
	return snap, nil
}

func readSnapshot(ctx context.Context, tx pgx.Tx, now time.Time, kinds []string, checkpointKind string, snap *Snapshot) error {
	overdue, err := pg.QueryAll(ctx, tx, pgx.RowToStructByName[stageCount], atrOverdueSQL, now)
	if err != nil {
		return fmt.Errorf("count overdue ATRs: %w", err)
	}
	snap.ATROverdue = make(map[int]int64, len(overdue))
	for _, r := range overdue {
		snap.ATROverdue[r.Stage] = r.N
	}
	alerts, err := pg.QueryAll(ctx, tx, pgx.RowToStructByName[keyCount], alertsOpenSQL)
	if err != nil {
		return fmt.Errorf("count open alerts: %w", err)
	}
	snap.AlertsOpen, snap.AlertsOldest = counts(alerts), oldest(alerts)
	jobs, err := pg.QueryAll(ctx, tx, pgx.RowToStructByNameLax[keyCount], jobsSQL)
	if err != nil {
		return fmt.Errorf("count jobs: %w", err)
	}
	snap.Jobs = counts(jobs)
	if snap.OldestAvailable, err = minTime(ctx, tx, oldestAvailableJobSQL, now); err != nil {
		return fmt.Errorf("find oldest available job: %w", err)
	}
	sms, err := pg.QueryAll(ctx, tx, pgx.RowToStructByNameLax[keyCount], smsLastDaySQL, now)
	if err != nil {
		return fmt.Errorf("count SMS: %w", err)
	}
	snap.SMSLastDay = counts(sms)
	if snap.OldestQueuedSMS, err = minTime(ctx, tx, oldestQueuedSMSSQL, now); err != nil {
		return fmt.Errorf("find oldest queued SMS: %w", err)
	}
	runs, err := pg.QueryAll(ctx, tx, pgx.RowToStructByName[keyTime], analysisFinishedSQL, kinds)
	if err != nil {
		return fmt.Errorf("find finished analysis runs: %w", err)
	}
	snap.AnalysisFinished = make(map[string]time.Time, len(runs))
	for _, r := range runs {
		if r.At != nil {
			snap.AnalysisFinished[r.Key] = *r.At
		}
	}
	if snap.AuditCheckpoint, err = minTime(ctx, tx, auditCheckpointSQL, checkpointKind); err != nil {
		return fmt.Errorf("find last audit checkpoint: %w", err)
	}
	return nil
}

// minTime runs a query returning one nullable timestamp; NULL is the zero
// time.
func minTime(ctx context.Context, tx pgx.Tx, sql string, args ...any) (time.Time, error) {
	var at *time.Time
	if err := tx.QueryRow(ctx, sql, args...).Scan(&at); err != nil {
		return time.Time{}, err
	}
	if at == nil {
		return time.Time{}, nil
	}
	return *at, nil
}

func counts(rows []keyCount) map[string]int64 {
	m := make(map[string]int64, len(rows))
	for _, r := range rows {
		m[r.Key] = r.N
	}
	return m
}

func oldest(rows []keyCount) map[string]time.Time {
	m := make(map[string]time.Time, len(rows))
	for _, r := range rows {
		if r.Oldest != nil {
			m[r.Key] = *r.Oldest
		}
	}
	return m
}
