package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// WebhookPolicy is the webhook allow-list recorded in webhook_policy: the
// one every worker must enforce.
type WebhookPolicy struct {
	AllowNets   string    `db:"allow_nets"`  // canonical, netguard.Policy.String
	Fingerprint string    `db:"fingerprint"` // netguard.Policy.Fingerprint
	RecordedAt  time.Time `db:"recorded_at"`
}

// WebhookPolicyStore reads and writes webhook_policy.
type WebhookPolicyStore struct{ db pg.DBTX }

// NewWebhookPolicyStore returns a WebhookPolicyStore on db.
func NewWebhookPolicyStore(db pg.DBTX) *WebhookPolicyStore { return &WebhookPolicyStore{db: db} }

const insertWebhookPolicySQL = `INSERT INTO webhook_policy (allow_nets, fingerprint, recorded_at) VALUES ($1, $2, $3)
ON CONFLICT (id) DO NOTHING`

// InsertIfAbsent records p unless a policy is recorded already, and
// reports whether it did. A concurrent first insert makes it wait, then
// return false.
func (s *WebhookPolicyStore) InsertIfAbsent(ctx context.Context, p WebhookPolicy) (bool, error) {
	tag, err := s.db.Exec(ctx, insertWebhookPolicySQL, p.AllowNets, p.Fingerprint, p.RecordedAt)
	if err != nil {
		return false, fmt.Errorf("record webhook policy: %w", pg.Interpret(err))
	}
	return tag.RowsAffected() == 1, nil
}

const webhookPolicySQL = `SELECT allow_nets, fingerprint, recorded_at FROM webhook_policy`

// Get returns the recorded policy, or vikalp.ErrNotFound.
func (s *WebhookPolicyStore) Get(ctx context.Context) (WebhookPolicy, error) {
	p, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[WebhookPolicy], webhookPolicySQL)
	if err != nil {
		return WebhookPolicy{}, fmt.Errorf("get webhook policy: %w", err)
	}
	return p, nil
}

const putWebhookPolicySQL = `INSERT INTO webhook_policy (allow_nets, fingerprint, recorded_at) VALUES ($1, $2, $3)
ON CONFLICT (id) DO UPDATE SET allow_nets = EXCLUDED.allow_nets, fingerprint = EXCLUDED.fingerprint,
	recorded_at = EXCLUDED.recorded_at`

// Put records p, replacing any recorded policy.
func (s *WebhookPolicyStore) Put(ctx context.Context, p WebhookPolicy) error {
	if _, err := s.db.Exec(ctx, putWebhookPolicySQL, p.AllowNets, p.Fingerprint, p.RecordedAt); err != nil {
		return fmt.Errorf("replace webhook policy: %w", pg.Interpret(err))
	}
	return nil
}
