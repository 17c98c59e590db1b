package cases

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"strings"
)

// alphabet is Crockford's base32 alphabet: digits and capitals without I, L,
// O and U, so nothing read aloud or handwritten is ambiguous.
const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

const (
	codePrefix    = "VK"
	codeRandomLen = 7  // 35 random bits: codes are not enumerable, yet short
	secretLen     = 16 // 80 random bits
)

// Code is a complaint code in canonical form, e.g. "VK-7H3Q-K9M2": the prefix,
// seven random symbols and one check symbol. Codes are random (crypto/rand),
// so knowing one says nothing about any other; tracking also needs the secret.
type Code string

// Secret is a complaint's tracking secret in canonical form, e.g.
// "4K9D-ZQ2M-7H3Q-T8VW". It is shown to the complainant once and stored only
// as a SHA-256 hash (see HashSecret).
type Secret string

// NewCode returns a fresh random complaint code.
func NewCode() (Code, error) {
	body, err := randomSymbols(codeRandomLen)
	if err != nil {
		return "", err
	}
	body = append(body, checkSymbol(body))
	return Code(codePrefix + "-" + string(body[:4]) + "-" + string(body[4:])), nil
}

// ParseCode reads a code as a person typed it: case, dashes and spaces do not
// matter, the "VK" prefix is optional, O reads as 0 and I or L as 1. A code
// whose check symbol does not match (any single mistyped symbol, any two
// swapped neighbours) is rejected with a user-safe ErrInvalid, in lang.
func ParseCode(s string, lang Language) (Code, error) {
	body, ok := normalize(s)
	if ok && len(body) == codeRandomLen+3 && strings.HasPrefix(body, codePrefix) {
		body = body[len(codePrefix):]
	}
	if !ok || len(body) != codeRandomLen+1 || dammInterim([]byte(body)) != 0 {
		return "", invalid(lang, "code", CodeBadComplaintCode)
	}
	return Code(codePrefix + "-" + body[:4] + "-" + body[4:]), nil
}

// NewSecret returns a fresh random tracking secret.
func NewSecret() (Secret, error) {
	b, err := randomSymbols(secretLen)
	if err != nil {
		return "", err
	}
	return Secret(string(b[0:4]) + "-" + string(b[4:8]) + "-" + string(b[8:12]) + "-" + string(b[12:16])), nil
}

// ParseSecret reads a secret leniently, like ParseCode. A malformed secret
// is reported as false; callers answer it exactly like a wrong secret.
func ParseSecret(s string) (Secret, bool) {
	b, ok := normalize(s)
	if !ok || len(b) != secretLen {
		return "", false
	}
	return Secret(b[0:4] + "-" + b[4:8] + "-" + b[8:12] + "-" + b[12:16]), true
}

// HashSecret returns the stored form of a secret: SHA-256 of its canonical
// symbols. A fast hash is enough here, unlike for passwords: the secret is
// 80 uniformly random bits chosen by us, not by a person, so there is no
// dictionary to try and 2^80 guesses are out of reach at any hash rate; a
// slow KDF would only slow down honest tracking.
func HashSecret(s Secret) []byte {
	h := sha256.Sum256([]byte(strings.ReplaceAll(string(s), "-", "")))
	return h[:]
}

// secretMatches compares a secret with a stored hash in constant time.
func secretMatches(s Secret, hash []byte) bool {
	return subtle.ConstantTimeCompare(HashSecret(s), hash) == 1
}

// randomSymbols returns n uniformly random alphabet symbols. 256 is a
// multiple of 32, so masking a random byte has no modulo bias.
func randomSymbols(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("read random bytes: %w", err)
	}
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return b, nil
}

// normalize uppercases s, drops separators, maps look-alikes (O→0, I/L→1)
// and reports false when anything outside the alphabet remains.
func normalize(s string) (string, bool) {
	var sb strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case '-', ' ', '\t', '_', '.':
			continue
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		if r > 127 || strings.IndexByte(alphabet, byte(r)) < 0 {
			return "", false
		}
		sb.WriteRune(r)
	}
	return sb.String(), true
}

// The check symbol is a Damm-style check over the quasigroup x∗y = 2x ⊕ y in
// GF(32) (polynomial x⁵+x²+1). The map y ↦ c∗y is a bijection for every c,
// so any single substitution changes the result; and (c∗x)∗y = 4c ⊕ 2x ⊕ y
// equals (c∗y)∗x only when 3x = 3y, i.e. x = y, so every adjacent
// transposition (including one with the check symbol) is caught as well.
// A valid body reduces to zero.

// gfDouble multiplies v by 2 in GF(32) modulo x⁵+x²+1.
func gfDouble(v byte) byte {
	v <<= 1
	if v&32 != 0 {
		v ^= 0x25
	}
	return v
}

// dammInterim folds symbols through the quasigroup starting from 0.
func dammInterim(symbols []byte) byte {
	var c byte
	for _, s := range symbols {
		c = gfDouble(c) ^ byte(strings.IndexByte(alphabet, s))
	}
	return c
}

// checkSymbol returns the symbol d with interim(body)∗d = 0, i.e. 2·interim
// (⊕ is its own inverse).
func checkSymbol(body []byte) byte {
	return alphabet[gfDouble(dammInterim(body))]
}
