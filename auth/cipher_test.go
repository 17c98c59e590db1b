package auth

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func TestKeyring(t *testing.T) {
	t.Parallel()

	aad := []byte("complaints.name:42")

	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		k, err := NewKeyring(map[string][]byte{"k1": testKey(1)}, "k1")
		if err != nil {
			t.Fatal(err)
		}
		for _, msg := range []string{"", "Sunita Devi", strings.Repeat("न", 1000)} {
			sealed, err := k.Seal([]byte(msg), aad)
			if err != nil {
				t.Fatal(err)
			}
			if msg != "" && bytes.Contains(sealed, []byte(msg)) {
				t.Fatal("plaintext visible in sealed value")
			}
			got, err := k.Open(sealed, aad)
			if err != nil || string(got) != msg {
				t.Fatalf("Open = %q, %v; want %q", got, err, msg)
			}
		}
	})

	t.Run("FreshNonceEachSeal", func(t *testing.T) {
		t.Parallel()
		k, _ := NewKeyring(map[string][]byte{"k1": testKey(1)}, "k1")
		a, _ := k.Seal([]byte("same"), aad)
		b, _ := k.Seal([]byte("same"), aad)
		if bytes.Equal(a, b) {
			t.Fatal("two seals of the same plaintext are equal")
		}
	})

	t.Run("WrongAAD", func(t *testing.T) {
		t.Parallel()
		k, _ := NewKeyring(map[string][]byte{"k1": testKey(1)}, "k1")
		sealed, _ := k.Seal([]byte("secret"), aad)
		if _, err := k.Open(sealed, []byte("complaints.name:43")); !errors.Is(err, ErrSealedCorrupt) {
			t.Fatalf("Open with other aad error = %v, want ErrSealedCorrupt", err)
		}
	})

	t.Run("WrongKey", func(t *testing.T) {
		t.Parallel()
		k1, _ := NewKeyring(map[string][]byte{"k1": testKey(1)}, "k1")
		impostor, _ := NewKeyring(map[string][]byte{"k1": testKey(2)}, "k1")
		sealed, _ := k1.Seal([]byte("secret"), aad)
		if _, err := impostor.Open(sealed, aad); !errors.Is(err, ErrSealedCorrupt) {
			t.Fatalf("Open with another key of the same id error = %v, want ErrSealedCorrupt", err)
		}
		other, _ := NewKeyring(map[string][]byte{"k9": testKey(1)}, "k9")
		if _, err := other.Open(sealed, aad); !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("Open without the key error = %v, want ErrUnknownKey", err)
		}
	})

	t.Run("Tamper", func(t *testing.T) {
		t.Parallel()
		k, _ := NewKeyring(map[string][]byte{"k1": testKey(1), "k2": testKey(1)}, "k1")
		sealed, _ := k.Seal([]byte("secret"), aad)
		for i := range sealed {
			bad := bytes.Clone(sealed)
			bad[i] ^= 0x01
			if _, err := k.Open(bad, aad); err == nil {
				t.Fatalf("flipping byte %d went unnoticed", i)
			}
		}
		// Relabelling with another id holding the same key still fails: the
		// header is authenticated.
		relabelled := bytes.Clone(sealed)
		relabelled[3] = '2'
		if _, err := k.Open(relabelled, aad); !errors.Is(err, ErrSealedCorrupt) {
			t.Fatalf("relabelled value error = %v, want ErrSealedCorrupt", err)
		}
		for _, short := range [][]byte{nil, {1}, {1, 2, 'k'}, sealed[:10]} {
			if _, err := k.Open(short, aad); err == nil {
				t.Fatalf("truncated value %x opened", short)
			}
		}
	})

	t.Run("Rotation", func(t *testing.T) {
		t.Parallel()
		old, _ := NewKeyring(map[string][]byte{"2024": testKey(1)}, "2024")
		sealed, _ := old.Seal([]byte("secret"), aad)
		rotated, err := NewKeyring(map[string][]byte{"2024": testKey(1), "2025": testKey(2)}, "2025")
		if err != nil {
			t.Fatal(err)
		}
		if !rotated.NeedsRotation(sealed) || old.NeedsRotation(sealed) {
			t.Fatal("NeedsRotation does not follow the current key")
		}
		got, err := rotated.Open(sealed, aad)
		if err != nil || string(got) != "secret" {
			t.Fatalf("old value under rotated ring = %q, %v", got, err)
		}
		resealed, err := rotated.Reseal(sealed, aad)
		if err != nil || rotated.NeedsRotation(resealed) {
			t.Fatalf("Reseal = %v, needs rotation %v", err, rotated.NeedsRotation(resealed))
		}
		if id, _ := KeyID(resealed); id != "2025" {
			t.Fatalf("resealed key id = %q", id)
		}
		if got, err := rotated.Open(resealed, aad); err != nil || string(got) != "secret" {
			t.Fatalf("Open resealed = %q, %v", got, err)
		}
		if !rotated.NeedsRotation([]byte("garbage")) {
			t.Fatal("unreadable value does not need rotation")
		}
	})

	t.Run("ParseKeyring", func(t *testing.T) {
		t.Parallel()
		b64 := base64.StdEncoding.EncodeToString(testKey(3))
		k, err := ParseKeyring("new:" + hex.EncodeToString(testKey(4)) + ", old:" + b64)
		if err != nil || k.Current() != "new" {
			t.Fatalf("ParseKeyring = %v, %v", k, err)
		}
		oldOnly, _ := NewKeyring(map[string][]byte{"old": testKey(3)}, "old")
		sealed, _ := oldOnly.Seal([]byte("x"), nil)
		if got, err := k.Open(sealed, nil); err != nil || string(got) != "x" {
			t.Fatalf("parsed ring cannot open old value: %v", err)
		}
		// The development key from cmd/vikalp/config.go parses.
		if _, err := ParseKeyring("dev:ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZCE="); err != nil {
			t.Fatalf("dev key: %v", err)
		}
		for _, bad := range []string{"", "nokey", "a:short", "a:" + b64 + ",a:" + b64, "bad id:" + b64} {
			if _, err := ParseKeyring(bad); err == nil {
				t.Errorf("ParseKeyring(%q) accepted", bad)
			} else if strings.Contains(err.Error(), b64) {
				t.Errorf("error leaks key material: %v", err)
			}
		}
	})

	t.Run("NewKeyringNeedsCurrent", func(t *testing.T) {
		t.Parallel()
		if _, err := NewKeyring(map[string][]byte{"k1": testKey(1)}, "k2"); err == nil {
			t.Fatal("keyring without its current key accepted")
		}
	})
}
