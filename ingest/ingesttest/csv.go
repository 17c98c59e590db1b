package ingesttest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vikalp/vikalp/jurisdiction"
)

// categories used in generated imports.
var csvCategories = []string{"stalking", "catcalling_comments", "groping", "staring_following",
	"indecent_exposure", "drunk_gathering", "poorly_lit_area", "unsafe_transport_stop", "other"}

// ReportsCSV returns an import CSV of n valid rows (header time, lat, lon,
// category, text, source_id) with points scattered within about 5 km of
// the 75 district headquarters, deterministic for seed. Source ids are
// prefix-1 … prefix-n.
func ReportsCSV(t testing.TB, n int, seed uint64, prefix string) []byte {
	t.Helper()
	facts, err := jurisdiction.DistrictFacts()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	buf.Grow(n * 90)
	buf.WriteString("time,lat,lon,category,text,source_id\n")
	for i := 1; i <= n; i++ {
		hq := facts[rng.IntN(len(facts))].HQ
		lat := hq.Lat() + (rng.Float64()-0.5)*0.09
		lon := hq.Lon() + (rng.Float64()-0.5)*0.09
		at := start.Add(time.Duration(rng.IntN(365*24*3600)) * time.Second)
		fmt.Fprintf(&buf, "%s,%.6f,%.6f,%s,\"imported incident %d, near the market\",%s-%d\n",
			at.Format(time.RFC3339), lat, lon, csvCategories[rng.IntN(len(csvCategories))], i, prefix, i)
	}
	return buf.Bytes()
}
