package notify

import (
	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg"
)

const (
	// A number is sealed to its complaint's code, or its hotspot report's
	// (a reporter's notification): read from cases' and ingest's tables.
	resealPhoneListSQL = `SELECT o.id, o.phone_sealed, COALESCE(c.code, r.code) AS code FROM sms_outbox o
LEFT JOIN complaints c ON c.id = o.complaint_id LEFT JOIN reports r ON r.id = o.report_id
WHERE o.id > $1 AND o.phone_sealed IS NOT NULL ORDER BY o.id LIMIT $2`
	resealPhoneUpdateSQL = `UPDATE sms_outbox SET phone_sealed = $3 WHERE id = $1 AND phone_sealed = $2`

	// A webhook signing secret is sealed to its subscription's URL.
	resealSecretListSQL = `SELECT id, secret_sealed, url FROM webhook_subscriptions
WHERE id > $1 ORDER BY id LIMIT $2`
	resealSecretUpdateSQL = `UPDATE webhook_subscriptions SET secret_sealed = $3 WHERE id = $1 AND secret_sealed = $2`
)

// ResealTables are the sealed columns of package notify, for `vikalp keys
// rotate`: the complainants' and reporters' numbers in the SMS outbox and
// the webhook signing secrets.
func ResealTables(db pg.DBTX) []auth.ResealTable {
	return []auth.ResealTable{
		auth.SQLResealTable(db, "sms_outbox.phone", resealPhoneListSQL, resealPhoneUpdateSQL, vikalp.OutboxPhoneAAD),
		auth.SQLResealTable(db, "webhook_subscriptions.secret", resealSecretListSQL, resealSecretUpdateSQL, secretAAD),
	}
}
