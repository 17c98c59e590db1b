package leads

import (
	"regexp"
	"strconv"
	"strings"
)

// indianStateCodes are the registration codes of every Indian state and
// union territory, current and legacy (OR before OD, UA before UK, DD/DN
// before their merger, TS and TG for Telangana).
var indianStateCodes = []string{
	"AN", "AP", "AR", "AS", "BR", "CG", "CH", "DD", "DL", "DN", "GA", "GJ", "HP", "HR", "JH", "JK",
	"KA", "KL", "LA", "LD", "MH", "ML", "MN", "MP", "MZ", "NL", "OD", "OR", "PB", "PY", "RJ", "SK",
	"TG", "TN", "TR", "TS", "UA", "UK", "UP", "WB",
}

// plateSep is what people put between the parts of a plate.
const plateSep = `[ \t.\-]*`

// statePlatePattern is a state-series plate: state code, RTO number (1–2
// digits), series (0–3 letters, Delhi writes them split: 1C AA) and number (1–4 digits), e.g. UP 32 AB 1234,
// up32ab1234, DL-1C-AA-1234, UP 32 1234 (old, no series).
var statePlatePattern = regexp.MustCompile(`(?i)\b(` + strings.Join(indianStateCodes, "|") + `)` +
	plateSep + `([0-9]{1,2})` + plateSep + `([A-Z]{0,3}(?:[ \t.\-]*[A-Z]{1,2})?)` + plateSep + `([0-9]{1,4})\b`)

// bharatPlatePattern is a Bharat-series plate: year, BH, number, letters,
// e.g. 22 BH 1234 AA.
var bharatPlatePattern = regexp.MustCompile(`(?i)\b([0-9]{2})` + plateSep + `BH` + plateSep +
	`([0-9]{4})` + plateSep + `([A-Z]{1,2})\b`)

// ExtractPlates returns the vehicle registration numbers written in s,
// normalised without spaces: UP32AB1234 (RTO number padded to two digits,
// number to four) or 22BH1234AA.
//
// To keep English words out ("went up 2 1234", "UP 112"), a plate written
// with spaces must use an upper-case state code, and a plate without a
// series needs a full 4-digit number.
func ExtractPlates(s string) []Entity {
	var out []Entity
	for _, m := range statePlatePattern.FindAllStringSubmatchIndex(s, -1) {
		mention := s[m[0]:m[1]]
		state, rto, series, num := s[m[2]:m[3]], s[m[4]:m[5]], s[m[6]:m[7]], s[m[8]:m[9]]
		series = strings.ToUpper(strings.Map(dropPlateSep, series))
		if len(series) > 3 {
			continue
		}
		spaced := strings.ContainsAny(mention, " \t")
		if spaced && state != strings.ToUpper(state) {
			continue
		}
		if series == "" && len(num) != 4 {
			continue
		}
		if n, _ := strconv.Atoi(num); n == 0 {
			continue
		}
		value := strings.ToUpper(state) + padDigits(rto, 2) + series + padDigits(num, 4)
		out = append(out, Entity{Kind: EntityVehicle, Value: value, Mention: mention})
	}
	for _, m := range bharatPlatePattern.FindAllStringSubmatchIndex(s, -1) {
		mention := s[m[0]:m[1]]
		if strings.ContainsAny(mention, " \t") && !strings.Contains(mention, "BH") {
			continue
		}
		value := s[m[2]:m[3]] + "BH" + s[m[4]:m[5]] + strings.ToUpper(s[m[6]:m[7]])
		out = append(out, Entity{Kind: EntityVehicle, Value: value, Mention: mention})
	}
	return out
}

// padDigits left-pads a digit string with zeros to width.
func padDigits(d string, width int) string {
	if len(d) >= width {
		return d
	}
	return strings.Repeat("0", width-len(d)) + d
}

// dropPlateSep removes separators from a plate series.
func dropPlateSep(r rune) rune {
	if r == ' ' || r == '\t' || r == '.' || r == '-' {
		return -1
	}
	return r
}
