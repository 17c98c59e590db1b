package text_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/text"
)

// Finding "NUL bytes give 500": NUL and the other control characters are
// removed (tab and newline kept, every line break made "\n").
func TestNULBytesAndControlsAreStripped(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"NUL", "ab\x00cd", "abcd"},
		{"OnlyNUL", "\x00\x00", ""},
		{"C0", "a\x01\x07\x08\x1b[31mb\x1f", "a[31mb"},
		{"DEL", "a\x7fb", "ab"},
		{"C1", "a\u0080\u009bb", "ab"},
		{"TabAndNewline", "a\tb\nc", "a\tb\nc"},
		{"CRLF", "a\r\nb", "a\nb"},
		{"LoneCR", "a\rb", "a\nb"},
		{"LineSeparators", "a\u2028b\u2029c\u0085d", "a\nb\nc\nd"},
		{"Trimmed", "  \x00 a b \n\t", "a b"},
		{"InvalidUTF8", "a\xffb", "a\uFFFDb"},
		{"NFC", "e\u0301", "\u00e9"},
		{"NFCDevanagari", "\u0958", "\u0915\u093c"}, // क़ typed precomposed or not is stored alike
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := text.Clean(tc.in); got != tc.want {
				t.Errorf("Clean(%+q) = %+q, want %+q", tc.in, got, tc.want)
			}
		})
	}
}

// Finding "Bidi and zero-width characters": overrides, isolates, marks,
// zero-width characters and the BOM are removed from text shown to others;
// the joiners stay only where a script needs them.
func TestBidiAndZeroWidthCharactersAreStripped(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		// Trojan Source: "admin" shown where "nimda" is stored.
		{"RLO", "\u202Enimda\u202C", "nimda"},
		{"Embeddings", "a\u202Ab\u202Bc\u202Cd\u202De", "abcde"},
		{"Isolates", "a\u2066b\u2067c\u2068d\u2069e", "abcde"},
		{"Marks", "a\u200Eb\u200Fc\u061Cd", "abcd"},
		{"ZeroWidthSpace", "UP32\u200BAB1234", "UP32AB1234"},
		{"BOM", "\uFEFFhello\uFEFF", "hello"},
		{"WordJoinerAndInvisibleOperators", "a\u2060b\u2061c\u2064d", "abcd"},
		{"SoftHyphen", "ab\u00ADcd", "abcd"},
		{"TagCharacters", "hi\U000E0041\U000E0042\U000E007F", "hi"},
		{"JoinersInLatin", "pay\u200Dpal \u200Cx", "paypal x"},
		{"JoinerAtStart", "\u200D\u0915", "\u0915"},
		// Hindi: virama + ZWJ is the half form, virama + ZWNJ the explicit
		// virama, RA + ZWJ + virama the eyelash RA. Kept.
		{"DevanagariHalfForm", "\u0915\u094D\u200D\u0937", "\u0915\u094D\u200D\u0937"},
		{"DevanagariExplicitVirama", "\u0915\u094D\u200C\u0937", "\u0915\u094D\u200C\u0937"},
		{"DevanagariEyelashRa", "\u0930\u200D\u094D\u092F", "\u0930\u200D\u094D\u092F"},
		{"HindiSentence", "मैं रोज़ \u0915\u094D\u200D\u0937 देखती हूँ", "मैं रोज़ \u0915\u094D\u200D\u0937 देखती हूँ"},
		{"BengaliHalfForm", "\u0995\u09CD\u200D\u09B7", "\u0995\u09CD\u200D\u09B7"},
		// Between letters without a virama, or across scripts, a joiner
		// does nothing visible: removed.
		{"DevanagariNoVirama", "\u0915\u200D\u0937", "\u0915\u0937"},
		{"ViramaThenLatin", "\u0915\u094D\u200Dx", "\u0915\u094Dx"},
		{"ViramaThenOtherScript", "\u0915\u094D\u200D\u0995", "\u0915\u094D\u0995"},
		{"ViramaThenHiddenSpace", "\u0915\u094D\u200D\u200B\u0937", "\u0915\u094D\u0937"},
		{"BidiInsideHindi", "\u0915\u202E\u094D\u0937", "\u0915\u094D\u0937"},
		// Emoji ZWJ sequences stay joined.
		{"EmojiFamily", "👩\u200D👧", "👩\u200D👧"},
		{"EmojiSkinTone", "👩\U0001F3FD\u200D🚀", "👩\U0001F3FD\u200D🚀"},
		{"EmojiVariationSelector", "❤\uFE0F\u200D🔥", "❤\uFE0F\u200D🔥"},
		{"ZWNJBetweenEmoji", "👩\u200C👧", "👩👧"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := text.Clean(tc.in)
			if got != tc.want {
				t.Errorf("Clean(%+q) = %+q, want %+q", tc.in, got, tc.want)
			}
			if again := text.Clean(got); again != got {
				t.Errorf("Clean is not idempotent: %+q then %+q", got, again)
			}
		})
	}
}

func TestField(t *testing.T) {
	t.Parallel()
	if got, err := text.Field("note", " a\x00b\u202E ", 5); err != nil || got != "ab" {
		t.Errorf("Field = %q, %v; want \"ab\"", got, err)
	}
	for _, tc := range []struct {
		name, in, code string
		max            int
	}{
		{"InvalidUTF8", "a\xffb", "bad_text", 10},
		{"TooLong", strings.Repeat("ह", 6), "too_long", 5},
	} {
		_, err := text.Field("note", tc.in, tc.max)
		ue, ok := vikalp.AsUserError(err)
		if !ok || !errors.Is(err, vikalp.ErrInvalid) || ue.Code != tc.code || ue.Field != "note" {
			t.Errorf("%s: %v, want invalid note with code %s", tc.name, err, tc.code)
		}
	}
	// The limit counts characters after cleaning: stripped ones are free.
	if _, err := text.Field("note", strings.Repeat("\u200B", 100)+"abcde", 5); err != nil {
		t.Errorf("invisible characters counted against the limit: %v", err)
	}
	if got, _ := text.Field("note", "\u0915\u094D\u200D\u0937", 10); utf8.RuneCountInString(got) != 4 {
		t.Errorf("half form lost its joiner: %+q", got)
	}
}
