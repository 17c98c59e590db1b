package api_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"testing"

	"github.com/vikalp/vikalp/auth"
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
