package cli

import "runtime/debug"

// The garbage collector's settings for the bounce binary. Analysing a
// message allocates tens of kilobytes that die with it, while the live heap
// stays a few megabytes (buffers in flight, the reorder window, pools); at
// the default GOGC=100 the collector would run every few hundred messages
// and take about a fifth of the CPU. GOGC=400 lets the heap grow to five
// times the live data instead, which cuts that cost by about two thirds
// (measured with scripts/bench.sh), and the soft memory limit keeps the
// whole process well under the 64 MB budget of docs/design.md whatever the
// input: near the limit the collector runs as often as it must.
const (
	gcPercent   = 400
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
