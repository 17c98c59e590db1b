package leads

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Weights are the points each indicator can give a lead. The score is
// their sum, capped at 100. See docs/LEADS.md for how to tune them.
type Weights struct {
	PerExtraTip       float64       // per independent tip beyond the first (15)
	MaxTips           float64       // cap of the tips indicator (45)
	Recency           float64       // for a tip received now, halving every RecencyHalfLife (15)
	RecencyHalfLife   time.Duration // (14 days)
	Minor             float64       // any tip mentions a minor (20)
	PerExtraDistrict  float64       // per district beyond the first (7.5)
	MaxDistricts      float64       // cap of the districts indicator (15)
	NearBorder        float64       // a place in a Nepal-border district or within BorderKm (15)
	TowardBorder      float64       // places, in time order, get BorderStepKm closer to the border (10)
	BorderKm          float64       // (25 km)
	BorderStepKm      float64       // (10 km)
	PerTransitHub     float64       // per distinct station or bus stand mentioned (5)
	MaxTransit        float64       // (10)
	PerRepeatedPlace  float64       // per r8 cell named by two or more tips (5)
	MaxRepeatedPlaces float64       // (10)
}

// DefaultWeights are the weights used when none are configured.
func DefaultWeights() Weights {
	return Weights{PerExtraTip: 15, MaxTips: 45, Recency: 15, RecencyHalfLife: 14 * 24 * time.Hour,
		Minor: 20, PerExtraDistrict: 7.5, MaxDistricts: 15, NearBorder: 15, TowardBorder: 10, BorderKm: 25,
		BorderStepKm: 10, PerTransitHub: 5, MaxTransit: 10, PerRepeatedPlace: 5, MaxRepeatedPlaces: 10}
}

// Indicator is one line of a lead's explanation: what was measured
// (Value), what one unit is worth (Weight), the points it gave, and a
// sentence for the investigator in English and Hindi.
type Indicator struct {
	Indicator string  `json:"indicator"`
	Value     float64 `json:"value"`
	Weight    float64 `json:"weight"`
	Points    float64 `json:"points"`
	TextEN    string  `json:"text_en"`
	TextHI    string  `json:"text_hi"`
}

// ScoredTip is what scoring knows of one member tip.
type ScoredTip struct {
	TipID      int64
	ReceivedAt time.Time
	BodyKey    string // normalised text: tips with the same text count once
	Places     []TipPlace
	Entities   []Entity
}

// TipPlace is one place of a member tip.
type TipPlace struct {
	Lat, Lon     float64
	SeenAt       *time.Time
	DistrictID   int
	AHTUID       int // 0: no AHTU covers it
	BordersNepal bool
	BorderKm     *float64 // distance to the Nepal border; nil when no border line is loaded
	H3R8         int64
}

// Scoring is a scored, routed lead.
type Scoring struct {
	Score       float64
	Explanation []Indicator
	AHTUID      int // AHTU with most places (0: none)
	DistrictID  int // district with most places
	Lat, Lon    float64
	FirstTipAt  time.Time
	LastTipAt   time.Time
}

// Score scores a lead of tips at time now. It is pure: the same tips,
// time and weights always give the same score and explanation.
func Score(tips []ScoredTip, now time.Time, w Weights) Scoring {
	var s Scoring
	s.Explanation = append(s.Explanation, linkedBy(tips))
	for _, ind := range []Indicator{
		tipsIndicator(tips, w), recencyIndicator(tips, now, w), minorIndicator(tips, w),
		districtIndicator(tips, w), nearBorderIndicator(tips, w), towardBorderIndicator(tips, w),
		transitIndicator(tips, w), repeatedPlaceIndicator(tips, w),
	} {
		if ind.Points > 0 {
			s.Explanation = append(s.Explanation, ind)
			s.Score += ind.Points
		}
	}
	s.Score = math.Round(min(s.Score, 100)*10) / 10
	s.route(tips)
	return s
}

// route picks the AHTU and district with most places (ties: lowest id)
// and the centroid of the places.
func (s *Scoring) route(tips []ScoredTip) {
	ahtus, districts := map[int]int{}, map[int]int{}
	n := 0
	for i, t := range tips {
		if i == 0 || t.ReceivedAt.Before(s.FirstTipAt) {
			s.FirstTipAt = t.ReceivedAt
		}
		if t.ReceivedAt.After(s.LastTipAt) {
			s.LastTipAt = t.ReceivedAt
		}
		for _, p := range t.Places {
			if p.AHTUID != 0 {
				ahtus[p.AHTUID]++
			}
			districts[p.DistrictID]++
			s.Lat += p.Lat
			s.Lon += p.Lon
			n++
		}
	}
	if n > 0 {
		s.Lat, s.Lon = s.Lat/float64(n), s.Lon/float64(n)
	}
	s.AHTUID, s.DistrictID = mostCommon(ahtus), mostCommon(districts)
}

// mostCommon returns the key with the highest count, lowest key on ties.
func mostCommon(counts map[int]int) int {
	best, bestN := 0, 0
	for k, n := range counts {
		if n > bestN || (n == bestN && k < best) {
			best, bestN = k, n
		}
	}
	return best
}

// linkedBy explains why the tips are one lead (no points of its own).
func linkedBy(tips []ScoredTip) Indicator {
	count := map[[2]string]int{}
	for _, t := range tips {
		for _, e := range t.Entities {
			if e.Kind.Links() {
				count[[2]string{string(e.Kind), e.Value}]++
			}
		}
	}
	var shared []string
	for k, n := range count {
		if n > 1 {
			shared = append(shared, fmt.Sprintf("%s %s (%d tips)", k[0], k[1], n))
		}
	}
	slices.Sort(shared)
	ind := Indicator{Indicator: "linked_by", Value: float64(len(shared))}
	if len(shared) == 0 {
		ind.TextEN, ind.TextHI = "a single tip or tips joined by an investigator", "एकल सूचना या जाँचकर्ता द्वारा जोड़ी गई सूचनाएँ"
		return ind
	}
	list := strings.Join(shared, "; ")
	ind.TextEN = "tips share " + list
	ind.TextHI = "सूचनाओं में साझा: " + list
	return ind
}

func tipsIndicator(tips []ScoredTip, w Weights) Indicator {
	keys := map[string]bool{}
	for _, t := range tips {
		k := t.BodyKey
		if k == "" {
			k = fmt.Sprint(t.TipID)
		}
		keys[k] = true
	}
	n := float64(len(keys))
	return Indicator{Indicator: "independent_tips", Value: n, Weight: w.PerExtraTip,
		Points: min(w.MaxTips, w.PerExtraTip*(n-1)),
		TextEN: fmt.Sprintf("%.0f independent tips (same text counted once)", n),
		TextHI: fmt.Sprintf("%.0f स्वतंत्र सूचनाएँ (एक जैसी सूचना एक बार गिनी गई)", n)}
}

func recencyIndicator(tips []ScoredTip, now time.Time, w Weights) Indicator {
	var last time.Time
	for _, t := range tips {
		if t.ReceivedAt.After(last) {
			last = t.ReceivedAt
		}
	}
	days := max(0, now.Sub(last).Hours()/24)
	half := w.RecencyHalfLife.Hours() / 24
	pts := 0.0
	if half > 0 {
		pts = w.Recency * math.Pow(0.5, days/half)
	}
	return Indicator{Indicator: "recency", Value: math.Round(days*10) / 10, Weight: w.Recency,
		Points: math.Round(pts*10) / 10,
		TextEN: fmt.Sprintf("latest tip %.1f days ago (points halve every %.0f days)", days, half),
		TextHI: fmt.Sprintf("नवीनतम सूचना %.1f दिन पहले (अंक हर %.0f दिन में आधे)", days, half)}
}

func minorIndicator(tips []ScoredTip, w Weights) Indicator {
	n, youngest := 0, 0
	for _, t := range tips {
		found := false
		for _, e := range t.Entities {
			if e.Kind != EntityMinor {
				continue
			}
			found = true
			var age int
			if _, err := fmt.Sscanf(e.Value, "age:%d", &age); err == nil && (youngest == 0 || age < youngest) {
				youngest = age
			}
		}
		if found {
			n++
		}
	}
	ind := Indicator{Indicator: "minors", Value: float64(n), Weight: w.Minor}
	if n == 0 {
		return ind
	}
	ind.Points = w.Minor
	ind.TextEN = fmt.Sprintf("%d tip(s) mention a minor", n)
	ind.TextHI = fmt.Sprintf("%d सूचना(ओं) में नाबालिग का उल्लेख", n)
	if youngest > 0 {
		ind.TextEN += fmt.Sprintf(" (youngest age given: %d)", youngest)
		ind.TextHI += fmt.Sprintf(" (सबसे कम बताई गई उम्र: %d)", youngest)
	}
	return ind
}

func districtIndicator(tips []ScoredTip, w Weights) Indicator {
	ds := map[int]bool{}
	for _, t := range tips {
		for _, p := range t.Places {
			ds[p.DistrictID] = true
		}
	}
	n := float64(len(ds))
	return Indicator{Indicator: "cross_district", Value: n, Weight: w.PerExtraDistrict,
		Points: min(w.MaxDistricts, w.PerExtraDistrict*max(0, n-1)),
		TextEN: fmt.Sprintf("places in %.0f districts", n), TextHI: fmt.Sprintf("%.0f ज़िलों में स्थान", n)}
}

func nearBorderIndicator(tips []ScoredTip, w Weights) Indicator {
	near, nearest := 0, math.Inf(1)
	for _, t := range tips {
		for _, p := range t.Places {
			if p.BorderKm != nil {
				nearest = min(nearest, *p.BorderKm)
			}
			if p.BordersNepal || (p.BorderKm != nil && *p.BorderKm <= w.BorderKm) {
				near++
			}
		}
	}
	ind := Indicator{Indicator: "near_border", Value: float64(near), Weight: w.NearBorder}
	if near == 0 {
		return ind
	}
	ind.Points = w.NearBorder
	ind.TextEN = fmt.Sprintf("%d place(s) in a Nepal-border district or within %.0f km of the border", near, w.BorderKm)
	ind.TextHI = fmt.Sprintf("%d स्थान नेपाल सीमा वाले ज़िले में या सीमा से %.0f किमी के भीतर", near, w.BorderKm)
	if !math.IsInf(nearest, 1) {
		ind.TextEN += fmt.Sprintf(" (nearest %.1f km)", nearest)
		ind.TextHI += fmt.Sprintf(" (निकटतम %.1f किमी)", nearest)
	}
	return ind
}

// towardBorderIndicator looks at the places with a border distance in time
// order (seen_at, else the tip's time) and measures how much closer to the
// border the last one is than the first.
func towardBorderIndicator(tips []ScoredTip, w Weights) Indicator {
	type stop struct {
		at time.Time
		km float64
	}
	var stops []stop
	for _, t := range tips {
		for _, p := range t.Places {
			if p.BorderKm == nil {
				continue
			}
			at := t.ReceivedAt
			if p.SeenAt != nil {
				at = *p.SeenAt
			}
			stops = append(stops, stop{at, *p.BorderKm})
		}
	}
	slices.SortStableFunc(stops, func(a, b stop) int { return a.at.Compare(b.at) })
	ind := Indicator{Indicator: "toward_border", Weight: w.TowardBorder}
	if len(stops) < 2 {
		return ind
	}
	closer := stops[0].km - stops[len(stops)-1].km
	ind.Value = math.Round(closer*10) / 10
	if closer < w.BorderStepKm {
		return ind
	}
	ind.Points = w.TowardBorder
	ind.TextEN = fmt.Sprintf("movement toward the Nepal border: %.1f km closer from first to last sighting", closer)
	ind.TextHI = fmt.Sprintf("नेपाल सीमा की ओर आवाजाही: पहली से आख़िरी बार देखे जाने तक %.1f किमी नज़दीक", closer)
	return ind
}

func transitIndicator(tips []ScoredTip, w Weights) Indicator {
	hubs := map[string]bool{}
	for _, t := range tips {
		for _, e := range t.Entities {
			if e.Kind == EntityTransit {
				hubs[e.Value] = true
			}
		}
	}
	n := float64(len(hubs))
	names := make([]string, 0, len(hubs))
	for h := range hubs {
		names = append(names, h)
	}
	slices.Sort(names)
	return Indicator{Indicator: "transit_hubs", Value: n, Weight: w.PerTransitHub,
		Points: min(w.MaxTransit, w.PerTransitHub*n),
		TextEN: fmt.Sprintf("%.0f transit hub(s) named: %s", n, strings.Join(names, ", ")),
		TextHI: fmt.Sprintf("%.0f परिवहन केंद्र: %s", n, strings.Join(names, ", "))}
}

func repeatedPlaceIndicator(tips []ScoredTip, w Weights) Indicator {
	cellTips := map[int64]map[int64]bool{}
	for _, t := range tips {
		for _, p := range t.Places {
			if cellTips[p.H3R8] == nil {
				cellTips[p.H3R8] = map[int64]bool{}
			}
			cellTips[p.H3R8][t.TipID] = true
		}
	}
	n := 0
	for _, ts := range cellTips {
		if len(ts) > 1 {
			n++
		}
	}
	return Indicator{Indicator: "repeated_places", Value: float64(n), Weight: w.PerRepeatedPlace,
		Points: min(w.MaxRepeatedPlaces, w.PerRepeatedPlace*float64(n)),
		TextEN: fmt.Sprintf("%d place(s) (≈0.7 km² cells) named by more than one tip", n),
		TextHI: fmt.Sprintf("%d स्थान (≈0.7 वर्ग किमी) एक से अधिक सूचनाओं में", n)}
}
