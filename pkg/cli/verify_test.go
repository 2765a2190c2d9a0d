package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bounce-tool/bounce/pkg/status"

	"github.com/bounce-tool/bounce/pkg/internal/golden"
	"github.com/bounce-tool/bounce/pkg/verify"
	"github.com/bounce-tool/bounce/pkg/verify/verifytest"
	"github.com/google/go-cmp/cmp"
)

// verifyArgs starts the loopback test world of package verifytest and
// returns the verify command line that uses it, with generous timeouts:
// the machine may be busy.
func verifyArgs(t *testing.T) []string {
	t.Helper()
	d := verifytest.StartDNS(t)
	s := verifytest.StartSMTP(t)
	return []string{"verify", "--smtp", "--allow-private", "--probe-interval", "1ms", "--dns", d.Addr, "--smtp-port", strconv.Itoa(s.Port),
		"--helo", "probe.test", "--timeout", "10s", "--dns-timeout", "5s"}
}

func decodeResults(t *testing.T, ndjson string) []verify.Result {
	t.Helper()
	var rs []verify.Result
	for _, line := range strings.Split(strings.TrimSpace(ndjson), "\n") {
		if line == "" {
			continue
		}
		var r verify.Result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("not JSON: %q: %v", line, err)
		}
		rs = append(rs, r)
	}
	return rs
}

// verifyCases are the servers of the test world, one address each; they
// run in one command, so the results also show the input order is kept.
var verifyCases = []struct {
	address                 string
	verdict, reason, class  string
	catchAll, role, hasSMTP bool
}{
	{"alice@users.test", "deliverable", "", "success", false, false, true},
	{"nobody@users.test", "undeliverable", "userunknown", "permanent", false, false, true},
	{"postmaster@users.test", "risky", "", "unknown", false, true, true},
	{"anyone@catchall.test", "risky", "", "unknown", true, false, true},
	{"x@grey.test", "unknown", "ratelimited", "temporary", false, false, true},
	{"alice@amx.test", "deliverable", "", "success", false, false, true},
	{"a@nullmx.test", "undeliverable", "notaccept", "permanent", false, false, false},
	{"a@nx.test", "undeliverable", "hostunknown", "permanent", false, false, false},
	{"a@servfail.test", "unknown", "networkerror", "temporary", false, false, false},
	{"user@bücher.example", "deliverable", "", "success", false, false, true},
	{"alice.users.test", "undeliverable", "syntaxerror", "permanent", false, false, false},
}

func verifyCaseAddresses() []string {
	var addrs []string
	for _, tc := range verifyCases {
		addrs = append(addrs, tc.address)
	}
	return addrs
}

func TestVerifyVerdicts(t *testing.T) {
	args := append(verifyArgs(t), "--format", "ndjson")
	res := runCLI(t, append(args, verifyCaseAddresses()...), "", false)
	if res.code != 0 {
		t.Fatalf("exit %d, stderr %q", res.code, res.errOut)
	}
	rs := decodeResults(t, res.out)
	if len(rs) != len(verifyCases) {
		t.Fatalf("got %d records, want %d:\n%s", len(rs), len(verifyCases), res.out)
	}
	for i, tc := range verifyCases {
		r := rs[i]
		if r.Address != tc.address {
			t.Errorf("record %d is for %q, want %q", i, r.Address, tc.address)
			continue
		}
		if string(r.Verdict) != tc.verdict || r.Reason != tc.reason || r.Class.String() != tc.class {
			t.Errorf("verify %s = %s/%s/%s, want %s/%s/%s (error %q)", tc.address, r.Verdict, r.Reason, r.Class,
				tc.verdict, tc.reason, tc.class, r.Error)
		}
		if r.CatchAll != tc.catchAll || r.Role != tc.role || (r.SMTP != nil) != tc.hasSMTP {
			t.Errorf("verify %s: catch_all %v, role %v, smtp %v; want %v, %v, %v", tc.address,
				r.CatchAll, r.Role, r.SMTP != nil, tc.catchAll, tc.role, tc.hasSMTP)
		}
	}
	if r := rs[1]; r.SMTP == nil || r.SMTP.ReplyCode != 550 || r.SMTP.Status != "5.1.1" {
		t.Errorf("unknown user: SMTP = %+v, want the 550 5.1.1 reply", r.SMTP)
	}
	if want := "bounce: 11 addresses: 3 deliverable, 2 risky, 2 unknown (2 temporary), 4 undeliverable\n"; res.errOut != want {
		t.Errorf("stderr = %q, want %q", res.errOut, want)
	}
}

// TestVerifyHangingServer: a server that accepts the connection and never
// answers costs one --timeout, and the verdict says so.
func TestVerifyHangingServer(t *testing.T) {
	args := verifyArgs(t)
	args = append(args, "--timeout", "300ms", "--json", "a@hang.test")
	start := time.Now()
	res := runCLI(t, args, "", false)
	elapsed := time.Since(start)
	var rs []verify.Result
	if err := json.Unmarshal([]byte(res.out), &rs); err != nil || len(rs) != 1 {
		t.Fatalf("output %q: %v", res.out, err)
	}
	r := rs[0]
	if r.Verdict != verify.Unknown || r.Reason != "networkerror" || r.Class != status.ClassTemporary || !strings.Contains(r.Error, "timeout") {
		t.Errorf("silent server: %s/%s/%s %q, want unknown/networkerror/temporary and a timeout", r.Verdict, r.Reason, r.Class, r.Error)
	}
	if elapsed > 5*time.Second {
		t.Errorf("verify took %v with --timeout 300ms", elapsed)
	}
}

func TestVerifyFormats(t *testing.T) {
	base := verifyArgs(t)
	many := verifyCaseAddresses()
	tests := []struct {
		name string
		args []string
		tty  bool
	}{
		{"verify-card-tty", []string{"--color", "never", "nobody@users.test"}, true},
		{"verify-card", []string{"anyone@catchall.test"}, false},
		{"verify-table-tty", append([]string{"--color", "never"}, many...), true},
		{"verify-table", many, false},
		{"verify-json", append([]string{"--json"}, many...), false},
		{"verify-csv", append([]string{"--format", "csv"}, many...), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runCLI(t, append(append([]string{}, base...), tc.args...), "", tc.tty)
			if res.code != 0 {
				t.Fatalf("exit %d, stderr %q", res.code, res.errOut)
			}
			if strings.Contains(res.out, "\x1b[") {
				t.Errorf("colour escapes in output without --color always")
			}
			golden.Check(t, filepath.Join("testdata", tc.name+".golden"), []byte(res.out))
		})
	}
	// ndjson is json's array, one element a line.
	js := runCLI(t, append(append([]string{}, base...), append([]string{"--json"}, many...)...), "", false)
	nd := runCLI(t, append(append([]string{}, base...), append([]string{"--format", "ndjson"}, many...)...), "", false)
	var arr []json.RawMessage
	if err := json.Unmarshal([]byte(js.out), &arr); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(nd.out), "\n")
	if len(lines) != len(arr) {
		t.Fatalf("ndjson has %d lines, json %d elements", len(lines), len(arr))
	}
	for i := range lines {
		if !jsonEqual(json.RawMessage(lines[i]), arr[i]) {
			t.Errorf("ndjson line %d differs from json element:\n%s\n%s", i, lines[i], arr[i])
		}
	}
}

// dsnForTest is a delivery status notification written for these tests:
// one failed recipient at the test world and one delivered.
const dsnForTest = `From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: support@acme.example
Subject: Undelivered Mail Returned to Sender
Date: Mon, 2 Mar 2026 09:00:00 +0000
Message-ID: <dsn1@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

Your message could not be delivered to one recipient.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; nobody@users.test
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

Final-Recipient: rfc822; alice@users.test
Action: delivered
Status: 2.0.0

--b1--
`

func TestVerifyStdin(t *testing.T) {
	base := verifyArgs(t)
	dsn := filepath.Join(t.TempDir(), "dsn.eml")
	if err := os.WriteFile(dsn, []byte(dsnForTest), 0o644); err != nil {
		t.Fatal(err)
	}
	inspected := runCLI(t, []string{"inspect", "--format", "json", dsn}, "", false)
	if inspected.code != 0 {
		t.Fatalf("inspect: exit %d, %s", inspected.code, inspected.errOut)
	}
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  []string // address/verdict
	}{
		{"lines", []string{"-"}, "# to check\nalice@users.test\n\n  nobody@users.test  \n",
			[]string{"alice@users.test/deliverable", "nobody@users.test/undeliverable"}},
		{"csv", []string{"-"}, "name,address\nAlice,alice@users.test\n\"Doe, J\",a@nx.test\n",
			[]string{"alice@users.test/deliverable", "a@nx.test/undeliverable"}},
		{"inspect json", []string{"-"}, inspected.out, []string{"nobody@users.test/undeliverable"}},
		{"no argument, piped", nil, "alice@users.test\n", []string{"alice@users.test/deliverable"}},
		{"arguments around stdin", []string{"a@nx.test", "-", "alice@amx.test"}, "nobody@users.test\n",
			[]string{"a@nx.test/undeliverable", "nobody@users.test/undeliverable", "alice@amx.test/deliverable"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append(append([]string{}, base...), "--format", "ndjson"), tc.args...)
			res := runCLI(t, args, tc.stdin, false)
			if res.code != 0 {
				t.Fatalf("exit %d, stderr %q", res.code, res.errOut)
			}
			var got []string
			for _, r := range decodeResults(t, res.out) {
				got = append(got, r.Address+"/"+string(r.Verdict))
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("verify %v < %q = %q, want %q", tc.args, tc.stdin, got, tc.want)
			}
		})
	}
}

func TestVerifyExitCodes(t *testing.T) {
	base := verifyArgs(t)
	cases := []exitCase{
		{"ok", []string{"--json", "alice@users.test"}, "", false, 0, ""},
		{"fail-on undeliverable", []string{"--json", "--fail-on", "undeliverable", "alice@users.test", "nobody@users.test"}, "", false, 3, ""},
		{"fail-on undeliverable, none", []string{"--json", "--fail-on", "undeliverable", "alice@users.test", "x@grey.test"}, "", false, 0, ""},
		{"fail-on unknown", []string{"--json", "--fail-on", "unknown", "x@grey.test"}, "", false, 3, ""},
		{"fail-on risky", []string{"--json", "--fail-on", "risky", "anyone@catchall.test"}, "", false, 3, ""},
		{"fail-on risky, none", []string{"--json", "--fail-on", "risky", "nobody@users.test"}, "", false, 0, ""},
		{"fail-on any", []string{"--json", "--fail-on", "any", "alice@users.test", "anyone@catchall.test"}, "", false, 3, ""},
		{"fail-on any, all deliverable", []string{"--json", "--fail-on", "any", "alice@users.test"}, "", false, 0, ""},
		{"unreadable JSON on stdin", []string{"--json", "-"}, `[{"kind":"bounce","recipient":"nobody@users.test"}, {`, false, 1, "standard input"},
		{"empty stdin", []string{"--json"}, "", false, 0, "no addresses"},
		{"no input on a terminal", nil, "", true, 2, "no input"},
		{"stdin twice", []string{"-", "-"}, "", false, 2, "only once"},
		{"bad fail-on", []string{"--fail-on", "sometimes", "a@b.example"}, "", false, 2, "--fail-on"},
		{"bad format", []string{"--format", "yaml", "a@b.example"}, "", false, 2, "--format"},
		{"bad dns", []string{"--dns", "localhost", "a@b.example"}, "", false, 2, "--dns"},
		{"bad from", []string{"--from", "not an address", "a@b.example"}, "", false, 2, "--from"},
		{"bad helo", []string{"--helo", "two words", "a@b.example"}, "", false, 2, "--helo"},
		{"bad timeout", []string{"--timeout", "0s", "a@b.example"}, "", false, 2, "--timeout"},
		{"bad concurrency", []string{"--concurrency", "0", "a@b.example"}, "", false, 2, "--concurrency"},
		{"smtp and syntax-only", []string{"--syntax-only", "a@b.example"}, "", false, 2, "none of the others"},
	}
	for i := range cases {
		cases[i].args = append(append([]string{}, base...), cases[i].args...)
	}
	checkExits(t, cases, func(t *testing.T, tc exitCase, out string) {
		if tc.code == 0 || tc.code == 1 || tc.code == 3 {
			var rs []verify.Result
			if err := json.Unmarshal([]byte(out), &rs); err != nil {
				t.Errorf("with exit %d the JSON must still be complete: %v, %q", tc.code, err, out)
			}
			if tc.code == 1 && len(rs) != 1 {
				t.Errorf("the address read before the broken JSON was not verified: %q", out)
			}
		}
	})
}

// TestVerifyFlags checks that the flags reach the options, without running.
func TestVerifyFlags(t *testing.T) {
	ios, _, _, _ := TestIOStreams()
	var got *verifyOptions
	cmd := newVerifyCmd(ios, func(_ context.Context, o *verifyOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--smtp", "--from", "probe@acme.example", "--helo", "mx.acme.example", "--timeout", "3s",
		"--dns-timeout", "1s", "--concurrency", "2", "--dns", "127.0.0.1:5353", "--smtp-port", "2525", "--probe-interval", "250ms", "--allow-private", "--json", "a@b.example", "-"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.IO != ios {
		t.Errorf("options.IO is not the command's streams")
	}
	g := *got
	g.IO = nil
	want := verifyOptions{Addresses: []string{"a@b.example", "-"}, Format: "json", JSON: true, SMTP: true,
		From: "probe@acme.example", HELO: "mx.acme.example", Timeout: 3 * time.Second, DNSTimeout: time.Second,
		Concurrency: 2, DNS: "127.0.0.1:5353", SMTPPort: 2525, ProbeInterval: 250 * time.Millisecond, AllowPrivate: true}
	if diff := cmp.Diff(want, g); diff != "" {
		t.Errorf("options mismatch (-want +got):\n%s", diff)
	}
}

// TestVerifyOutputSafety: what an address holds never drives the terminal
// or a spreadsheet.
func TestVerifyOutputSafety(t *testing.T) {
	evil := "a\x1b[31m\u202e@example.com"
	for _, format := range []string{"text", "table"} {
		for _, tty := range []bool{false, true} {
			res := runCLI(t, []string{"verify", "--syntax-only", "--color", "never", "--format", format, evil, "=x@example.com"}, "", tty)
			if strings.ContainsAny(res.out, "\x1b\u202e") {
				t.Errorf("--format %s (tty %v) let control characters through: %q", format, tty, res.out)
			}
		}
	}
	res := runCLI(t, []string{"verify", "--syntax-only", "--format", "csv", "=x@example.com", evil}, "", false)
	if !strings.Contains(res.out, "\n'=x@example.com,") || strings.ContainsAny(res.out, "\x1b\u202e") {
		t.Errorf("csv not neutralised: %q", res.out)
	}
	js := runCLI(t, []string{"verify", "--syntax-only", "--json", "a\xff@example.com"}, "", false)
	var rs []verify.Result
	if err := json.Unmarshal([]byte(js.out), &rs); err != nil || len(rs) != 1 {
		t.Errorf("invalid UTF-8 address: JSON %q: %v", js.out, err)
	}
}

// TestVerifyLyingResolver: with a resolver that says NXDOMAIN for every
// name, verify exits 1 with a clear error instead of calling every address
// undeliverable.
func TestVerifyLyingResolver(t *testing.T) {
	d := verifytest.StartDNS(t)
	d.Lie(true)
	res := runCLI(t, []string{"verify", "--dns", d.Addr, "--dns-timeout", "5s", "--format", "ndjson", "a@users.test", "b@example.org"}, "", false)
	if res.code != ExitError || res.out != "" || !strings.Contains(res.errOut, "bounce: the DNS resolver "+d.Addr+" answers") {
		t.Errorf("exit %d, stdout %q, stderr %q", res.code, res.out, res.errOut)
	}
	d.Lie(false)
	res = runCLI(t, []string{"verify", "--dns", d.Addr, "--dns-timeout", "5s", "--format", "ndjson", "b@nosuch.test"}, "", false)
	if res.code != 0 || !strings.Contains(res.out, `"verdict":"undeliverable"`) {
		t.Errorf("honest NXDOMAIN: exit %d, stdout %q, stderr %q", res.code, res.out, res.errOut)
	}
}
