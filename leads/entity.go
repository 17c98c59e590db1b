package leads

import (
	"slices"
	"strings"
)

// EntityKind is what an extracted entity is.
type EntityKind string

// The kinds of entity found in tips. Only phones, vehicles and alias pairs
// link tips into one lead: they identify a person or a vehicle. Names alone,
// transit places and minors are indicators only (far too common to link on).
const (
	EntityPhone   EntityKind = "phone"   // +91XXXXXXXXXX, first digit 6–9
	EntityVehicle EntityKind = "vehicle" // UP32AB1234 or 22BH1234AA
	EntityAlias   EntityKind = "alias"   // "ramesh ~ pappu": a name with its alias
	EntityName    EntityKind = "name"    // a lone alias ("known as pappu")
	EntityTransit EntityKind = "transit" // "station:LKO" or "bus:alambagh"
	EntityMinor   EntityKind = "minor"   // "minor" or "age:14"
)

// Links reports whether tips sharing an entity of kind k belong together.
func (k EntityKind) Links() bool {
	return k == EntityPhone || k == EntityVehicle || k == EntityAlias
}

// Entity is one normalised thing mentioned in a tip, with the words that
// mentioned it (Mention, as written: it may be a disguised phone number).
type Entity struct {
	Kind    EntityKind
	Value   string
	Mention string
}

// TipText is what extraction reads of a tip: its free text, the structured
// lists the informant filled in and the descriptions of its places.
type TipText struct {
	Body     string
	Vehicles []string
	Phones   []string
	People   []string
	Places   []string
}

// EntityExtractor finds entities in tip text. The zero value finds
// everything except railway stations, which need a gazetteer.
type EntityExtractor struct {
	stations *stationIndex
}

// NewEntityExtractor returns an extractor that also recognises the given
// railway stations (see TransitPlace) when named with a station cue.
func NewEntityExtractor(stations []TransitPlace) *EntityExtractor {
	return &EntityExtractor{stations: newStationIndex(stations)}
}

// Extract returns the distinct entities of t, sorted by kind and value.
// When one value is mentioned several times the first mention is kept.
func (x *EntityExtractor) Extract(t TipText) []Entity {
	var out []Entity
	texts := append([]string{t.Body}, t.People...)
	texts = append(texts, t.Places...)
	for _, s := range texts {
		out = append(out, ExtractPhones(s)...)
		out = append(out, ExtractPlates(s)...)
		out = append(out, ExtractAliases(s)...)
		out = append(out, x.ExtractTransit(s)...)
		out = append(out, ExtractMinors(s)...)
	}
	// The structured fields hold one item each; a form field that is not a
	// valid number or plate is still text worth reading.
	for _, s := range t.Phones {
		out = append(out, ExtractPhones(s)...)
	}
	for _, s := range t.Vehicles {
		out = append(out, ExtractPlates(s)...)
	}
	return dedupeEntities(out)
}

// dedupeEntities keeps the first mention of each (kind, value), sorted.
func dedupeEntities(in []Entity) []Entity {
	seen := make(map[[2]string]bool, len(in))
	out := make([]Entity, 0, len(in))
	for _, e := range in {
		k := [2]string{string(e.Kind), e.Value}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, e)
	}
	slices.SortStableFunc(out, func(a, b Entity) int {
		if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out
}
