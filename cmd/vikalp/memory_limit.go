package main

import (
	"log/slog"
	"os"
	"runtime/debug"
)

// limitWorkerMemory sets the soft memory limit of a process that runs the
// analysis (VIKALP_WORKER_MEMORY_LIMIT_MB) unless GOMEMLIMIT already set
// one. A hotspot run over a million reports holds up to ~170 MB of live
// heap; at the default GOGC the heap then grows to twice whatever is live
// when a collection ends, which put the worker at ~400 MB RSS. Under the
// limit the collector runs more often near the high-water mark instead
// (bench/NOTES.md, "Worker memory, fourth pass").
func (a *cli) limitWorkerMemory() {
	if os.Getenv("GOMEMLIMIT") != "" || a.cfg.WorkerMemoryLimitMB == 0 {
		return
	}
	debug.SetMemoryLimit(int64(a.cfg.WorkerMemoryLimitMB) << 20)
	a.logger.Debug("Soft memory limit set", slog.Int("mib", a.cfg.WorkerMemoryLimitMB))
}
