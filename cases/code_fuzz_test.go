package cases

import (
	"errors"
	"testing"

	"github.com/vikalp/vikalp"
)

// FuzzParseCode: whatever a person types, ParseCode either refuses it with a
// user-safe ErrInvalid or returns a canonical code that parses to itself.
func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"VK-7H3Q-K9M2X", "vk 7h3q k9m2x", "7H3QK9M2X", "VK-OIL0-00000", "शिकायत", "", "VK--"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := ParseCode(s, English)
		if err != nil {
			if _, ok := vikalp.AsUserError(err); !ok || !errors.Is(err, vikalp.ErrInvalid) {
				t.Fatalf("%q: refusal %v is not a user-safe ErrInvalid", s, err)
			}
			return
		}
		again, err := ParseCode(string(code), Hindi)
		if err != nil || again != code {
			t.Fatalf("%q parsed to %q, which parses to %q, %v", s, code, again, err)
		}
	})
}

// FuzzParseSecret: an accepted secret is canonical and hashes like its
// canonical form.
func FuzzParseSecret(f *testing.F) {
	for _, s := range []string{"ABCD-EFGH-JKMN-PQRS", "abcd efgh jkmn pqrs", "0000", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		secret, ok := ParseSecret(s)
		if !ok {
			return
		}
		again, ok := ParseSecret(string(secret))
		if !ok || again != secret || string(HashSecret(again)) != string(HashSecret(secret)) {
			t.Fatalf("%q parsed to %q, which parses to %q (%v)", s, secret, again, ok)
		}
	})
}
