package ingest

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/vikalp/vikalp"
)

// cleanText normalizes free text for storage: valid UTF-8 required, NFC
// (so the same Devanagari typed on two keyboards compares equal), control
// characters other than newline and tab removed, surrounding space trimmed.
// It refuses text over maxRunes characters with a user-safe error on field.
func cleanText(field, s string, maxRunes int) (string, error) {
	if !utf8.ValidString(s) {
		return "", vikalp.InvalidField(field, "bad_text", "text must be valid UTF-8")
	}
	s = norm.NFC.String(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n > maxRunes {
		return "", vikalp.InvalidField(field, "too_long",
			fmt.Sprintf("text may have at most %d characters (this has %d)", maxRunes, n))
	}
	return s, nil
}

// cleanList cleans each item of a short list (vehicle numbers, phone
// numbers, descriptions of people), dropping empty items.
func cleanList(field string, items []string, maxItems, maxRunes int) ([]string, error) {
	out := make([]string, 0, len(items))
	for _, it := range items {
		c, err := cleanText(field, it, maxRunes)
		if err != nil {
			return nil, err
		}
		if c != "" {
			out = append(out, c)
		}
	}
	if len(out) > maxItems {
		return nil, vikalp.InvalidField(field, "too_many", fmt.Sprintf("give at most %d entries", maxItems))
	}
	return out, nil
}
