package api_test

import (
	"bytes"
	"encoding/base64"
	"image/jpeg"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/jurisdiction"
)

// setupComplaintMedia is setupComplaints with an E-cell user and a station
// of another district.
func setupComplaintMedia(t *testing.T) *complaintBundle {
	t.Helper()
	srv := apitest.Start(t, e2ePassword, func(j *jurisdiction.Service) []auth.DemoUser {
		lko := auth.Scope{Kind: auth.ScopeDistrict, ID: 162}
		return append(complaintStaff(t, j),
			auth.DemoUser{Username: "station.taj", Role: auth.RoleStation, Scope: auth.Scope{Kind: auth.ScopeStation, ID: apitest.StationID(t, j, "AGR-TAJ")}},
			auth.DemoUser{Username: "ecell.lko", Role: auth.RoleECell, Scope: lko},
			auth.DemoUser{Username: "ecell.two", Role: auth.RoleECell, Scope: lko})
	})
	return newComplaintBundle(t, srv)
}

// upload posts a multipart form of fields and photos, checks the status
// and decodes the reply into out.
func (c *client) upload(path string, fields map[string]string, photos [][]byte, wantStatus int, out any, headers ...string) []byte {
	c.b.t.Helper()
	body, ctype := multipartForm(fields, photos...)
	req, _ := http.NewRequest(http.MethodPost, c.b.server.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	return c.expect(req, wantStatus, out, headers...)
}

// get fetches path with the client's cookies and returns status, content
// type, Cache-Control and body.
func (c *client) get(path string) (int, string, string, []byte) {
	c.b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.b.server.URL+path, nil)
	resp, body := c.send(req)
	return resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"), body
}

type attachedReply struct {
	Code     string `json:"code"`
	Added    []int  `json:"added"`
	Total    int    `json:"total"`
	Replayed bool   `json:"replayed"`
}

// TestComplaintPhotosOverHTTP attaches photos as her and as the E-cell
// staffer who filed for her, and checks who may see them and how.
func TestComplaintPhotosOverHTTP(t *testing.T) {
	t.Parallel()
	b := setupComplaintMedia(t)
	her := b.anonymous()
	var filed struct{ Code, Secret string }
	her.do(http.MethodPost, "/api/v1/complaints", map[string]any{"category": "stalking", "language": "en",
		"description": "A man follows me from the bus stop.", "lat": 26.8505, "lon": 80.9466}, http.StatusCreated, &filed)
	id := b.count(`SELECT id FROM complaints WHERE code = $1`, filed.Code)
	ck := map[string]string{"code": filed.Code, "secret": filed.Secret}
	gps := ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 120, Height: 90, GPS: &[2]float64{26.85, 80.95}})
	photos := [][]byte{gps, ingesttest.PNG(t, 50, 40)}

	// She attaches two photos; a retry with the same key adds nothing.
	var a attachedReply
	her.upload("/api/v1/complaints/attachments", ck, photos, http.StatusCreated, &a, "Idempotency-Key", "photo-key-00000001")
	if a.Code != filed.Code || a.Total != 2 || len(a.Added) != 2 || a.Replayed {
		t.Fatalf("attached %+v", a)
	}
	her.upload("/api/v1/complaints/attachments", ck, photos, http.StatusOK, &a, "Idempotency-Key", "photo-key-00000001")
	if !a.Replayed || b.count(`SELECT count(*) FROM complaint_media`) != 2 {
		t.Fatalf("retry %+v stored a second copy", a)
	}

	// A wrong secret, a PDF and a missing photo are refused and store nothing.
	bad := map[string]string{"code": filed.Code, "secret": "AAAA-AAAA-AAAA-AAAA"}
	her.upload("/api/v1/complaints/attachments", bad, photos[:1], http.StatusNotFound, nil)
	her.upload("/api/v1/complaints/attachments", ck, [][]byte{ingesttest.PDF()}, http.StatusUnprocessableEntity, nil)
	her.upload("/api/v1/complaints/attachments", ck, nil, http.StatusUnprocessableEntity, nil)
	if n := b.count(`SELECT count(*) FROM media`); n != 2 {
		t.Fatalf("%d media rows after refusals; want 2", n)
	}

	// She sees her thumbnails (inline, without EXIF) and the timeline event.
	var mine struct {
		Photos []struct {
			N         int    `json:"n"`
			Thumbnail string `json:"thumbnail"`
		} `json:"photos"`
	}
	her.do(http.MethodPost, "/api/v1/complaints/track/photos", ck, http.StatusOK, &mine)
	if len(mine.Photos) != 2 || !strings.HasPrefix(mine.Photos[0].Thumbnail, "data:image/jpeg;base64,") {
		t.Fatalf("her photos: %+v", mine)
	}
	thumb, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(mine.Photos[0].Thumbnail, "data:image/jpeg;base64,"))
	if err != nil || ingesttest.HasEXIF(thumb) {
		t.Fatalf("her thumbnail: %v (or it carries EXIF)", err)
	}
	her.do(http.MethodPost, "/api/v1/complaints/track/photos", bad, http.StatusNotFound, nil)
	var tr tracked
	her.do(http.MethodPost, "/api/v1/complaints/track", ck, http.StatusOK, &tr)
	if last := tr.Timeline[len(tr.Timeline)-1]; last.Kind != "evidence_added" {
		t.Fatalf("her timeline ends with %q; want evidence_added", last.Kind)
	}

	// The station sees them, watermarked and never cached; every view is audited.
	path := "/api/v1/complaints/" + strconv.Itoa(id) + "/photos"
	station := b.login("station.hzg")
	var list struct {
		Photos []struct {
			N        int    `json:"n"`
			AddedBy  string `json:"added_by"`
			ThumbURL string `json:"thumb_url"`
		} `json:"photos"`
	}
	station.do(http.MethodGet, path, nil, http.StatusOK, &list)
	if len(list.Photos) != 2 || list.Photos[0].AddedBy != "complainant" || list.Photos[1].ThumbURL != path+"/2?size=thumb" {
		t.Fatalf("staff list %+v", list)
	}
	for _, p := range []string{path + "/1", list.Photos[1].ThumbURL} {
		status, ctype, cache, body := station.get(p)
		if status != http.StatusOK || ctype != "image/jpeg" || cache != "private, no-store" || ingesttest.HasEXIF(body) {
			t.Fatalf("GET %s: %d %s %q", p, status, ctype, cache)
		}
		if _, err := jpeg.Decode(bytes.NewReader(body)); err != nil {
			t.Fatalf("GET %s: not a JPEG: %v", p, err)
		}
	}
	b.login("nodal.lko").get(path + "/2")
	if n := b.count(`SELECT count(*) FROM audit_log WHERE action = 'complaint.photo_viewed' AND object_id = $1`, id); n != 3 {
		t.Fatalf("%d audited photo views; want 3", n)
	}

	// Outside scope it does not exist; PCR has no complaint work; anonymous must log in.
	for user, want := range map[string]int{"station.gom": 404, "station.taj": 404, "nodal.agra": 404, "pcr.user": 403} {
		c := b.login(user)
		if status, _, _, _ := c.get(path + "/1"); status != want {
			t.Errorf("%s: GET photo %d; want %d", user, status, want)
		}
		if status, _, _, _ := c.get(path); status != want {
			t.Errorf("%s: GET list %d; want %d", user, status, want)
		}
	}
	if status, _, _, _ := her.get(path + "/1"); status != http.StatusUnauthorized {
		t.Errorf("anonymous: GET photo %d; want 401", status)
	}
	if n := b.count(`SELECT count(*) FROM audit_log WHERE action = 'complaint.photo_viewed'`); n != 3 {
		t.Fatalf("refused views were audited as views: %d", n)
	}

	// Staff other than E-cell may not attach, even with her code and secret.
	station.upload("/api/v1/complaints/attachments", ck, photos[:1], http.StatusForbidden, nil)

	// The E-cell staffer attaches to the complaint she filed, by code alone;
	// another E-cell user cannot.
	ecell := b.login("ecell.lko")
	var assisted struct{ Code string }
	ecell.do(http.MethodPost, "/api/v1/complaints", map[string]any{"category": "stalking", "language": "en",
		"description": "She is followed every evening.", "district_id": 162}, http.StatusCreated, &assisted)
	ecell.upload("/api/v1/complaints/attachments", map[string]string{"code": assisted.Code}, photos[:1], http.StatusCreated, &a)
	if a.Total != 1 || b.count(`SELECT count(*) FROM complaint_media WHERE added_by_kind = 'ecell'`) != 1 {
		t.Fatalf("E-cell attach %+v", a)
	}
	b.login("ecell.two").upload("/api/v1/complaints/attachments", map[string]string{"code": assisted.Code}, photos[:1], http.StatusNotFound, nil)

	// Once she withdraws, no more photos.
	her.do(http.MethodPost, "/api/v1/complaints/withdraw", map[string]string{"code": filed.Code, "secret": filed.Secret,
		"reason": "settled"}, http.StatusOK, nil)
	her.upload("/api/v1/complaints/attachments", ck, photos[:1], http.StatusConflict, nil)
}
