package leads

import (
	"regexp"
	"strings"
)

// Transit extraction. A railway station is recognised only when its name
// (English, or Hindi when the gazetteer has one) is followed by a station
// cue: "Gonda Jn", "Gorakhpur junction", "Lucknow railway station",
// "बहराइच स्टेशन". Bare place names are not stations: most UP stations are
// named after the town or village around them ("Sherpur", "Gaur"). Bus stands
// are recognised by their cue ("Alambagh bus stand", "bus adda", "बस अड्डा",
// "ISBT Kaushambi") and named by the word before (or after, for ISBT) when
// it is a name.

// TransitPlace is a railway station or bus stand (table transit_places).
type TransitPlace struct {
	ID         int64  `db:"id"`
	Kind       string `db:"kind"` // "railway_station" or "bus_stand"
	Code       string `db:"code"`
	NameEN     string `db:"name_en"`
	NameHI     string `db:"name_hi"`
	DistrictID *int   `db:"district_id"`
}

// stationCue follows a station name.
var stationCue = regexp.MustCompile(`(?i)(?:\b(?:railway station|rly\.? stn|rly station|railway stn|station|stn|junction|jn|jct)\b|रेलवे स्टेशन|स्टेशन|जंक्शन)`)

// stationSuffixes are dropped from gazetteer names so "GONDA JN" also
// matches "Gonda station". When two stations share a base name the
// junction wins ("Gorakhpur station" is GORAKHPUR JN, not GORAKHPUR CANT).
var stationSuffixes = []struct {
	suffix string
	rank   int // lower wins; an exact official name is 0
}{{" jn", 1}, {" jn.", 1}, {" junction", 1}, {" halt", 2}, {" cantt", 2}, {" cant", 2}}

// stationAliases are colloquial names of stations that differ from the
// official one (code → names).
var stationAliases = map[string][]string{"LKO": {"charbagh", "चारबाग"}}

// stationIndex maps lower-cased names (1–4 words) to station codes.
type stationIndex struct {
	names    map[string]stationName
	maxWords int
}

// stationName is a station code and the rank of the name that found it.
type stationName struct {
	code string
	rank int
}

func newStationIndex(places []TransitPlace) *stationIndex {
	ix := &stationIndex{names: map[string]stationName{}}
	add := func(name, code string, rank int) {
		name = strings.Join(strings.Fields(strings.ToLower(name)), " ")
		if name == "" {
			return
		}
		if old, taken := ix.names[name]; !taken || rank < old.rank {
			ix.names[name] = stationName{code, rank}
		}
		ix.maxWords = max(ix.maxWords, len(strings.Fields(name)))
	}
	for _, p := range places {
		if p.Kind != "railway_station" {
			continue
		}
		for _, n := range []string{p.NameEN, p.NameHI} {
			add(n, p.Code, 0)
			for _, suf := range stationSuffixes {
				if base, ok := strings.CutSuffix(strings.ToLower(n), suf.suffix); ok {
					add(base, p.Code, suf.rank)
				}
			}
		}
		for _, a := range stationAliases[p.Code] {
			add(a, p.Code, 0)
		}
	}
	return ix
}

// busCue marks a bus stand.
var busCue = regexp.MustCompile(`(?i)(?:\bbus[ \t]*(?:stand|adda|adde|station|depot)\b|\broadways[ \t]+(?:bus[ \t]+)?(?:stand|depot)\b|बस[ \t]*(?:अड्डा|अड्डे|अड्डे|स्टैंड|स्टेशन)|\bisbt\b)`)

// ExtractTransit returns the railway stations ("station:CODE") and bus
// stands ("bus:name", or "bus:unnamed") mentioned in s.
func (x *EntityExtractor) ExtractTransit(s string) []Entity {
	var out []Entity
	if x != nil && x.stations != nil {
		for _, m := range stationCue.FindAllStringIndex(s, -1) {
			if e, ok := x.stations.before(s, m); ok {
				out = append(out, e)
			}
		}
	}
	for _, m := range busCue.FindAllStringIndex(s, -1) {
		name := wordBefore(s, m[0])
		if strings.EqualFold(strings.TrimSpace(s[m[0]:m[1]]), "isbt") && name == "" {
			name = wordAfter(s, m[1])
		}
		if name == "" || aliasStopWords[name] || transitStopWords[name] {
			name = "unnamed"
		}
		out = append(out, Entity{Kind: EntityTransit, Value: "bus:" + name, Mention: s[m[0]:m[1]]})
	}
	return out
}

// transitStopWords are words that come before a cue without naming it.
var transitStopWords = map[string]bool{"near": true, "the": true, "city": true, "main": true,
	"old": true, "new": true, "local": true, "paas": true, "पास": true, "बड़े": true, "पुराने": true}

// before finds the longest station name ending right before the cue m.
func (ix *stationIndex) before(s string, m []int) (Entity, bool) {
	words := strings.Fields(strings.ToLower(s[:m[0]]))
	for n := min(ix.maxWords, len(words)); n >= 1; n-- {
		name := strings.Trim(strings.Join(words[len(words)-n:], " "), ",.;:()")
		if st, ok := ix.names[name]; ok {
			return Entity{Kind: EntityTransit, Value: "station:" + st.code,
				Mention: strings.Join(strings.Fields(s[:m[1]])[len(strings.Fields(s[:m[0]]))-n:], " ")}, true
		}
	}
	return Entity{}, false
}

// wordBefore returns the lower-cased word right before byte offset i.
func wordBefore(s string, i int) string {
	f := strings.Fields(s[:i])
	if len(f) == 0 {
		return ""
	}
	return strings.Trim(strings.ToLower(f[len(f)-1]), ",.;:()")
}

// wordAfter returns the lower-cased word right after byte offset i.
func wordAfter(s string, i int) string {
	f := strings.Fields(s[i:])
	if len(f) == 0 {
		return ""
	}
	return strings.Trim(strings.ToLower(f[0]), ",.;:()")
}
