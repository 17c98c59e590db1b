package cases

import (
	"errors"
	"strings"
	"testing"

	"github.com/vikalp/vikalp"
)

func TestNewCodeFormatAndCheck(t *testing.T) {
	t.Parallel()
	seen := map[Code]bool{}
	for range 1000 {
		c, err := NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != len("VK-7H3Q-K9M2") || !strings.HasPrefix(string(c), "VK-") || c[7] != '-' {
			t.Fatalf("code %q is not formatted like VK-XXXX-XXXX", c)
		}
		got, err := ParseCode(string(c), English)
		if err != nil || got != c {
			t.Fatalf("ParseCode(%q) = %q, %v; want the code back", c, got, err)
		}
		if seen[c] {
			t.Fatalf("code %q repeated in 1000 draws", c)
		}
		seen[c] = true
	}
}

func TestParseCodeLenient(t *testing.T) {
	t.Parallel()
	canon, _ := NewCode()
	b := strings.ReplaceAll(string(canon)[3:], "-", "")
	tests := []struct {
		name, in string
	}{
		{"Canonical", string(canon)},
		{"Lowercase", strings.ToLower(string(canon))},
		{"NoDashes", "VK" + b},
		{"NoPrefix", b},
		{"Spaces", " vk " + b[:4] + " " + b[4:] + " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCode(tt.in, English)
			if err != nil || got != canon {
				t.Fatalf("ParseCode(%q) = %q, %v; want %q", tt.in, got, err, canon)
			}
		})
	}
}

func TestParseCodeLookAlikes(t *testing.T) {
	t.Parallel()
	// A body made of 0s and 1s, typed with O, I and L.
	raw := []byte("0101010")
	raw = append(raw, checkSymbol(raw))
	want := Code("VK-" + string(raw[:4]) + "-" + string(raw[4:]))
	typed := strings.NewReplacer("0", "O", "1", "I").Replace(string(raw[:4])) +
		strings.NewReplacer("0", "o", "1", "l").Replace(string(raw[4:]))
	got, err := ParseCode(typed, English)
	if err != nil || got != want {
		t.Fatalf("ParseCode(%q) = %q, %v; want %q", typed, got, err, want)
	}
}

// TestCheckCatchesEverySingleSubstitution tries every symbol in every
// position of many codes.
func TestCheckCatchesEverySingleSubstitution(t *testing.T) {
	t.Parallel()
	for range 200 {
		c, _ := NewCode()
		body := []byte(strings.ReplaceAll(string(c)[3:], "-", ""))
		for i := range body {
			for j := range len(alphabet) {
				if alphabet[j] == body[i] {
					continue
				}
				typo := append([]byte(nil), body...)
				typo[i] = alphabet[j]
				if _, err := ParseCode(string(typo), English); err == nil {
					t.Fatalf("typo %s of %s (position %d) passed the check", typo, body, i)
				}
			}
		}
	}
}

func TestCheckCatchesEveryAdjacentTransposition(t *testing.T) {
	t.Parallel()
	for range 2000 {
		c, _ := NewCode()
		body := []byte(strings.ReplaceAll(string(c)[3:], "-", ""))
		for i := 0; i+1 < len(body); i++ {
			if body[i] == body[i+1] {
				continue
			}
			swapped := append([]byte(nil), body...)
			swapped[i], swapped[i+1] = swapped[i+1], swapped[i]
			if _, err := ParseCode(string(swapped), English); err == nil {
				t.Fatalf("transposition %s of %s (at %d) passed the check", swapped, body, i)
			}
		}
	}
}

func TestParseCodeRejects(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "VK", "VK-1234", "VK-1234-56789", "VK-12U4-5678", "VK-12*4-5678", "VK-१२३४-5678"} {
		_, err := ParseCode(in, Hindi)
		ue, ok := vikalp.AsUserError(err)
		if !ok || !errors.Is(err, vikalp.ErrInvalid) || ue.Code != CodeBadComplaintCode || ue.Message != Message(CodeBadComplaintCode, Hindi) {
			t.Errorf("ParseCode(%q) error = %v; want a Hindi %s", in, err, CodeBadComplaintCode)
		}
	}
}

func TestSecret(t *testing.T) {
	t.Parallel()
	s, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 19 {
		t.Fatalf("secret %q: want XXXX-XXXX-XXXX-XXXX", s)
	}
	h := HashSecret(s)
	if len(h) != 32 {
		t.Fatalf("hash is %d bytes; want 32", len(h))
	}
	typed, ok := ParseSecret(strings.ToLower(strings.ReplaceAll(string(s), "-", " ")))
	if !ok || !secretMatches(typed, h) {
		t.Fatalf("ParseSecret of a retyped secret = %q, %v; want a match", typed, ok)
	}
	other, _ := NewSecret()
	if secretMatches(other, h) {
		t.Fatal("a different secret matched")
	}
	if _, ok := ParseSecret("short"); ok {
		t.Fatal("ParseSecret accepted a short secret")
	}
}
