package alerts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg"
)

// ErrPolicyMismatch means this process's webhook allow-list
// (Config.WebhookAllowNets) is not the one recorded in the database. Such a
// process may not deliver webhooks: with a wider list it would reach
// receivers every other replica refuses (SSRF).
var ErrPolicyMismatch = errors.New("the webhook allow-list differs from the one recorded in the database")

// policy is this service's allow-list as it is recorded.
func (s *Service) policy() WebhookPolicy {
	return WebhookPolicy{AllowNets: s.guard.String(), Fingerprint: s.guard.Fingerprint(), RecordedAt: s.now()}
}

// CheckWebhookPolicy records this service's webhook allow-list when none
// is recorded yet (the first worker to start) and otherwise compares it
// with the recorded one: a difference is an error wrapping
// ErrPolicyMismatch that names both lists. Workers call it at start-up, and
// Deliver before every attempt.
func (s *Service) CheckWebhookPolicy(ctx context.Context) error {
	mine := s.policy()
	recorded, err := NewWebhookPolicyStore(s.db).Get(ctx)
	if errors.Is(err, vikalp.ErrNotFound) {
		err = pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
			inserted, err := NewWebhookPolicyStore(tx).InsertIfAbsent(ctx, mine)
			if err != nil || !inserted {
				return err
			}
			return appendPolicyAudit(ctx, tx, mine, nil)
		})
		if err != nil {
			return err
		}
		recorded, err = NewWebhookPolicyStore(s.db).Get(ctx) // ours, or a concurrent first worker's
	}
	if err != nil {
		return err
	}
	if recorded.Fingerprint != mine.Fingerprint {
		return fmt.Errorf("%w: this process allows %s, the database records %s (since %s)", ErrPolicyMismatch,
			describeNets(mine.AllowNets), describeNets(recorded.AllowNets), recorded.RecordedAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// RecordWebhookPolicy makes this service's allow-list the recorded one,
// replacing any other, and audits the change. An operator runs it (vikalp
// webhook-policy record) after changing the setting on every replica;
// workers still running with the old setting then stop delivering.
func (s *Service) RecordWebhookPolicy(ctx context.Context) (WebhookPolicy, error) {
	mine := s.policy()
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		store := NewWebhookPolicyStore(tx)
		var prev *WebhookPolicy
		old, err := store.Get(ctx)
		switch {
		case err == nil:
			prev = &old
		case !errors.Is(err, vikalp.ErrNotFound):
			return err
		}
		if err := store.Put(ctx, mine); err != nil {
			return err
		}
		return appendPolicyAudit(ctx, tx, mine, prev)
	})
	return mine, err
}

// appendPolicyAudit audits the recording of p (replacing old, if any) as a
// system action.
func appendPolicyAudit(ctx context.Context, tx pgx.Tx, p WebhookPolicy, old *WebhookPolicy) error {
	detail := map[string]any{"allow_nets": p.AllowNets, "fingerprint": p.Fingerprint}
	if old != nil {
		detail["previous_allow_nets"] = old.AllowNets
	}
	_, err := auth.Append(ctx, tx, auth.Entry{Action: "webhook.policy_recorded", Detail: detail})
	return err
}

// describeNets names an allow-list in an error message.
func describeNets(nets string) string {
	if nets == "" {
		return "no internal networks"
	}
	return fmt.Sprintf("%q", nets)
}
