package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/internal/shareddata"
	"github.com/vikalp/vikalp/testkit"
)

// memphisInLucknow writes the shared Memphis robberies, moved by a rigid
// translation so that their mean point is in central Lucknow, as a report
// import CSV, and returns its path and the number of rows.
func memphisInLucknow(t *testing.T) (string, int) {
	t.Helper()
	f, err := os.Open(shareddata.File(t, "incidents/memphis_robberies_2019.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var sumLat, sumLon float64
	type incident struct {
		uid, at  string
		lat, lon float64
	}
	var in []incident
	for _, r := range rows[1:] { // uid, offense_type, date, longitude, latitude
		lon, err1 := strconv.ParseFloat(r[3], 64)
		lat, err2 := strconv.ParseFloat(r[4], 64)
		if err1 != nil || err2 != nil {
			continue
		}
		in = append(in, incident{r[0], r[2] + "+00:00", lat, lon})
		sumLat, sumLon = sumLat+lat, sumLon+lon
	}
	dLat, dLon := 26.85-sumLat/float64(len(in)), 80.95-sumLon/float64(len(in))
	path := filepath.Join(t.TempDir(), "memphis-in-lucknow.csv")
	var b strings.Builder
	b.WriteString("time,lat,lon,category,text,source_id\n")
	for _, i := range in {
		fmt.Fprintf(&b, "%s,%.6f,%.6f,other,,memphis-%s\n", i.at, i.lat+dLat, i.lon+dLon, i.uid)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, len(in)
}

// TestAnalyzeBacktestCompare is the analyst's path on real incidents: import
// them as reports, then `analyze --backtest DATE --compare`.
func TestAnalyzeBacktestCompare(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	t.Setenv("DATABASE_URL", url)
	pool, err := pg.Open(ctx, url, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	testkit.SeedJurisdictions(ctx, t, pool)
	csvPath, n := memphisInLucknow(t)
	if out, err := runVikalp(t, "", "import", "reports", csvPath); err != nil {
		t.Fatalf("import %d incidents: %v: %s", n, err, out)
	}
	out, err := runVikalp(t, "", "analyze", "--backtest", "2019-10-01", "--compare")
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, want := range []string{"training window", "test window", "study area:", "default model:",
		"default: ", "naive-90d", "decayed-180d+kde-400m", "prospective", "sepp-730d", "gi*-z", "PAI / naive"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	t.Logf("\n%s", out)

	t.Run("DefaultNaiveAndGiStarWithoutCompare", func(t *testing.T) {
		out, err := runVikalp(t, "", "analyze", "--backtest", "2019-10-01", "--top-share", "0.05")
		if err != nil || !strings.Contains(out, "gi*-z") || strings.Contains(out, "prospective") {
			t.Errorf("%v:\n%s", err, out)
		}
	})
	t.Run("UndefinedPAISaysWhy", func(t *testing.T) {
		out, err := runVikalp(t, "", "analyze", "--backtest", "2015-01-01")
		if err != nil || !strings.Contains(out, "undefined (") {
			t.Errorf("%v:\n%s", err, out)
		}
	})
}

// TestAnalyzeFlagsAreValidated: every out-of-range or misplaced flag is an
// error before anything runs, never a silent default.
func TestAnalyzeFlagsAreValidated(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none") // never reached
	for name, args := range map[string][]string{
		"Resolution10":     {"--backtest", "2019-10-01", "--resolution", "10"},
		"ResolutionNeg":    {"--backtest", "2019-10-01", "--resolution", "-1"},
		"TrainDays0":       {"--backtest", "2019-10-01", "--train-days", "0"},
		"TestDaysNeg":      {"--backtest", "2019-10-01", "--test-days", "-5"},
		"TopShareNeg":      {"--backtest", "2019-10-01", "--top-share", "-0.5"},
		"TopShareOver1":    {"--backtest", "2019-10-01", "--top-share", "1.5"},
		"UnknownModel":     {"--backtest", "2019-10-01", "--model", "oracle"},
		"CompareAndModel":  {"--backtest", "2019-10-01", "--compare", "--model", "naive-90d"},
		"FutureDate":       {"--backtest", "2999-01-01"},
		"NotADate":         {"--backtest", "yesterday"},
		"FlagsWithout":     {"--train-days", "60"},
		"HalfLifeWith":     {"--backtest", "2019-10-01", "--half-life", "336h"},
		"CompareWithout":   {"--compare"},
		"ModelWithoutDate": {"--model", "naive-90d"},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := runVikalp(t, "", append([]string{"analyze"}, args...)...)
			if err == nil {
				t.Fatalf("accepted: %s", out)
			}
			if strings.Contains(err.Error(), "connect") || strings.Contains(err.Error(), "127.0.0.1:1") {
				t.Errorf("reached the database before refusing: %v", err)
			}
		})
	}
}
