package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"io"
	"strings"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/idem"
	"github.com/vikalp/vikalp/internal/pg"
)

// errKeyReused refuses a key that already stands for other content.
var errKeyReused = &vikalp.UserError{Kind: vikalp.ErrConflict, Field: "idempotency_key",
	Code: "idempotency_key_reused", Message: "this Idempotency-Key was already used for a different submission"}

// checkIdempotencyKey accepts "" (no key) or vikalp.ValidIdempotencyKey
// (16–128 of A–Z a–z 0–9 - _ : .), the same rule as complaint filing.
func checkIdempotencyKey(key string) error {
	if key == "" {
		return nil
	}
	if !vikalp.ValidIdempotencyKey(key) {
		return vikalp.InvalidField("idempotency_key", "idempotency_key_invalid",
			"the Idempotency-Key must be 16 to 128 letters, digits, '-', '_', ':' or '.' (a random value, new for each submission)")
	}
	return nil
}

// requestHasher fingerprints a submission for replay checks: every field
// length-prefixed, so ("ab","c") and ("a","bc") differ.
type requestHasher struct{ h hash.Hash }

func newRequestHasher(kind string) *requestHasher {
	r := &requestHasher{h: sha256.New()}
	r.add(kind)
	return r
}

func (r *requestHasher) add(fields ...any) {
	for _, f := range fields {
		s := fmt.Sprint(f)
		if p, ok := f.(*float64); ok && p != nil {
			s = fmt.Sprintf("%.7f", *p)
		}
		_ = binary.Write(r.h, binary.BigEndian, uint32(len(s)))
		_, _ = io.WriteString(r.h, s)
	}
}

// addPhotos adds each photo's SHA-256, so a retry must carry the same files.
func (r *requestHasher) addPhotos(photos [][]byte) {
	for _, p := range photos {
		sum := sha256.Sum256(p)
		r.h.Write(sum[:])
	}
}

func (r *requestHasher) sum() []byte { return r.h.Sum(nil) }

// reportRequestHash fingerprints what a reporter submitted.
func reportRequestHash(in NewReport) []byte {
	r := newRequestHasher(idem.KindReport)
	r.add(in.Category, in.Text, in.Lat, in.Lon, in.OccurredAt, in.HappeningNow, in.Source, in.WithoutPhotos, len(in.Photos))
	r.addPhotos(in.Photos)
	return r.sum()
}

// tipRequestHash fingerprints a tip. Its contact details count through
// their keyed hash under key (vikalp.ContactFingerprint; a plain hash over a
// phone number could be brute-forced back to it), so a retry with another
// contact is a conflict; a tip without one hashes as before they counted.
func tipRequestHash(in NewTip, key []byte) []byte {
	r := newRequestHasher(idem.KindTip)
	r.add(in.Text, len(in.Places))
	for _, p := range in.Places {
		r.add(p.Lat, p.Lon, p.Description, p.SeenAt)
	}
	r.add(strings.Join(in.Vehicles, "\x00"), strings.Join(in.Phones, "\x00"), strings.Join(in.People, "\x00"),
		in.ConsentContact, in.ConsentShare, len(in.Photos))
	r.addPhotos(in.Photos)
	if c := in.Contact; c != nil {
		if fp := vikalp.ContactFingerprint(key, c.Name, c.Phone, c.Email, c.Note); fp != nil {
			r.h.Write(fp)
		}
	}
	return r.sum()
}

// keyClaim is a report's or tip's use of its Idempotency-Key (key "" when
// none was given).
func keyClaim(kind, key string, requestHash []byte) idem.Claim {
	return idem.Claim{Kind: kind, Key: key, Hash: requestHash, Reused: errKeyReused}
}

// recordKey stores c for the submission id in tx (nothing when c has no key).
func (s *Service) recordKey(ctx context.Context, tx pg.DBTX, c idem.Claim, id int64) error {
	return c.Record(ctx, tx, id, 1, s.now())
}
