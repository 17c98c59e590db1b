package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vikalp/vikalp/notify"
)

// TestHTTPProviderDefaultBody: the default body names the recipient the
// gateway resolves, the outbox ref and the text, and the auth header goes
// as configured; a non-2xx answer is an error without the message.
func TestHTTPProviderDefaultBody(t *testing.T) {
	t.Parallel()
	var got map[string]string
	var auth, ctype string
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &got); err != nil {
			t.Errorf("body %q: %v", b, err)
		}
		auth, ctype = r.Header.Get("X-Key"), r.Header.Get("Content-Type")
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	p, err := notify.NewHTTPProvider(notify.HTTPConfig{URL: srv.URL, AuthHeader: "X-Key: s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	district := 162
	m := notify.SMS{OutboxID: 42, ToKind: notify.ToDistrictOfficers, ToRole: "nodal", DistrictID: &district,
		Template: "complaint.assigned.officers", Body: "VIKALP: new complaint"}
	if err := p.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"to": "", "recipient": "district_officers:162:nodal",
		"template": "complaint.assigned.officers", "text": "VIKALP: new complaint", "ref": "42"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q; want %q", k, got[k], v)
		}
	}
	if auth != "s3cret" || ctype != "application/json" {
		t.Errorf("headers X-Key %q, Content-Type %q", auth, ctype)
	}
	status = http.StatusBadGateway
	if err := p.Send(context.Background(), notify.SMS{OutboxID: 1, ToKind: notify.ToComplainant, Phone: "+919876543210",
		Template: "x", Body: "secret text"}); err == nil || err.Error() != "sms gateway answered 502" {
		t.Errorf("Send to a failing gateway = %v", err)
	}
	if got["to"] != "+919876543210" || got["recipient"] != "complainant" {
		t.Errorf("to %q recipient %q; want her number and complainant", got["to"], got["recipient"])
	}
}

// TestHTTPProviderConfig: only http(s) URLs and parseable templates.
func TestHTTPProviderConfig(t *testing.T) {
	t.Parallel()
	if _, err := notify.NewHTTPProvider(notify.HTTPConfig{URL: "ftp://gw"}); err == nil {
		t.Error("ftp URL accepted")
	}
	if _, err := notify.NewHTTPProvider(notify.HTTPConfig{URL: "https://gw", BodyTemplate: "{{"}); err == nil {
		t.Error("broken template accepted")
	}
}
