package cases

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/clock"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/jurisdiction"
	"github.com/vikalp/vikalp/notify"
)

// Clock tells the time; tests pass a controllable one.
type Clock = clock.Clock

// SystemClock is the wall clock.
type SystemClock = clock.System

// JobInserter inserts River jobs inside a caller's transaction; cases
// gathers a transaction's jobs and inserts them with one InsertManyTx.
type JobInserter = pg.JobInserter

// Router finds the district and station for a place; *jurisdiction.Service
// and *jurisdiction.RouteStore satisfy it.
type Router interface {
	RouteStation(ctx context.Context, lat, lon float64) (jurisdiction.Routing, error)
	RouteDistrict(ctx context.Context, districtID int) (jurisdiction.Routing, error)
}

// Config holds the lifecycle's timings. Zero fields take the defaults.
type Config struct {
	ATRWindow    time.Duration // ATR due this long after assignment or a pursue (24 h)
	SLAToSP      time.Duration // overdue this long past due → SP (12 h)
	SLAToMSP     time.Duration // overdue this long past due → MSP (24 h)
	NoRatingCall time.Duration // no rating this long after an ATR → MSP call task (72 h)
	CallWithin   time.Duration // call tasks are due this long after they are made (24 h)
	ReplayWindow time.Duration // an idempotent retry gets the secret again within this (24 h)
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.ATRWindow, 24*time.Hour)
	def(&c.SLAToSP, 12*time.Hour)
	def(&c.SLAToMSP, 24*time.Hour)
	def(&c.NoRatingCall, 72*time.Hour)
	def(&c.CallWithin, 24*time.Hour)
	def(&c.ReplayWindow, 24*time.Hour)
	return c
}

// Deps are the Service's collaborators.
type Deps struct {
	Jobs    JobInserter   // required: River client used with InsertTx
	Router  Router        // required: jurisdiction routing
	Keyring *auth.Keyring // required: seals contact details
	Alerts  AlertRaiser   // console alerts for officers and MSP; none when nil
	Photos  PhotoPipeline // complaint photos (ingest's media pipeline); refused when nil
	Clock   Clock         // SystemClock when nil
	Logger  *slog.Logger  // slog.Default() when nil
	Config  Config        // timings; defaults when zero
	// FingerprintKey keys the contact's hash in a filing's idempotency
	// fingerprint (vikalp.ContactFingerprint). Every replica needs the same
	// one: cmd/vikalp derives it from the data key. When nil, a random key
	// of this process (tests).
	FingerprintKey []byte
	// PhoneKeys key the hash of her number kept for inbound STATUS SMS
	// (sms_phone_hash), the current key first: filings hash with it, an
	// inbound message is matched under every key, so a data key rotation
	// does not orphan older complaints while their key is kept. Every
	// replica needs the same keys: cmd/vikalp derives one per data key.
	// When empty, a random key of this process (tests).
	PhoneKeys [][]byte
}

// Service is the complaint lifecycle: filing, tracking, ATRs, vetting,
// ratings, legal review, calls, the SLA ladder and the dashboard.
type Service struct {
	db        pg.DBTX
	jobs      JobInserter
	router    Router
	keyring   *auth.Keyring
	alerts    AlertRaiser
	photos    PhotoPipeline
	clock     Clock
	logger    *slog.Logger
	cfg       Config
	fpKey     []byte
	phoneKeys [][]byte
}

// NewService returns a Service on db (normally the pool).
func NewService(db pg.DBTX, d Deps) *Service {
	s := &Service{db: db, jobs: d.Jobs, router: d.Router, keyring: d.Keyring,
		alerts: d.Alerts, photos: d.Photos, clock: d.Clock, logger: d.Logger, cfg: d.Config.withDefaults(),
		fpKey: d.FingerprintKey, phoneKeys: d.PhoneKeys}
	if s.fpKey == nil {
		s.fpKey = make([]byte, 32)
		_, _ = rand.Read(s.fpKey) // never fails (crypto/rand)
	}
	if len(s.phoneKeys) == 0 {
		key := make([]byte, 32)
		_, _ = rand.Read(key) // never fails (crypto/rand)
		s.phoneKeys = [][]byte{key}
	}
	if s.clock == nil {
		s.clock = SystemClock{}
	}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	return s
}

// now is the clock's time at Postgres precision, so values read back
// compare equal to the ones written.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// txn is one unit of work: the stores on a transaction and its time.
type txn struct {
	tx         pgx.Tx
	now        time.Time
	jobs       []river.InsertManyParams // inserted together just before commit
	events     []Event                  // timeline entries, likewise
	outbox     []notify.OutboxSMS       // SMS rows, likewise (notify's drain sends them)
	notices    []AlertNotice            // console alerts, likewise
	places     map[[2]int64]Place       // station and district names read in this transaction
	complaints *ComplaintStore
	atrs       *ATRStore
	ratings    *RatingStore
	calls      *CallStore
	sms        *notify.Store
}

// inTx runs fn in a transaction with every store bound to it, then inserts
// the timeline events, the SMS rows, the console alerts and the jobs fn
// added, still inside the transaction (a filing queues no job: the SMS
// drain and the SLA sweep find its rows).
func (s *Service) inTx(ctx context.Context, fn func(t *txn) error) error {
	return pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		t := &txn{tx: tx, now: s.now(), complaints: NewComplaintStore(tx), atrs: NewATRStore(tx),
			ratings: NewRatingStore(tx), calls: NewCallStore(tx), sms: notify.NewStore(tx)}
		if err := fn(t); err != nil {
			return err
		}
		var b pgx.Batch // one round trip for the timeline and the SMS rows
		if len(t.events) > 0 {
			if err := QueueEvents(&b, t.events); err != nil {
				return err
			}
		}
		if len(t.outbox) > 0 {
			notify.QueueBatch(&b, t.outbox)
		}
		if b.Len() > 0 {
			if err := tx.SendBatch(ctx, &b).Close(); err != nil {
				return fmt.Errorf("add events and sms: %w", pg.Interpret(err))
			}
		}
		if len(t.notices) > 0 {
			if err := s.alerts.RaiseComplaintsTx(ctx, tx, t.notices); err != nil {
				return fmt.Errorf("raise complaint alerts: %w", err)
			}
		}
		if err := pg.InsertJobsTx(ctx, s.jobs, tx, t.jobs); err != nil {
			return fmt.Errorf("insert %d jobs: %w", len(t.jobs), err)
		}
		return nil
	})
}

// addEvent adds a timeline entry, written with the others before commit
// (a filing writes two; nothing reads the timeline inside its transaction).
func (t *txn) addEvent(e Event) {
	t.events = append(t.events, e)
}

// place returns a station's and district's names, read once a transaction
// (a filing's two officer SMS both name the district).
func (t *txn) place(ctx context.Context, stationID int64, districtID int) (Place, error) {
	key := [2]int64{stationID, int64(districtID)}
	if p, ok := t.places[key]; ok {
		return p, nil
	}
	p, err := t.complaints.Place(ctx, stationID, districtID)
	if err != nil {
		return Place{}, err
	}
	t.knowPlace(stationID, districtID, p)
	return p, nil
}

// knowPlace remembers a station's and district's names for the rest of
// the transaction.
func (t *txn) knowPlace(stationID int64, districtID int, p Place) {
	if t.places == nil {
		t.places = map[[2]int64]Place{}
	}
	t.places[[2]int64{stationID, int64(districtID)}] = p
}

// enqueue adds a job to insert with the transaction's others.
func (t *txn) enqueue(args river.JobArgs, opts *river.InsertOpts) {
	t.jobs = append(t.jobs, river.InsertManyParams{Args: args, InsertOpts: opts})
}

// actor is who acts: an actor kind and, for staff, the user id.
type actor struct {
	kind   Actor
	userID *int64
}

var (
	systemActor      = actor{kind: ActorSystem}
	complainantActor = actor{kind: ActorComplainant}
)

// staffActor returns the actor for a logged-in principal.
func staffActor(p auth.Principal) actor {
	id := p.UserID
	return actor{kind: Actor(p.Role), userID: &id}
}

// step is a transition with its timeline entry.
type step struct {
	to     Status
	by     actor
	kind   string // event kind
	reason string
	public bool
	detail map[string]any
}

// move checks and applies one transition of c and appends its event.
func (t *txn) move(ctx context.Context, c *Complaint, st step, lang Language) error {
	if err := transitionError(c.Status, st.to, st.by.kind, lang); err != nil {
		return err
	}
	if err := t.complaints.SetStatus(ctx, c.ID, st.to, t.now); err != nil {
		return err
	}
	t.moved(c, st)
	return nil
}

// moved records on c's timeline a transition its row already shows (a
// filing inserts the complaint already assigned: one write, not two).
func (t *txn) moved(c *Complaint, st step) {
	from, to := c.Status, st.to
	c.Status = st.to
	t.addEvent(Event{ComplaintID: c.ID, At: t.now, ActorUserID: st.by.userID,
		ActorRole: st.by.kind, Kind: st.kind, FromStatus: &from, ToStatus: &to, Reason: st.reason,
		Public: st.public, Detail: st.detail})
}

// note appends a timeline event that changes no status.
func (t *txn) note(ctx context.Context, c *Complaint, by actor, kind, reason string, public bool,
	detail map[string]any) error {
	t.addEvent(Event{ComplaintID: c.ID, At: t.now, ActorUserID: by.userID,
		ActorRole: by.kind, Kind: kind, Reason: reason, Public: public, Detail: detail})
	return nil
}

// visibility is what p may see: its station, its district or the state.
// Roles without complaint work are ErrForbidden.
func visibility(p auth.Principal) (Visibility, error) {
	switch {
	case p.Role == auth.RoleStation && p.Scope.Kind == auth.ScopeStation:
		id := p.Scope.ID
		return Visibility{StationID: &id}, nil
	case (p.Role == auth.RoleNodal || p.Role == auth.RoleSP) && p.Scope.Kind == auth.ScopeDistrict:
		id := int(p.Scope.ID)
		return Visibility{DistrictID: &id}, nil
	case (p.Role == auth.RoleMSPAnalyst || p.Role == auth.RoleMSPLegal) && p.Scope.Kind == auth.ScopeState:
		return Visibility{}, nil
	}
	return Visibility{}, fmt.Errorf("role %s with scope %s: %w", p.Role, p.Scope.Kind, vikalp.ErrForbidden)
}

// requireRole returns ErrForbidden unless p has one of roles.
func requireRole(p auth.Principal, roles ...auth.Role) error {
	if !p.Has(roles...) {
		return vikalp.Forbiddenf("your role may not do this")
	}
	return nil
}

// lockScoped loads and locks complaint id as p sees it: outside p's scope it
// does not exist (ErrNotFound).
func (s *Service) lockScoped(ctx context.Context, t *txn, p auth.Principal, id int64) (Complaint, error) {
	v, err := visibility(p)
	if err != nil {
		return Complaint{}, err
	}
	return t.complaints.ByIDForUpdate(ctx, id, v)
}
