package ingest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/text"
)

// Outcomes of an approved report, orthogonal to its moderation status
// (statistics read status = 'approved' only and never the outcome). An
// open report has outcome "".
const (
	OutcomeActionTaken = "action_taken"
	OutcomeFixed       = "fixed"
	OutcomeClosed      = "closed"
	OutcomeReopened    = "reopened"
)

// Report event kinds (report_events.kind): moderation decisions, outcomes,
// reopenings (public) and the reporter's own updates (not public).
const (
	EventApproved       = "approved"
	EventRejected       = "rejected"
	EventReporterUpdate = "reporter_update"
)

// OutcomeReason is a public short reason for an outcome, with its labels.
type OutcomeReason struct {
	Code    string
	LabelEN string
	LabelHI string
}

// outcomeReasons are the public reason codes staff choose from; the why in
// their own words goes in the staff-only note.
var outcomeReasons = []OutcomeReason{
	{"patrolling_increased", "Police patrolling increased", "पुलिस गश्त बढ़ाई गई"},
	{"offenders_acted_on", "Action taken against offenders", "दोषियों पर कार्रवाई की गई"},
	{"lighting_repaired", "Lighting repaired", "रोशनी की व्यवस्था ठीक की गई"},
	{"area_cleared", "Gathering removed / area cleared", "जमावड़ा हटाया गया / स्थान खाली कराया गया"},
	{"referred_to_agency", "Referred to the responsible agency", "संबंधित विभाग को भेजा गया"},
	{"no_issue_found", "No problem found on inspection", "जाँच में कोई समस्या नहीं मिली"},
	{"other", "Other", "अन्य"},
}

// OutcomeReasons returns the public reason codes in display order.
func OutcomeReasons() []OutcomeReason { return append([]OutcomeReason(nil), outcomeReasons...) }

// ReasonLabel returns the labels of a public reason code; ok is false for
// an unknown one.
func ReasonLabel(code string) (OutcomeReason, bool) {
	for _, r := range outcomeReasons {
		if r.Code == code {
			return r, true
		}
	}
	return OutcomeReason{}, false
}

// MaxOutcomeNote bounds the staff-only note of an outcome (characters).
const MaxOutcomeNote = 1000

// reporterSecretSymbols is the length of a report secret: 50 random bits.
const reporterSecretSymbols = 10

// newReporterSecret returns a fresh secret in the code alphabet.
func newReporterSecret() (string, error) {
	var raw [reporterSecretSymbols]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("read random secret: %w", err)
	}
	b := make([]byte, len(raw))
	for i, r := range raw {
		b[i] = codeAlphabet[int(r)%len(codeAlphabet)]
	}
	return string(b), nil
}

// hashReporterSecret is the stored form of a secret: SHA-256 of the code
// and the secret's canonical symbols (a fast hash suffices for 50 random
// bits behind a throttle, as for complaint secrets).
func hashReporterSecret(code, secret string) []byte {
	canon := strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(secret))
	sum := sha256.Sum256([]byte(code + ":" + canon))
	return sum[:]
}

// reporterSecretAAD binds a sealed secret to its report code.
func reporterSecretAAD(code string) []byte { return []byte("ingest.report_secret:" + code) }

// newReporter returns the reporter's secret for report code, and the row
// that stores it hashed and sealed with her sealed phone (empty: she wants
// no SMS); the report's insert stores the row (ReportStore.InsertFiled).
func (s *Service) newReporter(code, phone string) (string, reporterRow, error) {
	secret, err := newReporterSecret()
	if err != nil {
		return "", reporterRow{}, err
	}
	rep := reporterRow{Hash: hashReporterSecret(code, secret)}
	if rep.Sealed, err = s.keyring.Seal([]byte(secret), reporterSecretAAD(code)); err != nil {
		return "", reporterRow{}, fmt.Errorf("seal report secret: %w", err)
	}
	if phone != "" {
		// Sealed as outbox numbers are, so each notification copies it.
		if rep.PhoneSealed, err = s.keyring.Seal([]byte(phone), vikalp.OutboxPhoneAAD(code)); err != nil {
			return "", reporterRow{}, fmt.Errorf("seal reporter phone: %w", err)
		}
	}
	return secret, rep, nil
}

// replayReporter adds the secret and Open311 token of report id to a
// replayed receipt, so a retry after a lost answer still gets them.
func (s *Service) replayReporter(ctx context.Context, id int64, rec ReportReceipt) (ReportReceipt, error) {
	sealed, token, err := NewReportStore(s.db).ReporterSealed(ctx, id)
	if err != nil {
		return rec, err
	}
	plain, err := s.keyring.Open(sealed, reporterSecretAAD(rec.Code))
	if err != nil {
		return rec, fmt.Errorf("open report secret: %w", err)
	}
	rec.Secret, rec.Open311Token = string(plain), token
	return rec, nil
}

// authenticateReporter returns the id of the report with code when secret
// is its secret. An unknown code and a wrong secret are the same
// vikalp.ErrNotFound, so neither tells which reports exist.
func (s *Service) authenticateReporter(ctx context.Context, store *ReportStore, code, secret string) (ReporterRef, error) {
	c, err := parseCode(code, reportCodePrefix)
	if err != nil {
		return ReporterRef{}, err
	}
	ref, err := store.LockReporter(ctx, c)
	if err != nil {
		return ReporterRef{}, err
	}
	if subtle.ConstantTimeCompare(ref.SecretHash, hashReporterSecret(c, secret)) != 1 {
		return ReporterRef{}, fmt.Errorf("report %s: wrong secret: %w", c, vikalp.ErrNotFound)
	}
	return ref, nil
}

// ReporterUpdate is something the reporter added to her report later.
type ReporterUpdate struct {
	ID        int64     `db:"id"`
	Text      string    `db:"body"`
	HasPhoto  bool      `db:"has_photo"`
	MediaID   *int64    `db:"media_id"` // staff use only
	CreatedAt time.Time `db:"created_at"`
}

// AddReporterUpdate adds the reporter's update to the report with code,
// given its secret: text (cleaned, at most MaxReportText characters) and/or
// one photo, which goes through the photo pipeline (type sniffed, EXIF
// stripped, original sealed). A rejected report takes no updates (a
// user-safe ErrConflict). It returns her updates, oldest first.
func (s *Service) AddReporterUpdate(ctx context.Context, code, secret, body string, photo []byte) ([]ReporterUpdate, error) {
	clean, err := text.Field("text", body, MaxReportText)
	if err != nil {
		return nil, err
	}
	if clean == "" && photo == nil {
		return nil, vikalp.InvalidField("text", "required", "write an update or attach a photo")
	}
	var photos []ProcessedPhoto
	if photo != nil {
		if photos, err = s.processPhotos(ctx, [][]byte{photo}); err != nil {
			return nil, err
		}
	}
	var out []ReporterUpdate
	err = s.inTxWithBlobs(ctx, func(tx pgx.Tx, batch *blobBatch) error {
		out, err = s.addUpdateInTx(ctx, tx, batch, code, secret, clean, photos)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("add reporter update: %w", err)
	}
	return out, nil
}

// addUpdateInTx authenticates her, stores the photo and the update row and
// its (non-public) event.
func (s *Service) addUpdateInTx(ctx context.Context, tx pgx.Tx, batch *blobBatch, code, secret, body string, photos []ProcessedPhoto) ([]ReporterUpdate, error) {
	store := NewReportStore(tx)
	ref, err := s.authenticateReporter(ctx, store, code, secret)
	if err != nil {
		return nil, err
	}
	if ref.Status == StatusRejected {
		return nil, fmt.Errorf("update rejected report: %w",
			vikalp.Conflictf("this report was not published and takes no more updates"))
	}
	var mediaID *int64
	if len(photos) > 0 {
		ids, err := s.storePhotos(ctx, tx, batch, photos)
		if err != nil {
			return nil, err
		}
		mediaID = &ids[0]
	}
	now := s.now()
	if err := store.InsertUpdate(ctx, ref.ID, body, mediaID, now); err != nil {
		return nil, err
	}
	if err := store.InsertEvent(ctx, ReportEvent{ReportID: ref.ID, At: now, ActorRole: "reporter",
		Kind: EventReporterUpdate}); err != nil {
		return nil, err
	}
	return store.Updates(ctx, ref.ID)
}

// ReporterView is what the reporter sees with her code and secret: the
// public view, the public timeline and her own updates.
type ReporterView struct {
	Report   PublicReport
	Timeline []ReportEvent
	Updates  []ReporterUpdate
}

// TrackReport returns her view of the report with code, given its secret;
// a wrong code or secret is vikalp.ErrNotFound.
func (s *Service) TrackReport(ctx context.Context, code, secret string) (ReporterView, error) {
	var v ReporterView
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		store := NewReportStore(tx)
		ref, err := s.authenticateReporter(ctx, store, code, secret)
		if err != nil {
			return err
		}
		if v.Report, err = store.PublicByCode(ctx, ref.Code); err != nil {
			return err
		}
		if v.Timeline, err = store.PublicEvents(ctx, ref.ID); err != nil {
			return err
		}
		v.Updates, err = store.Updates(ctx, ref.ID)
		return err
	})
	if err != nil {
		return ReporterView{}, fmt.Errorf("track report: %w", err)
	}
	return v, nil
}
