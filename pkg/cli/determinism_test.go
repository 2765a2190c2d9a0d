package cli

import (
	"path/filepath"
	"testing"

	"github.com/bounce-tool/bounce/pkg/internal/golden"
)

// TestDeterministic runs the whole testdata set twice with one worker and
// twice with four, in every machine format, and wants the same bytes each
// time: no map order, clock or scheduling leaks into the output.
func TestDeterministic(t *testing.T) {
	inRepoRoot(t)
	files, _ := filepath.Glob("testdata/eml/*/*.eml")
	mboxes, _ := filepath.Glob("testdata/mbox/*.mbox")
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	inputs := append(files, mboxes...)
	for _, format := range []string{"ndjson", "json", "csv"} {
		t.Run(format, func(t *testing.T) {
			var first string
			for i, jobs := range []string{"1", "1", "4", "4"} {
				res := runCLI(t, append([]string{"inspect", "--format", format, "--jobs", jobs}, inputs...), "", false)
				if res.code != 0 && res.code != 3 {
					t.Fatalf("--jobs %s: exit %d: %s", jobs, res.code, res.errOut)
				}
				if i == 0 {
					first = res.out
					continue
				}
				if res.out != first {
					t.Fatalf("run %d (--jobs %s) differs from the first (--jobs 1):\n%s", i+1, jobs, golden.Diff(first, res.out))
				}
			}
		})
	}
}
