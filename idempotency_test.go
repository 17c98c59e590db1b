package vikalp

import (
	"strings"
	"testing"
)

func TestValidIdempotencyKey(t *testing.T) {
	for key, want := range map[string]bool{
		"":                          false,
		"a":                         true,
		"report-2026-11-27T10:00.1": true,
		"under_score":               true,
		strings.Repeat("k", 128):    true,
		strings.Repeat("k", 129):    false,
		"has space":                 false,
		"slash/":                    false,
		"देवनागरी":                  false,
		"nul\x00":                   false,
	} {
		if got := ValidIdempotencyKey(key); got != want {
			t.Errorf("ValidIdempotencyKey(%q) = %v; want %v", key, got, want)
		}
	}
}
