package notify

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/clock"
	"github.com/vikalp/vikalp/internal/pg"
)

// SMS delivery. A transaction queues its rows in sms_outbox and nothing
// else; DrainSMS, run by the periodic SMSDrainArgs job on any worker, sends
// every row that is due. One River job per filing cost more than the
// messages (a job row is written three times, each time into seven
// indexes), and a drain sends a burst of filings' messages with one read
// and one update.
const (
	// smsBatch rows are locked and sent per transaction.
	smsBatch = 100
	// smsBatchTime bounds how long a drain transaction keeps sending (a
	// slow gateway): the rest stay queued for the next one.
	smsBatchTime = 20 * time.Second
	// smsMaxAttempts bounds delivery attempts; the row is then failed.
	smsMaxAttempts = 5
	// smsFirstRetry is the wait after a first failure, doubled after each.
	smsFirstRetry = 30 * time.Second
)

// PhoneOpener opens the sealed number of an outbox row of one recipient
// kind, writing the decryption to the audit log first. The package that
// sealed the number implements it (cases for ToComplainant, ingest for
// ToReporter): only it knows the code the number is bound to.
type PhoneOpener interface {
	OpenPhone(ctx context.Context, m OutboxSMS) (string, error)
}

// Scheduler is implemented by a PhoneOpener whose recipients may be
// messaged only at some times (a complainant's safe callback window): a
// failed attempt's retry moves to the first allowed instant at or after
// the backoff, as the first attempt did when the row was queued.
type Scheduler interface {
	NextSendTime(ctx context.Context, m OutboxSMS, at time.Time) (time.Time, error)
}

// Deps are the Service's collaborators.
type Deps struct {
	Provider Provider // SMS delivery; RecordingProvider when nil
	// Openers open sealed numbers by recipient kind (OutboxSMS.ToKind); a
	// row with a number and no opener fails its attempt.
	Openers map[string]PhoneOpener
	Clock   clock.Clock  // clock.System when nil
	Logger  *slog.Logger // slog.Default() when nil
}

// Service drains the SMS outbox to its Provider.
type Service struct {
	db       pg.DBTX
	provider Provider
	openers  map[string]PhoneOpener
	clock    clock.Clock
	logger   *slog.Logger
}

// NewService returns a Service on db (normally the pool).
func NewService(db pg.DBTX, d Deps) *Service {
	s := &Service{db: db, provider: d.Provider, openers: d.Openers, clock: d.Clock, logger: d.Logger}
	if s.provider == nil {
		s.provider = &RecordingProvider{}
	}
	if s.clock == nil {
		s.clock = clock.System{}
	}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	return s
}

// now is the clock's time at Postgres precision.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// DrainSMS sends every queued row that is due, a batch per transaction, and
// returns how many were sent. A row that fails is tried again after
// smsFirstRetry, doubling, and marked failed after smsMaxAttempts. Opening
// a number is audited (by its PhoneOpener). Rows another drain holds are
// left to it, so workers share the outbox; a drain that dies before commit
// leaves its rows queued (a message may then go twice, never not at all).
func (s *Service) DrainSMS(ctx context.Context) (int, error) {
	total := 0
	for {
		sent, more, err := s.drainBatch(ctx)
		total += sent
		if err != nil || !more {
			return total, err
		}
	}
}

// drainBatch locks up to smsBatch due rows, sends them for at most
// smsBatchTime and records the results; more reports that due rows may
// remain.
func (s *Service) drainBatch(ctx context.Context) (sent int, more bool, _ error) {
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		store := NewStore(tx)
		now := s.now()
		due, err := store.LockDue(ctx, now, smsBatch)
		if err != nil {
			return err
		}
		more = len(due) == smsBatch
		if holds(s.provider) {
			return s.holdAll(ctx, store, due)
		}
		stop := time.Now().Add(smsBatchTime)
		var ok []int64
		for _, m := range due {
			if time.Now().After(stop) {
				more = true
				break
			}
			if err := s.send(ctx, m); err != nil {
				if err := s.recordFailure(ctx, store, m, err, now); err != nil {
					return err
				}
				continue
			}
			ok = append(ok, m.ID)
		}
		if len(ok) > 0 {
			if err := store.MarkSent(ctx, ok, s.provider.Name(), now); err != nil {
				return err
			}
		}
		sent = len(ok)
		return nil
	})
	if err != nil {
		return 0, false, fmt.Errorf("drain sms: %w", err)
	}
	return sent, more, nil
}

// holdAll marks due rows held: without a gateway nothing is sent and no
// number is opened.
func (s *Service) holdAll(ctx context.Context, store *Store, due []OutboxSMS) error {
	if len(due) == 0 {
		return nil
	}
	ids := make([]int64, len(due))
	for i, m := range due {
		ids[i] = m.ID
	}
	return store.MarkHeld(ctx, ids, s.provider.Name())
}

// recordFailure counts a failed attempt of m: tried again after the
// backoff, or failed for good after smsMaxAttempts.
func (s *Service) recordFailure(ctx context.Context, store *Store, m OutboxSMS, sendErr error, now time.Time) error {
	text := sendErr.Error()
	if len(text) > 200 {
		text = text[:200]
	}
	attempt := m.Attempts + 1
	s.logger.WarnContext(ctx, "SMS not delivered", slog.Int64("sms_outbox_id", m.ID),
		slog.Int("attempt", attempt), slog.String("provider", s.provider.Name()))
	retryAt := now.Add(smsFirstRetry << min(attempt-1, 10))
	if sch, ok := s.openers[m.ToKind].(Scheduler); ok && m.PhoneSealed != nil {
		var err error
		if retryAt, err = sch.NextSendTime(ctx, m, retryAt); err != nil {
			return err
		}
	}
	return store.MarkAttemptFailed(ctx, m.ID, s.provider.Name(), text, attempt >= smsMaxAttempts, retryAt)
}

// send hands one outbox row to the provider, opening the number first
// (through the opener of its recipient kind) when the row carries one.
func (s *Service) send(ctx context.Context, m OutboxSMS) error {
	msg := SMS{OutboxID: m.ID, ToKind: m.ToKind, ToRole: m.ToRole, DistrictID: m.DistrictID,
		Template: m.Template, Body: m.Body}
	if m.PhoneSealed != nil {
		opener := s.openers[m.ToKind]
		if opener == nil {
			return fmt.Errorf("sms %d to %s has a phone and no opener", m.ID, m.ToKind)
		}
		var err error
		if msg.Phone, err = opener.OpenPhone(ctx, m); err != nil {
			return err
		}
	}
	return s.provider.Send(ctx, msg)
}
