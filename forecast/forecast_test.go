package forecast

import (
	"errors"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
)

func TestForecastValidates(t *testing.T) {
	t.Parallel()
	h := mustHistory(t, events(int64(lucknow), -5, 3))
	tests := []struct {
		name    string
		m       Model
		asOf    time.Time
		res     int
		horizon int
	}{
		{"Resolution4", Naive(90), origin, 4, 30},
		{"Resolution10", Naive(90), origin, 10, 30},
		{"NoHorizon", Naive(90), origin, 8, 0},
		{"NoModel", nil, origin, 8, 30},
		{"PartDay", Naive(90), origin.Add(time.Hour), 8, 30},
	}
	for _, tt := range tests {
		if _, err := h.Forecast(tt.m, tt.asOf, tt.res, tt.horizon); !errors.Is(err, vikalp.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", tt.name, err)
		}
	}
}

func TestForecastRanks(t *testing.T) {
	t.Parallel()
	es := stableCity(4)
	h := mustHistory(t, es)
	for _, m := range []Model{Naive(90), Decayed(90, 600), SelfExciting(LongLookbackDays)} {
		scores, err := h.Forecast(m, origin, 8, 30)
		if err != nil {
			t.Fatal(err)
		}
		if len(scores) == 0 {
			t.Fatalf("%s: empty forecast", m.Name())
		}
		for i := 1; i < len(scores); i++ {
			a, b := scores[i-1], scores[i]
			if a.Score < b.Score || (a.Score == b.Score && a.Cell > b.Cell) || b.Score <= 0 {
				t.Fatalf("%s: %v before %v", m.Name(), a, b)
			}
		}
	}
}
