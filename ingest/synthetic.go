package ingest

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/jurisdiction"
)

// SyntheticOptions shapes a synthetic data set.
type SyntheticOptions struct {
	// Count is how many reports to store (at least 1).
	Count int
	// Seed makes the data set reproducible: the same seed gives the same
	// rows with the same source ids ("syn-<seed>-<n>"), so loading it again
	// adds nothing. Default 1.
	Seed uint64
	// End is the end of the year the reports are spread over; default now.
	End time.Time
	// Workers is how many batches load at once (see ImportOptions).
	Workers int
	// Progress, when set, is called with the number of rows generated so far
	// every 10,000 rows and at the end.
	Progress func(generated int)
}

// SyntheticSummary says what ImportSynthetic did.
type SyntheticSummary struct {
	Generated       int // rows generated, including those routing refused
	Loaded          int // reports inserted by this run
	AlreadyImported int // rows of this seed stored by an earlier run
	Outside         int // generated points that fell outside Uttar Pradesh (replaced)
}

// Shares of the synthetic mix: most reports cluster around district
// headquarters (big cities weigh more), a fifth sit in tight "hotspot"
// clusters inside the cities, and a long tail spreads widely over districts.
const (
	syntheticHotspotShare = 0.20
	syntheticCityShare    = 0.60
	syntheticBatchRows    = 20_000
)

// syntheticCityWeight makes the big cities (by LGD code) draw more reports
// than an average district headquarters.
var syntheticCityWeight = map[int]float64{
	162: 12, // Lucknow
	164: 10, // Kanpur Nagar
	118: 8,  // Agra
	187: 8,  // Varanasi
	132: 7,  // Prayagraj
	163: 7,  // Meerut
	140: 8,  // Ghaziabad
	134: 7,  // Gautam Buddha Nagar
	142: 5,  // Gorakhpur
	124: 5,  // Bareilly
	119: 4,  // Aligarh
	166: 4,  // Moradabad
	158: 3,  // Jhansi
}

// syntheticCategories are drawn with these weights.
var syntheticCategories = []struct {
	c Category
	w float64
}{
	{CategoryCatcallingComments, 25}, {CategoryStaringFollowing, 18}, {CategoryStalking, 12},
	{CategoryPoorlyLitArea, 12}, {CategoryUnsafeTransportStop, 10}, {CategoryDrunkGathering, 9},
	{CategoryGroping, 8}, {CategoryIndecentExposure, 3}, {CategoryOther, 3},
}

// syntheticTexts are short bilingual report texts; most synthetic reports
// carry none, like most real ones.
var syntheticTexts = []string{"", "", "", "", "Men gather here every evening", "शाम को यहाँ अंधेरा रहता है",
	"Comments passed at the bus stop", "ऑटो स्टैंड पर छेड़छाड़", "Followed from the market"}

// ImportSynthetic loads opts.Count realistic synthetic hotspot reports for
// benchmarks and demos through the bulk-import path (H3-indexed, routed,
// approved, source "import"). Points cluster around district headquarters
// with tight hotspots inside the big cities and a long tail, times spread
// over the year before opts.End with more in the evening. Points that
// routing refuses as outside Uttar Pradesh are replaced by further rows of
// the same seed, so Count reports of the seed end up stored.
func ImportSynthetic(ctx context.Context, db pg.DBTX, opts SyntheticOptions) (SyntheticSummary, error) {
	if opts.Count < 1 {
		return SyntheticSummary{}, fmt.Errorf("synthetic count must be at least 1, not %d", opts.Count)
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.End.IsZero() {
		opts.End = time.Now()
	}
	gen, err := newSyntheticGenerator(opts)
	if err != nil {
		return SyntheticSummary{}, err
	}
	var sum SyntheticSummary
	for want := opts.Count; want > 0; {
		src := &importSource{sum: &ImportSummary{}, maxRejections: 0, seen: map[string]int{}}
		src.next = gen.rows(want)
		err := src.load(ctx, db, ImportOptions{Workers: max(opts.Workers, 1), BatchRows: syntheticBatchRows})
		s := src.summary()
		sum.Loaded += s.Loaded
		sum.AlreadyImported += s.AlreadyImported
		sum.Outside += s.RejectedCount
		if err != nil {
			sum.Generated = gen.n
			return sum, fmt.Errorf("load synthetic reports: %w", err)
		}
		want = s.RejectedCount // replace what fell outside UP
	}
	sum.Generated = gen.n
	if opts.Progress != nil {
		opts.Progress(gen.n)
	}
	return sum, nil
}

// syntheticCity is a centre reports cluster around.
type syntheticCity struct {
	center   [2]float64 // lat, lon
	hotspots [][2]float64
}

// syntheticGenerator draws rows; n numbers them across top-up rounds so
// every source id of a seed is drawn the same way each time.
type syntheticGenerator struct {
	opts    SyntheticOptions
	rng     *rand.Rand
	cities  []syntheticCity
	cumCity []float64 // cumulative city weights
	cumCat  []float64
	n       int
}

func newSyntheticGenerator(opts SyntheticOptions) (*syntheticGenerator, error) {
	facts, err := jurisdiction.DistrictFacts()
	if err != nil {
		return nil, fmt.Errorf("read district facts: %w", err)
	}
	g := &syntheticGenerator{opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, 0x5eed))}
	total := 0.0
	for _, f := range facts {
		w := syntheticCityWeight[f.ID]
		if w == 0 {
			w = 1
		}
		c := syntheticCity{center: [2]float64{f.HQ.Lat(), f.HQ.Lon()}}
		// A few tight hotspots within ~4 km of the centre; big cities get more.
		for range 2 + int(w/2) {
			c.hotspots = append(c.hotspots, g.jitter(c.center, 4000))
		}
		g.cities = append(g.cities, c)
		total += w
		g.cumCity = append(g.cumCity, total)
	}
	total = 0
	for _, c := range syntheticCategories {
		total += c.w
		g.cumCat = append(g.cumCat, total)
	}
	return g, nil
}

// rows returns an importSource.next that yields count more rows.
func (g *syntheticGenerator) rows(count int) func() (importRow, bool, error) {
	end := g.n + count
	return func() (importRow, bool, error) {
		if g.n >= end {
			return importRow{}, false, nil
		}
		g.n++
		if g.opts.Progress != nil && g.n%10_000 == 0 {
			g.opts.Progress(g.n)
		}
		row, err := g.row(g.n)
		return row, err == nil, err
	}
}

// row draws the n-th row.
func (g *syntheticGenerator) row(n int) (importRow, error) {
	city := g.cities[pick(g.rng, g.cumCity)]
	var lat, lon float64
	for {
		var p [2]float64
		switch u := g.rng.Float64(); {
		case u < syntheticHotspotShare:
			p = g.jitter(city.hotspots[g.rng.IntN(len(city.hotspots))], 250)
		case u < syntheticHotspotShare+syntheticCityShare:
			p = g.jitter(city.center, 5000)
		default:
			p = g.jitter(city.center, 25000)
		}
		lat, lon = p[0], p[1]
		if geo.InUP(lat, lon) {
			break
		}
	}
	cells, err := geo.Index(lat, lon)
	if err != nil {
		return importRow{}, fmt.Errorf("index synthetic point: %w", err)
	}
	return importRow{
		line:       n,
		sourceID:   fmt.Sprintf("syn-%d-%d", g.opts.Seed, n),
		occurredAt: g.when(),
		category:   syntheticCategories[pick(g.rng, g.cumCat)].c,
		body:       syntheticTexts[g.rng.IntN(len(syntheticTexts))],
		lat:        lat,
		lon:        lon,
		cells:      cells,
	}, nil
}

// when draws a time in the year before End: a uniform day, and an hour of
// the day weighted towards the evening (5–10 pm in IST).
func (g *syntheticGenerator) when() time.Time {
	day := g.opts.End.Add(-time.Duration(g.rng.IntN(365*24)) * time.Hour).In(vikalp.IST)
	hour := 7 + g.rng.IntN(16)
	if g.rng.Float64() < 0.5 {
		hour = 17 + g.rng.IntN(6)
	}
	t := time.Date(day.Year(), day.Month(), day.Day(), hour, g.rng.IntN(60), 0, 0, vikalp.IST)
	if t.After(g.opts.End) {
		t = t.AddDate(0, 0, -1)
	}
	return t.UTC()
}

// jitter moves p (lat, lon) by a normal offset with sigma metres on each axis.
func (g *syntheticGenerator) jitter(p [2]float64, sigma float64) [2]float64 {
	const metresPerDegree = 111_320.0
	dLat := g.rng.NormFloat64() * sigma / metresPerDegree
	dLon := g.rng.NormFloat64() * sigma / (metresPerDegree * math.Cos(p[0]*math.Pi/180))
	return [2]float64{p[0] + dLat, p[1] + dLon}
}

// pick draws an index by the cumulative weights cum.
func pick(rng *rand.Rand, cum []float64) int {
	u := rng.Float64() * cum[len(cum)-1]
	lo, hi := 0, len(cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if cum[mid] > u {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
