package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"testing"
)

// TestProfileFlags: the hidden profiling flags write their files, and the
// output is the same as without them.
func TestProfileFlags(t *testing.T) {
	if err := pprof.StartCPUProfile(io.Discard); err != nil {
		t.Skip("the test binary is being profiled:", err)
	}
	pprof.StopCPUProfile()
	inRepoRoot(t)
	dir := t.TempDir()
	files := map[string]string{"--cpuprofile": "cpu.prof", "--memprofile": "mem.prof", "--trace": "trace.out"}
	args := []string{"inspect", "--format", "ndjson", "testdata/mbox/small.mbox"}
	for flag, name := range files {
		args = append(args, flag, filepath.Join(dir, name))
	}
	ios, _, out, _ := TestIOStreams()
	prof := &profiler{}
	code := Run(context.Background(), newRootCmd(ios, "1.2.3", "abc1234", prof), ios, args)
	prof.stop()
	plain := runCLI(t, []string{"inspect", "--format", "ndjson", "testdata/mbox/small.mbox"}, "", false)
	if plain.code != ExitOK || plain.out == "" {
		t.Fatalf("inspect small.mbox: exit %d, %d bytes", plain.code, len(plain.out))
	}
	if code != plain.code || out.String() != plain.out {
		t.Errorf("with profiles: exit %d and %d bytes, want exit %d and the same %d bytes", code, out.Len(), plain.code, len(plain.out))
	}
	for flag, name := range files {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s wrote no file: %v", flag, err)
		}
	}
}
