package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bounce-tool/bounce/pkg/internal/golden"
	"github.com/bounce-tool/bounce/pkg/loop"
	"github.com/google/go-cmp/cmp"
)

// t0 is when every generated inbound mailbox starts.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// inbox builds an inbound help-desk mailbox in mbox format, message by
// message.
type inbox struct {
	b strings.Builder
	n int
}

// autoReply is the header of a typical Exchange out-of-office reply.
var autoReply = []string{"Auto-Submitted: auto-replied", "X-Auto-Response-Suppress: All"}

// add appends a message from `from` (an address, or "Name <address>") at
// time at, with a subject and extra header lines, and returns its
// Message-ID in angle brackets.
func (mb *inbox) add(from string, at time.Time, subject string, extra ...string) string {
	mb.n++
	id := fmt.Sprintf("<m%d.%d@gen.example>", mb.n, at.Unix())
	env := from
	if i := strings.IndexByte(from, '<'); i >= 0 {
		env = strings.TrimSuffix(from[i+1:], ">")
	}
	fmt.Fprintf(&mb.b, "From %s %s\n", env, at.Format("Mon Jan _2 15:04:05 2006"))
	fmt.Fprintf(&mb.b, "From: %s\nTo: support@acme.example\nSubject: %s\nDate: %s\nMessage-ID: %s\n",
		from, subject, at.Format(time.RFC1123Z), id)
	for _, e := range extra {
		mb.b.WriteString(e + "\n")
	}
	fmt.Fprintf(&mb.b, "\nMessage %d.\n\n", mb.n)
	return id
}

// write saves the mailbox as inbox.mbox in a new temporary folder.
func (mb *inbox) write(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "inbox.mbox")
	if err := os.WriteFile(path, []byte(mb.b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// loopsJSON is the --format json document.
type loopsJSON struct {
	Version int                  `json:"version"`
	Records []loop.Record        `json:"records"`
	Senders []loop.SenderSummary `json:"senders"`
	Loops   []loop.Loop          `json:"loops"`
}

// runLoopsJSON runs bounce loops --json with args on path and decodes it.
func runLoopsJSON(t *testing.T, path string, args ...string) (loopsJSON, cliResult) {
	t.Helper()
	res := runCLI(t, append(append([]string{"loops", "--json"}, args...), path), "", false)
	var doc loopsJSON
	if err := json.Unmarshal([]byte(res.out), &doc); err != nil {
		t.Fatalf("loops --json: not one JSON object: %v\n%s", err, res.out)
	}
	return doc, res
}

func countOutcomes(recs []loop.Record) map[loop.Outcome]int {
	m := map[loop.Outcome]int{}
	for _, r := range recs {
		m[r.Outcome]++
	}
	return m
}

func TestLoopsSixtyAutoReplies(t *testing.T) {
	var mb inbox
	for i := range 60 {
		mb.add("Ann <ann@customer.example>", t0.Add(time.Duration(i)*59*time.Second), "Automatic reply: [#42] Printer", autoReply...)
	}
	doc, res := runLoopsJSON(t, mb.write(t))
	if res.code != 0 {
		t.Fatalf("exit %d, stderr %q", res.code, res.errOut)
	}
	want := map[loop.Outcome]int{loop.Accepted: 20, loop.Suspended: 20, loop.Rejected: 20}
	if diff := cmp.Diff(want, countOutcomes(doc.Records)); diff != "" {
		t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
	}
	for i, r := range doc.Records {
		if r.Index != i+1 || !strings.HasSuffix(r.Source, "inbox.mbox") || r.Sender != "ann@customer.example" {
			t.Errorf("record %d: source %q index %d sender %q", i, r.Source, r.Index, r.Sender)
		}
		if !r.Automated || !slices.Contains(r.Signals, "auto-submitted") {
			t.Errorf("record %d: automated %v signals %q", i, r.Automated, r.Signals)
		}
	}
	wantSender := []loop.SenderSummary{{Sender: "ann@customer.example", Messages: 60, PeakPerHour: 60,
		Accepted: 20, Suspended: 20, Rejected: 20, AutomatedShare: 1}}
	if diff := cmp.Diff(wantSender, doc.Senders); diff != "" {
		t.Errorf("senders mismatch (-want +got):\n%s", diff)
	}
	if len(doc.Loops) != 1 || doc.Loops[0].Kind != loop.SingleSender {
		t.Errorf("loops = %+v, want one single-sender loop", doc.Loops)
	}
	if want := "bounce: 60 messages read: 60 automated, 20 suspended, 20 rejected, 1 loops\n"; res.errOut != want {
		t.Errorf("stderr = %q, want %q", res.errOut, want)
	}
}

func TestLoopsAllowlistedSender(t *testing.T) {
	var mb inbox
	for i := range 250 {
		mb.add("alerts@monitoring.vendor.example", t0.Add(time.Duration(i)*14*time.Second), fmt.Sprintf("Alert %d: disk full on db%d", i, i))
	}
	path := mb.write(t)
	for _, allow := range []string{"vendor.example", "@monitoring.vendor.example", "alerts@monitoring.vendor.example"} {
		t.Run(allow, func(t *testing.T) {
			doc, res := runLoopsJSON(t, path, "--allow", allow)
			if res.code != 0 {
				t.Fatalf("exit %d, stderr %q", res.code, res.errOut)
			}
			want := map[loop.Outcome]int{loop.Accepted: 200, loop.Suspended: 50}
			if diff := cmp.Diff(want, countOutcomes(doc.Records)); diff != "" {
				t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
			}
			if len(doc.Senders) != 1 || !doc.Senders[0].Allowlisted || doc.Senders[0].PeakPerHour != 250 {
				t.Errorf("senders = %+v, want one allowlisted sender with peak 250", doc.Senders)
			}
		})
	}
	// Without the allowlist the same mail hits the ordinary cap.
	doc, _ := runLoopsJSON(t, path)
	want := map[loop.Outcome]int{loop.Accepted: 20, loop.Suspended: 20, loop.Rejected: 210}
	if diff := cmp.Diff(want, countOutcomes(doc.Records)); diff != "" {
		t.Errorf("without --allow: outcomes mismatch (-want +got):\n%s", diff)
	}
	// The limit and factor flags reach the cap.
	doc, _ = runLoopsJSON(t, path, "--allow", "vendor.example", "--limit", "5", "--factor", "3")
	want = map[loop.Outcome]int{loop.Accepted: 15, loop.Suspended: 15, loop.Rejected: 220}
	if diff := cmp.Diff(want, countOutcomes(doc.Records)); diff != "" {
		t.Errorf("--limit 5 --factor 3: outcomes mismatch (-want +got):\n%s", diff)
	}
}

// pingPongInbox is a help desk and a customer's auto-responder answering
// each other, plus ordinary mail around them.
func pingPongInbox() *inbox {
	var mb inbox
	mb.add("Carla <carla@shop.example>", t0, "Where is my order 1187?")
	at := t0.Add(2 * time.Minute)
	ref := mb.add("Support <support@acme.example>", at, "[#1187] Where is my order 1187?",
		"Auto-Submitted: auto-generated", "X-Mailer: Zendesk Mailer")
	for i := 0; i < 3; i++ {
		at = at.Add(time.Minute)
		ref = mb.add("Ann <ann@customer.example>", at, "Automatic reply: [#1187] Where is my order 1187?",
			append(autoReply, "In-Reply-To: "+ref, "References: "+ref)...)
		at = at.Add(time.Minute)
		ref = mb.add("Support <support@acme.example>", at, "[#1187] Where is my order 1187?",
			"Auto-Submitted: auto-generated", "X-Mailer: Zendesk Mailer", "In-Reply-To: "+ref, "References: "+ref)
	}
	mb.add("Dan <dan@example.org>", t0.Add(20*time.Minute), "Invoice question")
	mb.add("News <news@lists.example>", t0.Add(21*time.Minute), "March newsletter",
		"Precedence: bulk", "List-Unsubscribe: <mailto:leave@lists.example>")
	return &mb
}

func TestLoopsPingPong(t *testing.T) {
	doc, res := runLoopsJSON(t, pingPongInbox().write(t), "--support-address", "support@acme.example")
	if res.code != 0 {
		t.Fatalf("exit %d, stderr %q", res.code, res.errOut)
	}
	if len(doc.Loops) != 1 {
		t.Fatalf("loops = %+v, want one", doc.Loops)
	}
	l := doc.Loops[0]
	if l.ID != "L1" || l.Kind != loop.PingPong || l.Messages != 7 ||
		strings.Join(l.Members, " ") != "ann@customer.example support@acme.example" {
		t.Errorf("loop = %+v, want L1, ping-pong, 7 messages between ann and support", l)
	}
	for _, r := range doc.Records {
		inLoop := r.Sender == "ann@customer.example" || r.Sender == "support@acme.example"
		if (r.Loop == "L1") != inLoop {
			t.Errorf("record %d from %s: loop %q", r.Index, r.Sender, r.Loop)
		}
		if r.Sender == "support@acme.example" && (!r.FromSupportAddress || r.Outcome != loop.Suspended) {
			t.Errorf("record %d from the support address: flagged %v, outcome %s", r.Index, r.FromSupportAddress, r.Outcome)
		}
	}
	// --fail-on loop: exit 3, after the full output.
	doc, res = runLoopsJSON(t, pingPongInbox().write(t), "--support-address", "support@acme.example", "--fail-on", "loop")
	if res.code != 3 || len(doc.Records) != 10 {
		t.Errorf("--fail-on loop: exit %d with %d records, want 3 and 10", res.code, len(doc.Records))
	}
}

func TestLoopsRotatingSender(t *testing.T) {
	var mb inbox
	mb.add("Carla <carla@shop.example>", t0, "Order 77")
	ref := ""
	for i := range 8 {
		extra := []string{"Auto-Submitted: auto-replied"}
		if ref != "" {
			extra = append(extra, "In-Reply-To: "+ref, "References: "+ref)
		}
		ref = mb.add(fmt.Sprintf("bounce+%d@lists.example", 100+i), t0.Add(time.Duration(i+1)*3*time.Minute),
			"Re: Your request 5512 has been received", extra...)
	}
	doc, res := runLoopsJSON(t, mb.write(t), "--fail-on", "loop")
	if res.code != 3 {
		t.Errorf("exit %d, want 3 (a loop), stderr %q", res.code, res.errOut)
	}
	if len(doc.Loops) != 1 || doc.Loops[0].Kind != loop.RotatingSender || doc.Loops[0].Messages != 8 ||
		len(doc.Loops[0].Members) != 8 {
		t.Fatalf("loops = %+v, want one rotating-sender loop of 8 messages from 8 addresses", doc.Loops)
	}
	// Every sender stays far below its cap: the loop is what shows it.
	for _, r := range doc.Records {
		if r.Outcome != loop.Accepted {
			t.Errorf("record %d: outcome %s, want accepted", r.Index, r.Outcome)
		}
		if want := r.Sender != "carla@shop.example"; (r.Loop == "L1") != want {
			t.Errorf("record %d from %s: loop %q", r.Index, r.Sender, r.Loop)
		}
	}
}

// TestLoopsCustomerMail: ordinary mail from people is accepted, with
// notifications, and no signal or loop.
func TestLoopsCustomerMail(t *testing.T) {
	var mb inbox
	people := []string{"Carla <carla@shop.example>", "dan@example.org", "Eve Example <eve@mail.example.net>"}
	for i := range 12 {
		mb.add(people[i%3], t0.Add(time.Duration(i)*4*time.Minute), fmt.Sprintf("Re: [#%d] Printer jam", 100+i%3))
	}
	doc, res := runLoopsJSON(t, mb.write(t), "--fail-on", "loop", "--support-address", "support@acme.example")
	if res.code != 0 {
		t.Errorf("exit %d, want 0 (no loop), stderr %q", res.code, res.errOut)
	}
	for _, r := range doc.Records {
		if r.Automated || len(r.Signals) != 0 || r.Outcome != loop.Accepted || !r.Notify || r.Loop != "" || r.FromSupportAddress {
			t.Errorf("customer record %d: %+v, want accepted with notifications and nothing else", r.Index, r)
		}
	}
	if len(doc.Loops) != 0 || len(doc.Senders) != 3 {
		t.Errorf("loops %d, senders %d; want 0 and 3", len(doc.Loops), len(doc.Senders))
	}
}

func TestLoopsTables(t *testing.T) {
	path := pingPongInbox().write(t)
	tests := []struct {
		name string
		args []string
		tty  bool
	}{
		{"loops-table-tty", []string{"--color", "never"}, true},
		{"loops-table", nil, false},
		{"loops-json", []string{"--json"}, false},
		{"loops-csv", []string{"--format", "csv"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{"loops", "--support-address", "support@acme.example"}, tc.args...), path)
			res := runCLI(t, args, "", tc.tty)
			if res.code != 0 {
				t.Fatalf("exit %d, stderr %q", res.code, res.errOut)
			}
			if strings.Contains(res.out, "\x1b[") {
				t.Errorf("colour escapes in output without --color always")
			}
			out := strings.ReplaceAll(res.out, path, "inbox.mbox")
			golden.Check(t, filepath.Join("testdata", tc.name+".golden"), []byte(out))
		})
	}
	always := runCLI(t, []string{"loops", "--color", "always", "--support-address", "support@acme.example", path}, "", true)
	if !strings.Contains(always.out, "\x1b[31;1mping-pong") {
		t.Errorf("--color always: no red loop kind in %q", always.out)
	}
}

// TestLoopsTop: the table shows the busiest senders and says how many more
// there are; JSON always has them all.
func TestLoopsTop(t *testing.T) {
	var mb inbox
	for i := range 5 {
		for j := 0; j <= i; j++ {
			mb.add(fmt.Sprintf("p%d@example.org", i), t0.Add(time.Duration(10*i+j)*time.Minute), "Question")
		}
	}
	path := mb.write(t)
	res := runCLI(t, []string{"loops", "--top", "2", path}, "", false)
	lines := strings.Split(res.out, "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[1], "p4@example.org\t5\t") || !strings.HasPrefix(lines[2], "p3@example.org\t4\t") ||
		!strings.HasPrefix(lines[4], "LOOP\t") {
		t.Errorf("--top 2 table:\n%s", res.out)
	}
	if !strings.Contains(res.errOut, "3 more senders not shown") {
		t.Errorf("stderr %q does not say how many senders are hidden", res.errOut)
	}
	tty := runCLI(t, []string{"loops", "--top", "2", "--color", "never", path}, "", true)
	if !strings.Contains(tty.out, "Senders (the 2 busiest of 5)") || !strings.Contains(tty.out, "3 more senders not shown") {
		t.Errorf("--top 2 on a terminal:\n%s", tty.out)
	}
	all := runCLI(t, []string{"loops", "--top", "0", path}, "", false)
	if n := strings.Count(all.out, "@example.org\t"); n != 5 {
		t.Errorf("--top 0 shows %d senders, want 5", n)
	}
	doc, _ := runLoopsJSON(t, path, "--top", "1")
	if len(doc.Senders) != 5 {
		t.Errorf("--json has %d senders with --top 1, want all 5", len(doc.Senders))
	}
}

func TestLoopsJobsOutputIdentical(t *testing.T) {
	mb := pingPongInbox()
	for i := range 400 {
		mb.add(fmt.Sprintf("c%d@example.net", i%7), t0.Add(time.Duration(i)*20*time.Second), "Hello", autoReply[:i%2]...)
	}
	path := mb.write(t)
	for _, format := range []string{"json", "table", "csv"} {
		one := runCLI(t, []string{"loops", "--format", format, "--jobs", "1", path}, "", false)
		four := runCLI(t, []string{"loops", "--format", format, "--jobs", "4", path}, "", false)
		if one.out != four.out || one.errOut != four.errOut {
			t.Errorf("--format %s: --jobs 1 and --jobs 4 differ:\n%s", format, golden.Diff(one.out, four.out))
		}
	}
}

// TestLoopsInputs: stdin, folders and Maildir are read as by inspect, and
// a message that cannot be read still has its record.
func TestLoopsInputs(t *testing.T) {
	mb := pingPongInbox()
	mbox := mb.b.String()
	ndjson := func(res cliResult) []loop.Record {
		t.Helper()
		var recs []loop.Record
		for _, line := range strings.Split(strings.TrimSpace(res.out), "\n") {
			var r loop.Record
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatalf("not NDJSON: %q: %v", line, err)
			}
			recs = append(recs, r)
		}
		return recs
	}
	for _, args := range [][]string{{"loops", "--format", "ndjson"}, {"loops", "--format", "ndjson", "-"}} {
		recs := ndjson(runCLI(t, args, mbox, false))
		if len(recs) != 10 || recs[0].Source != "-" || recs[9].Index != 10 {
			t.Errorf("%v on stdin: %d records, first %+v", args, len(recs), recs[0])
		}
	}

	dir := t.TempDir()
	md := filepath.Join(dir, "Maildir")
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(md, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(path, data string) {
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(md, "new", "1772442000.M1.host"), "From: a@example.org\nSubject: one\n\nbody\n")
	write(filepath.Join(md, "cur", "1772442001.M2.host:2,S"), "From: noreply@shop.example\nSubject: two\n\nbody\n")
	write(filepath.Join(md, "cur", "1772442002.M3.host:2,S"), "")
	write(filepath.Join(md, "cur", "1772442003.M4.host:2,S"), "this is not mail\n")
	res := runCLI(t, []string{"loops", "--format", "ndjson", md, filepath.Join(dir, "missing.mbox")}, "", false)
	if res.code != 1 {
		t.Errorf("exit %d with a missing input, want 1", res.code)
	}
	recs := ndjson(res)
	if len(recs) != 4 {
		t.Fatalf("got %d records, want 4 (a missing path is an error line, not a record):\n%s", len(recs), res.out)
	}
	if !strings.Contains(res.errOut, "missing.mbox: no such file or directory") {
		t.Errorf("stderr %q does not name the missing input", res.errOut)
	}
	if recs[0].Sender != "a@example.org" || recs[0].Outcome != loop.Accepted || recs[1].Outcome != loop.Suspended {
		t.Errorf("Maildir records: %+v, %+v", recs[0], recs[1])
	}
	wantErr := []string{"", "", "empty message", "not a mail message: "}
	for i, r := range recs {
		if !strings.Contains(r.Error, wantErr[i]) || (wantErr[i] == "") != (r.Error == "") {
			t.Errorf("record %d: error %q, want %q", i+1, r.Error, wantErr[i])
		}
		if r.Error != "" && (r.Outcome != "" || r.Sender != "" || r.Notify) {
			t.Errorf("unreadable record %d: %+v, want no outcome", i+1, r)
		}
	}
	if !strings.Contains(res.errOut, "1772442003.M4.host:2,S: not a mail message") || !strings.Contains(res.errOut, ", 2 unreadable") {
		t.Errorf("stderr %q: want a warning per unreadable message and the count in the summary", res.errOut)
	}
}

func TestLoopsExitCodes(t *testing.T) {
	path := pingPongInbox().write(t)
	checkExits(t, []exitCase{
		{"ok", []string{"loops", path}, "", false, 0, ""},
		{"loop without --fail-on", []string{"loops", "--support-address", "support@acme.example", path}, "", false, 0, ""},
		{"no input on a terminal", []string{"loops"}, "", true, 2, "no input"},
		{"bad support address", []string{"loops", "--support-address", "support", path}, "", false, 2, "support address"},
		{"bad allow", []string{"loops", "--allow", "a b", path}, "", false, 2, "allow"},
		{"bad limit", []string{"loops", "--limit", "0", path}, "", false, 2, "--limit"},
		{"bad factor", []string{"loops", "--factor", "-1", path}, "", false, 2, "--factor"},
		{"bad window", []string{"loops", "--window", "10ms", path}, "", false, 2, "--window"},
		{"bad top", []string{"loops", "--top", "-1", path}, "", false, 2, "--top"},
		{"bad format", []string{"loops", "--format", "text", path}, "", false, 2, "--format"},
		{"bad fail-on", []string{"loops", "--fail-on", "permanent", path}, "", false, 2, "--fail-on"},
		{"stdin twice", []string{"loops", "-", "-"}, "", false, 2, "only once"},
		{"header limits", []string{"loops", "--max-message-size", "1M", "--max-header-size", "64K", path}, "", false, 0, ""},
		{"bad header limit", []string{"loops", "--max-header-size", "0", path}, "", false, 2, "--max-header-size"},
		// Only the header is parsed: the limits of the MIME walk and of
		// the analysis are not loops' flags.
		{"no --max-depth", []string{"loops", "--max-depth", "4", path}, "", false, 2, "unknown flag: --max-depth"},
		{"no --max-parts", []string{"loops", "--max-parts", "4", path}, "", false, 2, "unknown flag: --max-parts"},
		{"no --max-line-length", []string{"loops", "--max-line-length", "4K", path}, "", false, 2, "unknown flag: --max-line-length"},
		{"no --max-recipients", []string{"loops", "--max-recipients", "4", path}, "", false, 2, "unknown flag: --max-recipients"},
	}, nil)
}

// TestLoopsFlags checks that the flags reach the options, without running.
func TestLoopsFlags(t *testing.T) {
	ios, _, _, _ := TestIOStreams()
	var got *loopsOptions
	cmd := newLoopsCmd(ios, func(_ context.Context, o *loopsOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--support-address", "support@acme.example", "--support-address", "help@acme.example,desk@acme.example",
		"--allow", "vendor.example", "--limit", "5", "--factor", "4", "--window", "30m", "--top", "3", "--jobs", "2",
		"--fail-on", "loop", "--format", "ndjson", "a.mbox", "-"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	g := *got
	g.IO = nil
	g.session = nil // the run's reader, made by the command
	want := loopsOptions{Paths: []string{"a.mbox", "-"}, Format: "ndjson", FailOn: "loop", Top: 3,
		inputOptions:     inputOptions{Jobs: 2, Limits: defaultLimits(), Mailbox: mailboxOptions{Mechanism: "xoauth2"}},
		SupportAddresses: []string{"support@acme.example", "help@acme.example", "desk@acme.example"},
		Allow:            []string{"vendor.example"}, Limit: 5, Factor: 4, Window: 30 * time.Minute}
	if diff := cmp.Diff(want, g, cmp.AllowUnexported(loopsOptions{}, inputOptions{})); diff != "" {
		t.Errorf("options mismatch (-want +got):\n%s", diff)
	}
}

// TestLoopsOutputSafety: header text never drives the terminal or a
// spreadsheet, and JSON stays valid UTF-8.
func TestLoopsOutputSafety(t *testing.T) {
	var mb inbox
	ref := ""
	for i := range 4 {
		from := "=cmd@evil.example"
		if i%2 == 1 {
			from = "bot@evil.example"
		}
		extra := []string{"Auto-Submitted: auto-replied"}
		if ref != "" {
			extra = append(extra, "In-Reply-To: "+ref)
		}
		ref = mb.add(from, t0.Add(time.Duration(i)*time.Minute), "Re: \x1b[31mred\u202e \xff order", extra...)
	}
	path := mb.write(t)
	for _, tty := range []bool{false, true} {
		res := runCLI(t, []string{"loops", "--color", "never", path}, "", tty)
		if strings.ContainsAny(res.out, "\x1b\u202e") || !strings.Contains(res.out, "ping-pong") {
			t.Errorf("table (tty %v) let control characters through or found no loop: %q", tty, res.out)
		}
	}
	csvOut := runCLI(t, []string{"loops", "--format", "csv", path}, "", false).out
	if !strings.Contains(csvOut, ",'=cmd@evil.example,") {
		t.Errorf("csv not neutralised: %q", csvOut)
	}
	js := runCLI(t, []string{"loops", "--json", path}, "", false).out
	if !utf8.ValidString(js) || !json.Valid([]byte(js)) {
		t.Errorf("--json output is not valid UTF-8 JSON: %q", js)
	}
}

// TestLoopsJSONUnescaped checks that <, > and & reach the JSON as they are
// (docs/loops-json.md), in a loop's thread and a record's source.
func TestLoopsJSONUnescaped(t *testing.T) {
	var mb inbox
	at := t0
	ref := mb.add("Support <support@acme.example>", at, "[#7] Q&A <urgent>", "Auto-Submitted: auto-generated")
	for i := 0; i < 3; i++ {
		at = at.Add(time.Minute)
		ref = mb.add("Ann <ann@customer.example>", at, "Automatic reply: [#7] Q&A <urgent>",
			append(autoReply, "In-Reply-To: "+ref, "References: "+ref)...)
		at = at.Add(time.Minute)
		ref = mb.add("Support <support@acme.example>", at, "[#7] Q&A <urgent>",
			"Auto-Submitted: auto-generated", "In-Reply-To: "+ref, "References: "+ref)
	}
	path := filepath.Join(t.TempDir(), "desk&co.mbox")
	if err := os.WriteFile(path, []byte(mb.b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"json", "ndjson"} {
		res := runCLI(t, []string{"loops", "--format", format, "--support-address", "support@acme.example", path}, "", false)
		if res.code != 0 {
			t.Fatalf("%s: exit %d, stderr %q", format, res.code, res.errOut)
		}
		if strings.Contains(res.out, `\u00`) || !strings.Contains(res.out, `desk&co.mbox"`) {
			t.Errorf("%s: escaped <, > or &:\n%s", format, res.out)
		}
		if format == "json" && !strings.Contains(res.out, `"thread":"[#7] q&a <urgent>"`) {
			t.Errorf("json: no thread with < > & as they are:\n%s", res.out)
		}
	}
}
