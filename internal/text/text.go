// Package text is the one place where free text typed by a person (a
// complaint, a report, a tip, an ATR, a note, a webhook description) is made
// fit to store and to show to others. Every package that takes free text
// passes it through Clean (or Field, which also bounds it).
//
// What Clean removes, and why:
//
//   - NUL and the other C0 and C1 control characters except tab and
//     newline: PostgreSQL cannot store a NUL in a text column (a NUL used to
//     fail the whole request with a 500), and the others are invisible
//     terminal escapes. A carriage return ends a line: "\r\n" and a lone "\r"
//     become "\n", as do U+0085, U+2028 and U+2029.
//   - Every Unicode format character (category Cf), among them the
//     bidirectional embeddings, overrides and isolates U+202A–U+202E and
//     U+2066–U+2069, the marks U+200E, U+200F and U+061C, the zero-width
//     space U+200B, the byte order mark U+FEFF, the word joiner and
//     invisible operators U+2060–U+2064, the soft hyphen and the tag
//     characters U+E0000–U+E007F. They are invisible; stored verbatim they
//     let one person's text reorder what staff or the public read next to
//     it ("Trojan Source", CVE-2021-42574), hide words from search, entity
//     linking and moderation, or smuggle text a reader cannot see.
//
// The one exception is the pair of joiners, ZWNJ U+200C and ZWJ U+200D, where
// a script needs them (see keepJoiner): in Hindi, a virama followed by ZWJ
// asks for the half form of a consonant (क्‍ष instead of the conjunct क्ष)
// and by ZWNJ for the explicit virama (क्‌ष); "र‍्" is the eyelash RA. These
// change how a word is drawn, not the order of the text, so they are kept
// between a virama and a letter of the same Indic script (Devanagari and the
// other Brahmic scripts of India). ZWJ is also kept between pictographs, where
// it joins an emoji sequence (👩‍👧). Everywhere else, in Latin text for
// example, a joiner is just an invisible character and is removed.
//
// The result is NFC-normalised (the same Devanagari typed on two keyboards
// compares equal) and trimmed of surrounding space.
package text

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/vikalp/vikalp"
)

const (
	zwnj = '\u200C'
	zwj  = '\u200D'
)

// Clean returns s fit to store and to show to others: control and format
// characters removed (joiners kept where a script needs them), line breaks
// made "\n", NFC, surrounding space trimmed. Invalid UTF-8 becomes U+FFFD;
// callers that must refuse it check utf8.ValidString first (Field does).
func Clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var prev rune // the last rune written, 0 at the start
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		next, _ := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\r' && next == '\n':
			continue
		case r == '\r' || r == '\u0085' || r == '\u2028' || r == '\u2029':
			r = '\n'
		case r == '\n' || r == '\t':
		case r == zwj || r == zwnj:
			if !keepJoiner(prev, r, next) {
				continue
			}
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	return strings.TrimSpace(norm.NFC.String(b.String()))
}

// Field cleans s, the value of the input field named field, and refuses it
// with a user-safe vikalp.InvalidField when it is not valid UTF-8 (code
// "bad_text") or longer than maxRunes characters once cleaned ("too_long").
func Field(field, s string, maxRunes int) (string, error) {
	if !utf8.ValidString(s) {
		return "", vikalp.InvalidField(field, "bad_text", "text must be valid UTF-8")
	}
	s = Clean(s)
	if n := utf8.RuneCountInString(s); n > maxRunes {
		return "", vikalp.InvalidField(field, "too_long",
			fmt.Sprintf("text may have at most %d characters (this has %d)", maxRunes, n))
	}
	return s, nil
}

// indic are the scripts whose virama a joiner may follow.
var indic = []*unicode.RangeTable{unicode.Devanagari, unicode.Bengali, unicode.Gurmukhi, unicode.Gujarati,
	unicode.Oriya, unicode.Tamil, unicode.Telugu, unicode.Kannada, unicode.Malayalam}

// keepJoiner reports whether joiner j between prev (the last rune kept) and
// next (the rune after j in the input) does a script's work:
//
//   - after a virama and before a letter of the same Indic script (ZWJ: the
//     half form, ZWNJ: the explicit virama);
//   - ZWJ between Devanagari RA and a virama (the eyelash RA);
//   - ZWJ between two pictographs (an emoji ZWJ sequence; the first may end
//     in a skin-tone modifier or the emoji variation selector).
func keepJoiner(prev, j, next rune) bool {
	for _, script := range indic {
		if !unicode.Is(script, prev) || !unicode.Is(script, next) {
			continue
		}
		if isVirama(prev) && unicode.IsLetter(next) {
			return true
		}
		return j == zwj && prev == '\u0930' && next == '\u094D' // र‍्
	}
	if j != zwj || !unicode.Is(unicode.So, next) {
		return false
	}
	return unicode.Is(unicode.So, prev) || unicode.Is(unicode.Sk, prev) || prev == '\uFE0F'
}

// isVirama reports whether r is a virama (canonical combining class 9).
func isVirama(r rune) bool {
	return norm.NFC.PropertiesString(string(r)).CCC() == 9
}
