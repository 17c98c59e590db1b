package tiles

import (
	"testing"
	"time"

	"github.com/vikalp/vikalp"
)

// A report point's month is cached per IST day: two times share a day
// number exactly when they share the IST calendar date, across the UTC
// midnight, the IST midnight (18:30 UTC) and 1970.
func TestISTDay(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"2026-01-31T18:29:59Z", "2026-01-31T18:30:00Z", false}, // 23:59:59 and 00:00 IST, Jan → Feb
		{"2026-01-31T18:30:00Z", "2026-02-01T18:29:59Z", true},  // one IST day over UTC midnight
		{"2026-02-01T00:00:00Z", "2026-01-31T23:00:00Z", true},
		{"1969-12-31T18:29:59Z", "1969-12-31T18:30:00Z", false}, // IST midnight into 1970
		{"1969-12-31T12:00:00Z", "1969-12-31T18:00:00Z", true},
	} {
		a, b := at(c.a), at(c.b)
		if got := istDay(a) == istDay(b); got != c.same {
			t.Errorf("%s and %s: same IST day %v, want %v", c.a, c.b, got, c.same)
		}
		sameDate := a.In(vikalp.IST).Format("2006-01-02") == b.In(vikalp.IST).Format("2006-01-02")
		if sameDate != c.same {
			t.Fatalf("test case %s, %s is wrong", c.a, c.b)
		}
	}
}
