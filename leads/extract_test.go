package leads

import (
	"slices"
	"testing"
)

func entityValues(es []Entity) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Value)
	}
	return out
}

func TestExtractPhones(t *testing.T) {
	t.Parallel()
	const n = "+919839011234"
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"Plain", "call 9839011234 tonight", []string{n}},
		{"PlusNinetyOne", "no. +91-9839011234", []string{n}},
		{"PlusNinetyOneSpaced", "+91 98390 11234", []string{n}},
		{"DoubleZeroNinetyOne", "0091 9839011234", []string{n}},
		{"ZeroPrefix", "09839011234 pe call karo", []string{n}},
		{"NinetyOneGlued", "wa.me/919839011234", []string{n}},
		{"Dashes", "98390-11234", []string{n}},
		{"Dots", "98.390.112.34", []string{n}},
		{"Brackets", "(+91) 98390 11234", []string{n}},
		{"ThreeThreeFour", "983 901 1234", []string{n}},
		{"DevanagariDigits", "नंबर ९८३९०११२३४ है", []string{n}},
		{"MixedScripts", "98 39० double-one 234", []string{n}},
		{"EnglishWords", "nine eight three nine zero one one two three four", []string{n}},
		{"EnglishOh", "nine eight three nine oh one one two three four", []string{n}},
		{"DoubleAndTriple", "nine eight three nine zero double one two three four", []string{n}},
		{"Triple", "98 triple seven 12345", []string{"+919877712345"}},
		{"HindiWords", "नौ आठ तीन नौ शून्य एक एक दो तीन चार", []string{n}},
		{"HindiStartsWithFive", "पाँच छह सात आठ नौ एक दो तीन चार पांच", nil},
		{"HindiSixFirst", "छः आठ तीन नौ शून्य एक एक दो तीन चार", []string{"+916839011234"}},
		{"HindiDouble", "नौ आठ तीन नौ शून्य डबल एक दो तीन चार", []string{n}},
		{"RomanisedHindi", "nau aath teen nau shunya ek ek 2 3 4", []string{n}},
		{"MixedWordsDigits", "98 39 zero one one 234", []string{n}},
		{"TwoNumbers", "9839011234 or 7007123456", []string{n, "+917007123456"}},
		{"TwoNumbersSpacedApart", "98390 11234 70071 23456", []string{n, "+917007123456"}},
		{"AfterDate", "12-05-2024 ko 9839011234 se call aaya", []string{n}},
		{"SentenceEnd", "number 9839011234. 5 log the", []string{n}},
		{"SixStart", "6307123456", []string{"+916307123456"}},
		// Negatives.
		{"Date", "on 12-05-2024 at 10:30", nil},
		{"DateSlashes", "12/05/2024", nil},
		{"Amount", "paid Rs 50,000 and ₹ 9,83,901", nil},
		{"AmountPlain", "Rs 50000 diye", nil},
		{"AadhaarSpaced", "aadhaar 9191 2345 6789", nil},
		{"AadhaarSpacedPlain", "1234 5678 9012", nil},
		{"Pincode", "Lucknow 226001", nil},
		{"Landline", "0522-2345678", nil},
		{"StartsWithFive", "5839011234", nil},
		{"TooShort", "983901123", nil},
		{"ElevenDigits", "98390112345", nil},
		{"Plate", "UP 32 AB 1234", nil},
		{"EnglishNumbersInProse", "one of the two girls had three bags", nil},
		{"HindiCount", "दो लड़कियाँ और तीन लड़के", nil},
		{"TimeAndCount", "at 9 pm, 8 men and 3 cars", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := entityValues(ExtractPhones(tc.text))
			if len(tc.want) == 0 && len(got) == 0 {
				return
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ExtractPhones(%q) = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
}

func TestExtractPhonesMention(t *testing.T) {
	t.Parallel()
	got := ExtractPhones("uska number 98 39० double-one 234 hai")
	if len(got) != 1 || got[0].Mention != "98 39० double-one 234" {
		t.Errorf("mention = %+v", got)
	}
}

func TestExtractPlates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"Spaced", "white van UP 32 AB 1234", []string{"UP32AB1234"}},
		{"Compact", "up32ab1234", []string{"UP32AB1234"}},
		{"Dashes", "UP-32-AB-1234", []string{"UP32AB1234"}},
		{"Dots", "UP.32.AB.1234", []string{"UP32AB1234"}},
		{"MixedSpacing", "UP32 AB1234", []string{"UP32AB1234"}},
		{"ShortRTO", "UP 2 B 123", []string{"UP02B0123"}},
		{"OneLetterSeries", "UP 78 T 4567", []string{"UP78T4567"}},
		{"Delhi", "DL 1C AA 1234", []string{"DL01CAA1234"}},
		{"Bihar", "truck BR 01 GA 5678 se", []string{"BR01GA5678"}},
		{"Uttarakhand", "UK07 AB 0001", []string{"UK07AB0001"}},
		{"Haryana", "HR-26-DK-8337", []string{"HR26DK8337"}},
		{"NoSeries", "old jeep UP 32 1234", []string{"UP321234"}},
		{"Bharat", "22 BH 1234 AA", []string{"22BH1234AA"}},
		{"BharatCompact", "21BH0001A", []string{"21BH0001A"}},
		{"Two", "UP 32 AB 1234 aur UP 41 C 9", []string{"UP32AB1234", "UP41C0009"}},
		{"InHindiText", "गाड़ी UP 32 AB 1234 थी", []string{"UP32AB1234"}},
		// Negatives.
		{"EmergencyNumber", "called UP 112", nil},
		{"EnglishUp", "went up 2 floors, up 20 1234", nil},
		{"NotAState", "XX 32 AB 1234", nil},
		{"Date", "2024-05-12", nil},
		{"ZeroNumber", "UP 32 AB 0000", nil},
		{"Phone", "9839011234", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := entityValues(ExtractPlates(tc.text))
			if len(tc.want) == 0 && len(got) == 0 {
				return
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ExtractPlates(%q) = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
}

func TestExtractAliases(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, text string
		want       []Entity
	}{
		{"Alias", "Ramesh alias Pappu brings girls", []Entity{{Kind: EntityAlias, Value: "ramesh ~ pappu"}}},
		{"Urf", "ek aadmi Ramesh urf Pappu", []Entity{{Kind: EntityAlias, Value: "ramesh ~ pappu"}}},
		{"HindiUrf", "रमेश उर्फ पप्पू लड़कियाँ लाता है", []Entity{{Kind: EntityAlias, Value: "रमेश ~ पप्पू"}}},
		{"At", "Ramesh @ Pappu", []Entity{{Kind: EntityAlias, Value: "ramesh ~ pappu"}}},
		{"AtGlued", "Ramesh@Pappu", nil},
		{"Aka", "Sunil Yadav aka Guddu Bhai", []Entity{{Kind: EntityAlias, Value: "sunil yadav ~ guddu bhai"}}},
		{"AKADots", "Sunil a.k.a. Guddu", []Entity{{Kind: EntityAlias, Value: "sunil ~ guddu"}}},
		{"VerbBefore", "we met Ramesh alias Pappu then", []Entity{{Kind: EntityAlias, Value: "ramesh ~ pappu"}}},
		{"LowerCase", "driver urf guddu", []Entity{{Kind: EntityName, Value: "guddu"}}},
		{"KnownAs", "a man known as Munna", []Entity{{Kind: EntityName, Value: "munna"}}},
		{"Email", "mail ramesh@example.com", nil},
		{"Nothing", "a man took two girls", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := ExtractAliases(tc.text)
			if len(got) != len(tc.want) {
				t.Fatalf("ExtractAliases(%q) = %+v, want %+v", tc.text, got, tc.want)
			}
			for i := range got {
				if got[i].Kind != tc.want[i].Kind || got[i].Value != tc.want[i].Value {
					t.Errorf("ExtractAliases(%q)[%d] = %+v, want %+v", tc.text, i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestExtractTransit(t *testing.T) {
	t.Parallel()
	x := NewEntityExtractor([]TransitPlace{
		{Kind: "railway_station", Code: "GD", NameEN: "GONDA JN"},
		{Kind: "railway_station", Code: "LKO", NameEN: "LUCKNOW"},
		{Kind: "railway_station", Code: "SHR", NameEN: "SHERPUR"},
		{Kind: "railway_station", Code: "BRK", NameEN: "BAHRAICH", NameHI: "बहराइच"},
		{Kind: "railway_station", Code: "KPV", NameEN: "KANPUR C PANEL"},
		{Kind: "railway_station", Code: "GKC", NameEN: "GORAKHPUR CANT"},
		{Kind: "railway_station", Code: "GKP", NameEN: "GORAKHPUR JN"},
	})
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"Junction", "took her to Gonda Jn", []string{"station:GD"}},
		{"Station", "Gonda station par", []string{"station:GD"}},
		{"RailwayStation", "Lucknow railway station", []string{"station:LKO"}},
		{"Colloquial", "Charbagh station ke bahar", []string{"station:LKO"}},
		{"Hindi", "बहराइच स्टेशन से", []string{"station:BRK"}},
		{"MultiWord", "kanpur c panel station", []string{"station:KPV"}},
		{"JunctionWinsBaseName", "Gorakhpur station", []string{"station:GKP"}},
		{"ExactNameWins", "Gorakhpur Cant station", []string{"station:GKC"}},
		{"BareTownIsNotStation", "he lives in Sherpur", nil},
		{"BusStand", "Alambagh bus stand", []string{"bus:alambagh"}},
		{"BusAdda", "near bus adda", []string{"bus:unnamed"}},
		{"HindiBusAdda", "नेपाल बॉर्डर के पास बस अड्डा", []string{"bus:unnamed"}},
		{"ISBT", "ISBT Kaushambi", []string{"bus:kaushambi"}},
		{"BusStationNotRail", "Gonda bus station", []string{"bus:gonda"}},
		{"Nothing", "a van on the highway", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := entityValues(x.ExtractTransit(tc.text))
			if len(tc.want) == 0 && len(got) == 0 {
				return
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ExtractTransit(%q) = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
}

func TestExtractMinors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, text string
		want       bool
	}{
		{"GirlAged", "a girl aged 14", true},
		{"GirlOfAbout", "a girl of about 14 was taken", true},
		{"YearsOld", "15 years old", true},
		{"Hyphenated", "a 13-year-old boy", true},
		{"Saal", "15 saal ki ladki", true},
		{"HindiSaal", "15 साल की लड़की", true},
		{"HindiDigits", "१५ साल की लड़की", true},
		{"Umar", "उम्र 16", true},
		{"Varshiya", "14 वर्षीय किशोरी", true},
		{"Nabalig", "नाबालिग लड़की", true},
		{"Minor", "a minor girl", true},
		{"Class", "she studies in class 8", true},
		{"ClassTh", "8th class ki chhatra", true},
		{"HindiClass", "कक्षा 9 की छात्रा", true},
		{"Child", "two children in the van", true},
		{"Ladki", "ladki 15 saal", true},
		// Negatives.
		{"Adult", "a woman aged 25", false},
		{"EighteenSaal", "18 saal ki ladki", false},
		{"YearsAgo", "5 years ago", false},
		{"ForYears", "15 saal se yahan", false},
		{"MinorInjuries", "minor injuries only", false},
		{"Page", "see page 14", false},
		{"Class12Plus", "class 15 reunion", false},
		{"Nothing", "two women in a car", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := len(ExtractMinors(tc.text)) > 0; got != tc.want {
				t.Errorf("ExtractMinors(%q) = %v, want %v", tc.text, ExtractMinors(tc.text), tc.want)
			}
		})
	}
}

func TestEntityExtractorExtract(t *testing.T) {
	t.Parallel()
	x := NewEntityExtractor([]TransitPlace{{Kind: "railway_station", Code: "GD", NameEN: "GONDA JN"}})
	got := x.Extract(TipText{
		Body:     "Ramesh urf Pappu took a 14 saal ki ladki to Gonda Jn. Call 98 39० double-one 234.",
		Phones:   []string{"+91-9839011234"},
		Vehicles: []string{"up32ab1234"},
		Places:   []string{"Alambagh bus stand"},
	})
	want := []string{"alias:ramesh ~ pappu", "minor:age:14", "phone:+919839011234", "transit:bus:alambagh",
		"transit:station:GD", "vehicle:UP32AB1234"}
	var keys []string
	for _, e := range got {
		keys = append(keys, string(e.Kind)+":"+e.Value)
	}
	if !slices.Equal(keys, want) {
		t.Errorf("Extract = %v, want %v", keys, want)
	}
}
