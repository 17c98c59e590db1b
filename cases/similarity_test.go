package cases

import (
	"math"
	"testing"
)

func TestNormalizeText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"  The accused was WARNED, and bound over!! ", "the accused was warned and bound over"},
		{"ﬁled  on\t12/11 — at the thana.", "filed on 12 11 at the thana"}, // NFKC folds the ligature
		{"आरोपी को चेतावनी दी गई। मुकदमा दर्ज किया गया।", "आरोपी को चेतावनी दी गई मुकदमा दर्ज किया गया"},
		{"...", ""},
	} {
		if got := normalizeText(tc.in); got != tc.want {
			t.Errorf("normalizeText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestJaccardOfShingles(t *testing.T) {
	t.Parallel()
	const (
		en      = "The complainant was contacted. The accused was called to the police station and warned under section 126 BNSS. Beat constable will visit weekly."
		enPaste = "the complainant was contacted; the accused was called to the police station and warned under section 126 BNSS. Beat constable will visit weekly!"
		enEdit  = "The complainant was contacted. The accused was called to the police station and warned under section 126 BNSS. Beat constable will visit daily."
		enOther = "An FIR was registered against the husband and his mother; both were arrested and produced before the magistrate."
		hi      = "पीड़िता से संपर्क किया गया। आरोपी को थाने बुलाकर धारा 126 बीएनएसएस के तहत पाबंद किया गया। बीट आरक्षी साप्ताहिक भ्रमण करेगा।"
		hiPaste = "पीड़िता से संपर्क किया गया, आरोपी को थाने बुलाकर धारा 126 बीएनएसएस के तहत पाबंद किया गया; बीट आरक्षी साप्ताहिक भ्रमण करेगा"
		hiOther = "पति और सास के विरुद्ध मुकदमा पंजीकृत कर दोनों को गिरफ्तार किया गया तथा न्यायालय में प्रस्तुत किया गया।"
	)
	for _, tc := range []struct {
		name     string
		a, b     string
		min, max float64
	}{
		{"SameText", en, en, 1, 1},
		{"PastedWithPunctuationAndCase", en, enPaste, 1, 1},
		{"OneWordChangedAtTheEnd", en, enEdit, 0.8, 0.95}, // 21 of 23 shingles shared
		{"DifferentReport", en, enOther, 0, 0.05},
		{"HindiPasted", hi, hiPaste, 1, 1},
		{"HindiDifferent", hi, hiOther, 0, 0.05},
		{"HindiAgainstEnglish", hi, en, 0, 0},
		{"ShortTexts", "Done.", "done", 1, 1},
		{"Empty", "", en, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := jaccard(shingles(tc.a), shingles(tc.b))
			if got < tc.min || got > tc.max || math.IsNaN(got) {
				t.Errorf("jaccard = %.3f, want in [%.2f, %.2f]", got, tc.min, tc.max)
			}
			if (got >= NearCopyThreshold) != (tc.min >= NearCopyThreshold) {
				t.Errorf("near-copy = %v at %.3f", got >= NearCopyThreshold, got)
			}
		})
	}
}

func TestShinglesAreDistinctWordTrigrams(t *testing.T) {
	t.Parallel()
	// "a b c a b c": trigrams abc, bca, cab, abc → 3 distinct.
	if n := len(shingles("a b c a b c")); n != 3 {
		t.Errorf("%d shingles, want 3", n)
	}
	// Devanagari vowel signs are part of the word: "की" and "क" differ.
	if jaccard(shingles("राम की किताब"), shingles("राम क किताब")) != 0 {
		t.Error("a dropped vowel sign left the words equal")
	}
}
