package main

import (
	"log/slog"
	"math"
	"runtime/debug"
	"testing"
)

func TestWorkerMemoryLimitSetting(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	for _, tc := range []struct {
		env  string
		want int
		bad  bool
	}{{"", 230, false}, {"512", 512, false}, {"off", 0, false}, {"OFF", 0, false}, {"0", 0, true}, {"-5", 0, true}, {"lots", 0, true}} {
		t.Setenv("VIKALP_WORKER_MEMORY_LIMIT_MB", tc.env)
		c, err := LoadConfig()
		if tc.bad {
			if err == nil {
				t.Errorf("%q: accepted as %d MiB, want an error", tc.env, c.WorkerMemoryLimitMB)
			}
			continue
		}
		if err != nil || c.WorkerMemoryLimitMB != tc.want {
			t.Errorf("%q: %d MiB, %v; want %d", tc.env, c.WorkerMemoryLimitMB, err, tc.want)
		}
	}
}

func TestLimitWorkerMemory(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })
	quiet := slog.New(slog.DiscardHandler)

	t.Setenv("GOMEMLIMIT", "")
	debug.SetMemoryLimit(math.MaxInt64)
	(&cli{cfg: Config{WorkerMemoryLimitMB: 230}, logger: quiet}).limitWorkerMemory()
	if got := debug.SetMemoryLimit(-1); got != 230<<20 {
		t.Errorf("limit %d, want 230 MiB", got)
	}

	debug.SetMemoryLimit(math.MaxInt64)
	(&cli{cfg: Config{WorkerMemoryLimitMB: 0}, logger: quiet}).limitWorkerMemory()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("off: limit %d, want none", got)
	}

	// An operator's GOMEMLIMIT (applied by the runtime at start) wins.
	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetMemoryLimit(1 << 30)
	(&cli{cfg: Config{WorkerMemoryLimitMB: 230}, logger: quiet}).limitWorkerMemory()
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("with GOMEMLIMIT: limit %d, want 1 GiB kept", got)
	}
}
