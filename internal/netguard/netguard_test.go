package netguard_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp/internal/netguard"
)

func TestCheckRefusesInternalAddresses(t *testing.T) {
	var p netguard.Policy
	for _, s := range []string{"127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.169.254",
		"100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fd00::1", "fe80::1",
		"::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:7f00:1::", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe"} {
		if err := p.Check(netip.MustParseAddr(s)); err == nil {
			t.Errorf("%s allowed, want refused", s)
		}
	}
	for _, s := range []string{"8.8.8.8", "14.139.0.1", "2606:4700::1111", "64:ff9b::808:808"} {
		if err := p.Check(netip.MustParseAddr(s)); err != nil {
			t.Errorf("%s refused: %v", s, err)
		}
	}
}

func TestAllowOpensOnlyTheNamedNetworks(t *testing.T) {
	allow, err := netguard.ParseAllow(" 10.20.0.0/16, 192.168.4.7 ,")
	if err != nil {
		t.Fatal(err)
	}
	p := netguard.Policy{Allow: allow}
	for s, want := range map[string]bool{"10.20.9.9": true, "10.21.0.1": false, "192.168.4.7": true,
		"192.168.4.8": false, "127.0.0.1": false} {
		if got := p.Check(netip.MustParseAddr(s)) == nil; got != want {
			t.Errorf("%s allowed = %v, want %v", s, got, want)
		}
	}
	if _, err := netguard.ParseAllow("10.0.0.0/8, intranet"); err == nil || !strings.Contains(err.Error(), "intranet") {
		t.Errorf("bad entry: %v, want an error naming it", err)
	}
}

func TestCheckHost(t *testing.T) {
	var p netguard.Policy
	for _, h := range []string{"localhost", "LOCALHOST.", "api.localhost", "127.0.0.1", "[::1]", "169.254.169.254"} {
		if p.CheckHost(h) == nil {
			t.Errorf("host %s allowed, want refused", h)
		}
	}
	// Names are checked when dialled, not when configured.
	for _, h := range []string{"hooks.up.gov.in", "8.8.8.8"} {
		if err := p.CheckHost(h); err != nil {
			t.Errorf("host %s refused: %v", h, err)
		}
	}
}

// The client refuses to connect to a loopback receiver unless allowed, and
// checks the address dialled for a name, not the name.
func TestClientChecksTheDialledAddress(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	for _, target := range []string{srv.URL, "http://localhost:" + port} {
		_, err := netguard.Policy{}.Client(5 * time.Second).Get(target)
		if err == nil || !strings.Contains(err.Error(), "not in the allowed networks") {
			t.Errorf("GET %s: %v, want refused", target, err)
		}
	}
	allowed := netguard.Policy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
	resp, err := allowed.Client(5 * time.Second).Get(srv.URL)
	if err != nil {
		t.Fatalf("allowed loopback: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("status %d", resp.StatusCode)
	}
}

// A redirect is returned, not followed: it could point anywhere.
func TestClientDoesNotFollowRedirects(t *testing.T) {
	followed := false
	mux := http.NewServeMux()
	mux.HandleFunc("/hook", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/elsewhere", http.StatusFound) })
	mux.HandleFunc("/elsewhere", func(http.ResponseWriter, *http.Request) { followed = true })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	p := netguard.Policy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	resp, err := p.Client(5 * time.Second).Get(srv.URL + "/hook")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || followed {
		t.Errorf("status %d, followed %v; want 302 returned as it is", resp.StatusCode, followed)
	}
}
