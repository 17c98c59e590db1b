package leads

import (
	"regexp"
	"strconv"
	"strings"
)

// Minor extraction flags a tip that speaks of a child. It is an indicator
// for scoring, never a link between tips. Recognised:
//
//   - words: minor, underage, child/children, nabalig, नाबालिग, नाबालिक,
//     बच्ची/बच्चा/बच्चे/बच्चियां (not "minor injuries" or "minor accident");
//   - an age under 18 with an age cue: "aged 14", "age: 15", "14 years old",
//     "14-year-old", "15 saal ki", "15 साल की", "उम्र 14", "14 वर्षीय",
//     "girl of about 14", "ladki 15 saal";
//   - a school class up to 12: "class 8", "8th class", "कक्षा 8".
//
// "5 years ago", "15 saal se" (for 15 years) and "18 saal ki" are not minors.

// minorWords name a child outright.
var minorWords = regexp.MustCompile(`(?i)(?:\b(?:minor|minors|under-?age|nabalig|nabalik|child|children|kid|kids)\b|नाबालिग|नाबालिक|बच्ची|बच्चियां|बच्चियाँ|बच्चा|बच्चे)`)

// minorNotChild are words after "minor" that make it mean "small".
var minorNotChild = regexp.MustCompile(`(?i)^[ \t]*(?:injur|accident|issue|problem|dispute|fight|offence|offense|change|detail)`)

// agePatterns capture an age (group 1) with its cue.
var agePatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\b(?:aged|age|umar|umra|umr)[ \t:]*(?:about|around|approx\.?|lagbhag|karib|qareeb)?[ \t]*([0-9]{1,2})\b`),
	regexp.MustCompile(`(?:उम्र|आयु)[ \t:]*(?:लगभग|करीब|क़रीब)?[ \t]*([0-9]{1,2})`),
	regexp.MustCompile(`(?i)\b([0-9]{1,2})[ \t-]*(?:years?|yrs?|yr)[ \t-]*old\b`),
	regexp.MustCompile(`(?i)\b([0-9]{1,2})[ \t-]*(?:saal|sal|varsh|baras)[ \t]+(?:ki|ka|ke)\b`),
	regexp.MustCompile(`([0-9]{1,2})[ \t-]*(?:साल|वर्ष|बरस)[ \t]*(?:की|का|के)`),
	regexp.MustCompile(`([0-9]{1,2})[ \t-]*(?:वर्षीय|वर्षीया)`),
	regexp.MustCompile(`(?i)\b(?:girl|girls|boy|boys|daughter|son|ladki|larki|ladka|larka)[ \t]+(?:of[ \t]+)?(?:about[ \t]+|around[ \t]+|approx\.?[ \t]+|aged[ \t]+)?([0-9]{1,2})\b(?:[ \t]*(?:years?|yrs?|saal|sal)\b)?`),
	regexp.MustCompile(`(?:लड़की|लड़का|लडकी|लडका|बेटी|बेटा)[ \t]+(?:लगभग[ \t]+|करीब[ \t]+)?([0-9]{1,2})[ \t]*(?:साल|वर्ष)`),
}

// classPatterns capture a school class (group 1).
var classPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\b(?:class|std|standard)[ \t.:-]*([0-9]{1,2})(?:st|nd|rd|th)?\b`),
	regexp.MustCompile(`(?i)\b([0-9]{1,2})(?:st|nd|rd|th)[ \t]+(?:class|std|standard)\b`),
	regexp.MustCompile(`(?:कक्षा|क्लास)[ \t]*([0-9]{1,2})`),
}

// ExtractMinors returns a minor indicator for each mention of a child in
// s: "age:N" when an age is given, else "minor".
func ExtractMinors(s string) []Entity {
	s = asciiDigits(s)
	var out []Entity
	for _, p := range agePatterns {
		for _, m := range p.FindAllStringSubmatchIndex(s, -1) {
			if age, _ := strconv.Atoi(s[m[2]:m[3]]); age >= 1 && age < 18 {
				out = append(out, Entity{Kind: EntityMinor, Value: "age:" + strconv.Itoa(age), Mention: s[m[0]:m[1]]})
			}
		}
	}
	for _, p := range classPatterns {
		for _, m := range p.FindAllStringSubmatchIndex(s, -1) {
			if c, _ := strconv.Atoi(s[m[2]:m[3]]); c >= 1 && c <= 12 {
				out = append(out, Entity{Kind: EntityMinor, Value: "minor", Mention: s[m[0]:m[1]]})
			}
		}
	}
	for _, m := range minorWords.FindAllStringIndex(s, -1) {
		if strings.HasPrefix(strings.ToLower(s[m[0]:m[1]]), "minor") && minorNotChild.MatchString(s[m[1]:]) {
			continue
		}
		out = append(out, Entity{Kind: EntityMinor, Value: "minor", Mention: s[m[0]:m[1]]})
	}
	return out
}

// asciiDigits replaces Devanagari digits with ASCII ones.
func asciiDigits(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= '०' && r <= '९' }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= '०' && r <= '९' {
			return '0' + (r - '०')
		}
		return r
	}, s)
}
