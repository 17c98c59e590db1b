package main

import (
	"bufio"
	"os"
	"runtime/metrics"
	"strconv"
	"strings"
)

// peakRSS returns the process's resident set high-water mark in bytes
// (VmHWM in /proc/self/status), or 0 where there is none (not Linux).
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// resetPeakRSS starts a new high-water mark at the current resident set
// (writing 5 to /proc/self/clear_refs), so that the next peakRSS measures
// what follows; it does nothing where that is not possible. It also marks
// the CPU time used so far, for gcShare.
func resetPeakRSS() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	cpuMark = readCPU()
}

// cpuTimes are the Go runtime's CPU-time estimates (runtime/metrics).
type cpuTimes struct{ gc, used float64 }

var cpuMark cpuTimes

func readCPU() cpuTimes {
	s := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"},
		{Name: "/cpu/classes/total:cpu-seconds"}, {Name: "/cpu/classes/idle:cpu-seconds"}}
	metrics.Read(s)
	for _, m := range s {
		if m.Value.Kind() != metrics.KindFloat64 {
			return cpuTimes{}
		}
	}
	return cpuTimes{gc: s[0].Value.Float64(), used: s[1].Value.Float64() - s[2].Value.Float64()}
}

// gcShare is the share of the CPU the process used since the last
// resetPeakRSS that went to garbage collection; 0 when unknown. It rises
// when the soft memory limit is too low for the data.
func gcShare() float64 {
	now := readCPU()
	if used := now.used - cpuMark.used; used > 0 {
		return (now.gc - cpuMark.gc) / used
	}
	return 0
}
