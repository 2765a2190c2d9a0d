package cli

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAccountingMixedMbox: with json and ndjson output, the distinct
// (source, index) pairs of the records equal the messages read, and the
// stderr summary states both, on an mbox whose members include broken ones.
func TestAccountingMixedMbox(t *testing.T) {
	inRepoRoot(t)
	bounce, err := os.ReadFile("testdata/eml/postfix/user-unknown.eml")
	if err != nil {
		t.Fatal(err)
	}
	garbage := make([]byte, 4096)
	rand.New(rand.NewSource(3)).Read(garbage)
	members := []string{
		string(bounce),
		"",                                   // an empty member
		strings.Map(noLF, string(garbage)),   // binary garbage with no line structure
		"Subject: nul\x00\x00\n\nbody\x00\n", // NUL bytes
		string(bounce[:len(bounce)/3]),       // a bounce cut short
		"X-Junk: " + strings.Repeat("z", 3000) + "\n\nshort header limit below\n",
		"not a header line at all\n\nbut a body\n",
		string(bounce),
	}
	var b strings.Builder
	for i, m := range members {
		fmt.Fprintf(&b, "From sender%d@example.com Thu Sep 18 17:54:%02d 2008\n%s\n\n", i, i, strings.TrimRight(m, "\n"))
	}
	path := filepath.Join(t.TempDir(), "mixed.mbox")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"ndjson", "json"} {
		res := runCLI(t, []string{"inspect", "--format", format, "--max-header-size", "2K", path}, "", false)
		var recs []recordFields
		if format == "json" {
			recs = decodeJSONArray(t, res.out)
		} else {
			for _, r := range decodeNDJSON(t, res.out) {
				recs = append(recs, recordFields{r.Source, r.Index, r.Kind})
			}
		}
		pairs := map[string]bool{}
		kinds := map[string]int{}
		for _, r := range recs {
			pairs[fmt.Sprintf("%s#%d", r.Source, r.Index)] = true
			kinds[r.Kind]++
		}
		n := len(members)
		if len(pairs) != n {
			t.Errorf("%s: records cover %d messages, want %d", format, len(pairs), n)
		}
		if want := fmt.Sprintf("%d messages read, %d records for %d messages", n, len(recs), n); !strings.Contains(res.errOut, want) {
			t.Errorf("%s: stderr %q does not say %q", format, res.errOut, want)
		}
		if kinds["error"] < 3 || kinds["bounce"] < 2 {
			t.Errorf("%s: kinds %v, want the broken members as errors and the bounces read", format, kinds)
		}
		if res.code != 0 {
			t.Errorf("%s: exit %d; broken messages are data, not a failure to read the input", format, res.code)
		}
	}
}

func noLF(r rune) rune {
	if r == '\n' || r == '\r' {
		return 'x'
	}
	return r
}

type recordFields struct {
	Source string `json:"source"`
	Index  int    `json:"index"`
	Kind   string `json:"kind"`
}

func decodeJSONArray(t *testing.T, s string) []recordFields {
	t.Helper()
	var recs []recordFields
	if err := jsonUnmarshal(s, &recs); err != nil {
		t.Fatalf("not a JSON array: %v", err)
	}
	return recs
}

func TestLimitFlags(t *testing.T) {
	inRepoRoot(t)
	dsn := string(dsnWithRecipients(5))
	path := filepath.Join(t.TempDir(), "five.eml")
	os.WriteFile(path, []byte(dsn), 0o644)
	res := runCLI(t, []string{"inspect", "--format", "ndjson", "--max-recipients", "2", path}, "", false)
	recs := decodeNDJSON(t, res.out)
	if len(recs) != 2 || recs[0].Truncated != "recipients" {
		t.Errorf("--max-recipients 2: %d records, truncated %q", len(recs), recs[0].Truncated)
	}
	res = runCLI(t, []string{"inspect", "--format", "ndjson", "--max-message-size", "512", path, path}, "", false)
	recs = decodeNDJSON(t, res.out)
	if len(recs) == 0 || !strings.Contains(recs[0].Truncated, "message-size") {
		t.Errorf("--max-message-size 512: records %+v", recs)
	}
	if !strings.Contains(res.errOut, "beyond a limit") {
		t.Errorf("summary %q does not mention the limit", res.errOut)
	}
	for _, bad := range [][]string{{"--max-depth", "0"}, {"--max-message-size", "ten"}, {"--max-parts", "-1"}, {"--max-line-length", "1Q"}} {
		res := runCLI(t, append([]string{"inspect", path}, bad...), "", false)
		if res.code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", bad, res.code, res.errOut)
		}
	}
	for _, cmd := range []string{"report", "loops"} {
		res := runCLI(t, []string{cmd, "--max-message-size", "64K", "--max-header-size", "8K", path}, "", false)
		if res.code != 0 {
			t.Errorf("%s accepts the limit flags: exit %d, %q", cmd, res.code, res.errOut)
		}
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
