package analytics

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp"
)

// ReadValues reads "id,value" CSV rows (a header row is skipped when its
// value column is not a number) and returns the ids and values in file order.
func ReadValues(r io.Reader) (ids []string, values []float64, err error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, vikalp.Invalidf("values csv: %v", err)
		}
		if len(rec) < 2 {
			return nil, nil, vikalp.Invalidf("values csv line %d: want id,value", line)
		}
		v, perr := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
		if perr != nil && line == 1 {
			continue // header
		}
		if perr != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, vikalp.Invalidf("values csv line %d: %q is not a number", line, rec[1])
		}
		ids = append(ids, strings.TrimSpace(rec[0]))
		values = append(values, v)
	}
	if len(ids) == 0 {
		return nil, nil, vikalp.Invalidf("values csv has no rows")
	}
	return ids, values, nil
}

// AlignValues orders values (by id) like the observations of w. Every
// observation needs a value and every value an observation.
func AlignValues(w *Weights, ids []string, values []float64) ([]float64, error) {
	if len(ids) != w.N() {
		return nil, vikalp.Invalidf("%d values for %d observations in the weights", len(ids), w.N())
	}
	byID := make(map[string]float64, len(ids))
	for i, id := range ids {
		byID[id] = values[i]
	}
	x := make([]float64, w.N())
	for i, id := range w.IDs {
		v, ok := byID[id]
		if !ok {
			return nil, vikalp.Invalidf("no value for observation %s", id)
		}
		x[i] = v
	}
	return x, nil
}

// ParseCell parses an H3 cell written as its hexadecimal index string
// ("88283082a1fffff") or as a decimal BIGINT (as stored in h3_r* columns).
func ParseCell(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if v, err := strconv.ParseInt(s, 10, 64); err == nil && h3.Cell(v).IsValid() {
		return v, nil
	}
	if v, err := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 64); err == nil && h3.Cell(int64(v)).IsValid() {
		return int64(v), nil
	}
	return 0, vikalp.Invalidf("%q is not an H3 cell", s)
}

// ReadSeries reads a time series, oldest first: numbers separated by
// newlines, commas or spaces. On CSV lines with several fields the last field
// is the value; a non-numeric first line is a header and skipped.
func ReadSeries(r io.Reader) ([]float64, error) {
	sc := bufio.NewScanner(r)
	var out []float64
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		var fields []string
		if strings.Contains(text, ",") {
			parts := strings.Split(text, ",")
			fields = parts[len(parts)-1:]
		} else {
			fields = strings.Fields(text)
		}
		for _, f := range fields {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil && line == 1 && len(out) == 0 {
				break // header
			}
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, vikalp.Invalidf("series line %d: %q is not a number", line, f)
			}
			out = append(out, v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read series: %w", err)
	}
	return out, nil
}
