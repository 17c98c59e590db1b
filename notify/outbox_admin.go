package notify

import (
	"context"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
)

// Outbox lists outbox messages (status "" for all) below beforeID, newest
// first, never with a number (Store.List): the admin's view of the outbox,
// beside the webhook deliveries (Webhooks.Deliveries). Admins only.
func (s *Service) Outbox(ctx context.Context, p auth.Principal, status string, beforeID int64, limit int) ([]OutboxSMS, error) {
	if !p.Has(auth.RoleAdmin) {
		return nil, vikalp.Forbiddenf("only an administrator sees the SMS outbox")
	}
	return NewStore(s.db).List(ctx, status, beforeID, limit)
}
