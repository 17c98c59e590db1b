package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp/internal/shareddata"
)

// statsRefFile returns a file of shared/data/reference.
func statsRefFile(t *testing.T, name string) string {
	t.Helper()
	return shareddata.File(t, "reference/"+name)
}

// runVikalp runs the root command in-process and returns its output.
func runVikalp(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

// TestStatsGiStarGAL checks `stats gistar` on the Columbus .gal file against
// an independent computation written here from the textbook formula: the
// neighbour lists are read with a separate parser and z, p, the BH step-up
// and the bins are evaluated directly.
func TestStatsGiStarGAL(t *testing.T) {
	out, err := runVikalp(t, "", "stats", "gistar",
		"--values", statsRefFile(t, "columbus_crime.csv"), "--weights", statsRefFile(t, "columbus.gal"), "--fdr")
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "id,gi_star_z,p,p_fdr,bin" || len(rows) != 50 {
		t.Fatalf("header %v, %d rows", rows[0], len(rows))
	}
	want := independentGiStar(t)
	for _, r := range rows[1:] {
		w, ok := want[r[0]]
		if !ok {
			t.Fatalf("unexpected id %s", r[0])
		}
		for k, col := range []int{1, 2, 3} {
			got, _ := strconv.ParseFloat(r[col], 64)
			if math.Abs(got-w[k]) > 1e-9 {
				t.Errorf("id %s column %s = %v, want %v", r[0], rows[0][col], got, w[k])
			}
		}
		if bin, _ := strconv.Atoi(r[4]); float64(bin) != w[3] {
			t.Errorf("id %s bin = %d, want %v", r[0], bin, w[3])
		}
	}
}

// independentGiStar returns id → (z, p, p_fdr, bin) for Columbus CRIME.
func independentGiStar(t *testing.T) map[string][4]float64 {
	t.Helper()
	galText, err := os.ReadFile(statsRefFile(t, "columbus.gal"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(galText)), "\n")
	nb := map[string][]string{}
	var order []string
	for i := 1; i+1 < len(lines); i += 2 {
		head := strings.Fields(lines[i])
		order = append(order, head[0])
		nb[head[0]] = append([]string{head[0]}, strings.Fields(lines[i+1])...)
	}
	valText, err := os.ReadFile(statsRefFile(t, "columbus_crime.csv"))
	if err != nil {
		t.Fatal(err)
	}
	x := map[string]float64{}
	for _, l := range strings.Split(strings.TrimSpace(string(valText)), "\n")[1:] {
		f := strings.Split(l, ",")
		x[f[0]], _ = strconv.ParseFloat(f[1], 64)
	}
	n := float64(len(order))
	var sum, sum2 float64
	for _, v := range x {
		sum += v
		sum2 += v * v
	}
	mean := sum / n
	s := math.Sqrt(sum2/n - mean*mean)
	z := map[string]float64{}
	p := map[string]float64{}
	for _, id := range order {
		var local float64
		for _, j := range nb[id] {
			local += x[j]
		}
		wi := float64(len(nb[id]))
		z[id] = (local - mean*wi) / (s * math.Sqrt((n*wi-wi*wi)/(n-1)))
		p[id] = 2 * (1 - 0.5*(1+math.Erf(math.Abs(z[id])/math.Sqrt2)))
	}
	// BH: adjusted p_(i) = min over j ≥ i of p_(j)·m/j, by brute force.
	out := map[string][4]float64{}
	for _, id := range order {
		adj := 1.0
		for _, other := range order {
			if p[other] >= p[id] {
				rank := 0
				for _, o := range order {
					if p[o] <= p[other] {
						rank++
					}
				}
				adj = math.Min(adj, p[other]*n/float64(rank))
			}
		}
		bin := 0.0
		for _, lv := range []struct{ a, b float64 }{{0.10, 1}, {0.05, 2}, {0.01, 3}} {
			if adj < lv.a {
				bin = math.Copysign(lv.b, z[id])
			}
		}
		out[id] = [4]float64{z[id], p[id], adj, bin}
	}
	return out
}

func TestStatsGiStarH3(t *testing.T) {
	origin := h3.LatLngToCell(h3.NewLatLng(26.85, 80.95), 8)
	var b strings.Builder
	b.WriteString("id,value\n")
	for i, c := range h3.GridDisk(origin, 3) {
		v := 1.0 + float64(i%3)
		if origin.GridDistance(c) <= 1 {
			v = 20
		}
		fmt.Fprintf(&b, "%s,%v\n", c, v)
	}
	path := filepath.Join(t.TempDir(), "cells.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runVikalp(t, "", "stats", "gistar", "--values", path, "--h3", "--k", "1")
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	rows, _ := csv.NewReader(strings.NewReader(out)).ReadAll()
	if len(rows) != 38 {
		t.Fatalf("%d rows, want 37 cells + header", len(rows))
	}
	for _, r := range rows[1:] {
		if r[0] == origin.String() && r[4] != "3" {
			t.Errorf("planted centre cell bin = %s, want 3 (row %v)", r[4], r)
		}
	}
	if _, err := runVikalp(t, "", "stats", "gistar", "--values", path); err == nil {
		t.Error("no weights: want error")
	}
}

// TestStatsMannKendall feeds the Holy Cross by-hand example (see
// analytics/mannkendall_test.go) on stdin.
func TestStatsMannKendall(t *testing.T) {
	out, err := runVikalp(t, "12.9 14.8 13.2 15.7 13.8 15.6 12.9 11.0 17.3 15.9 19.0 18.3 20.1 21.7\n",
		"stats", "mann-kendall")
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	rows, _ := csv.NewReader(strings.NewReader(out)).ReadAll()
	if len(rows) != 2 || rows[1][0] != "14" || rows[1][1] != "54" {
		t.Fatalf("output %q", out)
	}
	z, _ := strconv.ParseFloat(rows[1][3], 64)
	if math.Abs(z-2.9058) > 5e-5 {
		t.Errorf("z = %v, want 2.9058", z)
	}
}
