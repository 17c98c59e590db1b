package alerts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/clock"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/notify"
)

// Config holds the alert timings. Zero fields take the defaults. Webhook
// delivery limits are notify.WebhookConfig.
type Config struct {
	// PCRAckTimeout is how long each level of the PCR policy has to
	// acknowledge before the next is paged (VIKALP_ALERT_PCR_ACK_TIMEOUT,
	// 10 min); AHTUAckTimeout the same for the AHTU policy
	// (VIKALP_ALERT_AHTU_ACK_TIMEOUT, 60 min).
	PCRAckTimeout  time.Duration
	AHTUAckTimeout time.Duration
	// PCRPolicy and AHTUPolicy replace the escalation policies of alerts to
	// PCR units (and district control rooms) and to AHTUs (and the AHTU
	// in-charge); nil takes DefaultPCRPolicy and DefaultAHTUPolicy. A
	// level's zero AckWithin takes the policy's timeout above.
	PCRPolicy  EscalationPolicy
	AHTUPolicy EscalationPolicy
}

func (c Config) withDefaults() Config {
	if c.PCRAckTimeout <= 0 {
		c.PCRAckTimeout = 10 * time.Minute
	}
	if c.AHTUAckTimeout <= 0 {
		c.AHTUAckTimeout = 60 * time.Minute
	}
	c.PCRPolicy = c.PCRPolicy.withDefaults(DefaultPCRPolicy, c.PCRAckTimeout)
	c.AHTUPolicy = c.AHTUPolicy.withDefaults(DefaultAHTUPolicy, c.AHTUAckTimeout)
	return c
}

// Deps are the Service's collaborators.
type Deps struct {
	Jobs pg.JobInserter // required: River client used with InsertTx
	// Webhooks queues and delivers the alerts' webhooks; required. Its
	// Renderer is normally a WebhookRenderer on the same db (app.Build).
	Webhooks *notify.Webhooks
	Clock    clock.Clock  // clock.System when nil
	Logger   *slog.Logger // slog.Default() when nil
	Config   Config
}

// Service raises alerts, runs their lifecycle and queues their webhooks.
type Service struct {
	db       pg.DBTX
	jobs     pg.JobInserter
	webhooks *notify.Webhooks
	clock    clock.Clock
	logger   *slog.Logger
	cfg      Config
}

// NewService returns a Service on db (normally the pool). It fails when a
// required dependency is missing: the webhooks are never built here, so
// every alert's webhooks go through the one notify.Webhooks of the graph.
func NewService(db pg.DBTX, d Deps) (*Service, error) {
	if db == nil || d.Jobs == nil || d.Webhooks == nil {
		return nil, errors.New("alerts: db, Jobs and Webhooks are required")
	}
	s := &Service{db: db, jobs: d.Jobs, webhooks: d.Webhooks, clock: d.Clock, logger: d.Logger,
		cfg: d.Config.withDefaults()}
	if s.clock == nil {
		s.clock = clock.System{}
	}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	return s, nil
}

// now is the clock's time at Postgres precision.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// Raise is a request to alert one unit.
type Raise struct {
	Kind        Kind
	Unit        Unit
	DistrictID  int // 0 when none
	Severity    Severity
	DedupKey    string
	Summary     string // public-safe: no names, numbers, text or points
	SummaryHI   string // the same in Hindi
	Link        string // console path to the subject
	SubjectKind string // report, hotspot, lead or complaint
	SubjectID   int64
	H3R8        int64 // 0 when none; staff consoles only
	// Category, Place, PlaceHI and OccurredAt say what, where and when,
	// public-safe (see Alert).
	Category   string
	Place      string
	PlaceHI    string
	OccurredAt time.Time // zero when none
	// Score is a lead's score. With Refresh, a live alert with the same
	// dedup key takes this raise's summaries, place, time and score when
	// the score is higher (an "updated" event), instead of being left as
	// it was.
	Score   *float64
	Refresh bool
}

// RaiseTx raises r in tx: the alert, its "raised" event, webhook deliveries
// to the unit's subscriptions and, for units that must acknowledge, an
// escalation job scheduled at the acknowledgement deadline. When an alert
// with the same dedup key is live, nothing is written and that alert is
// returned with created false.
func (s *Service) RaiseTx(ctx context.Context, tx pgx.Tx, r Raise) (_ Alert, created bool, _ error) {
	raised, err := s.RaiseManyTx(ctx, tx, []Raise{r})
	if err != nil {
		return Alert{}, false, err
	}
	if len(raised) == 1 {
		return raised[0], true, nil
	}
	live, err := NewAlertStore(tx).LiveByDedupKey(ctx, r.DedupKey)
	if err != nil || !r.Refresh {
		return live, false, err
	}
	a, err := s.refresh(ctx, tx, live, r)
	return a, false, err
}

// refresh brings live alert a up to date with r (a rising lead: new score,
// summaries, place and time) when r's score is higher, recording an
// "updated" event, whose commit notifies live consoles and queues webhook
// deliveries. Otherwise a is returned unchanged.
func (s *Service) refresh(ctx context.Context, tx pgx.Tx, a Alert, r Raise) (Alert, error) {
	now := s.now()
	to := s.newAlert(r, now)
	updated, changed, err := NewAlertStore(tx).Refresh(ctx, a.ID, to, now)
	if err != nil || !changed {
		return a, err
	}
	detail := map[string]any{"score": updated.Score}
	if a.Score != nil {
		detail["previous_score"] = *a.Score
	}
	s.logger.InfoContext(ctx, "Alert updated", slog.Int64("alert_id", a.ID), slog.String("kind", string(a.Kind)))
	err = s.record(ctx, tx, updated, Event{Kind: EventUpdated, ActorRole: actorSystem, At: now, Detail: detail})
	return updated, err
}

// RaiseManyTx raises each of rs in tx as RaiseTx does, with one statement
// for all of them (and one for all their webhook deliveries), and returns the alerts it created (a dedup hit creates
// none).
func (s *Service) RaiseManyTx(ctx context.Context, tx pgx.Tx, rs []Raise) ([]Alert, error) {
	now := s.now()
	as := make([]Alert, len(rs))
	for i, r := range rs {
		if !r.Unit.Kind.Valid() {
			return nil, fmt.Errorf("raise alert: unknown unit kind %q", r.Unit.Kind)
		}
		as[i] = s.newAlert(r, now)
	}
	raised, err := NewAlertStore(tx).InsertRaised(ctx, as, now)
	if err != nil {
		return nil, err
	}
	out := make([]Alert, len(raised))
	var targets []notify.WebhookTarget
	for i, r := range raised {
		a := r.Alert
		targets = append(targets, webhookTargets(a, r.EventID)...)
		if a.AckDueAt != nil {
			if err := s.scheduleEscalation(ctx, tx, a); err != nil {
				return nil, err
			}
		}
		s.logger.InfoContext(ctx, "Alert raised", slog.Int64("alert_id", a.ID), slog.String("kind", string(a.Kind)),
			slog.String("unit_kind", string(a.UnitKind)), slog.Int64("unit_id", a.UnitID))
		out[i] = a
	}
	if err := s.webhooks.QueueTx(ctx, tx, targets); err != nil {
		return nil, err
	}
	return out, nil
}

// newAlert is the open alert r asks for, raised at now.
func (s *Service) newAlert(r Raise, now time.Time) Alert {
	a := Alert{Kind: r.Kind, UnitKind: r.Unit.Kind, UnitID: r.Unit.ID, UnitRole: r.Unit.Role,
		Severity: r.Severity, DedupKey: r.DedupKey, Summary: clip(r.Summary, maxSummary),
		SummaryHI: clip(r.SummaryHI, maxSummary), Category: r.Category, Place: clip(r.Place, maxPlace),
		PlaceHI: clip(r.PlaceHI, maxPlace), Link: r.Link, SubjectKind: r.SubjectKind, SubjectID: r.SubjectID,
		Score: r.Score, RaisedAt: now}
	if r.DistrictID != 0 {
		d := r.DistrictID
		a.DistrictID = &d
	}
	if r.H3R8 != 0 {
		c := r.H3R8
		a.H3R8 = &c
	}
	if !r.OccurredAt.IsZero() {
		at := r.OccurredAt.UTC().Truncate(time.Microsecond)
		a.OccurredAt = &at
	}
	if ladder := s.ladder(a); len(ladder) > 0 {
		due := now.Add(ladder[0].AckWithin)
		a.AckDueAt = &due
	}
	return a
}

// Raise is RaiseTx in a transaction of its own.
func (s *Service) Raise(ctx context.Context, r Raise) (a Alert, created bool, err error) {
	err = pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		a, created, err = s.RaiseTx(ctx, tx, r)
		return err
	})
	return a, created, err
}

// record appends e to alert a and queues its webhook deliveries, in tx.
func (s *Service) record(ctx context.Context, tx pgx.Tx, a Alert, e Event) error {
	e.AlertID = a.ID
	id, err := NewAlertStore(tx).AppendEvent(ctx, e)
	if err != nil {
		return err
	}
	return s.webhooks.QueueTx(ctx, tx, webhookTargets(a, id))
}

// actorOf returns the user id and role recorded for p.
func actorOf(p auth.Principal) (*int64, string) {
	id := p.UserID
	return &id, string(p.Role)
}

// AddWorkers registers every River worker of package alerts on workers
// (webhook deliveries are notify's: notify.AddWebhookWorkers), including
// those that turn ingest's "happening now" jobs and analytics'
// hotspot and lead jobs into alerts.
func AddWorkers(workers *river.Workers, s *Service) {
	river.AddWorker(workers, &HappeningNowWorker{Service: s})
	river.AddWorker(workers, &HotspotDetectedWorker{Service: s})
	river.AddWorker(workers, &LeadAlertWorker{Service: s})
	river.AddWorker(workers, &EscalateWorker{Service: s})
}
