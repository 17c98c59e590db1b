package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestIntakeErrorsInHindi: refusals of hotspot reports come back in Hindi
// when the request asks for it (Accept-Language or ?lang=hi), with the same
// code and field as in English; complaint errors keep their own Hindi.
func TestIntakeErrorsInHindi(t *testing.T) {
	t.Parallel()
	b := setupComplaints(t)
	her := b.anonymous()
	type refusal struct{ Error, Code, Field string }
	noPlace := map[string]any{"category": "poorly_lit_area", "text": "dark lane"}
	var en, hi, q refusal
	her.do(http.MethodPost, "/api/v1/reports", noPlace, http.StatusUnprocessableEntity, &en)
	her.do(http.MethodPost, "/api/v1/reports", noPlace, http.StatusUnprocessableEntity, &hi, "Accept-Language", "hi-IN,hi;q=0.9")
	her.do(http.MethodPost, "/api/v1/reports?lang=hi", noPlace, http.StatusUnprocessableEntity, &q)
	if en.Code != "location_required" || hi.Code != en.Code || hi.Field != en.Field || q.Code != en.Code {
		t.Fatalf("codes differ: en %+v, hi %+v, ?lang %+v", en, hi, q)
	}
	if !strings.Contains(en.Error, "latitude") {
		t.Errorf("English refusal %q", en.Error)
	}
	for _, r := range []refusal{hi, q} {
		if !strings.Contains(r.Error, "जगह") || strings.ContainsAny(r.Error, "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("Hindi refusal %q is not Hindi", r.Error)
		}
	}
	badPhone := map[string]any{"category": "poorly_lit_area", "lat": 26.85, "lon": 80.95, "phone": "12345"}
	her.do(http.MethodPost, "/api/v1/reports", badPhone, http.StatusUnprocessableEntity, &hi, "Accept-Language", "hi")
	if hi.Field != "phone" || !strings.Contains(hi.Error, "मोबाइल") {
		t.Errorf("bad phone in Hindi: %+v", hi)
	}
	// A complaint's own Hindi wording is kept as it is.
	her.do(http.MethodPost, "/api/v1/complaints", map[string]any{"category": "stalking", "description": "",
		"language": "hi"}, http.StatusUnprocessableEntity, &hi, "Accept-Language", "hi")
	if hi.Code != "description_required" || !strings.Contains(hi.Error, "बताएं") {
		t.Errorf("complaint refusal in Hindi: %+v", hi)
	}
}
