package ingest

import (
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/vikalp/vikalp"
)

// codeAlphabet is Crockford's base32: no I, L, O or U, so a code read aloud
// or copied by hand is not ambiguous.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// codeSymbols is the number of random symbols in a code: 40 bits, so codes
// are not enumerable.
const codeSymbols = 8

// Code prefixes: HR for hotspot reports, TP for trafficking tips.
const (
	reportCodePrefix = "HR"
	tipCodePrefix    = "TP"
)

// newCode returns a fresh random code such as "HR-7H3Q-K9M2".
func newCode(prefix string) (string, error) {
	var raw [codeSymbols]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("read random code: %w", err)
	}
	var b strings.Builder
	b.WriteString(prefix + "-")
	for i, r := range raw {
		if i == codeSymbols/2 {
			b.WriteByte('-')
		}
		b.WriteByte(codeAlphabet[int(r)%len(codeAlphabet)]) // 256 is a multiple of 32: unbiased
	}
	return b.String(), nil
}

// parseCode reads a code as a person typed it: case, spaces and dashes do
// not matter, the prefix is optional, O reads as 0 and I or L as 1. Anything
// else is a user-safe ErrInvalid on field "code".
func parseCode(s, prefix string) (string, error) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ':
		case r == 'O':
			b.WriteByte('0')
		case r == 'I' || r == 'L':
			b.WriteByte('1')
		case r < 128 && strings.ContainsRune(codeAlphabet, r):
			b.WriteRune(r)
		default:
			return "", errBadCode
		}
	}
	body := b.String()
	if len(body) == len(prefix)+codeSymbols && strings.HasPrefix(body, prefix) {
		body = body[len(prefix):]
	}
	if len(body) != codeSymbols {
		return "", errBadCode
	}
	return prefix + "-" + body[:4] + "-" + body[4:], nil
}

var errBadCode = vikalp.InvalidField("code", "bad_code", "this is not a valid reference code")
