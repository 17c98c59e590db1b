package jurisdiction

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/paulmach/orb"

	"github.com/vikalp/vikalp/internal/pg"
)

// A PlaceDescription says where a point is in words a PCR driver or an
// analyst can use: the nearest police station and railway station with the
// distance and compass direction from each, and the district, in English
// and Hindi, with a geo: URI for the phone's map app. It names only public
// places (stations, districts); callers must describe a point they may
// show (a cell's centre for public hotspots, never a report's point).
type PlaceDescription struct {
	Lat, Lon   float64
	DistrictID int    // 0 when the point is in no district
	DistrictEN string // "Lucknow"
	DistrictHI string // "लखनऊ"; "" when unknown
	// Station is the nearest police station, Railway the nearest railway
	// station; nil when the table has none.
	Station *Landmark
	Railway *Landmark
	// TextEN and TextHI are the whole description: "1.2 km NE of
	// Hazratganj police station; 3.4 km SW of Charbagh railway station;
	// Lucknow district".
	TextEN string
	TextHI string
	// GeoURI is "geo:lat,lon" (RFC 5870), which phone map apps open for
	// navigation.
	GeoURI string
}

// Landmark is a public place near a described point: its names, how far
// the point is from it and in which direction, seen from the landmark.
type Landmark struct {
	NameEN    string
	NameHI    string // the English name when the data has no Hindi one
	DistanceM float64
	// Bearing is the direction from the landmark to the point in degrees
	// clockwise from north; NaN when they coincide.
	Bearing float64
}

// Compass returns the eight-point compass direction of the bearing in
// English ("NE") and Hindi ("उत्तर-पूर्व"); both "" for a NaN bearing.
func (l Landmark) Compass() (en, hi string) {
	if math.IsNaN(l.Bearing) {
		return "", ""
	}
	i := int(math.Floor(math.Mod(l.Bearing+22.5+360, 360) / 45))
	return compassEN[i], compassHI[i]
}

var (
	compassEN = [8]string{"N", "NE", "E", "SE", "S", "SW", "W", "NW"}
	compassHI = [8]string{"उत्तर", "उत्तर-पूर्व", "पूर्व", "दक्षिण-पूर्व", "दक्षिण", "दक्षिण-पश्चिम", "पश्चिम", "उत्तर-पश्चिम"}
)

// nearM is the distance under which a point is "at" a landmark rather than
// some distance in a direction from it.
const nearM = 100

// landmarkKind says how a landmark's name is completed in each language.
type landmarkKind struct {
	suffixEN, suffixHI string
	// already lists words that make the suffix redundant ("Mahila Thana
	// Lucknow" needs no "police station").
	alreadyEN []string
	alreadyHI []string
}

var (
	policeStationKind = landmarkKind{suffixEN: "police station", suffixHI: "थाना",
		alreadyEN: []string{"thana", "police station", "kotwali", "chowki"}, alreadyHI: []string{"थाना", "कोतवाली", "चौकी"}}
	railwayStationKind = landmarkKind{suffixEN: "railway station", suffixHI: "रेलवे स्टेशन",
		alreadyEN: []string{"station"}, alreadyHI: []string{"स्टेशन"}}
)

// names returns the landmark's English and Hindi display names with the
// kind's suffix where the name lacks it.
func (k landmarkKind) names(l Landmark) (en, hi string) {
	en, hi = displayName(l.NameEN), l.NameHI
	if hi == "" || hi == l.NameEN {
		hi = en
	}
	if !containsAny(strings.ToLower(en), k.alreadyEN) {
		en += " " + k.suffixEN
	}
	if !containsAny(hi, k.alreadyHI) {
		hi += " " + k.suffixHI
	}
	return en, hi
}

// phrase describes the point relative to landmark l: "1.2 km NE of
// Hazratganj police station" and "हजरतगंज थाना से 1.2 किमी उत्तर-पूर्व".
func (k landmarkKind) phrase(l Landmark) (en, hi string) {
	nameEN, nameHI := k.names(l)
	dirEN, dirHI := l.Compass()
	if l.DistanceM < nearM || dirEN == "" {
		return "at " + nameEN, nameHI + " के पास"
	}
	return fmt.Sprintf("%s %s of %s", distanceEN(l.DistanceM), dirEN, nameEN),
		fmt.Sprintf("%s से %s %s", nameHI, distanceHI(l.DistanceM), dirHI)
}

// finish fills TextEN, TextHI and GeoURI from the other fields.
func (d *PlaceDescription) finish() {
	var en, hi []string
	if d.Station != nil {
		e, h := policeStationKind.phrase(*d.Station)
		en, hi = append(en, e), append(hi, h)
	}
	if d.Railway != nil {
		e, h := railwayStationKind.phrase(*d.Railway)
		en, hi = append(en, e), append(hi, h)
	}
	if d.DistrictEN != "" {
		dHI := d.DistrictHI
		if dHI == "" {
			dHI = d.DistrictEN
		}
		en, hi = append(en, d.DistrictEN+" district"), append(hi, dHI+" जिला")
	}
	d.TextEN, d.TextHI = strings.Join(en, "; "), strings.Join(hi, "; ")
	d.GeoURI = GeoURI(d.Lat, d.Lon)
}

// GeoURI returns the RFC 5870 URI of lat, lon with 5 decimals (about a
// metre), which Android and iOS map apps open for navigation.
func GeoURI(lat, lon float64) string {
	return "geo:" + strconv.FormatFloat(lat, 'f', 5, 64) + "," + strconv.FormatFloat(lon, 'f', 5, 64)
}

// distanceEN formats metres for people: "450 m", "1.2 km", "12 km".
func distanceEN(m float64) string {
	n, km := distanceParts(m)
	if km {
		return n + " km"
	}
	return n + " m"
}

// distanceHI is distanceEN in Hindi: "450 मीटर", "1.2 किमी".
func distanceHI(m float64) string {
	n, km := distanceParts(m)
	if km {
		return n + " किमी"
	}
	return n + " मीटर"
}

// distanceParts rounds m to tens of metres under a kilometre, to tenths of
// a kilometre under ten and to whole kilometres beyond; km says the unit.
func distanceParts(m float64) (n string, km bool) {
	switch {
	case m < 995:
		return strconv.Itoa(int(math.Round(m/10) * 10)), false
	case m < 9950:
		return strconv.FormatFloat(math.Round(m/100)/10, 'f', 1, 64), true
	}
	return strconv.Itoa(int(math.Round(m / 1000))), true
}

// displayName turns an all-capitals name from a railway list ("GORAKHPUR
// JN") into title case ("Gorakhpur Jn"); other names are kept as they are.
func displayName(s string) string {
	if strings.ToUpper(s) != s || strings.ToLower(s) == s {
		return s
	}
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		words[i] = string(r)
	}
	return strings.Join(words, " ")
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// Describer describes places through a DescribeStore with an in-process
// cache: consoles ask about the same cells over and over, and the tables
// behind a description change only on import.
type Describer struct {
	store *DescribeStore
	cache *expirable.LRU[orb.Point, PlaceDescription]
}

// describeCacheTTL bounds how long a cached description lives, so an
// import of stations shows within minutes without a restart.
const describeCacheTTL = 10 * time.Minute

// NewDescriber returns a Describer reading db, caching up to 10,000 places.
func NewDescriber(db pg.DBTX) *Describer {
	return &Describer{store: NewDescribeStore(db),
		cache: expirable.NewLRU[orb.Point, PlaceDescription](10_000, nil, describeCacheTTL)}
}

// Describe returns a description of each point (lon, lat), in order,
// querying only the points not in the cache (at most MaxDescribe of them).
func (d *Describer) Describe(ctx context.Context, points []orb.Point) ([]PlaceDescription, error) {
	out := make([]PlaceDescription, len(points))
	var missing []orb.Point
	var at []int
	for i, p := range points {
		if c, ok := d.cache.Get(p); ok {
			out[i] = c
			continue
		}
		missing, at = append(missing, p), append(at, i)
	}
	found, err := d.store.Describe(ctx, missing)
	if err != nil {
		return nil, err
	}
	for j, f := range found {
		d.cache.Add(missing[j], f)
		out[at[j]] = f
	}
	return out, nil
}
