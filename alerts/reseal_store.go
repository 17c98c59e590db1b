package alerts

import (
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg"
)

const (
	resealSecretListSQL = `SELECT id, secret_sealed, url FROM webhook_subscriptions
WHERE id > $1 ORDER BY id LIMIT $2`
	resealSecretUpdateSQL = `UPDATE webhook_subscriptions SET secret_sealed = $3 WHERE id = $1 AND secret_sealed = $2`
)

// ResealTables are the sealed columns of package alerts, for `vikalp keys
// rotate`: webhook signing secrets.
func ResealTables(db pg.DBTX) []auth.ResealTable {
	return []auth.ResealTable{
		auth.SQLResealTable(db, "webhook_subscriptions.secret", resealSecretListSQL, resealSecretUpdateSQL, secretAAD),
	}
}
