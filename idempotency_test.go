package vikalp

import (
	"strings"
	"testing"
)

func TestValidIdempotencyKey(t *testing.T) {
	for key, want := range map[string]bool{
		"":                          false,
		"a":                         false,
		"fifteen-chars-x":           false,
		"sixteen-chars-xy":          true,
		"report-2026-11-27T10:00.1": true,
		"under_score_0123":          true,
		strings.Repeat("k", 128):    true,
		strings.Repeat("k", 129):    false,
		"has space 0123456":         false,
		"slash/0123456789ab":        false,
		"देवनागरी":                  false,
		"nul\x000123456789abcdef":   false,
	} {
		if got := ValidIdempotencyKey(key); got != want {
			t.Errorf("ValidIdempotencyKey(%q) = %v; want %v", key, got, want)
		}
	}
}

// Finding "Idempotent replay returns code and secret for a key": the
// fingerprint of a contact is keyed, differs with the contact and the key,
// and is absent without a contact.
func TestContactFingerprint(t *testing.T) {
	key, other := []byte("server-key-1"), []byte("server-key-2")
	a := ContactFingerprint(key, "Sita", "+919876543210", "")
	switch {
	case len(a) != 32:
		t.Fatalf("fingerprint has %d bytes", len(a))
	case string(a) != string(ContactFingerprint(key, "Sita", "+919876543210", "")):
		t.Error("fingerprint not stable")
	case string(a) == string(ContactFingerprint(key, "Sita", "+919876543211", "")):
		t.Error("another phone gives the same fingerprint")
	case string(a) == string(ContactFingerprint(other, "Sita", "+919876543210", "")):
		t.Error("another server key gives the same fingerprint")
	case string(ContactFingerprint(key, "ab", "c")) == string(ContactFingerprint(key, "a", "bc")):
		t.Error("fields are not delimited")
	case ContactFingerprint(key, "", "", "") != nil:
		t.Error("no contact has a fingerprint")
	}
}
