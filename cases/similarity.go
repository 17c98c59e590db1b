package cases

import (
	"hash/fnv"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Near-copy detection for ATR quality: two ATR texts are near-copies when
// the Jaccard similarity of their word 3-gram shingles, over normalised
// text, is at least NearCopyThreshold. Exact shingled Jaccard is enough:
// a station's ATRs are compared only with its own earlier ones, at most
// nearCopyHistory of them, so the work is bounded per ATR.

// NearCopyThreshold is the shingled Jaccard similarity from which an ATR
// counts as a near-copy of an earlier one.
const NearCopyThreshold = 0.8

// shingleWords is the number of words in a shingle.
const shingleWords = 3

// normalizeText prepares ATR text for comparison: Unicode NFKC, lower case,
// punctuation and symbols (the Devanagari danda too) turned into spaces,
// runs of space collapsed. Letters, digits and combining marks stay, so
// Devanagari vowel signs and viramas keep their words intact.
func normalizeText(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	var b strings.Builder
	b.Grow(len(s))
	space := true // no leading space
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			b.WriteRune(r)
			space = false
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// shingles returns the sorted, distinct hashes of the word shingleWords-
// grams of normalised text. A text shorter than a shingle is one shingle
// of all its words; an empty text has none.
func shingles(text string) []uint64 {
	words := strings.Fields(normalizeText(text))
	if len(words) == 0 {
		return nil
	}
	n := max(1, len(words)-shingleWords+1)
	out := make([]uint64, 0, n)
	for i := range n {
		h := fnv.New64a()
		for _, w := range words[i:min(i+shingleWords, len(words))] {
			_, _ = h.Write([]byte(w)) // never fails
			_, _ = h.Write([]byte{0})
		}
		out = append(out, h.Sum64())
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// jaccard is |a ∩ b| / |a ∪ b| of two sorted, distinct shingle sets; two
// empty sets have similarity 0 (nothing was copied).
func jaccard(a, b []uint64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	common, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			common++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(common) / float64(len(a)+len(b)-common)
}
