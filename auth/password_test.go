package auth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vikalp/vikalp"
)

func TestHasher(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h, err := NewHasher(testPasswordParams)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("HashAndVerify", func(t *testing.T) {
		t.Parallel()
		hash, err := h.Hash(ctx, testPassword)
		if err != nil || !strings.HasPrefix(hash, "$argon2id$v=19$m=1024,t=1,p=1$") || strings.Contains(hash, testPassword) {
			t.Fatalf("Hash = %q, %v", hash, err)
		}
		if ok, err := h.Verify(ctx, testPassword, hash); !ok || err != nil {
			t.Fatalf("Verify right password = %v, %v", ok, err)
		}
		if ok, err := h.Verify(ctx, testPassword+"!", hash); ok || err != nil {
			t.Fatalf("Verify wrong password = %v, %v", ok, err)
		}
		if _, err := h.Verify(ctx, testPassword, "not a hash"); err == nil {
			t.Fatal("Verify accepted a malformed hash")
		}
	})

	t.Run("SaltedHashesDiffer", func(t *testing.T) {
		t.Parallel()
		a, _ := h.Hash(ctx, testPassword)
		b, _ := h.Hash(ctx, testPassword)
		if a == b {
			t.Fatal("two hashes of one password are equal")
		}
	})

	t.Run("NeedsRehash", func(t *testing.T) {
		t.Parallel()
		hash, _ := h.Hash(ctx, testPassword)
		if h.NeedsRehash(hash) {
			t.Fatal("fresh hash needs rehash")
		}
		stronger, err := NewHasher(PasswordParams{Memory: 2048, Iterations: 1, Parallelism: 1})
		if err != nil {
			t.Fatal(err)
		}
		if !stronger.NeedsRehash(hash) || !stronger.NeedsRehash("garbage") {
			t.Fatal("weaker hash does not need rehash")
		}
	})

	t.Run("DefaultsFillZeroFields", func(t *testing.T) {
		t.Parallel()
		d, err := NewHasher(PasswordParams{})
		if err != nil {
			t.Fatal(err)
		}
		if d.params.Memory != DefaultPasswordParams.Memory || d.params.Iterations != DefaultPasswordParams.Iterations {
			t.Fatalf("params = %+v", d.params)
		}
	})

	t.Run("WaitHonoursContext", func(t *testing.T) {
		t.Parallel()
		one := &Hasher{params: h.params, slots: make(chan struct{}, 1), dummy: h.dummy}
		one.slots <- struct{}{} // all slots busy
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := one.Hash(cctx, testPassword); !errors.Is(err, context.Canceled) {
			t.Fatalf("Hash with busy slots and cancelled context = %v", err)
		}
	})
}

func TestValidatePassword(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		pw string
		ok bool
	}{
		{"short", false},
		{"123456789", false},
		{"1234567890", true},
		{"नमस्ते दुनिया", true},
		{strings.Repeat("a", MaxPasswordLength), true},
		{strings.Repeat("a", MaxPasswordLength+1), false},
	} {
		err := ValidatePassword(tt.pw)
		if tt.ok != (err == nil) || err != nil && !errors.Is(err, vikalp.ErrInvalid) {
			t.Errorf("ValidatePassword(%d chars) = %v, want ok %v", len(tt.pw), err, tt.ok)
		}
	}
}
