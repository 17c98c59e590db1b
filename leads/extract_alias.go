package leads

import (
	"regexp"
	"strings"
)

// Alias extraction looks only for the ways informants mark an alias:
//
//	Ramesh alias Pappu, Ramesh urf Pappu, रमेश उर्फ पप्पू, Ramesh @ Pappu,
//	Ramesh aka Pappu, known as Pappu, जिसे पप्पू कहते हैं is NOT recognised.
//
// A name with its alias ("ramesh ~ pappu") is specific enough to link tips;
// a lone alias ("known as Pappu") is kept as a name, never linked on: Pappu,
// Guddu and Munna are in every town. Names are compared lower-cased with
// spaces collapsed; a name written in Latin script and the same name in
// Devanagari are different values (no transliteration is guessed).

// aliasNameWord is one word of a name: a Latin word starting with a letter,
// or a Devanagari word.
const aliasNameWord = `(?:[A-Za-z][A-Za-z'’]*|[\p{Devanagari}]+)`

// aliasPattern finds "NAME MARKER ALIAS" with one or two words each side.
var aliasPattern = regexp.MustCompile(`(` + aliasNameWord + `(?:[ \t]+` + aliasNameWord + `)?)` +
	`[ \t]*(?:,[ \t]*)?(?:\b(?i:alias|urf|aka)\b|(?i:a\.k\.a\.?)|उर्फ|@)[ \t]*` +
	`(` + aliasNameWord + `(?:[ \t]+` + aliasNameWord + `)?)`)

// knownAsPattern finds "known as ALIAS" / "called ALIAS" / "naam ALIAS".
var knownAsPattern = regexp.MustCompile(`(?i)\b(?:known as|called|goes by|naam se)[ \t]+` +
	`(` + aliasNameWord + `(?:[ \t]+` + aliasNameWord + `)?)`)

// aliasStopWords may not be part of a name: they are the words around one
// ("a man alias Pappu", "the driver urf Guddu is").
var aliasStopWords = map[string]bool{
	"a": true, "an": true, "the": true, "man": true, "woman": true, "boy": true, "girl": true,
	"is": true, "was": true, "and": true, "or": true, "of": true, "by": true, "named": true,
	"name": true, "one": true, "driver": true, "agent": true, "who": true, "he": true,
	"she": true, "his": true, "her": true, "with": true, "from": true, "to": true, "in": true,
	"at": true, "on": true, "also": true, "as": true, "mr": true, "ek": true, "naam": true,
	"aadmi": true, "wala": true, "jo": true, "hai": true, "tha": true, "ka": true, "ki": true,
	"ke": true, "se": true, "ne": true, "aur": true, "है": true, "था": true, "और": true, "का": true,
	"की": true, "के": true, "ने": true, "से": true, "नाम": true, "एक": true, "आदमी": true,
	"व्यक्ति": true, "जो": true, "में": true, "को": true,
}

// ExtractAliases returns name–alias pairs (EntityAlias, "name ~ alias") and
// lone aliases (EntityName) written in s.
func ExtractAliases(s string) []Entity {
	var out []Entity
	for _, m := range aliasPattern.FindAllStringSubmatchIndex(s, -1) {
		mention := s[m[0]:m[1]]
		if strings.Contains(mention, "@") && emailLike(s, m) {
			continue
		}
		name := cleanAliasName(s[m[2]:m[3]], true)
		alias := cleanAliasName(s[m[4]:m[5]], false)
		switch {
		case name != "" && alias != "":
			out = append(out, Entity{Kind: EntityAlias, Value: name + " ~ " + alias, Mention: mention})
		case alias != "":
			out = append(out, Entity{Kind: EntityName, Value: alias, Mention: mention})
		}
	}
	for _, m := range knownAsPattern.FindAllStringSubmatchIndex(s, -1) {
		if alias := cleanAliasName(s[m[2]:m[3]], false); alias != "" {
			out = append(out, Entity{Kind: EntityName, Value: alias, Mention: s[m[0]:m[1]]})
		}
	}
	return out
}

// emailLike reports an @ that is part of an e-mail address or a handle:
// no space around it, or a dot right after the word that follows.
func emailLike(s string, m []int) bool {
	at := strings.LastIndex(s[m[0]:m[1]], "@") + m[0]
	if at > 0 && at+1 < len(s) && s[at-1] != ' ' && s[at+1] != ' ' {
		return true
	}
	return m[1] < len(s) && s[m[1]] == '.' && m[1]+1 < len(s) && s[m[1]+1] != ' '
}

// cleanAliasName lower-cases a one- or two-word name. Two words are a name
// only when both are capitalised Latin words ("Ramesh Kumar"); otherwise
// the word next to the marker is kept ("met Ramesh alias" → "ramesh",
// "urf Pappu then" → "pappu"). Stop words are never names.
func cleanAliasName(s string, beforeMarker bool) string {
	words := strings.Fields(s)
	if len(words) == 2 && !(capitalised(words[0]) && capitalised(words[1])) {
		if beforeMarker {
			words = words[1:]
		} else {
			words = words[:1]
		}
	}
	var kept []string
	for _, w := range words {
		if w = strings.ToLower(w); !aliasStopWords[w] {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " ")
}

// capitalised reports a Latin word starting with an upper-case letter.
func capitalised(w string) bool { return w != "" && w[0] >= 'A' && w[0] <= 'Z' }
