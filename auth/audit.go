package auth

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"strconv"
	"time"

	"github.com/vikalp/vikalp/internal/pg"
)

// Entry is one thing to write to the audit log: who did what to which
// object. Detail holds extra facts as JSON; never put complaint text, names,
// phone numbers, passwords or tokens in it.
type Entry struct {
	ActorUserID int64  // 0 for the system (CLI, workers)
	ActorRole   Role   // "" for the system
	Action      string // lowercase dotted verb, e.g. "auth.login", "complaint.identity_decrypted"
	ObjectKind  string // e.g. "user", "complaint"; "" when there is no object
	ObjectID    int64  // 0 when there is no object
	Detail      map[string]any
}

// EntryBy returns an Entry with p as the actor.
func EntryBy(p Principal, action, objectKind string, objectID int64, detail map[string]any) Entry {
	return Entry{ActorUserID: p.UserID, ActorRole: p.Role, Action: action,
		ObjectKind: objectKind, ObjectID: objectID, Detail: detail}
}

// AuditRecord is one stored audit_log row.
type AuditRecord struct {
	ID          int64
	At          time.Time
	ActorUserID int64 // 0 for the system
	ActorRole   Role
	Action      string
	ObjectKind  string
	ObjectID    int64
	Detail      json.RawMessage // as stored (jsonb text form)
	PrevHash    []byte
	Hash        []byte
}

// ChainStatus is what Verify found.
type ChainStatus struct {
	Rows     int64  // rows checked
	BrokenID int64  // id of the first row whose link or hash is wrong; 0 when intact
	Head     []byte // hash of the last intact row (genesis when empty)
}

// Intact reports whether every row checked out.
func (c ChainStatus) Intact() bool { return c.BrokenID == 0 }

// Append writes e to the audit log through db. Pass the transaction that
// makes the audited change, so both commit or neither does; it holds the
// audit lock until it ends, so append last and commit promptly.
func Append(ctx context.Context, db pg.DBTX, e Entry) (AuditRecord, error) {
	return NewAuditStore(db).Append(ctx, e)
}

// genesisHash is the prev_hash of the first row.
var genesisHash = make([]byte, sha256.Size)

// chainHash returns SHA-256(prev || canonical(r)), where canonical(r) writes
// each field as an 8-byte big-endian length and its bytes (see doc.go).
func chainHash(prev []byte, r AuditRecord) []byte {
	actor := ""
	if r.ActorUserID != 0 {
		actor = strconv.FormatInt(r.ActorUserID, 10)
	}
	fields := []string{
		strconv.FormatInt(r.ID, 10),
		r.At.UTC().Format("2006-01-02T15:04:05.000000Z"),
		actor,
		string(r.ActorRole),
		r.Action,
		r.ObjectKind,
		strconv.FormatInt(r.ObjectID, 10),
		string(r.Detail),
	}
	h := sha256.New()
	h.Write(prev)
	var n [8]byte
	for _, f := range fields {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	return h.Sum(nil)
}
