package ingest_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/testkit"
)

// sampleTip is a tip with places in Lucknow and Gorakhpur (two AHTUs), one
// photo and contact details.
func sampleTip(t *testing.T) ingest.NewTip {
	t.Helper()
	seen := time.Now().Add(-6 * time.Hour)
	return ingest.NewTip{
		Text: "दो नाबालिग लड़कियों को बस से नेपाल सीमा की ओर ले जाया गया",
		Places: []ingest.TipPlace{
			{Lat: testkit.Lucknow[0], Lon: testkit.Lucknow[1], Description: "Charbagh bus stand", SeenAt: &seen},
			{Lat: testkit.Gorakhpur[0], Lon: testkit.Gorakhpur[1], Description: "railway station"},
		},
		Vehicles: []string{"UP 32 AB 1234"}, Phones: []string{"+91 98765 43210"}, People: []string{"man, 40s, red cap"},
		Contact:        &ingest.TipContact{Name: "Sunita", Phone: "9123456780"},
		ConsentContact: true,
		Photos:         [][]byte{ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 300, Height: 200, GPS: &testkit.Lucknow})},
	}
}

// tipFixture submits sampleTip and returns its id and the AHTUs it went to.
func (b *bundle) tipFixture(t *testing.T) (int64, []int) {
	t.Helper()
	rec, err := b.svc.SubmitTip(b.ctx, sampleTip(t))
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	var ahtus []int
	if err := b.db.QueryRow(b.ctx, `SELECT id, ahtu_ids FROM tips WHERE code = $1`, rec.Code).Scan(&id, &ahtus); err != nil {
		t.Fatal(err)
	}
	return id, ahtus
}

func TestSubmitTipRoutesAndSeals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id, ahtus := b.tipFixture(t)
	if len(ahtus) != 2 {
		t.Fatalf("tip routed to AHTUs %v, want two (Lucknow and Gorakhpur units)", ahtus)
	}
	if n := b.count(t, `SELECT count(*) FROM tip_places WHERE tip_id = $1 AND h3_r9 IS NOT NULL
		AND ahtu_id = ANY($2)`, id, ahtus); n != 2 {
		t.Errorf("routed places = %d, want 2", n)
	}
	var sealed []byte
	if err := b.db.QueryRow(b.ctx, `SELECT contact_sealed FROM tips WHERE id = $1`, id).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if len(sealed) == 0 || bytes.Contains(sealed, []byte("9123456780")) || bytes.Contains(sealed, []byte("Sunita")) {
		t.Error("contact details stored in the clear")
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'ingest.tip_received' AND (args->>'tip_id')::bigint = $1`, id); n != 1 {
		t.Errorf("tip_received jobs = %d, want 1", n)
	}
}

func TestTipVisibility(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id, ahtus := b.tipFixture(t)
	var otherAHTU int64
	if err := b.db.QueryRow(b.ctx, `SELECT id FROM ahtu_units WHERE id <> ALL($1) ORDER BY id LIMIT 1`, ahtus).Scan(&otherAHTU); err != nil {
		t.Fatal(err)
	}
	user := func(role auth.Role, scope auth.Scope) auth.Principal {
		return testkit.User(b.ctx, t, b.db, role, scope)
	}
	own := user(auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: int64(ahtus[0])})
	other := user(auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: otherAHTU})
	pcr := user(auth.RolePCR, auth.Scope{Kind: auth.ScopeDistrict, ID: 162})
	mod := user(auth.RoleModerator, stateScope)
	analyst := user(auth.RoleMSPAnalyst, stateScope)
	legal := user(auth.RoleMSPLegal, stateScope)
	admin := user(auth.RoleAdmin, stateScope)

	for name, p := range map[string]auth.Principal{"OwnAHTU": own, "MSPAnalyst": analyst, "MSPLegal": legal, "Admin": admin} {
		t.Run("Sees"+name, func(t *testing.T) {
			tip, err := b.svc.Tip(b.ctx, p, id)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(tip.Text, "नेपाल") || len(tip.PlaceList) != 2 || tip.Vehicles[0] != "UP 32 AB 1234" {
				t.Errorf("tip = %+v", tip)
			}
			list, err := b.svc.Tips(b.ctx, p, 0, 10)
			if err != nil || len(list) != 1 {
				t.Errorf("list = %d, %v; want 1", len(list), err)
			}
		})
	}
	for name, p := range map[string]auth.Principal{"OtherAHTU": other, "PCR": pcr, "Moderator": mod} {
		t.Run("404For"+name, func(t *testing.T) {
			if _, err := b.svc.Tip(b.ctx, p, id); !errors.Is(err, vikalp.ErrNotFound) {
				t.Errorf("Tip: err = %v, want ErrNotFound", err)
			}
			if _, err := b.svc.TipPhoto(b.ctx, p, id, 1, false); !errors.Is(err, vikalp.ErrNotFound) {
				t.Errorf("TipPhoto: err = %v, want ErrNotFound", err)
			}
			if _, err := b.svc.TipContact(b.ctx, p, id); !errors.Is(err, vikalp.ErrNotFound) {
				t.Errorf("TipContact: err = %v, want ErrNotFound", err)
			}
			if list, _ := b.svc.Tips(b.ctx, p, 0, 10); len(list) != 0 {
				t.Errorf("list shows %d tips", len(list))
			}
		})
	}
	t.Run("ContactForLegalOnlyAfterAudit", func(t *testing.T) {
		c, err := b.svc.TipContact(b.ctx, legal, id)
		if err != nil || c.Phone != "9123456780" || c.Name != "Sunita" {
			t.Fatalf("contact = %+v, %v", c, err)
		}
		if _, err := b.svc.TipContact(b.ctx, admin, id); !errors.Is(err, vikalp.ErrForbidden) {
			t.Errorf("admin contact: err = %v, want ErrForbidden", err)
		}
		if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'tip.contact_decrypted' AND object_id = $1
			AND actor_user_id = $2`, id, legal.UserID); n != 1 {
			t.Errorf("contact audits = %d, want 1", n)
		}
	})
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'tip.viewed' AND object_id = $1`, id); n != 4 {
		t.Errorf("tip.viewed audits = %d, want 4 (one per allowed view)", n)
	}
}

func TestTipPhotoWatermarkedPerViewer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id, ahtus := b.tipFixture(t)
	a := testkit.User(b.ctx, t, b.db, auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: int64(ahtus[0])})
	m := testkit.User(b.ctx, t, b.db, auth.RoleMSPAnalyst, stateScope)
	pa, err := b.svc.TipPhoto(b.ctx, a, id, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	pm, err := b.svc.TipPhoto(b.ctx, m, id, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(pa, pm) {
		t.Error("two viewers got identical photos: no per-viewer watermark")
	}
	for _, data := range [][]byte{pa, pm} {
		if ingesttest.HasEXIF(data) || ingest.SniffType(data) != ingest.TypeJPEG {
			t.Error("served tip photo carries EXIF or is not a JPEG")
		}
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'tip.photo_viewed' AND object_id = $1`, id); n != 2 {
		t.Errorf("photo audits = %d, want 2", n)
	}
	if _, err := b.svc.TipPhoto(b.ctx, a, id, 2, false); !errors.Is(err, vikalp.ErrNotFound) {
		t.Errorf("missing photo 2: err = %v", err)
	}
}

func TestSubmitTipRefusalsLeaveNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mod := func(f func(*ingest.NewTip)) ingest.NewTip {
		in := sampleTip(t)
		f(&in)
		return in
	}
	photo := ingesttest.JPEG(t, ingesttest.PhotoOpts{})
	cases := map[string]struct {
		in   ingest.NewTip
		code string
	}{
		"NoText":   {mod(func(in *ingest.NewTip) { in.Text = "  " }), "required"},
		"NoPlaces": {mod(func(in *ingest.NewTip) { in.Places = nil }), "place_count"},
		"PlaceOutsideUP": {mod(func(in *ingest.NewTip) {
			in.Places[1].Lat, in.Places[1].Lon = testkit.Mumbai[0], testkit.Mumbai[1]
		}), "outside_up"},
		"PlaceNoDistrict":  {mod(func(in *ingest.NewTip) { in.Places[1].Lat, in.Places[1].Lon = 28.2096, 83.9856 }), "outside_up"},
		"ConsentNoContact": {mod(func(in *ingest.NewTip) { in.Contact = nil }), "contact_required"},
		"SixPhotos":        {mod(func(in *ingest.NewTip) { in.Photos = [][]byte{photo, photo, photo, photo, photo, photo} }), "photo_count"},
		"PDFPhoto":         {mod(func(in *ingest.NewTip) { in.Photos = [][]byte{photo, ingesttest.PDF()} }), "photo_type"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := b.svc.SubmitTip(b.ctx, tc.in)
			wantUserError(t, err, tc.code)
		})
	}
	b.wantNothingStored(t)
}
