package cases

import (
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg"
)

const (
	resealContactListSQL = `SELECT id, contact_sealed, code FROM complaints
WHERE id > $1 AND contact_sealed IS NOT NULL ORDER BY id LIMIT $2`
	resealContactUpdateSQL = `UPDATE complaints SET contact_sealed = $3 WHERE id = $1 AND contact_sealed = $2`
	resealReplayListSQL    = `SELECT id, replay_sealed, code FROM complaints
WHERE id > $1 AND replay_sealed IS NOT NULL ORDER BY id LIMIT $2`
	resealReplayUpdateSQL = `UPDATE complaints SET replay_sealed = $3 WHERE id = $1 AND replay_sealed = $2`
)

// ResealTables are the sealed columns of package cases, for `vikalp keys
// rotate`: complainants' contact details and replay secrets. (The
// phone numbers in the SMS outbox are package notify's.)
func ResealTables(db pg.DBTX) []auth.ResealTable {
	return []auth.ResealTable{
		auth.SQLResealTable(db, "complaints.contact", resealContactListSQL, resealContactUpdateSQL,
			func(code string) []byte { return contactAAD(Code(code)) }),
		auth.SQLResealTable(db, "complaints.replay", resealReplayListSQL, resealReplayUpdateSQL,
			func(code string) []byte { return replayAAD(Code(code)) }),
	}
}
