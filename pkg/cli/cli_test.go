package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/internal/golden"
	"github.com/mattn/go-runewidth"
)

// repoRoot is where testdata lives; tests run from there so that records
// carry the same source paths as a user's command in the README would.
const repoRoot = "../.."

type cliResult struct {
	out, errOut string
	code        int
}

// runCLI runs bounce with args, stdin and terminal flags, from the repo root.
func runCLI(t *testing.T, args []string, stdin string, tty bool) cliResult {
	t.Helper()
	ios, in, out, errOut := TestIOStreams()
	in.WriteString(stdin)
	ios.SetTTY(tty, tty, tty)
	root := NewRootCmd(ios, "1.2.3", "abc1234")
	code := Run(context.Background(), root, ios, args)
	return cliResult{out: out.String(), errOut: errOut.String(), code: code}
}

// inRepoRoot runs the test from the repository root, with no user
// configuration file in reach.
func inRepoRoot(t *testing.T) {
	t.Helper()
	t.Chdir(repoRoot)
	t.Setenv("NO_COLOR", "")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
}

func decodeNDJSON(t *testing.T, s string) []bounce.Record {
	t.Helper()
	var recs []bounce.Record
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		if line == "" {
			continue
		}
		var r bounce.Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("not JSON: %q: %v", line, err)
		}
		recs = append(recs, r)
	}
	return recs
}

// TestGoldenEML checks `bounce inspect --json` on every testdata message
// against the golden file beside it.
func TestGoldenEML(t *testing.T) {
	inRepoRoot(t)
	files, err := filepath.Glob("testdata/eml/*/*.eml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimPrefix(f, "testdata/eml/"), func(t *testing.T) {
			res := runCLI(t, []string{"inspect", "--json", f}, "", false)
			if res.code != 0 {
				t.Fatalf("exit %d, stderr %q", res.code, res.errOut)
			}
			golden.Check(t, strings.TrimSuffix(f, ".eml")+".golden.json", []byte(res.out))
		})
	}
}

func TestGoldenMbox(t *testing.T) {
	inRepoRoot(t)
	res := runCLI(t, []string{"inspect", "--format", "ndjson", "testdata/mbox/small.mbox"}, "", false)
	if res.code != 0 {
		t.Fatalf("exit %d, stderr %q", res.code, res.errOut)
	}
	golden.Check(t, "testdata/mbox/small.golden.ndjson", []byte(res.out))
	if want := "bounce: 4 messages read, 4 records for 4 messages:"; !strings.HasPrefix(res.errOut, want) {
		t.Errorf("stderr = %q, want a summary starting %q", res.errOut, want)
	}
}

// TestMboxEqualsSingleMessages: an mbox gives the same records as its
// messages inspected one by one (source, index and path aside).
func TestMboxEqualsSingleMessages(t *testing.T) {
	inRepoRoot(t)
	whole := decodeNDJSON(t, runCLI(t, []string{"inspect", "--format", "ndjson", "testdata/mbox/small.mbox"}, "", false).out)
	var single []bounce.Record
	for _, f := range []string{"testdata/eml/postfix/user-unknown.eml", "testdata/eml/other/customer-reply.eml",
		"testdata/eml/autoreply/out-of-office.eml", "testdata/eml/exim/mailbox-full.eml"} {
		single = append(single, decodeNDJSON(t, runCLI(t, []string{"inspect", "--format", "ndjson", f}, "", false).out)...)
	}
	if len(whole) != len(single) {
		t.Fatalf("mbox gave %d records, single files %d", len(whole), len(single))
	}
	for i := range whole {
		if whole[i].Index != i+1 {
			t.Errorf("record %d has index %d", i, whole[i].Index)
		}
		a, b := whole[i], single[i]
		a.Source, a.Index, a.Path, b.Source, b.Index, b.Path = "", 0, "", "", 0, ""
		if !jsonEqual(a, b) {
			t.Errorf("record %d differs:\nmbox:   %+v\nsingle: %+v", i+1, a, b)
		}
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestStdin(t *testing.T) {
	inRepoRoot(t)
	mbox, _ := os.ReadFile("testdata/mbox/small.mbox")
	eml, _ := os.ReadFile("testdata/eml/sendmail/host-unknown.eml")
	tests := []struct {
		name    string
		args    []string
		stdin   string
		records int
	}{
		{"mbox on stdin", []string{"inspect", "--format", "ndjson"}, string(mbox), 4},
		{"dash", []string{"inspect", "--format", "ndjson", "-"}, string(mbox), 4},
		{"single message", []string{"inspect", "--format", "ndjson", "-"}, string(eml), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runCLI(t, tc.args, tc.stdin, false)
			recs := decodeNDJSON(t, res.out)
			if res.code != 0 || len(recs) != tc.records {
				t.Fatalf("exit %d, %d records, want 0 and %d; stderr %q", res.code, len(recs), tc.records, res.errOut)
			}
			for _, r := range recs {
				if r.Source != "-" {
					t.Errorf("source = %q, want -", r.Source)
				}
			}
		})
	}
}

func TestFormats(t *testing.T) {
	inRepoRoot(t)
	f := "testdata/eml/rfc3464/mixed-results.eml"
	tests := []struct {
		name string
		args []string
		tty  bool
	}{
		{"text", []string{"inspect", "--format", "text", f}, false},
		{"card-tty", []string{"inspect", "--color", "never", f}, true},
		{"table", []string{"inspect", "--format", "table", "testdata/mbox/small.mbox"}, false},
		{"table-tty", []string{"inspect", "--color", "never", "testdata/mbox/small.mbox"}, true},
		{"csv", []string{"inspect", "--format", "csv", f}, false},
		{"card-why", []string{"inspect", "--format", "text", "--why", "testdata/eml/postfix/user-unknown.eml"}, false},
		{"table-why", []string{"inspect", "--format", "table", "--why", "testdata/mbox/small.mbox"}, false},
		{"ndjson", []string{"inspect", "--format", "ndjson", f}, false},
		{"explain", []string{"explain", "550 5.1.1"}, false},
		{"explain-unregistered", []string{"explain", "5.7.515"}, false},
		{"explain-json", []string{"explain", "--json", "4.2.2"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runCLI(t, tc.args, "", tc.tty)
			if res.code != 0 {
				t.Fatalf("exit %d, stderr %q", res.code, res.errOut)
			}
			if strings.Contains(res.out, "\x1b[") {
				t.Errorf("colour escapes in output without --color always")
			}
			golden.Check(t, filepath.Join("pkg/cli/testdata", tc.name+".golden"), []byte(res.out))
		})
	}
}

func TestJSONIsOneArray(t *testing.T) {
	inRepoRoot(t)
	files, _ := filepath.Glob("testdata/eml/*/*.eml")
	res := runCLI(t, append([]string{"inspect", "--json"}, files...), "", false)
	var recs []bounce.Record
	if err := json.Unmarshal([]byte(res.out), &recs); err != nil {
		t.Fatalf("not one JSON array: %v", err)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.Source] = true
	}
	if len(seen) != len(files) {
		t.Errorf("records name %d sources, want %d", len(seen), len(files))
	}
	empty := runCLI(t, []string{"inspect", "--json", "testdata/eml/other/customer-reply.eml"}, "", false)
	if !strings.HasPrefix(empty.out, "[\n{") {
		t.Errorf("json output = %q", empty.out)
	}
}

func TestColor(t *testing.T) {
	inRepoRoot(t)
	f := "testdata/eml/postfix/user-unknown.eml"
	always := runCLI(t, []string{"inspect", "--color", "always", f}, "", false)
	if !strings.Contains(always.out, "\x1b[31;1mpermanent") {
		t.Errorf("--color always: no red permanent class in %q", always.out)
	}
	tty := runCLI(t, []string{"inspect", f}, "", true)
	if !strings.Contains(tty.out, "\x1b[") {
		t.Errorf("terminal: no colour")
	}
	t.Setenv("NO_COLOR", "1")
	noColor := runCLI(t, []string{"inspect", f}, "", true)
	if strings.Contains(noColor.out, "\x1b[") {
		t.Errorf("NO_COLOR set: colour escapes in output")
	}
	never := runCLI(t, []string{"inspect", "--color", "never", f}, "", true)
	if strings.Contains(never.out, "\x1b[") {
		t.Errorf("--color never: colour escapes in output")
	}
	js := runCLI(t, []string{"inspect", "--color", "always", "--json", f}, "", true)
	if strings.Contains(js.out, "\x1b[") {
		t.Errorf("JSON must never be coloured")
	}
}

func TestExitCodes(t *testing.T) {
	inRepoRoot(t)
	checkExits(t, []exitCase{
		{"ok", []string{"inspect", "--json", "testdata/eml/exim/mailbox-full.eml"}, "", false, 0, ""},
		{"fail-on permanent", []string{"inspect", "--json", "--fail-on", "permanent", "testdata/eml/exim/mailbox-full.eml"}, "", false, 3, ""},
		{"fail-on temporary not matched", []string{"inspect", "--json", "--fail-on", "temporary", "testdata/eml/exim/mailbox-full.eml"}, "", false, 0, ""},
		{"fail-on temporary", []string{"inspect", "--json", "--fail-on", "temporary", "testdata/eml/rfc3464/delayed.eml"}, "", false, 3, ""},
		{"fail-on any", []string{"inspect", "--json", "--fail-on", "any", "testdata/eml/rfc3464/delayed.eml"}, "", false, 3, ""},
		{"unreadable path", []string{"inspect", "--json", "testdata/no-such-file.eml", "testdata/eml/exim/mailbox-full.eml"}, "", false, 1, "no-such-file.eml"},
		{"bad format", []string{"inspect", "--format", "yaml", "x"}, "", false, 2, "invalid value \"yaml\" for --format"},
		{"bad fail-on", []string{"inspect", "--fail-on", "sometimes", "x"}, "", false, 2, "--fail-on"},
		{"unknown flag", []string{"inspect", "--nope"}, "", false, 2, "unknown flag"},
		{"json and format", []string{"inspect", "--json", "--format", "csv", "x"}, "", false, 2, "none of the others"},
		{"no input on a terminal", []string{"inspect"}, "", true, 2, "no input"},
		{"explain nonsense", []string{"explain", "hello"}, "", false, 2, "not a code"},
		{"bad color", []string{"inspect", "--color", "pink", "x"}, "", false, 2, "--color"},
		{"unknown command", []string{"frobnicate"}, "", false, 2, "unknown command"},
	}, func(t *testing.T, tc exitCase, out string) {
		if tc.code == 3 || tc.code == 1 {
			var recs []bounce.Record
			if err := json.Unmarshal([]byte(out), &recs); err != nil || len(recs) == 0 {
				t.Errorf("with exit %d the JSON must still be complete: %v, %q", tc.code, err, out)
			}
		}
	})
}

// TestMissingPathIsAnError: a path that does not exist is an error line
// and exit 1, not a record; the other inputs are read.
func TestMissingPathIsAnError(t *testing.T) {
	inRepoRoot(t)
	res := runCLI(t, []string{"inspect", "--format", "ndjson", "testdata/missing.eml", "testdata/eml/exim/mailbox-full.eml"}, "", false)
	recs := decodeNDJSON(t, res.out)
	if len(recs) != 1 || recs[0].Source != "testdata/eml/exim/mailbox-full.eml" {
		t.Fatalf("records = %+v", recs)
	}
	if res.code != ExitError || !strings.Contains(res.errOut, "bounce: testdata/missing.eml: no such file or directory\n") {
		t.Errorf("exit %d, stderr %q: want 1 and the path named", res.code, res.errOut)
	}
}

func TestDirectoryAndMaildir(t *testing.T) {
	inRepoRoot(t)
	dir := t.TempDir()
	md := filepath.Join(dir, "Maildir")
	for _, sub := range []string{"cur", "new", "tmp"} {
		os.MkdirAll(filepath.Join(md, sub), 0o755)
	}
	copyFile(t, "testdata/eml/exim/mailbox-full.eml", filepath.Join(md, "cur", "1700000002.M2.host:2,S"))
	copyFile(t, "testdata/eml/postfix/user-unknown.eml", filepath.Join(md, "new", "1700000001.M1.host"))
	copyFile(t, "testdata/eml/other/customer-reply.eml", filepath.Join(md, "tmp", "1700000003.M3.host"))
	res := runCLI(t, []string{"inspect", "--format", "ndjson", md}, "", false)
	recs := decodeNDJSON(t, res.out)
	if len(recs) != 2 || recs[0].Recipient != "jane.doe@customer-mail.example" || recs[1].Recipient != "marta.k@inbox.example.net" {
		t.Fatalf("Maildir records out of order or wrong: %+v", recs)
	}
	if recs[0].Source != md || recs[1].Index != 2 {
		t.Errorf("source/index = %q/%d, %q/%d", recs[0].Source, recs[0].Index, recs[1].Source, recs[1].Index)
	}
	// A plain folder, nested, with an mbox inside: sorted walk, indexes run on.
	plain := filepath.Join(dir, "plain")
	os.MkdirAll(filepath.Join(plain, "b"), 0o755)
	copyFile(t, "testdata/eml/sendmail/host-unknown.eml", filepath.Join(plain, "a.eml"))
	copyFile(t, "testdata/mbox/small.mbox", filepath.Join(plain, "b", "box"))
	copyFile(t, "testdata/eml/exim/mailbox-full.eml", filepath.Join(plain, "c.eml"))
	recs = decodeNDJSON(t, runCLI(t, []string{"inspect", "--format", "ndjson", plain}, "", false).out)
	if len(recs) != 6 {
		t.Fatalf("got %d records, want 6", len(recs))
	}
	for i, r := range recs {
		if r.Index != i+1 {
			t.Errorf("record %d index %d", i, r.Index)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestJobsOutputIdentical(t *testing.T) {
	inRepoRoot(t)
	files, _ := filepath.Glob("testdata/eml/*/*.eml")
	args := append([]string{"inspect", "--format", "ndjson", "testdata/mbox/small.mbox"}, files...)
	one := runCLI(t, append(args, "--jobs", "1"), "", false).out
	many := runCLI(t, append(args, "--jobs", "8"), "", false).out
	if one != many {
		t.Errorf("--jobs 1 and --jobs 8 differ:\n%s", golden.Diff(one, many))
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		res := runCLI(t, args, "", false)
		if res.out != "bounce 1.2.3 (commit abc1234)\n" {
			t.Errorf("%v printed %q", args, res.out)
		}
	}
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		res := runCLI(t, []string{"completion", shell}, "", false)
		if res.code != 0 || !strings.Contains(res.out, "bounce") {
			t.Errorf("completion %s: exit %d, %d bytes", shell, res.code, len(res.out))
		}
	}
}

func TestOutputSafety(t *testing.T) {
	got := safe("ok\x1b[31mred\x1b]8;;http://evil\x07link\u202etxt")
	if strings.ContainsAny(got, "\x1b\x07\u202e") {
		t.Errorf("safe left control characters: %q", got)
	}
	for _, in := range []string{"=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx"} {
		if got := csvSafe(in); !strings.HasPrefix(got, "'") {
			t.Errorf("csvSafe(%q) = %q, want a leading apostrophe", in, got)
		}
	}
}

// exitCase is one run of the command line with the exit status it must
// end with and a phrase its standard error must contain.
type exitCase struct {
	name      string
	args      []string
	stdin     string
	stdinTTY  bool
	code      int
	errSubstr string
}

// checkExits runs each case from a fresh root command. check, when not nil,
// looks at the standard output of every run.
func checkExits(t *testing.T, cases []exitCase, check func(t *testing.T, tc exitCase, out string)) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ios, in, out, errOut := TestIOStreams()
			in.WriteString(tc.stdin)
			ios.SetTTY(tc.stdinTTY, false, false)
			code := Run(context.Background(), NewRootCmd(ios, "1.2.3", "abc1234"), ios, tc.args)
			if code != tc.code {
				t.Errorf("exit status = %d, want %d (stderr %q)", code, tc.code, errOut.String())
			}
			if !strings.Contains(errOut.String(), tc.errSubstr) {
				t.Errorf("stderr = %q, want it to mention %q", errOut.String(), tc.errSubstr)
			}
			if check != nil {
				check(t, tc, out.String())
			}
		})
	}
}

// TestTableFitsTerminal: on a terminal the inspect table is one line a
// record, or one block a record when the key columns cannot fit, and never
// wider than the terminal; every recipient, status, reason and ticket shows
// whole.
func TestTableFitsTerminal(t *testing.T) {
	inRepoRoot(t)
	files, _ := filepath.Glob("testdata/eml/*/*.eml")
	recs := decodeNDJSON(t, runCLI(t, append([]string{"inspect", "--format", "ndjson"}, files...), "", false).out)
	for _, width := range []int{60, 80, 100, 120, 160, 240} {
		ios, _, out, _ := TestIOStreams()
		ios.SetTTY(false, true, false)
		ios.SetWidth(width)
		code := Run(context.Background(), NewRootCmd(ios, "1.2.3", "abc1234"), ios,
			append([]string{"inspect", "--color", "never", "--format", "table"}, files...))
		if code != 0 {
			t.Fatalf("width %d: exit %d", width, code)
		}
		text := out.String()
		lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
		var rows, blocks int
		for _, l := range lines {
			if w := runewidth.StringWidth(l); w > width {
				t.Errorf("width %d: a line of %d columns: %q", width, w, l)
				break
			}
			if strings.HasPrefix(l, "│ ") {
				rows++
			}
			if strings.HasPrefix(l, "message ") {
				blocks++
			}
		}
		if rows > 0 {
			rows-- // the header
		}
		if rows+blocks != len(recs) || rows > 0 && blocks > 0 {
			t.Errorf("width %d: %d table rows and %d blocks, want one of them per record (%d)", width, rows, blocks, len(recs))
		}
		for _, r := range recs {
			for _, v := range []string{r.Recipient, r.Status.String(), r.Reason, ticketLabel(r.Ticket)} {
				if v != "" && !strings.Contains(text, v) {
					t.Errorf("width %d: %q is not shown whole", width, v)
				}
			}
		}
	}
}

// TestColorInferred checks the dim " (inferred)" note of a card: the escape
// sequences reach the terminal as they are, not as U+FFFD.
func TestColorInferred(t *testing.T) {
	inRepoRoot(t)
	f := "testdata/eml/apachejames/invalid-user.eml" // status_source inferred
	res := runCLI(t, []string{"inspect", "--color", "always", "--format", "text", f}, "", false)
	if res.code != 0 {
		t.Fatalf("exit %d, stderr %q", res.code, res.errOut)
	}
	if strings.ContainsRune(res.out, '\uFFFD') {
		t.Errorf("U+FFFD in the card: %q", res.out)
	}
	if !strings.Contains(res.out, "5.1.1 Bad destination mailbox address\x1b[2m (inferred)\x1b[22m") {
		t.Errorf("no dim (inferred) note in %q", res.out)
	}
	plain := runCLI(t, []string{"inspect", "--color", "never", "--format", "text", f}, "", false)
	if !strings.Contains(plain.out, "5.1.1 Bad destination mailbox address (inferred)\n") {
		t.Errorf("--color never: no (inferred) note in %q", plain.out)
	}
}

// countingWriter counts the writes that reach it.
type countingWriter struct {
	bytes.Buffer
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.Buffer.Write(p)
}

// TestOutputBuffered: records written one message at a time (inspect's
// csv) or all at once (loops' ndjson) go out in blocks, not a write per
// message or record; on a terminal inspect shows each message as it comes.
func TestOutputBuffered(t *testing.T) {
	inRepoRoot(t)
	const mbox = "testdata/mbox/small.mbox"
	run := func(tty bool, args ...string) *countingWriter {
		t.Helper()
		ios, _, _, errOut := TestIOStreams()
		out := &countingWriter{}
		ios.Out = out
		ios.SetTTY(false, tty, false)
		if code := Run(context.Background(), NewRootCmd(ios, "1.2.3", "abc1234"), ios, args); code != 0 {
			t.Fatalf("%q: exit %d, stderr %q", args, code, errOut.String())
		}
		return out
	}
	for _, args := range [][]string{
		{"inspect", "--format", "csv", mbox},
		{"loops", "--format", "ndjson", mbox},
	} {
		if out := run(false, args...); out.writes != 1 {
			t.Errorf("%q off a terminal: %d writes, want 1", args, out.writes)
		}
	}
	piped := run(false, "inspect", "--format", "csv", mbox)
	tty := run(true, "inspect", "--format", "csv", mbox)
	if tty.writes < 2 || tty.String() != piped.String() {
		t.Errorf("csv on a terminal: %d writes (want one per message), same output %v", tty.writes, tty.String() == piped.String())
	}
}
