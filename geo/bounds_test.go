package geo_test

import (
	"errors"
	"testing"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/geo"
)

func TestInUP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		lat, lon float64
		want     bool
	}{
		{"Lucknow", 26.85, 80.95, true},
		{"Varanasi", 25.3176, 82.9739, true},
		{"Gorakhpur", 26.7606, 83.3732, true},
		// Delhi lies inside the buffered box: InUP is only a first filter.
		{"DelhiInsideBox", 28.61, 77.21, true},
		{"JustInsideBufferWest", 27, 77.0, true},
		{"JustOutsideBufferWest", 27, 76.98, false},
		{"JustOutsideBufferNorth", 30.52, 80, false},
		{"Mumbai", 19.076, 72.8777, false},
		{"Kolkata", 22.5726, 88.3639, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := geo.InUP(tt.lat, tt.lon); got != tt.want {
				t.Errorf("InUP(%v, %v) = %v, want %v", tt.lat, tt.lon, got, tt.want)
			}
		})
	}
}

func TestCheckInUP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		lat, lon    float64
		wantCode    string
		wantMessage string
	}{
		{"Lucknow", 26.85, 80.95, "", ""},
		{"Mumbai", 19.076, 72.8777, "outside_up", "this location is outside Uttar Pradesh"},
		{"LatitudeOutOfRange", -95, 80, "out_of_range", "latitude must be between -90 and 90"},
		{"LongitudeOutOfRange", 26, 200, "out_of_range", "longitude must be between -180 and 180"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := geo.CheckInUP(tt.lat, tt.lon)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, vikalp.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			ue, _ := vikalp.AsUserError(err)
			if ue.Code != tt.wantCode || ue.Message != tt.wantMessage {
				t.Errorf("got code %q message %q, want %q %q", ue.Code, ue.Message, tt.wantCode, tt.wantMessage)
			}
		})
	}
}
