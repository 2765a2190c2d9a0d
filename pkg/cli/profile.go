package cli

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"

	"github.com/spf13/cobra"
)

// profiler writes the CPU profile, heap profile and execution trace a run
// was asked for with the hidden flags --cpuprofile, --memprofile and
// --trace: the figures behind docs/design.md's performance notes, taken on
// the real binary with real inputs.
type profiler struct {
	cpu, mem, trace string
	cpuFile, trFile *os.File
}

// addFlags registers the hidden profiling flags on root.
func (p *profiler) addFlags(root *cobra.Command) {
	f := root.PersistentFlags()
	f.StringVar(&p.cpu, "cpuprofile", "", "write a CPU profile to this file")
	f.StringVar(&p.mem, "memprofile", "", "write a heap (allocation) profile to this file at exit")
	f.StringVar(&p.trace, "trace", "", "write an execution trace to this file")
	for _, name := range []string{"cpuprofile", "memprofile", "trace"} {
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
}
