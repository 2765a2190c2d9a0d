package cli

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/mbox"
)

// sharedCorpus is the read-only corpus beside the repository (present in
// every development session and in CI, never committed here).
const sharedCorpus = "../shared/corpus/sisimai"

func needCorpus(t *testing.T) {
	t.Helper()
	inRepoRoot(t)
	if _, err := os.Stat(sharedCorpus); err != nil {
		t.Skip("shared corpus not present:", err)
	}
}

// TestCorpusMboxOnStdin: every message of an mbox on stdin gets records,
// indexes 1..n, the same records as the messages inspected one by one.
func TestCorpusMboxOnStdin(t *testing.T) {
	needCorpus(t)
	data, err := os.ReadFile(filepath.Join(sharedCorpus, "mbox/mbox-0"))
	if err != nil {
		t.Fatal(err)
	}
	res := runCLI(t, []string{"inspect", "--format", "ndjson", "-"}, string(data), false)
	recs := decodeNDJSON(t, res.out)
	byIndex := map[int][]bounce.Record{}
	for _, r := range recs {
		byIndex[r.Index] = append(byIndex[r.Index], r)
	}
	var msgs []string
	mr := mbox.NewReader(strings.NewReader(string(data)))
	for {
		m, err := mr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(m)
		msgs = append(msgs, string(b))
	}
	if len(msgs) != 37 || len(byIndex) != 37 {
		t.Fatalf("%d messages split, records for %d indexes; want 37 and 37", len(msgs), len(byIndex))
	}
	for i, msg := range msgs {
		one := decodeNDJSON(t, runCLI(t, []string{"inspect", "--format", "ndjson", "-"}, msg, false).out)
		got := byIndex[i+1]
		for j := range one {
			one[j].Index = i + 1
		}
		if !jsonEqual(one, got) {
			t.Errorf("message %d: mbox records differ from single-message records:\n%+v\n%+v", i+1, got, one)
		}
	}
}

// TestCorpusJSONArray: the whole corpus in every line-end flavour gives one
// valid JSON array with a record for every file.
func TestCorpusJSONArray(t *testing.T) {
	needCorpus(t)
	var files []string
	for _, d := range []string{"eml", "dos", "mac", "not"} {
		m, _ := filepath.Glob(filepath.Join(sharedCorpus, d, "*.eml"))
		files = append(files, m...)
	}
	res := runCLI(t, append([]string{"inspect", "--json"}, files...), "", false)
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.errOut)
	}
	var recs []bounce.Record
	if err := json.Unmarshal([]byte(res.out), &recs); err != nil {
		t.Fatalf("not one JSON array: %v", err)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.Source] = true
	}
	for _, f := range files {
		if !seen[f] {
			t.Errorf("no record for %s", f)
		}
	}
}
