package cases

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/idem"
	"github.com/vikalp/vikalp/internal/pg"
)

// Limits of complaint photos.
const (
	MaxAttachPhotos    = 5  // per request
	MaxComplaintPhotos = 10 // per complaint, ever
)

// EventEvidenceAdded is the public timeline entry for photos she (or the
// E-cell staffer helping her) attached; its detail says how many.
const EventEvidenceAdded = "evidence_added"

// Stable codes of photo refusals (as in messages.go).
const (
	CodePhotosRequired  = "photos_required"
	CodePhotoCount      = "photo_count"
	CodePhotoLimit      = "photo_limit"
	CodeComplaintClosed = "complaint_closed"
)

var mediaMessages = map[string][2]string{
	CodePhotosRequired: {"please attach at least one photo", "कृपया कम से कम एक फ़ोटो जोड़ें"},
	CodePhotoCount:     {"attach at most 5 photos at a time", "एक बार में अधिकतम 5 फ़ोटो जोड़ें"},
	CodePhotoLimit: {"a complaint can have at most 10 photos; remove some from this upload",
		"एक शिकायत में अधिकतम 10 फ़ोटो हो सकती हैं; इस बार कुछ फ़ोटो कम जोड़ें"},
	CodeComplaintClosed: {"this complaint is closed; photos can no longer be added",
		"यह शिकायत बंद हो चुकी है; अब फ़ोटो नहीं जोड़ी जा सकतीं"},
}

// mediaError is a user-safe refusal of kind with code's text in lang.
func mediaError(kind error, lang Language, code string) error {
	m := mediaMessages[code]
	msg := m[0]
	if lang == Hindi {
		msg = m[1]
	}
	return &vikalp.UserError{Kind: kind, Field: "photos", Code: code, Message: msg}
}

// PhotoPipeline stores and renders complaint photos with package ingest's
// media pipeline; *ingest.Service satisfies it (wired in app), so
// cases neither imports ingest nor duplicates the pipeline.
type PhotoPipeline interface {
	// StorePhotos validates and processes uploads (a refused photo stores
	// nothing), then writes their blobs and media rows in one transaction
	// and calls fn in it with the media ids in order; when fn or the commit
	// fails, the blobs are deleted again.
	StorePhotos(ctx context.Context, uploads [][]byte, fn func(ctx context.Context, tx pgx.Tx, mediaIDs []int64) error) error
	// MediaPhoto returns the metadata-free thumbnail or derivative.
	MediaPhoto(ctx context.Context, mediaID int64, thumb bool) ([]byte, error)
	// WatermarkedPhoto returns it with p's name and the time drawn across.
	WatermarkedPhoto(ctx context.Context, p auth.Principal, mediaID int64, thumb bool) ([]byte, error)
}

// AttachInput is one request to attach photos to a complaint. She proves
// ownership with Code and Secret; the E-cell staffer who filed it for her
// gives only Code (her session says who she is).
type AttachInput struct {
	Code           string
	Secret         string
	Photos         [][]byte // 1–MaxAttachPhotos JPEG, PNG or WebP files
	IdempotencyKey string   // optional; a retry with the same key adds nothing
}

// Attached answers an attach request.
type Attached struct {
	Code     Code
	Added    []int // the numbers the photos of this request have on the complaint
	Total    int   // photos on the complaint now
	Replayed bool  // the answer to an earlier request with the same key
}

// errAttachReplayed rolls back a request that lost the race to an earlier
// one with the same key (whose answer it then returns).
var errAttachReplayed = errors.New("attach photos: replayed")

// AttachPhotos adds photos to an open complaint: by nil is her (Code and
// Secret), an E-cell principal the staffer who filed it (Code only, or
// her Code and Secret). Any other staff role is ErrForbidden; a wrong code
// or secret, or a complaint the staffer did not file, is ErrNotFound.
//
// Photos go through ingest's pipeline (type sniffing, byte and pixel
// limits before decoding, EXIF stripped, original sealed with its SHA-256,
// thumbnail). A closed or withdrawn complaint is refused (ErrConflict), as
// is a request that would take it past MaxComplaintPhotos (ErrInvalid).
// Every refusal leaves no row and no blob. The photos, their public
// timeline event and the key commit together.
func (s *Service) AttachPhotos(ctx context.Context, by *auth.Principal, in AttachInput, lang Language) (Attached, error) {
	lang = lang.orEnglish()
	if s.photos == nil {
		return Attached{}, errors.New("attach photos: no photo pipeline configured")
	}
	if err := checkAttach(by, in, lang); err != nil {
		return Attached{}, err
	}
	key, err := validateIdempotencyKey(in.IdempotencyKey, lang)
	if err != nil {
		return Attached{}, err
	}
	hash := attachHash(in.Photos)
	// Check everything cheap before the pipeline decodes a single photo.
	pre := attachment{svc: s, by: by, in: in, key: key, hash: hash, lang: lang}
	c, err := pre.target(ctx, NewComplaintStore(s.db), false)
	if err != nil {
		return Attached{}, fmt.Errorf("attach photos: %w", err)
	}
	if done, _, err := pre.check(ctx, s.db, c); done != nil || err != nil {
		if err != nil {
			return Attached{}, fmt.Errorf("attach photos: %w", err)
		}
		return *done, nil
	}
	var out Attached
	err = s.photos.StorePhotos(ctx, in.Photos, func(ctx context.Context, tx pgx.Tx, ids []int64) error {
		var err error
		out, err = pre.commit(ctx, tx, ids)
		return err
	})
	if errors.Is(err, errAttachReplayed) {
		return pre.replay(ctx, s.db)
	}
	if err != nil {
		return Attached{}, fmt.Errorf("attach photos: %w", err)
	}
	s.logger.InfoContext(ctx, "Complaint photos attached", slog.Int64("complaint_id", c.ID),
		slog.Int("photos", len(out.Added)), slog.String("by", string(pre.actor().kind)))
	return out, nil
}

// checkAttach refuses callers and counts that can never succeed.
func checkAttach(by *auth.Principal, in AttachInput, lang Language) error {
	if by != nil && by.Role != auth.RoleECell {
		return vikalp.Forbiddenf("only the complainant and the E-cell staff who filed a complaint may add photos")
	}
	switch {
	case len(in.Photos) == 0:
		return mediaError(vikalp.ErrInvalid, lang, CodePhotosRequired)
	case len(in.Photos) > MaxAttachPhotos:
		return mediaError(vikalp.ErrInvalid, lang, CodePhotoCount)
	}
	return nil
}

// attachHash fingerprints the uploads for replay checks: the SHA-256 of
// their SHA-256s in order, so a retry must carry the same files.
func attachHash(photos [][]byte) []byte {
	h := sha256.New()
	for _, p := range photos {
		sum := sha256.Sum256(p)
		h.Write(sum[:])
	}
	return h.Sum(nil)
}

// attachment is one AttachPhotos request on its way through.
type attachment struct {
	svc  *Service
	by   *auth.Principal
	in   AttachInput
	key  string
	hash []byte
	lang Language
}

// actor is who attaches: her when she gave her secret, else the staffer.
func (a attachment) actor() actor {
	if a.by == nil || a.in.Secret != "" {
		return complainantActor
	}
	return staffActor(*a.by)
}

// target finds (and with lock, locks) the complaint the caller may attach
// to: by code and secret, or by code for the E-cell user who filed it.
func (a attachment) target(ctx context.Context, store *ComplaintStore, lock bool) (Complaint, error) {
	if a.actor().kind == ActorComplainant {
		return a.svc.authenticate(ctx, store, a.in.Code, a.in.Secret, a.lang, lock)
	}
	code, err := ParseCode(a.in.Code, a.lang)
	if err != nil {
		return Complaint{}, err
	}
	var c Complaint
	if lock {
		c, err = store.ByCodeForUpdate(ctx, code)
	} else {
		c, err = store.ByCode(ctx, code)
	}
	if errors.Is(err, vikalp.ErrNotFound) || err == nil && (c.FiledByUserID == nil || *c.FiledByUserID != a.by.UserID) {
		return Complaint{}, errNoComplaint
	}
	return c, err
}

// claim is this request's use of its Idempotency-Key on complaint id
// (keys are per complaint).
func (a attachment) claim(complaintID int64) idem.Claim {
	return idem.Claim{Kind: idem.KindComplaintMedia, ScopeID: complaintID, Key: a.key, Hash: a.hash,
		Reused: conflictField(a.lang, "idempotency_key", CodeIdempotencyKeyReused)}
}

// check looks at complaint c for this request: done is the earlier answer
// when the key was already used for these photos; otherwise it refuses a
// key reused for other photos, a closed complaint and one the photos would
// take past the limit, and returns how many photos c has.
func (a attachment) check(ctx context.Context, db pg.DBTX, c Complaint) (done *Attached, have int, err error) {
	if have, err = NewMediaStore(db).Count(ctx, c.ID); err != nil {
		return nil, 0, err
	}
	if a.key != "" {
		k, err := a.claim(c.ID).Lookup(ctx, db)
		if err == nil {
			return &Attached{Code: c.Code, Added: photoRun(k), Total: have, Replayed: true}, have, nil
		}
		if !errors.Is(err, vikalp.ErrNotFound) {
			return nil, 0, err
		}
	}
	if !withdrawable(c.Status) {
		return nil, 0, mediaError(vikalp.ErrConflict, a.lang, CodeComplaintClosed)
	}
	if have+len(a.in.Photos) > MaxComplaintPhotos {
		return nil, 0, mediaError(vikalp.ErrInvalid, a.lang, CodePhotoLimit)
	}
	return nil, have, nil
}

// commit runs in the pipeline's transaction once the media rows exist: it
// locks the complaint, checks again (a concurrent request may have changed
// things since the first check), numbers the photos and writes the event.
func (a attachment) commit(ctx context.Context, tx pgx.Tx, ids []int64) (Attached, error) {
	cs, ms := NewComplaintStore(tx), NewMediaStore(tx)
	c, err := a.target(ctx, cs, true)
	if err != nil {
		return Attached{}, err
	}
	done, have, err := a.check(ctx, tx, c)
	if err != nil {
		return Attached{}, err
	}
	if done != nil {
		return Attached{}, errAttachReplayed
	}
	by, now := a.actor(), a.svc.now()
	out := Attached{Code: c.Code, Total: have + len(ids)}
	for i, id := range ids {
		n := have + i + 1
		p := ComplaintPhoto{ComplaintID: c.ID, N: n, MediaID: id, AddedAt: now, AddedByKind: by.kind,
			AddedByUserID: by.userID}
		if err := ms.Insert(ctx, p); err != nil {
			return Attached{}, err
		}
		out.Added = append(out.Added, n)
	}
	// The photos are numbered consecutively under the complaint's row lock,
	// so the key stands for the run from the first.
	err = a.claim(c.ID).Record(ctx, tx, int64(have+1), len(ids), now)
	if errors.Is(err, idem.ErrTaken) { // cannot happen under the lock; answered as a lost race
		return Attached{}, errAttachReplayed
	}
	if err != nil {
		return Attached{}, err
	}
	err = cs.AddEvent(ctx, Event{ComplaintID: c.ID, At: now, ActorUserID: by.userID, ActorRole: by.kind,
		Kind: EventEvidenceAdded, Public: true, Detail: map[string]any{"photos": len(ids), "numbers": out.Added}})
	return out, err
}

// replay answers a request whose key an earlier request committed first.
func (a attachment) replay(ctx context.Context, db pg.DBTX) (Attached, error) {
	c, err := a.target(ctx, NewComplaintStore(db), false)
	if err != nil {
		return Attached{}, fmt.Errorf("attach photos: %w", err)
	}
	done, _, err := a.check(ctx, db, c)
	if err != nil {
		return Attached{}, fmt.Errorf("attach photos: %w", err)
	}
	if done == nil {
		return Attached{}, errors.New("attach photos: the request that used this key left no photos")
	}
	return *done, nil
}

// photoRun lists the numbers of the photos an attach key stands for.
func photoRun(k idem.Key) []int {
	out := make([]int, k.EntityCount)
	for i := range out {
		out[i] = int(k.EntityID) + i
	}
	return out
}

// PhotoInfo describes one photo of a complaint, without its bytes.
type PhotoInfo struct {
	N       int
	AddedAt time.Time
	AddedBy Actor // ActorComplainant or ActorEcell
}

// Photos lists the photos of complaint id as p sees it: outside p's scope
// the complaint does not exist (ErrNotFound); roles without complaint work
// are ErrForbidden. Listing shows no photo, so it is not audited.
func (s *Service) Photos(ctx context.Context, p auth.Principal, id int64) ([]PhotoInfo, error) {
	v, err := visibility(p)
	if err != nil {
		return nil, err
	}
	if _, err := NewComplaintStore(s.db).ByID(ctx, id, v); err != nil {
		return nil, fmt.Errorf("list photos of complaint %d: %w", id, err)
	}
	list, err := NewMediaStore(s.db).List(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]PhotoInfo, len(list))
	for i, ph := range list {
		out[i] = PhotoInfo{N: ph.N, AddedAt: ph.AddedAt, AddedBy: ph.AddedByKind}
	}
	return out, nil
}

// Photo returns photo n of complaint id for staff who may see the complaint:
// the derivative (or thumbnail) with the viewer's name and the time drawn
// across it, as for tip photos. The view is written to the audit log, in
// the transaction that checks the scope, before the photo is rendered.
func (s *Service) Photo(ctx context.Context, p auth.Principal, id int64, n int, thumb bool) ([]byte, error) {
	v, err := visibility(p)
	if err != nil {
		return nil, err
	}
	if s.photos == nil {
		return nil, errors.New("complaint photo: no photo pipeline configured")
	}
	var ph ComplaintPhoto
	err = s.inTx(ctx, func(t *txn) error {
		if _, err := t.complaints.ByID(ctx, id, v); err != nil {
			return err
		}
		if ph, err = NewMediaStore(t.tx).Photo(ctx, id, n); err != nil {
			return err
		}
		_, err := auth.Append(ctx, t.tx, auth.EntryBy(p, "complaint.photo_viewed", "complaint", id,
			map[string]any{"photo": n, "media_id": ph.MediaID, "thumb": thumb}))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get photo %d of complaint %d: %w", n, id, err)
	}
	return s.photos.WatermarkedPhoto(ctx, p, ph.MediaID, thumb)
}

// TrackedPhoto is one of her photos as her tracking view shows it.
type TrackedPhoto struct {
	N         int
	AddedAt   time.Time
	Thumbnail []byte // JPEG, ≤ 320 px, no metadata, no watermark
}

// TrackPhotos returns the thumbnails of her complaint's photos to the holder
// of its code and secret (errors as for Track). They are not watermarked:
// she took them, she is anonymous (there is no name to mark them with), and
// a thumbnail is a metadata-free 320 px rendering, not the evidence. She
// never gets the full-size derivative or the sealed original back.
func (s *Service) TrackPhotos(ctx context.Context, code, secret string, lang Language) ([]TrackedPhoto, error) {
	c, err := s.authenticate(ctx, NewComplaintStore(s.db), code, secret, lang, false)
	if err != nil {
		return nil, fmt.Errorf("track photos: %w", err)
	}
	list, err := NewMediaStore(s.db).List(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	out := make([]TrackedPhoto, 0, len(list))
	for _, ph := range list {
		if s.photos == nil {
			return nil, errors.New("track photos: no photo pipeline configured")
		}
		thumb, err := s.photos.MediaPhoto(ctx, ph.MediaID, true)
		if err != nil {
			return nil, fmt.Errorf("track photos: %w", err)
		}
		out = append(out, TrackedPhoto{N: ph.N, AddedAt: ph.AddedAt, Thumbnail: thumb})
	}
	return out, nil
}
