package leads

import (
	"regexp"
	"testing"
	"unicode/utf8"
)

var (
	normalPhone = regexp.MustCompile(`^\+91[6-9][0-9]{9}$`)
	// State series UP32AB1234 (series letters optional, 1–4 digits) or BH
	// series 22BH1234AA.
	normalPlate = regexp.MustCompile(`^([A-Z]{2}[0-9]{1,2}[A-Z]{0,3}[0-9]{1,4}|[0-9]{2}BH[0-9]{4}[A-Z]{1,2})$`)
)

// FuzzExtractEntities reads arbitrary text (any script, invalid UTF-8
// included) as a tip: extraction never panics, every phone and plate it
// returns is in normal form, and the result is deterministic.
func FuzzExtractEntities(f *testing.F) {
	for _, s := range []string{
		"call 98 39० double-one 234 or +91-9839011234",
		"UP 32 AB 1234 and 22 BH 1234 AA near Charbagh railway station",
		"रमेश उर्फ पप्पू, नाबालिग लड़की 14 साल, बस अड्डा",
		"Aadhaar 1234 5678 9012, pincode 226001, Rs 98,000",
		"nine eight triple seven \xff\xfe zero",
	} {
		f.Add(s)
	}
	x := NewEntityExtractor(nil)
	f.Fuzz(func(t *testing.T, s string) {
		got := x.Extract(TipText{Body: s, Phones: []string{s}, Vehicles: []string{s}})
		for _, e := range got {
			switch e.Kind {
			case EntityPhone:
				if !normalPhone.MatchString(e.Value) {
					t.Fatalf("phone %q from %q is not +91 and ten digits", e.Value, s)
				}
			case EntityVehicle:
				if !normalPlate.MatchString(e.Value) {
					t.Fatalf("plate %q from %q is not normalised", e.Value, s)
				}
			}
			if !utf8.ValidString(e.Value) {
				t.Fatalf("entity value %q is not valid UTF-8", e.Value)
			}
		}
		again := x.Extract(TipText{Body: s, Phones: []string{s}, Vehicles: []string{s}})
		if len(again) != len(got) {
			t.Fatalf("extraction is not deterministic: %d then %d entities", len(got), len(again))
		}
	})
}
