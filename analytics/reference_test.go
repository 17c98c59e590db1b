package analytics

import (
	"encoding/csv"
	"os"
	"strconv"
	"testing"

	"github.com/vikalp/vikalp/internal/shareddata"
)

// referenceFile returns the path of a file in shared/data/reference, read
// where it lives and never copied into the repository.
func referenceFile(t testing.TB, name string) string {
	t.Helper()
	return shareddata.File(t, "reference/"+name)
}

// readGAL parses a reference .gal file.
func readGAL(t testing.TB, name string) *Weights {
	t.Helper()
	f, err := os.Open(referenceFile(t, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := ParseGAL(f)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// readCSV returns the header and rows of a reference CSV file.
func readCSV(t testing.TB, name string) (map[string]int, [][]string) {
	t.Helper()
	f, err := os.Open(referenceFile(t, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := make(map[string]int)
	for i, h := range rows[0] {
		head[h] = i
	}
	return head, rows[1:]
}

// valuesByID reads an id,value CSV ordered like w.IDs.
func valuesByID(t testing.TB, name string, w *Weights) []float64 {
	t.Helper()
	head, rows := readCSV(t, name)
	byID := make(map[string]float64, len(rows))
	for _, r := range rows {
		byID[r[head["id"]]] = parseFloat(t, r[head["value"]])
	}
	x := make([]float64, w.N())
	for i, id := range w.IDs {
		v, ok := byID[id]
		if !ok {
			t.Fatalf("no value for id %s", id)
		}
		x[i] = v
	}
	return x
}

func parseFloat(t testing.TB, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
