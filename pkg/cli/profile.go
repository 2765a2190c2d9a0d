package cli

import (
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"

	"github.com/spf13/cobra"
)

// profiler writes the CPU profile, heap profile and execution trace a run
// was asked for with the hidden flags --cpuprofile, --memprofile and
// --trace, and the allocation and GC totals of --memstats (scripts/bench.sh
// reads them): the figures behind docs/design.md's performance notes, taken
// on the real binary with real inputs.
type profiler struct {
	cpu, mem, trace, stats string
	cpuFile, trFile        *os.File
}

// addFlags registers the hidden profiling flags on root.
func (p *profiler) addFlags(root *cobra.Command) {
	f := root.PersistentFlags()
	f.StringVar(&p.cpu, "cpuprofile", "", "write a CPU profile to this file")
	f.StringVar(&p.mem, "memprofile", "", "write a heap (allocation) profile to this file at exit")
	f.StringVar(&p.trace, "trace", "", "write an execution trace to this file")
	f.StringVar(&p.stats, "memstats", "", "write the run's allocation and GC totals to this file at exit")
	for _, name := range []string{"cpuprofile", "memprofile", "trace", "memstats"} {
		f.MarkHidden(name)
	}
}

// start begins the CPU profile and the trace, when asked for.
func (p *profiler) start() error {
	if p.cpu != "" && p.cpuFile == nil {
		f, err := os.Create(p.cpu)
		if err != nil {
			return fmt.Errorf("cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return fmt.Errorf("cpuprofile: %w", err)
		}
		p.cpuFile = f
	}
	if p.trace != "" && p.trFile == nil {
		f, err := os.Create(p.trace)
		if err != nil {
			return fmt.Errorf("trace: %w", err)
		}
		if err := trace.Start(f); err != nil {
			f.Close()
			return fmt.Errorf("trace: %w", err)
		}
		p.trFile = f
	}
	return nil
}

// stop ends what start began and writes the heap profile.
func (p *profiler) stop() {
	if p.cpuFile != nil {
		pprof.StopCPUProfile()
		p.cpuFile.Close()
		p.cpuFile = nil
	}
	if p.trFile != nil {
		trace.Stop()
		p.trFile.Close()
		p.trFile = nil
	}
	if p.mem != "" {
		f, err := os.Create(p.mem)
		if err != nil {
			return
		}
		runtime.GC()
		pprof.Lookup("allocs").WriteTo(f, 0)
		f.Close()
		p.mem = ""
	}
	if p.stats != "" {
		writeStats(p.stats)
		p.stats = ""
	}
}

// statNames are the runtime metrics --memstats writes, one "name value"
// line each: bytes and objects allocated over the run, and the CPU time
// the runtime estimates for the program and for its garbage collector.
var statNames = []string{
	"/gc/heap/allocs:bytes",
	"/gc/heap/allocs:objects",
	"/gc/cycles/total:gc-cycles",
	"/cpu/classes/user:cpu-seconds",
	"/cpu/classes/gc/total:cpu-seconds",
	"/cpu/classes/scavenge/total:cpu-seconds",
}

// writeStats writes statNames' values to the file path.
func writeStats(path string) {
	samples := make([]metrics.Sample, len(statNames))
	for i, n := range statNames {
		samples[i].Name = n
	}
	metrics.Read(samples)
	f, err := os.Create(path)
	if err != nil {
		return
	}
	defer f.Close()
	for _, s := range samples {
		switch s.Value.Kind() {
		case metrics.KindUint64:
			fmt.Fprintf(f, "%s %d\n", s.Name, s.Value.Uint64())
		case metrics.KindFloat64:
			fmt.Fprintf(f, "%s %g\n", s.Name, s.Value.Float64())
		}
	}
}
