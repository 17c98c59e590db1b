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
	// A number is sealed to its complaint's code, or its hotspot report's
	// (a reporter's notification).
	resealPhoneListSQL = `SELECT o.id, o.phone_sealed, COALESCE(c.code, r.code) AS code FROM sms_outbox o
LEFT JOIN complaints c ON c.id = o.complaint_id LEFT JOIN reports r ON r.id = o.report_id
WHERE o.id > $1 AND o.phone_sealed IS NOT NULL ORDER BY o.id LIMIT $2`
	resealPhoneUpdateSQL = `UPDATE sms_outbox SET phone_sealed = $3 WHERE id = $1 AND phone_sealed = $2`
)

// ResealTables are the sealed columns of package cases, for `vikalp keys
// rotate`: complainants' contact details and replay secrets, and the
// complainant phone numbers in the SMS outbox.
func ResealTables(db pg.DBTX) []auth.ResealTable {
	return []auth.ResealTable{
		auth.SQLResealTable(db, "complaints.contact", resealContactListSQL, resealContactUpdateSQL,
			func(code string) []byte { return contactAAD(Code(code)) }),
		auth.SQLResealTable(db, "complaints.replay", resealReplayListSQL, resealReplayUpdateSQL,
			func(code string) []byte { return replayAAD(Code(code)) }),
		auth.SQLResealTable(db, "sms_outbox.phone", resealPhoneListSQL, resealPhoneUpdateSQL,
			func(code string) []byte { return phoneAAD(Code(code)) }),
	}
}
