package ingest_test

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/testkit"
)

var (
	stateScope = auth.StateScope
	zeroTime   time.Time
)

// submitted files one report with a 400×300 photo and returns its code and id.
func (b *bundle) submitted(t *testing.T) (string, int64) {
	t.Helper()
	photo := ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 400, Height: 300, GPS: &testkit.Varanasi})
	rec, err := b.svc.SubmitReport(b.ctx, ingest.NewReport{Category: "staring_following", Photos: [][]byte{photo}})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := b.db.QueryRow(b.ctx, `SELECT id FROM reports WHERE code = $1`, rec.Code).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return rec.Code, id
}

func TestModerationPublishesOnlyApproved(t *testing.T) {
	t.Parallel()
	b := setup(t)
	code, id := b.submitted(t)
	mod := testkit.User(b.ctx, t, b.db, auth.RoleModerator, stateScope)

	if _, err := b.svc.PublicPhoto(b.ctx, code, 1, false); !errors.Is(err, vikalp.ErrNotFound) {
		t.Fatalf("pending photo: err = %v, want ErrNotFound", err)
	}
	if err := b.svc.ApproveReport(b.ctx, mod, id); err != nil {
		t.Fatal(err)
	}
	st, err := b.svc.ReportStatus(b.ctx, code)
	if err != nil || st.Status != ingest.StatusApproved || st.Photos != 1 {
		t.Fatalf("status = %+v, %v", st, err)
	}
	for _, thumb := range []bool{false, true} {
		data, err := b.svc.PublicPhoto(b.ctx, code, 1, thumb)
		if err != nil {
			t.Fatal(err)
		}
		if ingesttest.HasEXIF(data) {
			t.Errorf("public photo (thumb %v) carries EXIF", thumb)
		}
	}
	if _, err := b.svc.PublicPhoto(b.ctx, code, 2, false); !errors.Is(err, vikalp.ErrNotFound) {
		t.Errorf("missing photo 2: err = %v", err)
	}
	if err := b.svc.RejectReport(b.ctx, mod, id, ingest.RejectSpam); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.PublicPhoto(b.ctx, code, 1, false); !errors.Is(err, vikalp.ErrNotFound) {
		t.Errorf("rejected photo: err = %v, want ErrNotFound", err)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE object_kind = 'report' AND object_id = $1
		AND action IN ('report.approved', 'report.rejected') AND actor_user_id = $2`, id, mod.UserID); n != 2 {
		t.Errorf("audit entries = %d, want 2", n)
	}
}

func TestModerationRedactsPublicPhoto(t *testing.T) {
	t.Parallel()
	b := setup(t)
	code, id := b.submitted(t)
	mod := testkit.User(b.ctx, t, b.db, auth.RoleModerator, stateScope)
	if err := b.svc.ApproveReport(b.ctx, mod, id); err != nil {
		t.Fatal(err)
	}
	before, err := b.svc.PublicPhoto(b.ctx, code, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	// The test image's top-left quarter is a dark block on a gradient;
	// blurring a rectangle straddling its edge must change those pixels.
	rect := ingest.Rect{X: 0.1, Y: 0.1, W: 0.3, H: 0.3}
	if err := b.svc.RedactPhoto(b.ctx, mod, id, 1, []ingest.Rect{rect}); err != nil {
		t.Fatal(err)
	}
	after, err := b.svc.PublicPhoto(b.ctx, code, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(before, after) || ingesttest.HasEXIF(after) {
		t.Fatal("public photo unchanged by redaction, or carries EXIF")
	}
	if d := pixelDiff(t, before, after, image.Rect(92, 67, 108, 83)); d < 10 {
		t.Errorf("redacted area barely changed (mean diff %.1f)", d)
	}
	if d := pixelDiff(t, before, after, image.Rect(300, 250, 380, 290)); d > 8 {
		t.Errorf("area outside the rectangle changed (mean diff %.1f)", d)
	}
	clean, err := b.svc.ModerationPhoto(b.ctx, mod, id, 1, ingest.VariantDerivative)
	if err != nil || !bytes.Equal(clean, before) {
		t.Errorf("moderator's clean derivative differs from the pre-redaction one (%v)", err)
	}
	// Clearing the redaction serves the clean derivative again.
	if err := b.svc.RedactPhoto(b.ctx, mod, id, 1, nil); err != nil {
		t.Fatal(err)
	}
	if again, _ := b.svc.PublicPhoto(b.ctx, code, 1, false); !bytes.Equal(again, before) {
		t.Error("clearing the redaction did not restore the derivative")
	}
}

func TestModerationRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, id := b.submitted(t)
	pcr := testkit.User(b.ctx, t, b.db, auth.RolePCR, auth.Scope{Kind: auth.ScopeDistrict, ID: 162})
	mod := testkit.User(b.ctx, t, b.db, auth.RoleModerator, stateScope)
	if err := b.svc.ApproveReport(b.ctx, pcr, id); !errors.Is(err, vikalp.ErrForbidden) {
		t.Errorf("pcr approve: err = %v, want ErrForbidden", err)
	}
	if _, err := b.svc.ModerationQueue(b.ctx, pcr, "", zeroTime, 0, 10); !errors.Is(err, vikalp.ErrForbidden) {
		t.Errorf("pcr queue: err = %v, want ErrForbidden", err)
	}
	if err := b.svc.ApproveReport(b.ctx, mod, id+1000); !errors.Is(err, vikalp.ErrNotFound) {
		t.Errorf("unknown report: err = %v, want ErrNotFound", err)
	}
	wantUserError(t, b.svc.RejectReport(b.ctx, mod, id, "boring"), "bad_reason")
	wantUserError(t, b.svc.RedactPhoto(b.ctx, mod, id, 1, []ingest.Rect{{X: 0.9, Y: 0, W: 0.5, H: 0.1}}), "bad_rect")
	if _, err := b.svc.ModerationPhoto(b.ctx, mod, id, 1, "original"); err == nil {
		t.Error("the sealed original was served as a variant")
	}
}

// pixelDiff is the mean absolute difference of the red channel of two
// JPEGs over r.
func pixelDiff(t *testing.T, a, b []byte, r image.Rectangle) float64 {
	t.Helper()
	ia, err := jpeg.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	ib, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var sum, n float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ra, _, _, _ := ia.At(x, y).RGBA()
			rb, _, _, _ := ib.At(x, y).RGBA()
			d := float64(ra>>8) - float64(rb>>8)
			if d < 0 {
				d = -d
			}
			sum += d
			n++
		}
	}
	return sum / n
}

func TestModerationReportReadsOneQueueItem(t *testing.T) {
	t.Parallel()
	b := setup(t)
	code, id := b.submitted(t)
	mod := testkit.User(b.ctx, t, b.db, auth.RoleModerator, stateScope)
	pcr := testkit.User(b.ctx, t, b.db, auth.RolePCR, auth.Scope{Kind: auth.ScopeDistrict, ID: 162})

	q, err := b.svc.ModerationReport(b.ctx, mod, id)
	if err != nil {
		t.Fatal(err)
	}
	list, err := b.svc.ModerationQueue(b.ctx, mod, "", zeroTime, 0, 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("queue = %v, %v", list, err)
	}
	if q.ID != id || q.Code != code || q.Status != ingest.StatusPending || len(q.Photos) != 1 ||
		q.DistrictID != list[0].DistrictID || q.Location != list[0].Location || q.Photos[0].MediaID != list[0].Photos[0].MediaID {
		t.Errorf("report = %+v, queue item = %+v", q, list[0])
	}
	// Decided reports stay readable (the detail page after approving).
	if err := b.svc.ApproveReport(b.ctx, mod, id); err != nil {
		t.Fatal(err)
	}
	if q, err = b.svc.ModerationReport(b.ctx, mod, id); err != nil || q.Status != ingest.StatusApproved {
		t.Errorf("after approval: %+v, %v", q.Status, err)
	}
	if _, err := b.svc.ModerationReport(b.ctx, mod, id+1000); !errors.Is(err, vikalp.ErrNotFound) {
		t.Errorf("unknown report: err = %v, want ErrNotFound", err)
	}
	if _, err := b.svc.ModerationReport(b.ctx, pcr, id); !errors.Is(err, vikalp.ErrForbidden) {
		t.Errorf("pcr: err = %v, want ErrForbidden", err)
	}
}
