package cli

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// TestRecordsLeadBackToTheFile: a record from a folder carries the file
// it came from, in JSON, CSV, the table and the warnings.
func TestRecordsLeadBackToTheFile(t *testing.T) {
	inRepoRoot(t)
	dir := t.TempDir()
	src, err := os.ReadFile("testdata/eml/postfix/user-unknown.eml")
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "1700000000.M1P2.host:2,S")
	bad := filepath.Join(dir, "1700000001.M2P3.host:2,S")
	os.WriteFile(good, src, 0o644)
	os.WriteFile(bad, []byte("\x00\x01 not mail\n\nbody\n"), 0o644)

	res := runCLI(t, []string{"inspect", "--format", "ndjson", dir}, "", false)
	recs := decodeNDJSON(t, res.out)
	if len(recs) != 2 || recs[0].Path != good || recs[1].Path != bad {
		t.Fatalf("paths = %+v, want %s and %s", recs, good, bad)
	}
	if !strings.Contains(res.errOut, "bounce: "+bad+": ") {
		t.Errorf("the warning does not name the file: %q", res.errOut)
	}

	res = runCLI(t, []string{"inspect", "--format", "csv", dir}, "", false)
	rows, err := csv.NewReader(strings.NewReader(res.out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	if rows[1][col["path"]] != good || rows[1][col["status_title"]] != "Bad destination mailbox address" ||
		!strings.HasPrefix(rows[1][col["advice"]], "Fix the address") {
		t.Errorf("csv row = %q", rows[1])
	}

	res = runWidth(t, 200, []string{"inspect", "--color", "never", dir}, "")
	if !strings.Contains(res.out, "1700000000.M1P2.host:2,S") || strings.Contains(res.out, "#1 ") {
		t.Errorf("the table does not name the file:\n%s", res.out)
	}

	// A stream has no path.
	res = runCLI(t, []string{"inspect", "--format", "ndjson", "-"}, string(src), false)
	if recs := decodeNDJSON(t, res.out); len(recs) != 1 || recs[0].Path != "" {
		t.Errorf("standard input: %+v, want an empty path", recs)
	}
}

// TestCardWrapsAndAdvises: a card's long values wrap under the value
// column, and the advice follows the reason.
func TestCardWrapsAndAdvises(t *testing.T) {
	inRepoRoot(t)
	res := runWidth(t, 80, []string{"inspect", "--color", "never", "testdata/eml/rfc3464/mixed-results.eml"}, "")
	for _, l := range strings.Split(res.out, "\n") {
		if len([]rune(l)) > 80 {
			t.Errorf("line wider than 80: %q", l)
		}
	}
	if !strings.Contains(res.out, "  what to do   Your sending IP or domain is listed by Spamhaus: ask Spamhaus for\n               delisting, then resend.") {
		t.Errorf("no wrapped blocklist advice:\n%s", res.out)
	}
}

// TestErrorsInPlainWords: no library error chain or package prefix in
// what a user reads.
func TestErrorsInPlainWords(t *testing.T) {
	inRepoRoot(t)
	res := runCLI(t, []string{"inspect", "pkg/cli/testdata/csv.golden"}, "", false)
	for _, s := range []string{res.out, res.errOut} {
		if strings.Contains(s, "malformed message: header: message:") || strings.Contains(s, "source: ") || strings.ContainsRune(s, '\uFFFD') {
			t.Errorf("a library's words in %q", s)
		}
	}
	if !strings.Contains(res.errOut, "not a mail message: a line that is not a header field: source,index,") {
		t.Errorf("stderr %q", res.errOut)
	}
}

func TestDidYouMean(t *testing.T) {
	res := runCLI(t, []string{"inspec", "x"}, "", false)
	if res.code != ExitUsage || !strings.Contains(res.errOut, "Did you mean this?\n  inspect\n") || strings.ContainsRune(res.errOut, '\uFFFD') {
		t.Errorf("exit %d, stderr %q", res.code, res.errOut)
	}
}

// TestNothingPassesSilently: missing paths, empty files and empty folders
// are said, and a run that read no message fails unless --allow-empty.
func TestNothingPassesSilently(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.eml")
	os.WriteFile(empty, nil, 0o644)
	folder := filepath.Join(dir, "Maildir")
	for _, sub := range []string{"cur", "new", "tmp"} {
		os.MkdirAll(filepath.Join(folder, sub), 0o755)
	}
	missing := filepath.Join(dir, "no-such.mbox")
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stderr string
	}{
		{"missing path", []string{"inspect", "--format", "json", missing}, "", 1, "bounce: " + missing + ": no such file or directory\n"},
		{"empty file", []string{"inspect", empty}, "", 1, "bounce: " + empty + " message 1: empty message\n"},
		{"empty stdin", []string{"inspect", "-"}, "", 1, "bounce: - message 1: empty message\n"},
		{"empty maildir", []string{"inspect", folder}, "", 1, "bounce: " + folder + ": no messages found\n"},
		{"allow empty", []string{"inspect", "--allow-empty", folder}, "", 0, "no messages found"},
		{"report empty maildir", []string{"report", folder}, "", 1, "no messages found"},
		{"loops empty maildir", []string{"loops", folder}, "", 1, "no messages found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runCLI(t, tc.args, tc.stdin, false)
			if res.code != tc.code || !strings.Contains(res.errOut, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", res.code, res.errOut, tc.code, tc.stderr)
			}
			if strings.Contains(res.out, "Not a bounce") || strings.Contains(res.out, "no such file") || strings.Contains(res.out, "no messages found") {
				t.Errorf("a record for no message:\n%s", res.out)
			}
		})
	}
}

// TestGateSaysWhy: a gate that exits 3 says which condition and how many.
func TestGateSaysWhy(t *testing.T) {
	inRepoRoot(t)
	mbox := testdataMbox(t)
	inbox := pingPongInbox().write(t)
	tests := []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"inspect", "--format", "json", "--fail-on", "permanent", "-"}, mbox, "bounce: gate: --fail-on permanent: "},
		{[]string{"report", "--max-permanent", "3", "-"}, mbox, " permanent failures, more than --max-permanent 3\n"},
		{[]string{"report", "--max-permanent-rate", "0.5", "-"}, mbox, "bounce: gate: permanent rate"},
		{[]string{"loops", "--fail-on", "loop", inbox}, "", "bounce: gate: --fail-on loop: 1 loop found\n"},
	}
	for _, tc := range tests {
		res := runCLI(t, tc.args, tc.stdin, false)
		if res.code != ExitThreshold || !strings.Contains(res.errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 3 and %q", tc.args, res.code, res.errOut, tc.want)
		}
	}
}

// TestProviderMeaningOnTheCard: a bounce from Microsoft 365 shows
// Microsoft's meaning of 5.1.10, not the registry's null MX.
func TestProviderMeaningOnTheCard(t *testing.T) {
	inRepoRoot(t)
	res := runCLI(t, []string{"inspect", "--color", "never", "testdata/eml/exchange/zendesk-recipient-not-found.eml"}, "", false)
	if !strings.Contains(res.out, "  status       5.1.10 Recipient not found\n") || strings.Contains(res.out, "null MX") {
		t.Errorf("card:\n%s", res.out)
	}
	res = runCLI(t, []string{"inspect", "--color", "never", "testdata/eml/modern-google/unauthenticated.eml"}, "", false)
	if !strings.Contains(res.out, "5.7.26 Unauthenticated email") || !strings.Contains(res.out, "  what to do   Fix SPF") {
		t.Errorf("card:\n%s", res.out)
	}
}

// TestExplainWhatPeoplePaste: codes, several of them, reason words, a
// server's whole line, standard input, and both meanings of a code.
func TestExplainWhatPeoplePaste(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  []string
	}{
		{"several codes", []string{"explain", "5.1.1", "5.2.2"}, "", []string{"5.1.1  permanent\n", "5.2.2  permanent\n", "Mailbox full"}},
		{"reply and code", []string{"explain", "550", "5.1.1"}, "", []string{"550 5.1.1  permanent\n"}},
		{"reason words", []string{"explain", "onhold", "mailboxfull"}, "", []string{"onhold  reason\n", "mailboxfull  reason\n", "reach the customer another way"}},
		{"a server's line", []string{"explain", "550 5.7.1 client host blocked using Spamhaus"}, "",
			[]string{"  reason    blocked (blocklist spamhaus)\n", "ask Spamhaus for delisting", "550 5.7.1  permanent\n", "Delivery not authorized"}},
		{"unquoted line", []string{"explain", "452", "4.2.2", "Mailbox", "is", "over", "quota"}, "", []string{"  reason    mailboxfull\n", "452 4.2.2  temporary"}},
		{"stdin", []string{"explain"}, "550-5.7.26 This mail is unauthenticated. gsmtp\n5.1.10\n",
			[]string{"  reason    authfailure\n", "Gmail: Unauthenticated email", "5.1.10  permanent\n"}},
		{"both meanings", []string{"explain", "5.7.27"}, "", []string{"X.7.27  Sender address has null MX", "  provider  Gmail: SPF check did not pass"}},
		{"json", []string{"explain", "--format", "json", "5.1.10", "blocked"}, "",
			[]string{`"provider_meanings":[{"action":`, `"title":"Recipient not found"`, "\n{\"action\":", `"reason":"blocked"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runCLI(t, tc.args, tc.stdin, false)
			if res.code != 0 {
				t.Fatalf("exit %d, stderr %q", res.code, res.errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.out, w) {
					t.Errorf("output lacks %q:\n%s", w, res.out)
				}
			}
		})
	}
}

// TestProgressBehaves: inspect, report and loops draw progress on a
// terminal's stderr, with the percentage and time left for a file; the
// line is cleared before a warning and at the end.
func TestProgressBehaves(t *testing.T) {
	inRepoRoot(t)
	t.Setenv("CI", "")
	mbox := testdataMbox(t)
	// A message no one can read in the middle, for a warning.
	half := strings.Index(mbox[len(mbox)/2:], "\nFrom ") + len(mbox)/2 + 1
	mbox = mbox[:half] + "From bad@example.org Mon Jan  1 00:00:00 2024\n\x00\x01garbage line\n\n" + mbox[half:]
	path := filepath.Join(t.TempDir(), "big.mbox")
	if err := os.WriteFile(path, []byte(mbox), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"inspect", "report", "loops"} {
		t.Run(cmd, func(t *testing.T) {
			ios, _, _, errOut := TestIOStreams()
			ios.SetTTY(false, false, true)
			clock := time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)
			ios.SetClock(func() time.Time { clock = clock.Add(100 * time.Millisecond); return clock })
			Run(t.Context(), NewRootCmd(ios, "1", "c"), ios, []string{cmd, "--format", "json", "-j", "1", path})
			got := errOut.String()
			if !strings.Contains(got, "\rreading: ") || !strings.Contains(got, "%, ") || !strings.Contains(got, " left") {
				t.Errorf("no progress with percentage and time left: %q", got)
			}
			if cmd != "loops" && !strings.Contains(got, "bounce: "+path+" message ") {
				t.Errorf("no warning: %q", got)
			}
			for i := strings.Index(got, "bounce: "); i >= 0; {
				if before := got[:i]; strings.Contains(before, "\rreading: ") && !strings.HasSuffix(before, "\r") && !strings.HasSuffix(before, "\n") {
					t.Errorf("a warning written after the progress line: %q", got[max(0, i-60):i+20])
				}
				j := strings.Index(got[i+1:], "bounce: ")
				if j < 0 {
					break
				}
				i += j + 1
			}
			last := got[strings.LastIndexByte(got, '\r'):]
			if strings.Contains(got, "\rreading") && strings.Contains(last, "reading") {
				t.Errorf("progress line not cleared at the end: %q", last)
			}
		})
	}
}

func TestVersionFromBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/bounce-tool/bounce", Version: "v1.4.0"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0fa34b2c9d1e8f7a6b5c4d3e2f1a0b9c8d7e6f5a"}, {Key: "vcs.modified", Value: "true"}}}
	if v, c := fromBuildInfo("dev", "none", bi); v != "1.4.0" || c != "0fa34b2c9d1e-dirty" {
		t.Errorf("unstamped build: %s %s", v, c)
	}
	if v, c := fromBuildInfo("2.0.0", "abc1234", bi); v != "2.0.0" || c != "abc1234" {
		t.Errorf("stamped build: %s %s", v, c)
	}
	bi.Main.Version = "(devel)"
	if v, _ := fromBuildInfo("dev", "none", bi); v != "dev" {
		t.Errorf("devel build: %s", v)
	}
}

func TestColorAlwaysBeatsNoColor(t *testing.T) {
	inRepoRoot(t)
	t.Setenv("NO_COLOR", "1")
	res := runCLI(t, []string{"inspect", "--color", "always", "testdata/eml/postfix/user-unknown.eml"}, "", false)
	if !strings.Contains(res.out, "\x1b[") {
		t.Errorf("--color always with NO_COLOR set: no colour in %q", res.out)
	}
	t.Setenv("NO_COLOR", "1")
	res = runCLI(t, []string{"inspect", "testdata/eml/postfix/user-unknown.eml"}, "", true)
	if strings.Contains(res.out, "\x1b[") {
		t.Errorf("NO_COLOR on a terminal: colour in %q", res.out)
	}
}

// TestEnumFlagsComplete: --format, --fail-on and --color complete in the
// shells (cobra's __complete is what bash, zsh and fish call).
func TestEnumFlagsComplete(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"__complete", "inspect", "--format", ""}, "auto\ntext\ntable\njson\nndjson\ncsv\n:4\n"},
		{[]string{"__complete", "report", "--fail-on", ""}, "permanent\ntemporary\nany\nerror\n:4\n"},
		{[]string{"__complete", "loops", "--color", ""}, "auto\nalways\nnever\n:4\n"},
	} {
		if res := runCLI(t, tc.args, "", false); res.out != tc.want {
			t.Errorf("%q: %q, want %q", tc.args, res.out, tc.want)
		}
	}
}
