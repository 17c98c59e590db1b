package api_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"testing"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/ingest/ingesttest"
)

func TestOpen311(t *testing.T) {
	t.Parallel()
	b := setupIngest(t)
	t.Run("ServicesJSONAndXML", func(t *testing.T) {
		rec := b.do(http.MethodGet, "/open311/v2/services.json", "", "")
		if rec.Code != 200 || !bytes.Contains(rec.Body.Bytes(), []byte(`"service_code":"groping"`)) {
			t.Fatalf("services.json: %d %s", rec.Code, rec.Body)
		}
		rec = b.do(http.MethodGet, "/open311/v2/services.xml", "", "")
		var doc struct {
			Services []struct {
				Code string `xml:"service_code"`
			} `xml:"service"`
		}
		if rec.Code != 200 || xml.Unmarshal(rec.Body.Bytes(), &doc) != nil || len(doc.Services) != 9 {
			t.Fatalf("services.xml: %d %s", rec.Code, rec.Body)
		}
	})

	photo := ingesttest.JPEG(t, ingesttest.PhotoOpts{})
	rec := b.post(t, "/open311/v2/requests.json", upload{fields: map[string]string{"service_code": "stalking",
		"lat": fmt.Sprint(ingesttest.Agra[0]), "long": fmt.Sprint(ingesttest.Agra[1]), "description": "near the gate"},
		files: map[string][][]byte{"media": {photo}}}, "")
	if rec.Code != http.StatusCreated {
		t.Fatalf("post request: %d %s", rec.Code, rec.Body)
	}
	created := decode[[]struct {
		ID string `json:"service_request_id"`
	}](t, rec)
	code := created[0].ID

	if rec := b.do(http.MethodGet, "/open311/v2/requests.json", "", ""); rec.Code != 200 || bytes.Contains(rec.Body.Bytes(), []byte(code)) {
		t.Errorf("pending request listed publicly: %s", rec.Body)
	}
	if rec := b.do(http.MethodGet, "/open311/v2/requests/"+code+".json", "", ""); rec.Code != 200 ||
		!bytes.Contains(rec.Body.Bytes(), []byte("awaiting review")) || bytes.Contains(rec.Body.Bytes(), []byte(`"lat"`)) {
		t.Errorf("pending request by id: %d %s", rec.Code, rec.Body)
	}
	var id int64
	if err := b.db.QueryRow(b.ctx, `SELECT id FROM reports WHERE code = $1 AND source = 'open311'`, code).Scan(&id); err != nil {
		t.Fatal(err)
	}
	mod := b.token(t, auth.RoleModerator, auth.StateScope)
	if rec := b.do(http.MethodPost, fmt.Sprintf("/api/v1/moderation/reports/%d/approve", id), "", mod); rec.Code != 200 {
		t.Fatalf("approve: %d", rec.Code)
	}
	rec = b.do(http.MethodGet, "/open311/v2/requests.xml?service_code=stalking", "", "")
	if rec.Code != 200 || !bytes.Contains(rec.Body.Bytes(), []byte("<service_request_id>"+code)) ||
		bytes.Contains(rec.Body.Bytes(), []byte("near the gate")) || bytes.Contains(rec.Body.Bytes(), []byte("78.0081")) {
		t.Errorf("approved listing (xml): %d %s", rec.Code, rec.Body)
	}
	rec = b.post(t, "/open311/v2/requests.json", upload{fields: map[string]string{"service_code": "stalking",
		"lat": "19.07", "long": "72.87"}, files: map[string][][]byte{"media": {photo}}}, "")
	if rec.Code != http.StatusUnprocessableEntity || !bytes.Contains(rec.Body.Bytes(), []byte(`"code":422`)) {
		t.Errorf("outside UP: %d %s", rec.Code, rec.Body)
	}
}

// A public Open311 listing shows a position only as a cell that at least k
// (3) distinct approved reports share: a lone report has none, and once
// three reports of the same r8 cell are approved each shows the cell centre.
func TestOpen311ListingIsKAnonymous(t *testing.T) {
	t.Parallel()
	b := setupIngest(t)
	mod := b.token(t, auth.RoleModerator, auth.StateScope)
	approveJSON := func(lat, lon float64) string {
		t.Helper()
		rec := b.do(http.MethodPost, "/api/v1/reports",
			fmt.Sprintf(`{"category":"stalking","lat":%f,"lon":%f}`, lat, lon), "")
		if rec.Code != http.StatusCreated {
			t.Fatalf("report: %d %s", rec.Code, rec.Body)
		}
		code := decode[receiptBody](t, rec).Code
		if rec := b.do(http.MethodPost, fmt.Sprintf("/api/v1/moderation/reports/%d/approve", b.reportID(t, code)), "", mod); rec.Code != 200 {
			t.Fatalf("approve: %d", rec.Code)
		}
		return code
	}
	type listed struct {
		ID  string   `json:"service_request_id"`
		Lat *float64 `json:"lat"`
	}
	positions := func() map[string]*float64 {
		rec := b.do(http.MethodGet, "/open311/v2/requests.json", "", "")
		out := map[string]*float64{}
		for _, r := range decode[[]listed](t, rec) {
			out[r.ID] = r.Lat
		}
		return out
	}

	lone := approveJSON(ingesttest.Agra[0], ingesttest.Agra[1])
	if lat := positions()[lone]; lat != nil {
		t.Errorf("a lone approved report shows a position (%v)", *lat)
	}
	// Three r9 cells (so no duplicate link) inside one r8 cell in Lucknow.
	cells8, err := geo.Index(26.8467, 80.9462)
	if err != nil {
		t.Fatal(err)
	}
	children := h3.Cell(cells8.R8).Children(9)
	var codes []string
	for _, child := range children[:3] {
		c := geo.Center(int64(child))
		codes = append(codes, approveJSON(c.Lat(), c.Lon()))
	}
	var cells int
	if err = b.db.QueryRow(b.ctx, `SELECT count(DISTINCT h3_r8) FROM reports WHERE code = ANY($1)`, codes).Scan(&cells); err != nil || cells != 1 {
		t.Fatalf("fixture reports span %d r8 cells (%v), want 1", cells, err)
	}
	got := positions()
	for _, c := range codes {
		if got[c] == nil {
			t.Errorf("report %s in a cell of 3 shows no position", c)
		}
	}
	if got[lone] != nil {
		t.Error("the lone report gained a position")
	}
}
