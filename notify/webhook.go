package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/clock"
	"github.com/vikalp/vikalp/internal/netguard"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/text"
)

// WebhookConfig holds the webhook delivery limits. Zero fields take the
// defaults.
type WebhookConfig struct {
	MaxAttempts int           // attempts before a delivery is dead (8)
	Timeout     time.Duration // one webhook request (10 s)
	// Backoff is the first retry delay; each further one doubles, up to an
	// hour (5 s).
	Backoff time.Duration
	// AllowNets are internal networks webhook receivers may be on
	// (VIKALP_WEBHOOK_ALLOW_NETS); every other loopback, private,
	// link-local or special-purpose address is refused (internal/netguard).
	AllowNets []netip.Prefix
}

func (c WebhookConfig) withDefaults() WebhookConfig {
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 8
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	if c.Backoff <= 0 {
		c.Backoff = 5 * time.Second
	}
	return c
}

// WebhookMessage is what one delivery sends: the body and the public id of
// its event (EventHeader).
type WebhookMessage struct {
	EventID int64
	Body    []byte
}

// WebhookRenderer renders the message of delivery d when it is attempted.
// The package whose events are delivered implements it (alerts): notify
// owns delivery, not wording.
type WebhookRenderer interface {
	RenderWebhook(ctx context.Context, d Delivery) (WebhookMessage, error)
}

// WebhookDeps are the Webhooks' collaborators.
type WebhookDeps struct {
	Jobs     pg.JobInserter  // required: River client used with InsertTx
	Keyring  *auth.Keyring   // required: seals signing secrets
	Renderer WebhookRenderer // required: renders a delivery's body
	Clock    clock.Clock     // clock.System when nil
	Logger   *slog.Logger    // slog.Default() when nil
	HTTP     *http.Client    // a netguard client with Config.Timeout when nil
	Config   WebhookConfig
}

// Webhooks stores webhook subscriptions, queues deliveries and sends them,
// signed, under the recorded allow-list.
type Webhooks struct {
	db       pg.DBTX
	jobs     pg.JobInserter
	keyring  *auth.Keyring
	renderer WebhookRenderer
	clock    clock.Clock
	logger   *slog.Logger
	http     *http.Client
	guard    netguard.Policy
	cfg      WebhookConfig
}

// NewWebhooks returns Webhooks on db (normally the pool).
func NewWebhooks(db pg.DBTX, d WebhookDeps) *Webhooks {
	w := &Webhooks{db: db, jobs: d.Jobs, keyring: d.Keyring, renderer: d.Renderer, clock: d.Clock,
		logger: d.Logger, http: d.HTTP, cfg: d.Config.withDefaults(), guard: netguard.Policy{Allow: d.Config.AllowNets}}
	if w.clock == nil {
		w.clock = clock.System{}
	}
	if w.logger == nil {
		w.logger = slog.Default()
	}
	if w.http == nil {
		w.http = w.guard.Client(w.cfg.Timeout)
	}
	return w
}

// now is the clock's time at Postgres precision.
func (w *Webhooks) now() time.Time { return w.clock.Now().UTC().Truncate(time.Microsecond) }

// secretAAD binds a sealed secret to its subscription's URL.
func secretAAD(u string) []byte { return []byte("webhook_secret:" + u) }

// NewSubscription is an admin's request to subscribe a unit. The unit is
// the subscribing package's (alerts' unit kinds), checked there.
type NewSubscription struct {
	UnitKind    string
	UnitID      int64
	URL         string
	Description string
}

// CreateSubscription subscribes a unit's endpoint and returns the
// subscription with its signing secret, shown this once. Admins only.
func (w *Webhooks) CreateSubscription(ctx context.Context, p auth.Principal, in NewSubscription) (Subscription, string, error) {
	if !p.Has(auth.RoleAdmin) {
		return Subscription{}, "", vikalp.Forbiddenf("only an administrator manages webhooks")
	}
	u, err := url.Parse(in.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || len(in.URL) > 500 {
		return Subscription{}, "", vikalp.InvalidField("url", "bad_url", "the URL must be an absolute http(s) URL without credentials")
	}
	if err := w.guard.CheckHost(u.Hostname()); err != nil {
		return Subscription{}, "", vikalp.InvalidField("url", "internal_address",
			"the URL points at an internal address; allow its network with VIKALP_WEBHOOK_ALLOW_NETS if the receiver really is there")
	}
	description, err := text.Field("description", in.Description, maxDescription)
	if err != nil {
		return Subscription{}, "", err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return Subscription{}, "", fmt.Errorf("generate webhook secret: %w", err)
	}
	secret := "whsec_" + hex.EncodeToString(raw[:])
	sealed, err := w.keyring.Seal([]byte(secret), secretAAD(in.URL))
	if err != nil {
		return Subscription{}, "", fmt.Errorf("seal webhook secret: %w", err)
	}
	by := p.UserID
	var sub Subscription
	err = pg.WithTx(ctx, w.db, func(tx pgx.Tx) error {
		sub, err = NewWebhookStore(tx).InsertSubscription(ctx, Subscription{UnitKind: in.UnitKind, UnitID: in.UnitID,
			URL: in.URL, SecretSealed: sealed, Description: description, CreatedBy: &by, CreatedAt: w.now()})
		if err != nil {
			return err
		}
		_, err = auth.Append(ctx, tx, auth.EntryBy(p, "webhook.created", "webhook_subscription", sub.ID,
			map[string]any{"unit_kind": in.UnitKind, "unit_id": in.UnitID, "host": u.Hostname()}))
		return err
	})
	if err != nil {
		return Subscription{}, "", err
	}
	return sub, secret, nil
}

// Subscriptions lists every webhook subscription. Admins only.
func (w *Webhooks) Subscriptions(ctx context.Context, p auth.Principal) ([]Subscription, error) {
	if !p.Has(auth.RoleAdmin) {
		return nil, vikalp.Forbiddenf("only an administrator manages webhooks")
	}
	return NewWebhookStore(w.db).Subscriptions(ctx)
}

// maxDescription bounds a subscription's description (characters).
const maxDescription = 200

// SetSubscription turns subscription id on or off and, unless description
// is nil, sets its description; audited as "webhook.updated". Admins only.
func (w *Webhooks) SetSubscription(ctx context.Context, p auth.Principal, id int64, active bool, description *string) (Subscription, error) {
	if description != nil {
		d, err := text.Field("description", *description, maxDescription)
		if err != nil {
			return Subscription{}, err
		}
		description = &d
	}
	return w.changeSubscription(ctx, p, id, active, description, "webhook.updated")
}

// DeleteSubscription deactivates subscription id (its deliveries keep it);
// audited as "webhook.deleted". Admins only.
func (w *Webhooks) DeleteSubscription(ctx context.Context, p auth.Principal, id int64) (Subscription, error) {
	return w.changeSubscription(ctx, p, id, false, nil, "webhook.deleted")
}

// changeSubscription stores a change to subscription id and its audit entry
// (action) in one transaction.
func (w *Webhooks) changeSubscription(ctx context.Context, p auth.Principal, id int64, active bool, description *string,
	action string) (Subscription, error) {
	if !p.Has(auth.RoleAdmin) {
		return Subscription{}, vikalp.Forbiddenf("only an administrator manages webhooks")
	}
	var sub Subscription
	err := pg.WithTx(ctx, w.db, func(tx pgx.Tx) error {
		var err error
		if sub, err = NewWebhookStore(tx).SetSubscription(ctx, id, active, description, w.now()); err != nil {
			return err
		}
		_, err = auth.Append(ctx, tx, auth.EntryBy(p, action, "webhook_subscription", id,
			map[string]any{"active": active, "description_changed": description != nil}))
		return err
	})
	return sub, err
}

// Deliveries lists webhook deliveries, dead letters included. Admins only.
func (w *Webhooks) Deliveries(ctx context.Context, p auth.Principal, status string, beforeID int64, limit int) ([]Delivery, error) {
	if !p.Has(auth.RoleAdmin) {
		return nil, vikalp.Forbiddenf("only an administrator sees deliveries")
	}
	return NewWebhookStore(w.db).Deliveries(ctx, status, beforeID, limit)
}

// Resend makes delivery id pending again and queues a new delivery job,
// whatever its status was. Admins only.
func (w *Webhooks) Resend(ctx context.Context, p auth.Principal, id int64) (Delivery, error) {
	if !p.Has(auth.RoleAdmin) {
		return Delivery{}, vikalp.Forbiddenf("only an administrator re-sends deliveries")
	}
	var d Delivery
	err := pg.WithTx(ctx, w.db, func(tx pgx.Tx) error {
		var err error
		if d, err = NewWebhookStore(tx).Reset(ctx, id, w.now(), p.UserID); err != nil {
			return err
		}
		if _, err = auth.Append(ctx, tx, auth.EntryBy(p, "webhook.resend", "delivery", id, nil)); err != nil {
			return err
		}
		return w.insertDeliveryJobs(ctx, tx, id)
	})
	return d, err
}

// WebhookTarget sends event EventID (an alert_events row id) to every
// active subscription of one unit.
type WebhookTarget struct {
	EventID  int64
	UnitKind string
	UnitID   int64
}

// QueueTx creates, in tx, a pending delivery per target and active
// subscription of its unit (one per event and subscription), each with its
// River job; the caller decides which units an event goes to. One
// statement for all targets.
func (w *Webhooks) QueueTx(ctx context.Context, tx pgx.Tx, targets []WebhookTarget) error {
	if len(targets) == 0 {
		return nil
	}
	ids, err := NewWebhookStore(tx).QueueDeliveries(ctx, targets, w.now())
	if err != nil {
		return err
	}
	return w.insertDeliveryJobs(ctx, tx, ids...)
}

// insertDeliveryJobs inserts, in tx, the River job that sends each of the
// deliveries ids, in one statement.
func (w *Webhooks) insertDeliveryJobs(ctx context.Context, tx pgx.Tx, ids ...int64) error {
	opts := &river.InsertOpts{MaxAttempts: w.cfg.MaxAttempts}
	jobs := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		jobs[i] = river.InsertManyParams{Args: WebhookDeliverArgs{DeliveryID: id}, InsertOpts: opts}
	}
	if err := pg.InsertJobsTx(ctx, w.jobs, tx, jobs); err != nil {
		return fmt.Errorf("schedule webhook deliveries: %w", err)
	}
	return nil
}
