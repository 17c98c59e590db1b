package cases_test

import (
	"bytes"
	"errors"
	"image/jpeg"
	"slices"
	"sync"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"gocloud.dev/blob"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/jurisdiction"
	"github.com/vikalp/vikalp/testkit"
)

// mediaBundle is the cases bundle with photos wired through a real ingest
// service on an in-memory bucket, as cmd/vikalp wires them.
type mediaBundle struct {
	*bundle
	bucket *blob.Bucket
	ingest *ingest.Service
}

func mediaSetup(t *testing.T) *mediaBundle {
	t.Helper()
	b := setup(t)
	jobs, err := river.NewClient(riverpgxv5.New(b.db), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	m := &mediaBundle{bundle: b, bucket: ingesttest.Bucket(t)}
	if m.ingest, err = ingest.NewService(b.db, ingest.Deps{Bucket: m.bucket, Keyring: testkit.Keyring(t), Jobs: jobs}); err != nil {
		t.Fatal(err)
	}
	b.svc = cases.NewService(b.db, cases.Deps{Jobs: jobs, Router: jurisdiction.New(b.db), Keyring: testkit.Keyring(t),
		Clock: b.clock, Photos: m.ingest})
	return m
}

// photos returns n distinct small JPEGs; the first carries EXIF GPS.
func photos(t *testing.T, n int) [][]byte {
	t.Helper()
	out := make([][]byte, n)
	for i := range out {
		o := ingesttest.PhotoOpts{Width: 40 + i, Height: 30}
		if i == 0 {
			o.GPS = &[2]float64{26.85, 80.95}
		}
		out[i] = ingesttest.JPEG(t, o)
	}
	return out
}

// attach attaches as her and fails the test on error.
func (m *mediaBundle) attach(t *testing.T, f cases.Filed, ps [][]byte, key string) cases.Attached {
	t.Helper()
	a, err := m.svc.AttachPhotos(m.ctx, nil, cases.AttachInput{Code: string(f.Code), Secret: string(f.Secret),
		Photos: ps, IdempotencyKey: key}, cases.English)
	if err != nil {
		t.Fatalf("AttachPhotos: %v", err)
	}
	return a
}

// stored returns the complaint_media rows, media rows and blobs now stored.
func (m *mediaBundle) stored(t *testing.T) [3]int {
	t.Helper()
	return [3]int{m.count(t, `SELECT count(*) FROM complaint_media`), m.count(t, `SELECT count(*) FROM media`),
		ingesttest.BlobCount(m.ctx, t, m.bucket)}
}

func TestAttachPhotos(t *testing.T) {
	t.Run("ByComplainant", func(t *testing.T) {
		m := mediaSetup(t)
		f := m.file(t, input())
		a := m.attach(t, f, photos(t, 2), "")
		if !slices.Equal(a.Added, []int{1, 2}) || a.Total != 2 || a.Replayed || a.Code != f.Code {
			t.Fatalf("attached %+v; want photos 1 and 2 of 2", a)
		}
		if got := m.stored(t); got != [3]int{2, 2, 6} { // original, derivative, thumbnail each
			t.Fatalf("stored (rows, media, blobs) = %v; want [2 2 6]", got)
		}
		if n := m.count(t, `SELECT count(*) FROM complaint_media WHERE added_by_kind = 'complainant' AND added_by_user_id IS NULL`); n != 2 {
			t.Fatalf("%d rows added by the complainant; want 2", n)
		}
		kinds := m.eventKinds(t, f.ID, true)
		if kinds[len(kinds)-1] != cases.EventEvidenceAdded {
			t.Fatalf("her timeline %v; want it to end with %s", kinds, cases.EventEvidenceAdded)
		}
		tr, err := m.svc.Track(m.ctx, string(f.Code), string(f.Secret), cases.English)
		if err != nil || tr.Timeline[len(tr.Timeline)-1].Kind != cases.EventEvidenceAdded {
			t.Fatalf("Track: %v; want the evidence event on her tracking page", err)
		}
	})
	t.Run("HerThumbnailsUnwatermarkedWithoutEXIF", func(t *testing.T) {
		m := mediaSetup(t)
		f := m.file(t, input())
		m.attach(t, f, photos(t, 2), "")
		list, err := m.svc.TrackPhotos(m.ctx, string(f.Code), string(f.Secret), cases.English)
		if err != nil || len(list) != 2 || list[0].N != 1 || list[1].N != 2 {
			t.Fatalf("TrackPhotos = %d photos, %v; want 2", len(list), err)
		}
		var mediaID int64
		if err := m.db.QueryRow(m.ctx, `SELECT media_id FROM complaint_media WHERE n = 1`).Scan(&mediaID); err != nil {
			t.Fatal(err)
		}
		stored, err := m.ingest.MediaPhoto(m.ctx, mediaID, true)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(list[0].Thumbnail, stored) || ingesttest.HasEXIF(list[0].Thumbnail) {
			t.Fatal("her thumbnail is not the stored, metadata-free thumbnail")
		}
		_, err = m.svc.TrackPhotos(m.ctx, string(f.Code), "AAAA-AAAA-AAAA-AAAA", cases.English)
		wantKind(t, err, vikalp.ErrNotFound)
	})
	t.Run("Limits", func(t *testing.T) {
		m := mediaSetup(t)
		f := m.file(t, input())
		in := cases.AttachInput{Code: string(f.Code), Secret: string(f.Secret)}
		_, err := m.svc.AttachPhotos(m.ctx, nil, in, cases.Hindi)
		wantCode(t, err, vikalp.ErrInvalid, cases.CodePhotosRequired)
		in.Photos = photos(t, 6)
		_, err = m.svc.AttachPhotos(m.ctx, nil, in, cases.English)
		wantCode(t, err, vikalp.ErrInvalid, cases.CodePhotoCount)
		m.attach(t, f, photos(t, 5), "")
		if a := m.attach(t, f, photos(t, 4), ""); a.Total != 9 || a.Added[0] != 6 {
			t.Fatalf("second batch %+v; want photos 6–9 of 9", a)
		}
		before := m.stored(t)
		in.Photos = photos(t, 2)
		_, err = m.svc.AttachPhotos(m.ctx, nil, in, cases.English)
		wantCode(t, err, vikalp.ErrInvalid, cases.CodePhotoLimit)
		if got := m.stored(t); got != before {
			t.Fatalf("a refused batch changed what is stored: %v → %v", before, got)
		}
		if a := m.attach(t, f, photos(t, 1), ""); a.Total != cases.MaxComplaintPhotos {
			t.Fatalf("last photo %+v; want the 10th", a)
		}
	})
	t.Run("RefusalsStoreNothing", func(t *testing.T) {
		m := mediaSetup(t)
		f := m.file(t, input())
		for name, tc := range map[string]struct {
			in   cases.AttachInput
			kind error
		}{
			"WrongSecret": {cases.AttachInput{Code: string(f.Code), Secret: "AAAA-AAAA-AAAA-AAAA", Photos: photos(t, 1)}, vikalp.ErrNotFound},
			"PDF":         {cases.AttachInput{Code: string(f.Code), Secret: string(f.Secret), Photos: [][]byte{photos(t, 1)[0], ingesttest.PDF()}}, vikalp.ErrInvalid},
			"Bomb":        {cases.AttachInput{Code: string(f.Code), Secret: string(f.Secret), Photos: [][]byte{ingesttest.PNGBomb(100000, 100000)}}, vikalp.ErrInvalid},
			"Corrupt":     {cases.AttachInput{Code: string(f.Code), Secret: string(f.Secret), Photos: [][]byte{ingesttest.TruncatedJPEG(t)}}, vikalp.ErrInvalid},
			"BadKey":      {cases.AttachInput{Code: string(f.Code), Secret: string(f.Secret), Photos: photos(t, 1), IdempotencyKey: "a b"}, vikalp.ErrInvalid},
		} {
			_, err := m.svc.AttachPhotos(m.ctx, nil, tc.in, cases.English)
			if !errors.Is(err, tc.kind) {
				t.Errorf("%s: error %v; want %v", name, err, tc.kind)
			}
		}
		if got := m.stored(t); got != [3]int{} {
			t.Fatalf("refusals stored (rows, media, blobs) %v; want nothing", got)
		}
	})
	t.Run("ClosedComplaintRefused", func(t *testing.T) {
		m := mediaSetup(t)
		f := m.file(t, input())
		if _, err := m.svc.Withdraw(m.ctx, string(f.Code), string(f.Secret), "resolved at home", cases.English); err != nil {
			t.Fatal(err)
		}
		_, err := m.svc.AttachPhotos(m.ctx, nil, cases.AttachInput{Code: string(f.Code), Secret: string(f.Secret),
			Photos: photos(t, 1)}, cases.English)
		wantCode(t, err, vikalp.ErrConflict, cases.CodeComplaintClosed)
		if got := m.stored(t); got != [3]int{} {
			t.Fatalf("stored %v after refusing a withdrawn complaint; want nothing", got)
		}
	})
	t.Run("IdempotentRetry", func(t *testing.T) {
		m := mediaSetup(t)
		f := m.file(t, input())
		ps := photos(t, 3)
		first := m.attach(t, f, ps, "attach-key-0000001")
		after := m.stored(t)
		again := m.attach(t, f, ps, "attach-key-0000001")
		if !again.Replayed || !slices.Equal(again.Added, first.Added) || again.Total != 3 {
			t.Fatalf("retry %+v; want the replayed answer %+v", again, first)
		}
		if got := m.stored(t); got != after {
			t.Fatalf("a retry stored more: %v → %v", after, got)
		}
		_, err := m.svc.AttachPhotos(m.ctx, nil, cases.AttachInput{Code: string(f.Code), Secret: string(f.Secret),
			Photos: ps[:1], IdempotencyKey: "attach-key-0000001"}, cases.English)
		wantCode(t, err, vikalp.ErrConflict, cases.CodeIdempotencyKeyReused)
		if n := m.count(t, `SELECT count(*) FROM complaint_events WHERE kind = 'evidence_added'`); n != 1 {
			t.Fatalf("%d evidence events; want 1", n)
		}
	})
	t.Run("ConcurrentRetriesStoreOnce", func(t *testing.T) {
		m := mediaSetup(t)
		f := m.file(t, input())
		ps := photos(t, 2)
		var wg sync.WaitGroup
		answers := make([]cases.Attached, 4)
		errs := make([]error, 4)
		for i := range answers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				answers[i], errs[i] = m.svc.AttachPhotos(m.ctx, nil, cases.AttachInput{Code: string(f.Code),
					Secret: string(f.Secret), Photos: ps, IdempotencyKey: "same-attach-key-0001"}, cases.English)
			}()
		}
		wg.Wait()
		fresh := 0
		for i, err := range errs {
			if err != nil || !slices.Equal(answers[i].Added, []int{1, 2}) {
				t.Fatalf("request %d: %+v, %v; want photos 1 and 2", i, answers[i], err)
			}
			if !answers[i].Replayed {
				fresh++
			}
		}
		if got := m.stored(t); fresh != 1 || got != [3]int{2, 2, 6} {
			t.Fatalf("%d fresh answers, stored %v; want 1 and [2 2 6] (losers' blobs removed)", fresh, got)
		}
	})
	t.Run("ByEcellWhoFiledIt", func(t *testing.T) {
		m := mediaSetup(t)
		f, err := m.svc.File(m.ctx, &m.ecell, input(), cases.English)
		if err != nil {
			t.Fatal(err)
		}
		in := cases.AttachInput{Code: string(f.Code), Photos: photos(t, 1)}
		a, err := m.svc.AttachPhotos(m.ctx, &m.ecell, in, cases.English)
		if err != nil || a.Total != 1 {
			t.Fatalf("E-cell attach: %+v, %v", a, err)
		}
		if n := m.count(t, `SELECT count(*) FROM complaint_media WHERE added_by_kind = 'ecell' AND added_by_user_id = $1`, m.ecell.UserID); n != 1 {
			t.Fatalf("%d rows by the E-cell user; want 1", n)
		}
		other := testkit.User(m.ctx, t, m.db, auth.RoleECell, auth.StateScope)
		_, err = m.svc.AttachPhotos(m.ctx, &other, in, cases.English)
		wantKind(t, err, vikalp.ErrNotFound)
		_, err = m.svc.AttachPhotos(m.ctx, &m.stationA1, in, cases.English)
		wantKind(t, err, vikalp.ErrForbidden)
		mine := m.file(t, input()) // filed by her, not by the E-cell user
		in.Code = string(mine.Code)
		_, err = m.svc.AttachPhotos(m.ctx, &m.ecell, in, cases.English)
		wantKind(t, err, vikalp.ErrNotFound)
	})
}

func TestComplaintPhotoStaffView(t *testing.T) {
	m := mediaSetup(t)
	f := m.file(t, input()) // StationA1, district A
	m.attach(t, f, photos(t, 2), "")
	var mediaID int64
	if err := m.db.QueryRow(m.ctx, `SELECT media_id FROM complaint_media WHERE n = 2`).Scan(&mediaID); err != nil {
		t.Fatal(err)
	}
	plain, err := m.ingest.MediaPhoto(m.ctx, mediaID, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []auth.Principal{m.stationA1, m.nodalA, m.spA, m.analyst, m.legal} {
		data, err := m.svc.Photo(m.ctx, p, f.ID, 2, false)
		if err != nil {
			t.Fatalf("%s: Photo: %v", p.Role, err)
		}
		if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil || bytes.Equal(data, plain) || ingesttest.HasEXIF(data) {
			t.Fatalf("%s: got no watermarked, metadata-free JPEG (decode: %v)", p.Role, err)
		}
	}
	if n := m.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.photo_viewed' AND object_id = $1`, f.ID); n != 5 {
		t.Fatalf("%d audited views; want 5", n)
	}
	list, err := m.svc.Photos(m.ctx, m.stationA1, f.ID)
	if err != nil || len(list) != 2 || list[1].AddedBy != cases.ActorComplainant {
		t.Fatalf("Photos = %+v, %v", list, err)
	}
	pcr := testkit.User(m.ctx, t, m.db, auth.RolePCR, auth.Scope{Kind: auth.ScopeDistrict, ID: int64(m.fx.DistrictA)})
	for name, tc := range map[string]struct {
		p    auth.Principal
		n    int
		kind error
	}{
		"OtherStation":  {m.stationA2, 1, vikalp.ErrNotFound},
		"OtherDistrict": {m.stationB, 1, vikalp.ErrNotFound},
		"OtherNodal":    {m.nodalB, 1, vikalp.ErrNotFound},
		"PCR":           {pcr, 1, vikalp.ErrForbidden},
		"Ecell":         {m.ecell, 1, vikalp.ErrForbidden},
		"NoSuchPhoto":   {m.stationA1, 3, vikalp.ErrNotFound},
	} {
		_, err := m.svc.Photo(m.ctx, tc.p, f.ID, tc.n, true)
		if !errors.Is(err, tc.kind) {
			t.Errorf("%s: Photo error %v; want %v", name, err, tc.kind)
		}
		if _, err := m.svc.Photos(m.ctx, tc.p, f.ID); tc.n == 1 && !errors.Is(err, tc.kind) {
			t.Errorf("%s: Photos error %v; want %v", name, err, tc.kind)
		}
	}
	if n := m.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.photo_viewed'`); n != 5 {
		t.Fatalf("%d audited views after refusals; want still 5", n)
	}
}
