package alerts

import (
	"context"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/notify"
)

// SMSOutbox lists outbox messages (status "" for all) below beforeID, newest
// first, never with a number (notify.Store.List). Admins only: the outbox
// is package notify's; this is the admin's view of it beside webhooks.
func (s *Service) SMSOutbox(ctx context.Context, p auth.Principal, status string, beforeID int64, limit int) ([]notify.OutboxSMS, error) {
	if !p.Has(auth.RoleAdmin) {
		return nil, vikalp.Forbiddenf("only an administrator sees the SMS outbox")
	}
	return notify.NewStore(s.db).List(ctx, status, beforeID, limit)
}
