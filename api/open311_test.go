package api_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp/api"
	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/testkit"
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
		"lat": fmt.Sprint(testkit.Agra[0]), "long": fmt.Sprint(testkit.Agra[1]), "description": "near the gate"},
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

	lone := approveJSON(testkit.Agra[0], testkit.Agra[1])
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

// open311Bundle is an ingest bundle whose router trusts one reverse proxy
// (192.0.2.1, httptest's default peer) for X-Forwarded-Proto and -Host.
func setupOpen311(t *testing.T) *ingestBundle {
	t.Helper()
	b := setupIngest(t)
	deps := b.deps
	deps.Registry = api.NewRegistry() // setupIngest's router registered its metrics in the first
	deps.TrustedProxies = []string{"192.0.2.1"}
	b.router = apitest.Router(t, deps)
	return b
}

// form posts an application/x-www-form-urlencoded body.
func (b *ingestBundle) form(path string, v url.Values, headers ...string) *httptest.ResponseRecorder {
	return serve(b.router, http.MethodPost, path, strings.NewReader(v.Encode()),
		append([]string{"Content-Type", "application/x-www-form-urlencoded"}, headers...)...)
}

// open311Req is a GeoReport service request as a client decodes it.
type open311Req struct {
	ID          string   `json:"service_request_id" xml:"service_request_id"`
	Token       string   `json:"token" xml:"token"`
	Status      string   `json:"status" xml:"status"`
	StatusNotes string   `json:"status_notes" xml:"status_notes"`
	ServiceCode string   `json:"service_code" xml:"service_code"`
	Description string   `json:"description" xml:"description"`
	Notice      string   `json:"service_notice" xml:"service_notice"`
	Requested   string   `json:"requested_datetime" xml:"requested_datetime"`
	Lat         *float64 `json:"lat" xml:"lat"`
	MediaURL    string   `json:"media_url" xml:"media_url"`
}

// xmlRequests is a <service_requests> document.
type xmlRequests struct {
	XMLName  xml.Name     `xml:"service_requests"`
	Requests []open311Req `xml:"request"`
}

// TestOpen311Conformance walks GeoReport v2 as its specification's
// examples do (http://wiki.open311.org/GeoReport_v2), in both formats:
// discovery, services, a service definition with attributes, POST in
// urlencoded, multipart (with media) and JSON encodings, tokens, GET with
// every filter, and status following the report's life.
func TestOpen311Conformance(t *testing.T) {
	t.Parallel()
	b := setupOpen311(t)
	mod := b.token(t, auth.RoleModerator, auth.StateScope)

	t.Run("Discovery", func(t *testing.T) {
		rec := b.do(http.MethodGet, "/open311/v2/discovery.json", "", "")
		doc := decode[struct {
			Changeset string `json:"changeset"`
			Endpoints []struct {
				Specification string   `json:"specification"`
				URL           string   `json:"url"`
				Type          string   `json:"type"`
				Formats       []string `json:"formats"`
			} `json:"endpoints"`
		}](t, rec)
		if rec.Code != 200 || len(doc.Endpoints) != 1 || doc.Endpoints[0].URL != "http://example.com/open311/v2" ||
			doc.Endpoints[0].Specification != "http://wiki.open311.org/GeoReport_v2" || len(doc.Endpoints[0].Formats) != 2 {
			t.Fatalf("discovery.json: %d %s", rec.Code, rec.Body)
		}
		rec = serve(b.router, http.MethodGet, "/open311/v2/discovery.xml", nil,
			"X-Forwarded-Proto", "https", "X-Forwarded-Host", "vikalp.example.in")
		var x struct {
			XMLName xml.Name `xml:"discovery"`
			URL     string   `xml:"endpoints>endpoint>url"`
			Formats []string `xml:"endpoints>endpoint>formats>format"`
		}
		if rec.Code != 200 || xml.Unmarshal(rec.Body.Bytes(), &x) != nil || x.URL != "https://vikalp.example.in/open311/v2" ||
			len(x.Formats) != 2 {
			t.Fatalf("discovery.xml behind the proxy: %d %s", rec.Code, rec.Body)
		}
	})

	t.Run("ServiceDefinition", func(t *testing.T) {
		rec := b.do(http.MethodGet, "/open311/v2/services.json", "", "")
		if !bytes.Contains(rec.Body.Bytes(), []byte(`"metadata":true`)) {
			t.Errorf("services announce no definitions: %s", rec.Body)
		}
		rec = b.do(http.MethodGet, "/open311/v2/services/poorly_lit_area.json", "", "")
		def := decode[struct {
			Code       string `json:"service_code"`
			Attributes []struct {
				Variable bool   `json:"variable"`
				Code     string `json:"code"`
				Datatype string `json:"datatype"`
				Order    int    `json:"order"`
				Values   []struct {
					Key  string `json:"key"`
					Name string `json:"name"`
				} `json:"values"`
			} `json:"attributes"`
		}](t, rec)
		if rec.Code != 200 || def.Code != "poorly_lit_area" || len(def.Attributes) != 3 ||
			def.Attributes[2].Code != "lighting" || def.Attributes[2].Datatype != "singlevaluelist" ||
			!def.Attributes[2].Variable || len(def.Attributes[2].Values) != 3 || def.Attributes[2].Values[0].Key != "no_lights" {
			t.Fatalf("definition json: %d %s", rec.Code, rec.Body)
		}
		rec = b.do(http.MethodGet, "/open311/v2/services/drunk_gathering.xml", "", "")
		var x struct {
			XMLName    xml.Name `xml:"service_definition"`
			Code       string   `xml:"service_code"`
			Attributes []struct {
				Code     string   `xml:"code"`
				Datatype string   `xml:"datatype"`
				Keys     []string `xml:"values>value>key"`
			} `xml:"attributes>attribute"`
		}
		if rec.Code != 200 || xml.Unmarshal(rec.Body.Bytes(), &x) != nil || x.Code != "drunk_gathering" ||
			len(x.Attributes) != 3 || x.Attributes[2].Datatype != "number" || len(x.Attributes[0].Keys) != 4 {
			t.Fatalf("definition xml: %d %s", rec.Code, rec.Body)
		}
		if rec := b.do(http.MethodGet, "/open311/v2/services/potholes.json", "", ""); rec.Code != 404 ||
			!bytes.Contains(rec.Body.Bytes(), []byte(`"code":404`)) {
			t.Errorf("unknown service: %d %s", rec.Code, rec.Body)
		}
	})

	// The specification's POST example, in Lucknow: urlencoded, with the
	// contact fields it lists (not stored) and a media_url (not fetched).
	example := url.Values{"api_key": {"xyz"}, "service_code": {"poorly_lit_area"},
		"lat": {fmt.Sprint(testkit.Lucknow[0])}, "long": {fmt.Sprint(testkit.Lucknow[1])},
		"address_string": {"Hazratganj"}, "email": {"smit222@sfgov.edu"}, "device_id": {"tt222111"},
		"account_id": {"123456"}, "first_name": {"john"}, "last_name": {"smith"}, "phone": {"9111111111"},
		"description": {"street lights out near the gate"}, "media_url": {"http://192.0.2.9/photo.jpg"},
		"attribute[lighting]": {"broken_lights"}, "attribute[time_of_day]": {"night"}}
	var urlencoded open311Req
	t.Run("PostURLEncoded", func(t *testing.T) {
		rec := b.form("/open311/v2/requests.json", example)
		list := decode[[]open311Req](t, rec)
		if rec.Code != http.StatusCreated || len(list) != 1 || list[0].ID == "" || len(list[0].Token) != 32 ||
			!bytes.Contains(rec.Body.Bytes(), []byte(`"account_id":null`)) || list[0].Notice == "" {
			t.Fatalf("urlencoded POST: %d %s", rec.Code, rec.Body)
		}
		urlencoded = list[0]
		var attrs string
		if err := b.db.QueryRow(b.ctx, `SELECT attributes::text FROM reports WHERE code = $1`, urlencoded.ID).Scan(&attrs); err != nil ||
			attrs != `{"lighting": "broken_lights", "time_of_day": "night"}` {
			t.Errorf("stored attributes %s (%v)", attrs, err)
		}
		if n := b.count(t, `SELECT count(*) FROM reports WHERE body LIKE '%smith%' OR body LIKE '%9111111111%'`); n != 0 {
			t.Error("contact fields were stored")
		}
		bad := url.Values{"service_code": {"poorly_lit_area"}, "lat": example["lat"], "long": example["long"],
			"attribute[lighting]": {"purple"}}
		rec = b.form("/open311/v2/requests.xml", bad)
		var errs struct {
			XMLName xml.Name `xml:"errors"`
			Codes   []int    `xml:"error>code"`
		}
		if rec.Code != http.StatusUnprocessableEntity || xml.Unmarshal(rec.Body.Bytes(), &errs) != nil || len(errs.Codes) != 1 {
			t.Errorf("bad attribute (xml): %d %s", rec.Code, rec.Body)
		}
		rec = b.form("/open311/v2/requests.json", url.Values{"service_code": {"groping"}})
		if rec.Code != http.StatusUnprocessableEntity || !bytes.Contains(rec.Body.Bytes(), []byte(`"code":422`)) {
			t.Errorf("no position, no photo: %d %s", rec.Code, rec.Body)
		}
	})

	t.Run("PostXMLAnswer", func(t *testing.T) {
		rec := b.form("/open311/v2/requests.xml", url.Values{"service_code": {"groping"},
			"lat": {"26.8470"}, "long": {"80.9470"}})
		var doc xmlRequests
		if rec.Code != http.StatusCreated || xml.Unmarshal(rec.Body.Bytes(), &doc) != nil || len(doc.Requests) != 1 ||
			doc.Requests[0].ID == "" || doc.Requests[0].Token == "" {
			t.Fatalf("POST requests.xml: %d %s", rec.Code, rec.Body)
		}
	})

	var multipartID string
	t.Run("PostMultipartWithMedia", func(t *testing.T) {
		photo := ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 160, Height: 120, GPS: &testkit.Lucknow})
		rec := b.post(t, "/open311/v2/requests.json", upload{fields: map[string]string{"service_code": "poorly_lit_area",
			"description": "dark lane", "attribute[recurring]": "daily"}, files: map[string][][]byte{"media": {photo}}}, "")
		list := decode[[]open311Req](t, rec)
		if rec.Code != http.StatusCreated || len(list) != 1 {
			t.Fatalf("multipart POST: %d %s", rec.Code, rec.Body)
		}
		multipartID = list[0].ID
	})

	var jsonID string
	t.Run("PostJSON", func(t *testing.T) {
		rec := b.do(http.MethodPost, "/open311/v2/requests.json", fmt.Sprintf(
			`{"service_code":"drunk_gathering","lat":%f,"long":%f,"description":"every evening","attribute":{"group_size":8}}`,
			testkit.Agra[0], testkit.Agra[1]), "")
		list := decode[[]open311Req](t, rec)
		if rec.Code != http.StatusCreated || len(list) != 1 {
			t.Fatalf("JSON POST: %d %s", rec.Code, rec.Body)
		}
		jsonID = list[0].ID
	})

	t.Run("Tokens", func(t *testing.T) {
		rec := b.do(http.MethodGet, "/open311/v2/tokens/"+urlencoded.Token+".json", "", "")
		list := decode[[]open311Req](t, rec)
		if rec.Code != 200 || len(list) != 1 || list[0].ID != urlencoded.ID || list[0].Token != urlencoded.Token {
			t.Fatalf("token json: %d %s", rec.Code, rec.Body)
		}
		rec = b.do(http.MethodGet, "/open311/v2/tokens/"+urlencoded.Token+".xml", "", "")
		var doc xmlRequests
		if rec.Code != 200 || xml.Unmarshal(rec.Body.Bytes(), &doc) != nil || doc.Requests[0].ID != urlencoded.ID {
			t.Fatalf("token xml: %d %s", rec.Code, rec.Body)
		}
		if rec := b.do(http.MethodGet, "/open311/v2/tokens/0123456789abcdef0123456789abcdef.json", "", ""); rec.Code != 404 {
			t.Errorf("unknown token: %d", rec.Code)
		}
	})

	for _, code := range []string{urlencoded.ID, multipartID, jsonID} {
		if rec := b.do(http.MethodPost, fmt.Sprintf("/api/v1/moderation/reports/%d/approve", b.reportID(t, code)), "", mod); rec.Code != 200 {
			t.Fatalf("approve %s: %d", code, rec.Code)
		}
	}

	t.Run("GetByIDBothFormats", func(t *testing.T) {
		rec := b.do(http.MethodGet, "/open311/v2/requests/"+multipartID+".json", "", "")
		list := decode[[]open311Req](t, rec)
		want := "http://example.com/api/v1/reports/" + multipartID + "/photos/1"
		if rec.Code != 200 || len(list) != 1 || list[0].MediaURL != want || list[0].Status != "open" ||
			list[0].StatusNotes != "published" || !strings.Contains(list[0].Description, "Poorly lit area") ||
			strings.Contains(rec.Body.String(), "dark lane") {
			t.Fatalf("request json: %d %s", rec.Code, rec.Body)
		}
		if list[0].Lat != nil {
			t.Errorf("a report alone in its area has a position by id: %v", *list[0].Lat)
		}
		rec = serve(b.router, http.MethodGet, "/open311/v2/requests/"+multipartID+".xml", nil, "X-Forwarded-Proto", "https")
		var doc xmlRequests
		if rec.Code != 200 || xml.Unmarshal(rec.Body.Bytes(), &doc) != nil ||
			doc.Requests[0].MediaURL != "https://example.com/api/v1/reports/"+multipartID+"/photos/1" {
			t.Fatalf("request xml behind the proxy: %d %s", rec.Code, rec.Body)
		}
		// An untrusted peer's forwarding headers are ignored.
		req := httptest.NewRequest(http.MethodGet, "/open311/v2/requests/"+multipartID+".json", nil)
		req.RemoteAddr = "198.51.100.7:4000"
		req.Header.Set("X-Forwarded-Proto", "https")
		req.Header.Set("X-Forwarded-Host", "evil.example")
		out := httptest.NewRecorder()
		b.router.ServeHTTP(out, req)
		if got := decode[[]open311Req](t, out); got[0].MediaURL != want {
			t.Errorf("untrusted forwarding headers were believed: %s", got[0].MediaURL)
		}
	})

	t.Run("Filters", func(t *testing.T) {
		ids := func(path string) []string {
			t.Helper()
			rec := b.do(http.MethodGet, path, "", "")
			if rec.Code != 200 {
				t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
			}
			var out []string
			for _, r := range decode[[]open311Req](t, rec) {
				out = append(out, r.ID)
			}
			sort.Strings(out)
			return out
		}
		sorted := func(s ...string) []string { sort.Strings(s); return s }
		if got := ids("/open311/v2/requests.json?service_request_id=" + urlencoded.ID + "," + jsonID + "&service_code=groping"); !slices.Equal(got, sorted(urlencoded.ID, jsonID)) {
			t.Errorf("service_request_id list (overrides service_code): %v", got)
		}
		if got := ids("/open311/v2/requests.json?service_code=poorly_lit_area"); !slices.Equal(got, sorted(urlencoded.ID, multipartID)) {
			t.Errorf("service_code: %v", got)
		}
		future := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
		if got := ids("/open311/v2/requests.json?start_date=" + future); len(got) != 0 {
			t.Errorf("start_date tomorrow: %v", got)
		}
		past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
		if got := ids("/open311/v2/requests.json?start_date=" + past + "&end_date=" + future); len(got) != 3 {
			t.Errorf("start_date..end_date: %v", got)
		}
		long := time.Now().AddDate(0, -4, 0).UTC().Format(time.RFC3339)
		if rec := b.do(http.MethodGet, "/open311/v2/requests.json?start_date="+long+"&end_date="+future, "", ""); rec.Code != 422 {
			t.Errorf("a range over 90 days: %d", rec.Code)
		}
		if rec := b.do(http.MethodGet, "/open311/v2/requests.json?status=pending", "", ""); rec.Code != 422 {
			t.Errorf("status=pending: %d", rec.Code)
		}
		if got := ids("/open311/v2/requests.json?status=closed"); len(got) != 0 {
			t.Errorf("closed before any closure: %v", got)
		}
	})

	t.Run("StatusFollowsTheLifecycle", func(t *testing.T) {
		id := b.reportID(t, urlencoded.ID)
		for _, step := range []string{`{"outcome":"fixed","reason_code":"lighting_repaired","note":"pole 7"}`,
			`{"outcome":"closed","reason_code":"lighting_repaired"}`} {
			if rec := b.do(http.MethodPost, fmt.Sprintf("/api/v1/staff/reports/%d/outcome", id), step, mod); rec.Code != 200 {
				t.Fatalf("outcome %s: %d %s", step, rec.Code, rec.Body)
			}
		}
		rec := b.do(http.MethodGet, "/open311/v2/requests.json?status=closed", "", "")
		list := decode[[]open311Req](t, rec)
		if len(list) != 1 || list[0].ID != urlencoded.ID || list[0].Status != "closed" ||
			list[0].StatusNotes != "closed: Lighting repaired" || strings.Contains(rec.Body.String(), "pole 7") {
			t.Fatalf("status=closed: %s", rec.Body)
		}
		rec = b.do(http.MethodGet, "/open311/v2/requests.xml?status=open", "", "")
		var doc xmlRequests
		if xml.Unmarshal(rec.Body.Bytes(), &doc) != nil || len(doc.Requests) != 2 {
			t.Fatalf("status=open (xml): %s", rec.Body)
		}
		for _, r := range doc.Requests {
			if r.Status != "open" || r.ID == urlencoded.ID {
				t.Errorf("open listing has %+v", r)
			}
		}
		rec = b.do(http.MethodPost, fmt.Sprintf("/api/v1/moderation/reports/%d/reject", b.reportID(t, jsonID)),
			`{"reason":"not_relevant"}`, mod)
		if rec.Code != 200 {
			t.Fatalf("reject: %d %s", rec.Code, rec.Body)
		}
		got := decode[[]open311Req](t, b.do(http.MethodGet, "/open311/v2/requests/"+jsonID+".json", "", ""))
		if got[0].Status != "closed" || got[0].StatusNotes != "not published" {
			t.Errorf("rejected request: %+v", got[0])
		}
	})
}
