package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"runtime"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"

	"github.com/vikalp/vikalp"
)

// Password length limits, in characters. The upper bound only keeps absurd
// inputs away from the hash function.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 256
)

// PasswordParams are the argon2id cost parameters.
type PasswordParams struct {
	Memory      uint32 // KiB
	Iterations  uint32
	Parallelism uint8
}

// DefaultPasswordParams cost 64 MiB and two passes with two lanes (about
// 130 ms on one modern core), above OWASP's argon2id minimum. They are fixed
// rather than derived from the CPU count so every replica produces, and
// accepts without rehashing, the same hashes.
var DefaultPasswordParams = PasswordParams{Memory: 64 * 1024, Iterations: 2, Parallelism: 2}

// Hasher hashes and verifies passwords with argon2id. It bounds how many
// hashes run at once, because each one holds Memory KiB: a burst of logins
// waits instead of exhausting memory.
type Hasher struct {
	params *argon2id.Params
	slots  chan struct{}
	dummy  string // hash of a random password, verified against for unknown users
}

// NewHasher returns a Hasher for params; zero fields take the defaults.
func NewHasher(params PasswordParams) (*Hasher, error) {
	if params.Memory == 0 {
		params.Memory = DefaultPasswordParams.Memory
	}
	if params.Iterations == 0 {
		params.Iterations = DefaultPasswordParams.Iterations
	}
	if params.Parallelism == 0 {
		params.Parallelism = DefaultPasswordParams.Parallelism
	}
	h := &Hasher{
		params: &argon2id.Params{Memory: params.Memory, Iterations: params.Iterations,
			Parallelism: params.Parallelism, SaltLength: 16, KeyLength: 32},
		slots: make(chan struct{}, max(1, runtime.GOMAXPROCS(0))),
	}
	var random [24]byte
	if _, err := rand.Read(random[:]); err != nil {
		return nil, fmt.Errorf("read random: %w", err)
	}
	dummy, err := argon2id.CreateHash(base64.RawURLEncoding.EncodeToString(random[:]), h.params)
	if err != nil {
		return nil, fmt.Errorf("hash dummy password: %w", err)
	}
	h.dummy = dummy
	return h, nil
}

// Hash returns the encoded argon2id hash of password.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	hash, err := argon2id.CreateHash(password, h.params)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return hash, nil
}

// Verify reports whether password matches the encoded hash.
func (h *Hasher) Verify(ctx context.Context, password, hash string) (bool, error) {
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil {
		return false, fmt.Errorf("verify password: %w", err)
	}
	return ok, nil
}

// VerifyDummy spends the time of one verification and always fails. Login
// calls it for unknown usernames so that response time does not reveal
// whether an account exists.
func (h *Hasher) VerifyDummy(ctx context.Context, password string) {
	_, _ = h.Verify(ctx, password, h.dummy)
}

// NeedsRehash reports whether hash was made with other parameters than h's,
// so a successful login can upgrade it.
func (h *Hasher) NeedsRehash(hash string) bool {
	p, _, _, err := argon2id.DecodeHash(hash)
	if err != nil {
		return true
	}
	return p.Memory != h.params.Memory || p.Iterations != h.params.Iterations ||
		p.Parallelism != h.params.Parallelism || p.KeyLength != h.params.KeyLength
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for password hashing: %w", ctx.Err())
	}
}

func (h *Hasher) release() { <-h.slots }

// ValidatePassword checks a new password against the policy: at least
// MinPasswordLength and at most MaxPasswordLength characters.
func ValidatePassword(password string) error {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLength {
		return vikalp.InvalidField("password", "password_too_short",
			fmt.Sprintf("a password needs at least %d characters", MinPasswordLength))
	}
	if n > MaxPasswordLength {
		return vikalp.InvalidField("password", "password_too_long",
			fmt.Sprintf("a password may have at most %d characters", MaxPasswordLength))
	}
	return nil
}
