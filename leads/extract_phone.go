package leads

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Phone extraction reads a text as runs of "digit groups": ASCII or
// Devanagari digits, digits written as English, Hindi or romanised Hindi
// words, and "double"/"triple" repeating the next digit. Groups in a run may
// be separated by spaces, dashes, dots, brackets, slashes or a plus sign;
// any other word or character ends the run. Each run is cut, left to right,
// into the longest groups that spell an Indian mobile number:
//
//	[+]91 / 0091 / 0 prefix, then 10 digits starting with 6, 7, 8 or 9
//
// Three 4-digit groups (1234 5678 9012) are how Aadhaar numbers are written
// and are never read as a phone. Dates, amounts with commas, pincodes and
// landlines (0522-2345678: the 10 digits start with 5) never spell a mobile.

// phoneWords maps number words to digits. Romanised Hindi words that are
// also common English words (do, no, sat, tin, char) are left out: in a
// Hinglish text they would glue unrelated digits onto a number.
var phoneWords = map[string]byte{
	"zero": '0', "oh": '0', "one": '1', "two": '2', "three": '3', "four": '4', "five": '5',
	"six": '6', "seven": '7', "eight": '8', "nine": '9',
	"शून्य": '0', "एक": '1', "दो": '2', "तीन": '3', "चार": '4', "पांच": '5', "पाँच": '5',
	"छह": '6', "छः": '6', "छै": '6', "छे": '6', "सात": '7', "आठ": '8', "नौ": '9',
	"shunya": '0', "shoonya": '0', "sunya": '0', "ek": '1', "teen": '3', "chaar": '4',
	"paanch": '5', "panch": '5', "chhe": '6', "chhah": '6', "chah": '6', "saat": '7',
	"aath": '8', "nau": '9',
}

// phoneRepeats maps "double"/"triple" (and their Hindi spellings) to a count.
var phoneRepeats = map[string]int{"double": 2, "triple": 3, "डबल": 2, "ट्रिपल": 3}

// phoneGroup is one group of digits and where it was written.
type phoneGroup struct {
	digits     string
	start, end int  // byte offsets in the text
	plainFour  bool // exactly four ASCII/Devanagari digits written as digits
}

// ExtractPhones returns the Indian mobile numbers written in s, normalised
// to +91XXXXXXXXXX, in order of appearance (duplicates included).
func ExtractPhones(s string) []Entity {
	var out []Entity
	var run []phoneGroup
	repeat := 1
	flush := func() {
		out = append(out, phonesInRun(s, run)...)
		run, repeat = run[:0], 1
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isDigit(r):
			j := i
			var b strings.Builder
			for j < len(s) {
				r2, n := utf8.DecodeRuneInString(s[j:])
				if !isDigit(r2) {
					break
				}
				b.WriteByte(digitByte(r2))
				j += n
			}
			d := b.String()
			if repeat > 1 {
				d = strings.Repeat(d[:1], repeat) + d[1:]
			}
			run = append(run, phoneGroup{digits: d, start: i, end: j, plainFour: repeat == 1 && len(d) == 4})
			repeat, i = 1, j
		case isWordRune(r):
			j := i
			for j < len(s) {
				r2, n := utf8.DecodeRuneInString(s[j:])
				if !isWordRune(r2) {
					break
				}
				j += n
			}
			w := strings.ToLower(s[i:j])
			if d, ok := phoneWords[w]; ok && (w != "oh" || len(run) > 0) {
				run = append(run, phoneGroup{digits: strings.Repeat(string(d), repeat), start: i, end: j})
				repeat = 1
			} else if n, ok := phoneRepeats[w]; ok {
				repeat = n
			} else {
				flush()
			}
			i = j
		case isPhoneSeparator(r):
			i += size
		default:
			flush()
			i += size
		}
	}
	flush()
	return out
}

// phonesInRun cuts a run of groups into mobile numbers, longest first.
func phonesInRun(s string, run []phoneGroup) []Entity {
	var out []Entity
	for i := 0; i < len(run); {
		if i+2 < len(run) && run[i].plainFour && run[i+1].plainFour && run[i+2].plainFour &&
			(i+3 == len(run) || !run[i+3].plainFour) {
			i += 3 // an Aadhaar-style 4-4-4 number
			continue
		}
		best, number := -1, ""
		digits := ""
		for j := i; j < len(run); j++ {
			digits += run[j].digits
			if len(digits) > 14 {
				break
			}
			if n, ok := NormalizePhone(digits); ok {
				best, number = j, n
			}
		}
		if best < 0 {
			i++
			continue
		}
		out = append(out, Entity{Kind: EntityPhone, Value: number, Mention: s[run[i].start:run[best].end]})
		i = best + 1
	}
	return out
}

// NormalizePhone returns digits as +91XXXXXXXXXX when they spell an Indian
// mobile number: 10 digits starting with 6–9, optionally prefixed by 0, 91
// or 0091. Any other characters make it fail.
func NormalizePhone(digits string) (string, bool) {
	for _, c := range digits {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	switch {
	case len(digits) == 14 && strings.HasPrefix(digits, "0091"):
		digits = digits[4:]
	case len(digits) == 12 && strings.HasPrefix(digits, "91"):
		digits = digits[2:]
	case len(digits) == 11 && digits[0] == '0':
		digits = digits[1:]
	}
	if len(digits) != 10 || digits[0] < '6' {
		return "", false
	}
	return "+91" + digits, true
}

// isDigit reports ASCII and Devanagari digits.
func isDigit(r rune) bool { return (r >= '0' && r <= '9') || (r >= '०' && r <= '९') }

// digitByte returns the ASCII digit of an ASCII or Devanagari digit.
func digitByte(r rune) byte {
	if r >= '०' && r <= '९' {
		return byte('0' + (r - '०'))
	}
	return byte(r)
}

// isWordRune reports letters and the combining marks of Indic scripts.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// isPhoneSeparator reports characters people put between digit groups.
func isPhoneSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '-', '.', '(', ')', '/', '+', '–', '—', '\u00a0':
		return true
	}
	return false
}
