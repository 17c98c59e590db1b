package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// WebhookStore reads and writes webhook_subscriptions and deliveries.
type WebhookStore struct{ db pg.DBTX }

// NewWebhookStore returns a WebhookStore on db (a pool or a transaction).
func NewWebhookStore(db pg.DBTX) *WebhookStore { return &WebhookStore{db: db} }

// Subscription is a unit's webhook endpoint. The unit is the subscribing
// package's (alerts' unit kinds); SecretSealed never leaves the package
// except sealed.
type Subscription struct {
	ID           int64     `db:"id"`
	UnitKind     string    `db:"unit_kind"`
	UnitID       int64     `db:"unit_id"`
	URL          string    `db:"url"`
	SecretSealed []byte    `db:"secret_sealed"`
	Description  string    `db:"description"`
	Active       bool      `db:"active"`
	CreatedBy    *int64    `db:"created_by"`
	CreatedAt    time.Time `db:"created_at"`
	UpdatedAt    time.Time `db:"updated_at"`
}

const subscriptionColumns = `id, unit_kind, unit_id, url, secret_sealed, description, active, created_by,
	created_at, updated_at`

const insertSubscriptionSQL = `
INSERT INTO webhook_subscriptions (unit_kind, unit_id, url, secret_sealed, description, created_by, created_at,
	updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING ` + subscriptionColumns

// InsertSubscription stores an active subscription.
func (s *WebhookStore) InsertSubscription(ctx context.Context, sub Subscription) (Subscription, error) {
	out, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[Subscription], insertSubscriptionSQL, sub.UnitKind,
		sub.UnitID, sub.URL, sub.SecretSealed, sub.Description, sub.CreatedBy, sub.CreatedAt)
	if err != nil {
		return Subscription{}, fmt.Errorf("insert webhook subscription: %w", err)
	}
	return out, nil
}

const subscriptionSQL = `SELECT ` + subscriptionColumns + ` FROM webhook_subscriptions WHERE id = $1`

// Subscription returns subscription id, or vikalp.ErrNotFound.
func (s *WebhookStore) Subscription(ctx context.Context, id int64) (Subscription, error) {
	out, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[Subscription], subscriptionSQL, id)
	if err != nil {
		return Subscription{}, fmt.Errorf("get webhook subscription %d: %w", id, err)
	}
	return out, nil
}

const subscriptionsSQL = `SELECT ` + subscriptionColumns + ` FROM webhook_subscriptions ORDER BY id`

// Subscriptions returns every subscription, oldest first.
func (s *WebhookStore) Subscriptions(ctx context.Context) ([]Subscription, error) {
	list, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[Subscription], subscriptionsSQL)
	if err != nil {
		return nil, fmt.Errorf("list webhook subscriptions: %w", err)
	}
	return list, nil
}

const setSubscriptionSQL = `UPDATE webhook_subscriptions SET active = $2, description = COALESCE($3, description), updated_at = $4
	WHERE id = $1 RETURNING ` + subscriptionColumns

// SetSubscription changes whether subscription id is active and, unless
// description is nil, its description.
func (s *WebhookStore) SetSubscription(ctx context.Context, id int64, active bool, description *string, at time.Time) (Subscription, error) {
	out, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[Subscription], setSubscriptionSQL, id, active,
		description, at)
	if err != nil {
		return Subscription{}, fmt.Errorf("update webhook subscription %d: %w", id, err)
	}
	return out, nil
}

// queueDeliveriesSQL makes one pending delivery of each target's event
// ($1) per active subscription of its unit ($2, $3), once per event and
// subscription.
const queueDeliveriesSQL = `
INSERT INTO deliveries (event_id, subscription_id, next_attempt_at, created_at, updated_at)
SELECT t.event_id, w.id, $4, $4, $4
FROM unnest($1::bigint[], $2::text[], $3::bigint[]) WITH ORDINALITY AS t(event_id, unit_kind, unit_id, n)
JOIN webhook_subscriptions w ON w.active AND w.unit_kind = t.unit_kind AND w.unit_id = t.unit_id
ORDER BY t.n, w.id
ON CONFLICT (event_id, subscription_id) DO NOTHING
RETURNING id`

// QueueDeliveries creates the pending deliveries of targets at at and
// returns their ids.
func (s *WebhookStore) QueueDeliveries(ctx context.Context, targets []WebhookTarget, at time.Time) ([]int64, error) {
	events, kinds, units := make([]int64, len(targets)), make([]string, len(targets)), make([]int64, len(targets))
	for i, t := range targets {
		events[i], kinds[i], units[i] = t.EventID, t.UnitKind, t.UnitID
	}
	ids, err := pg.QueryAll(ctx, s.db, pgx.RowTo[int64], queueDeliveriesSQL, events, kinds, units, at)
	if err != nil {
		return nil, fmt.Errorf("queue webhook deliveries: %w", err)
	}
	return ids, nil
}

// Delivery is one alert event sent (or to be sent) to one subscription.
type Delivery struct {
	ID             int64            `db:"id"`
	EventID        int64            `db:"event_id"`
	SubscriptionID int64            `db:"subscription_id"`
	Status         string           `db:"status"` // pending, delivered, failed (retrying) or dead
	Attempts       int              `db:"attempts"`
	LastStatusCode *int             `db:"last_status_code"`
	LastError      string           `db:"last_error"`
	NextAttemptAt  *time.Time       `db:"next_attempt_at"`
	DeliveredAt    *time.Time       `db:"delivered_at"`
	Log            []map[string]any `db:"log"`
	CreatedAt      time.Time        `db:"created_at"`
	UpdatedAt      time.Time        `db:"updated_at"`
}

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
	DeliveryDead      = "dead"
)

const deliveryColumns = `id, event_id, subscription_id, status, attempts, last_status_code, last_error,
	next_attempt_at, delivered_at, log, created_at, updated_at`

const deliverySQL = `SELECT ` + deliveryColumns + ` FROM deliveries WHERE id = $1`

// Delivery returns delivery id, or vikalp.ErrNotFound.
func (s *WebhookStore) Delivery(ctx context.Context, id int64) (Delivery, error) {
	d, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[Delivery], deliverySQL, id)
	if err != nil {
		return Delivery{}, fmt.Errorf("get delivery %d: %w", id, err)
	}
	return d, nil
}

const deliveriesSQL = `SELECT ` + deliveryColumns + ` FROM deliveries
WHERE ($1::text = '' OR status = $1) AND ($2::bigint = 0 OR id < $2)
ORDER BY id DESC LIMIT $3`

// Deliveries lists deliveries with status ("" for all) below beforeID (0
// for the newest), newest first, at most limit (≤ 200).
func (s *WebhookStore) Deliveries(ctx context.Context, status string, beforeID int64, limit int) ([]Delivery, error) {
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	list, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[Delivery], deliveriesSQL, status, beforeID, limit)
	if err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	return list, nil
}

// Attempt is the result of one delivery attempt.
type Attempt struct {
	At         time.Time
	StatusCode int    // 0 when no response came
	Error      string // "" on success
	Status     string // the delivery's status after the attempt
	NextAt     *time.Time
}

// recordAttemptSQL counts one attempt, keeps the last 20 in the log, and
// never touches a delivery that was already delivered (a late duplicate
// attempt must not undo it).
const recordAttemptSQL = `
UPDATE deliveries SET status = $2, attempts = attempts + 1, last_status_code = $3, last_error = $4,
	next_attempt_at = $5, delivered_at = CASE WHEN $2 = 'delivered' THEN $6 ELSE delivered_at END,
	log = (SELECT COALESCE(jsonb_agg(x), '[]') FROM (
		SELECT x FROM jsonb_array_elements(log || jsonb_build_array(jsonb_build_object(
			'at', $6::timestamptz, 'status_code', $3::int, 'error', $4::text))) WITH ORDINALITY AS t(x, n)
		ORDER BY n DESC LIMIT 20) last),
	updated_at = $6
WHERE id = $1 AND status <> 'delivered'`

// RecordAttempt stores the result of one attempt on delivery id.
func (s *WebhookStore) RecordAttempt(ctx context.Context, id int64, a Attempt) error {
	var code *int
	if a.StatusCode != 0 {
		code = &a.StatusCode
	}
	if len(a.Error) > 300 {
		a.Error = a.Error[:300]
	}
	if _, err := s.db.Exec(ctx, recordAttemptSQL, id, a.Status, code, a.Error, a.NextAt, a.At); err != nil {
		return fmt.Errorf("record delivery attempt %d: %w", id, pg.Interpret(err))
	}
	return nil
}

const resetDeliverySQL = `UPDATE deliveries SET status = 'pending', next_attempt_at = $2, updated_at = $2,
	log = log || jsonb_build_array(jsonb_build_object('at', $2::timestamptz, 'resend_by', $3::bigint))
	WHERE id = $1 RETURNING ` + deliveryColumns

// Reset makes delivery id pending again for a re-send by user by.
func (s *WebhookStore) Reset(ctx context.Context, id int64, at time.Time, by int64) (Delivery, error) {
	d, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[Delivery], resetDeliverySQL, id, at, by)
	if err != nil {
		return Delivery{}, fmt.Errorf("reset delivery %d: %w", id, err)
	}
	return d, nil
}
