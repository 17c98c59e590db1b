package ingest

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"time"

	"gocloud.dev/blob"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/clock"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/jurisdiction"
)

// JobInserter inserts River jobs inside a caller's transaction.
type JobInserter = pg.JobInserter

// Router finds the units responsible for a location; *jurisdiction.Service
// and *jurisdiction.RouteStore satisfy it. Ingest calls it with the
// transaction's own store so routing sees the same snapshot.
type Router interface {
	Route(ctx context.Context, lat, lon float64) (jurisdiction.Routing, error)
}

// Config holds the intake rules. Zero fields take the defaults.
type Config struct {
	Media           MediaConfig   // photo limits and derivative sizes
	DuplicateWindow time.Duration // same category within this and DuplicateRadius → duplicate (24 h)
	// DuplicateRadius (metres, default 50, at most MaxDuplicateRadius) is
	// how near a standing report of the same category must be for a new one
	// to be linked to it as a duplicate.
	DuplicateRadius float64
	// PublicMinReports is k: a public listing shows a report's position only
	// as a cell holding at least k distinct approved reports (default 3).
	PublicMinReports int
}

func (c Config) withDefaults() Config {
	c.Media = c.Media.withDefaults()
	if c.DuplicateWindow <= 0 {
		c.DuplicateWindow = 24 * time.Hour
	}
	if c.DuplicateRadius <= 0 {
		c.DuplicateRadius = 50
	}
	c.DuplicateRadius = min(c.DuplicateRadius, MaxDuplicateRadius)
	if c.PublicMinReports <= 0 {
		c.PublicMinReports = 3
	}
	return c
}

// Deps are the Service's collaborators.
type Deps struct {
	Bucket  *blob.Bucket  // required: where media blobs go
	Keyring *auth.Keyring // required: seals originals and tip contacts
	Jobs    JobInserter   // required: River client used with InsertTx
	Alerts  AlertRaiser   // happening-now alerts in the report's transaction; by job when nil
	Clock   clock.Clock   // clock.System when nil
	Logger  *slog.Logger  // slog.Default() when nil
	Config  Config        // defaults when zero
	// FingerprintKey keys the contact's hash in a tip's idempotency
	// fingerprint (vikalp.ContactFingerprint). Every replica needs the same
	// one: cmd/vikalp derives it from the data key. When nil, a random key
	// of this process (tests).
	FingerprintKey []byte
}

// Service takes in hotspot reports and trafficking tips with their photos,
// moderates reports and serves photos to those allowed to see them.
type Service struct {
	db       pg.DBTX
	bucket   *blob.Bucket
	keyring  *auth.Keyring
	jobs     JobInserter
	alerts   AlertRaiser
	clock    clock.Clock
	logger   *slog.Logger
	cfg      Config
	pipeline *Pipeline
	fpKey    []byte
}

// NewService returns a Service on db (normally the pool). It fails when a
// required dependency is missing.
func NewService(db pg.DBTX, d Deps) (*Service, error) {
	if db == nil || d.Bucket == nil || d.Keyring == nil || d.Jobs == nil {
		return nil, errors.New("ingest: db, Bucket, Keyring and Jobs are required")
	}
	s := &Service{db: db, bucket: d.Bucket, keyring: d.Keyring, jobs: d.Jobs, alerts: d.Alerts,
		clock: d.Clock, logger: d.Logger, cfg: d.Config.withDefaults(), fpKey: d.FingerprintKey}
	if s.fpKey == nil {
		s.fpKey = make([]byte, 32)
		_, _ = rand.Read(s.fpKey) // never fails (crypto/rand)
	}
	if s.clock == nil {
		s.clock = clock.System{}
	}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	s.pipeline = NewPipeline(s.cfg.Media)
	return s, nil
}

// Config returns the effective configuration (defaults filled in).
func (s *Service) Config() Config { return s.cfg }

// now is the clock's time at Postgres precision.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// router returns the jurisdiction routing on db (a transaction).
func router(db pg.DBTX) Router { return jurisdiction.NewRouteStore(db) }
