package main

import (
	"os"
	"testing"
)

// TestMetricsAddr checks VIKALP_METRICS_ADDR: metrics are on loopback
// unless told otherwise, and an empty value or "off" serves none (the
// "/metrics is public" finding of hardening round 2; the router side is
// api.TestMetricsIsNotPublic).
func TestMetricsAddr(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		set         bool
		want        string
	}{
		{name: "Unset", want: "127.0.0.1:9464"},
		{name: "Empty", set: true, want: ""},
		{name: "Off", value: "off", set: true, want: ""},
		{name: "Address", value: " 10.1.2.3:9100 ", set: true, want: "10.1.2.3:9100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("VIKALP_METRICS_ADDR", tc.value) // restored after the test
			if !tc.set {
				if err := os.Unsetenv("VIKALP_METRICS_ADDR"); err != nil {
					t.Fatal(err)
				}
			}
			if got := metricsAddr(); got != tc.want {
				t.Fatalf("metricsAddr() = %q, want %q", got, tc.want)
			}
		})
	}
}
