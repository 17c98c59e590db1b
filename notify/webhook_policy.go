package notify

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

// ErrWebhookPolicyMismatch means this process's webhook allow-list
// (WebhookConfig.AllowNets) is not the one recorded in the database. Such a
// process may not deliver webhooks: with a wider list it would reach
// receivers every other replica refuses (SSRF).
var ErrWebhookPolicyMismatch = errors.New("the webhook allow-list differs from the one recorded in the database")

// policy is this process's allow-list as it is recorded.
func (w *Webhooks) policy() WebhookPolicy {
	return WebhookPolicy{AllowNets: w.guard.String(), Fingerprint: w.guard.Fingerprint(), RecordedAt: w.now()}
}

// CheckPolicy records this process's webhook allow-list when none is
// recorded yet (the first worker to start) and otherwise compares it with
// the recorded one: a difference is an error wrapping
// ErrWebhookPolicyMismatch that names both lists. Workers call it at
// start-up, and Deliver before every attempt.
func (w *Webhooks) CheckPolicy(ctx context.Context) error {
	mine := w.policy()
	recorded, err := NewWebhookPolicyStore(w.db).Get(ctx)
	if errors.Is(err, vikalp.ErrNotFound) {
		err = pg.WithTx(ctx, w.db, func(tx pgx.Tx) error {
			inserted, err := NewWebhookPolicyStore(tx).InsertIfAbsent(ctx, mine)
			if err != nil || !inserted {
				return err
			}
			return appendPolicyAudit(ctx, tx, mine, nil)
		})
		if err != nil {
			return err
		}
		recorded, err = NewWebhookPolicyStore(w.db).Get(ctx) // ours, or a concurrent first worker's
	}
	if err != nil {
		return err
	}
	if recorded.Fingerprint != mine.Fingerprint {
		return fmt.Errorf("%w: this process allows %s, the database records %s (since %s)", ErrWebhookPolicyMismatch,
			describeNets(mine.AllowNets), describeNets(recorded.AllowNets), recorded.RecordedAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// RecordPolicy makes this process's allow-list the recorded one,
// replacing any other, and audits the change. An operator runs it (vikalp
// webhook-policy record) after changing the setting on every replica;
// workers still running with the old setting then stop delivering.
func (w *Webhooks) RecordPolicy(ctx context.Context) (WebhookPolicy, error) {
	mine := w.policy()
	err := pg.WithTx(ctx, w.db, func(tx pgx.Tx) error {
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
