package auth

import (
	"strconv"

	"github.com/vikalp/vikalp/internal/pg"
)

const (
	resealTOTPListSQL = `SELECT id, totp_secret_sealed, id::text AS aad_key FROM users
WHERE id > $1 AND totp_secret_sealed IS NOT NULL ORDER BY id LIMIT $2`
	resealTOTPUpdateSQL  = `UPDATE users SET totp_secret_sealed = $3 WHERE id = $1 AND totp_secret_sealed = $2`
	resealPendingListSQL = `SELECT id, totp_pending_sealed, id::text AS aad_key FROM users
WHERE id > $1 AND totp_pending_sealed IS NOT NULL ORDER BY id LIMIT $2`
	resealPendingUpdateSQL = `UPDATE users SET totp_pending_sealed = $3 WHERE id = $1 AND totp_pending_sealed = $2`
)

// ResealTables are the sealed columns of package auth: users' confirmed
// and pending TOTP secrets.
func ResealTables(db pg.DBTX) []ResealTable {
	aad := func(key string) []byte {
		id, _ := strconv.ParseInt(key, 10, 64)
		return totpAAD(id)
	}
	return []ResealTable{
		SQLResealTable(db, "users.totp_secret", resealTOTPListSQL, resealTOTPUpdateSQL, aad),
		SQLResealTable(db, "users.totp_pending", resealPendingListSQL, resealPendingUpdateSQL, aad),
	}
}
