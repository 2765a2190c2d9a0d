package cli

import "runtime/debug"

// The garbage collector's settings for the bounce binary. Analysing a
// message allocates tens of kilobytes that die with it, while the live heap
// stays a few megabytes (buffers in flight, the reorder window, pools); at
// the default GOGC=100 the collector runs every few hundred messages and,
// with its write barriers and assists, takes about a fifth of the CPU on a
// mailbox of bounces. GOGC=800 lets the heap grow to nine times the live
// data instead, which brings that to under 2% (GODEBUG=gctrace=1,
// scripts/bench.sh; GOGC=400 cost 2-3% more CPU for 4 MB less RSS), and the
// soft memory limit keeps the process under the 64 MB budget whatever the
// input: near the limit the collector runs as often as it must.
const (
	gcPercent   = 800
	memoryLimit = 40 << 20
)

// tuneGC applies gcPercent and memoryLimit, unless the user set GOGC or
// GOMEMLIMIT, which the Go runtime has already applied.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
