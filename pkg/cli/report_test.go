package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bounce-tool/bounce/pkg/status"

	"github.com/bounce-tool/bounce/pkg/internal/golden"
	"github.com/bounce-tool/bounce/pkg/report"
)

// testdataMbox assembles an mbox from every testdata message, in sorted
// order, with mboxrd escaping, the way an export of a bounce folder looks.
func testdataMbox(t *testing.T) string {
	t.Helper()
	files, err := filepath.Glob("testdata/eml/*/*.eml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	sort.Strings(files)
	var b strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		msg := strings.ReplaceAll(string(data), "\r\n", "\n")
		fmt.Fprintf(&b, "From MAILER-DAEMON Mon Sep 16 12:00:00 2024\n")
		for _, line := range strings.SplitAfter(msg, "\n") {
			if strings.HasPrefix(strings.TrimLeft(line, ">"), "From ") {
				b.WriteString(">")
			}
			b.WriteString(line)
		}
		if !strings.HasSuffix(msg, "\n") {
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestReportGolden(t *testing.T) {
	inRepoRoot(t)
	mbox := testdataMbox(t)
	tests := []struct {
		name string
		args []string
		tty  bool
	}{
		{"report-text", []string{"report"}, false},
		{"report-tty", []string{"report", "--color", "never", "-"}, true},
		{"report-markdown", []string{"report", "--format", "markdown", "--max-permanent", "3"}, false},
		{"report-json", []string{"report", "--format", "json", "--top", "3"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runCLI(t, tc.args, mbox, tc.tty)
			if res.code != 0 && res.code != ExitThreshold {
				t.Fatalf("exit %d, stderr %q", res.code, res.errOut)
			}
			if strings.Contains(res.out, "\x1b[") {
				t.Errorf("colour escapes in output without --color always")
			}
			golden.Check(t, filepath.Join("pkg/cli/testdata", tc.name+".golden"), []byte(res.out))
		})
	}
}

// TestReportTotalsMatchInspect: the report's totals are inspect's records
// counted, and its groups are the distinct groups of inspect's bounces.
func TestReportTotalsMatchInspect(t *testing.T) {
	inRepoRoot(t)
	mbox := testdataMbox(t)
	recs := decodeNDJSON(t, runCLI(t, []string{"inspect", "--format", "ndjson"}, mbox, false).out)
	res := runCLI(t, []string{"report", "--json"}, mbox, false)
	var rep report.Report
	if err := json.Unmarshal([]byte(res.out), &rep); err != nil {
		t.Fatalf("report --json is not JSON: %v\n%s", err, res.out)
	}
	var want report.Totals
	messages := map[int]bool{}
	groups := map[string]bool{}
	for _, r := range recs {
		messages[r.Index] = true
		want.Records++
		switch r.Kind {
		case "bounce":
			want.Bounces++
			groups[r.Group] = true
			switch r.Class {
			case status.ClassPermanent:
				want.Permanent++
			case status.ClassTemporary:
				want.Temporary++
			case status.ClassSuccess:
				want.Success++
			default:
				want.Unknown++
			}
		case "feedback":
			want.Feedback++
		case "autoreply":
			want.Autoreply++
		case "other":
			want.Other++
		case "error":
			want.Errors++
		}
	}
	want.Messages = len(messages)
	if rep.Totals != want {
		t.Errorf("report totals = %+v, inspect's records give %+v", rep.Totals, want)
	}
	if rep.Failures.Groups != len(groups) {
		t.Errorf("report groups = %d, inspect's bounces have %d distinct groups", rep.Failures.Groups, len(groups))
	}
	if rep.Version != report.Version || rep.Failures.Failed >= rep.Totals.Permanent+rep.Totals.Temporary {
		t.Errorf("version %d, %d failures from %d failure records: want the delay and its failure counted once",
			rep.Version, rep.Failures.Failed, rep.Totals.Permanent+rep.Totals.Temporary)
	}
}

// TestReportJobs: the report does not depend on the number of workers.
func TestReportJobs(t *testing.T) {
	inRepoRoot(t)
	mbox := testdataMbox(t)
	one := runCLI(t, []string{"report", "--json", "-j", "1"}, mbox, false)
	four := runCLI(t, []string{"report", "--json", "-j", "4"}, mbox, false)
	if one.code != 0 || one.out != four.out {
		t.Errorf("-j 1 and -j 4 differ (exit %d):\n%s", one.code, golden.Diff(one.out, four.out))
	}
}

func TestReportGate(t *testing.T) {
	inRepoRoot(t)
	mbox := testdataMbox(t)
	tests := []struct {
		name      string
		args      []string
		code      int
		errSubstr string
	}{
		{"no gate", nil, 0, ""},
		{"fail-on permanent", []string{"--fail-on", "permanent"}, 3, ""},
		{"fail-on any", []string{"--fail-on", "any"}, 3, ""},
		{"fail-on error", []string{"--fail-on", "error"}, 0, ""},
		{"max-permanent not reached", []string{"--max-permanent", "1000"}, 0, ""},
		{"max-permanent exceeded", []string{"--max-permanent", "2"}, 3, ""},
		{"rate not exceeded", []string{"--max-permanent-rate", "1"}, 0, ""},
		{"rate exceeded", []string{"--max-permanent-rate", "0.05"}, 3, ""},
		{"rate out of range", []string{"--max-permanent-rate", "5"}, 2, "--max-permanent-rate"},
		{"negative max", []string{"--max-permanent", "-1"}, 2, "--max-permanent"},
		{"json and format", []string{"--format", "markdown"}, 2, "none of the others"},
		{"bad fail-on", []string{"--fail-on", "often"}, 2, "--fail-on"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runCLI(t, append([]string{"report", "--json"}, tc.args...), mbox, false)
			if res.code != tc.code || !strings.Contains(res.errOut, tc.errSubstr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", res.code, res.errOut, tc.code, tc.errSubstr)
			}
			if tc.code == ExitUsage {
				return
			}
			var rep report.Report
			if err := json.Unmarshal([]byte(res.out), &rep); err != nil {
				t.Fatalf("output is not the whole report: %v", err)
			}
			if rep.Gate.Exceeded != (tc.code == ExitThreshold) {
				t.Errorf("gate = %+v, exit %d", rep.Gate, res.code)
			}
		})
	}
	text := runCLI(t, []string{"report", "--max-permanent", "2"}, mbox, false)
	if bad := runCLI(t, []string{"report", "--format", "yaml"}, mbox, false); bad.code != ExitUsage || !strings.Contains(bad.errOut, "--format") {
		t.Errorf("--format yaml: exit %d, stderr %q", bad.code, bad.errOut)
	}
	if !strings.Contains(text.out, "Gate\n  Exceeded: ") || text.code != ExitThreshold {
		t.Errorf("text report does not say the gate was exceeded:\n%s", text.out)
	}
}

func TestReportColor(t *testing.T) {
	inRepoRoot(t)
	mbox := testdataMbox(t)
	res := runCLI(t, []string{"report", "--color", "always", "-"}, mbox, true)
	if !strings.Contains(res.out, "\x1b[31;1m"+barPermanent) || !strings.Contains(res.out, "\x1b[33;1m"+barTemporary) {
		t.Errorf("--color always: no red permanent and yellow temporary bars")
	}
	if !strings.Contains(res.out, "\x1b[1mBounce report\x1b[22m\n") || !strings.Contains(res.out, "\x1b[1mTotals\x1b[22m\n") {
		t.Errorf("--color always on a terminal: no bold title and sections")
	}
	if out := runCLI(t, []string{"report", "--color", "always", "-"}, mbox, false).out; !strings.HasPrefix(out, "Bounce report\n") {
		t.Errorf("plain text: the title is not plain: %q", out[:min(len(out), 40)])
	}
	for _, format := range []string{"json", "markdown"} {
		if out := runCLI(t, []string{"report", "--color", "always", "--format", format, "-"}, mbox, true).out; strings.Contains(out, "\x1b[") {
			t.Errorf("--format %s has colour escapes", format)
		}
	}
}

// TestProgress: a progress line on a terminal's stderr, cleared at the end;
// nothing on a pipe.
func TestProgress(t *testing.T) {
	inRepoRoot(t)
	t.Setenv("CI", "")
	mbox := testdataMbox(t)
	run := func(errTTY bool) string {
		ios, in, _, errOut := TestIOStreams()
		in.WriteString(mbox)
		ios.SetTTY(false, false, errTTY)
		clock := time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)
		ios.SetClock(func() time.Time { clock = clock.Add(100 * time.Millisecond); return clock })
		code := Run(t.Context(), NewRootCmd(ios, "1", "c"), ios, []string{"report", "--json", "-j", "1"})
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		return errOut.String()
	}
	tty := run(true)
	if !strings.HasPrefix(tty, "\rreading: ") || !strings.Contains(tty, " messages, ") || !strings.Contains(tty, " MB/s") {
		t.Errorf("terminal stderr = %q, want progress lines", tty)
	}
	last := tty[strings.LastIndexByte(tty[:len(tty)-1], '\r'):]
	if strings.Trim(last, "\r ") != "" {
		t.Errorf("progress line not cleared at the end: %q", last)
	}
	if pipe := run(false); pipe != "" {
		t.Errorf("stderr on a pipe = %q, want nothing", pipe)
	}
	t.Setenv("CI", "true")
	if ci := run(true); ci != "" {
		t.Errorf("stderr on a terminal with CI set = %q, want nothing", ci)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -5: "-5"} {
		if got := report.Thousands(n); got != want {
			t.Errorf("report.Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
