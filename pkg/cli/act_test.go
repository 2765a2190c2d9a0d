package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bounce-tool/bounce/pkg/act"
	"github.com/bounce-tool/bounce/pkg/act/acttest"
	"github.com/bounce-tool/bounce/pkg/internal/golden"
)

const actMbox = "testdata/mbox/zendesk-act.mbox"

// actEnv points act at a fresh fake Zendesk and a fresh state directory.
func actEnv(t *testing.T) *acttest.Zendesk {
	t.Helper()
	inRepoRoot(t)
	const email, token = "agent@acme.example", "tok-0123456789-secret"
	z := acttest.NewZendesk(t, acttest.BasicAuth(email, token))
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("ZENDESK_URL", z.URL)
	t.Setenv("ZENDESK_SUBDOMAIN", "")
	t.Setenv("ZENDESK_EMAIL", email)
	t.Setenv("ZENDESK_API_TOKEN", token)
	t.Setenv("ZENDESK_OAUTH_TOKEN", "")
	t.Setenv("BOUNCE_WEBHOOK_SECRET", "")
	return z
}

// The acceptance test of issue 15: one private note with its tags per
// resolvable ticket, and nothing on the second run.
func TestActApplyZendesk(t *testing.T) {
	z := actEnv(t)
	res := runCLI(t, []string{"act", "--apply", "--rate", "1000", actMbox}, "", false)
	if res.code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", res.code, res.errOut)
	}
	var paths []string
	for _, q := range z.Requests() {
		if q.Status != http.StatusOK {
			t.Errorf("refused: %s %s %d %s", q.Method, q.Path, q.Status, q.Body)
		}
		paths = append(paths, q.Method+" "+q.Path)
	}
	want := []string{"PUT /api/v2/tickets/51877.json", "PUT /api/v2/tickets/60412.json",
		"PUT /api/v2/tickets/60733.json", "PUT /api/v2/tickets/48213.json"}
	if !slices.Equal(paths, want) {
		t.Errorf("requests = %q, want %q", paths, want)
	}
	u := z.Updates()
	if n := u["60733"]; len(n) != 1 || !slices.Equal(n[0].Ticket.AdditionalTags, []string{"bounce", "bounce_permanent", "bounce_mailboxfull"}) ||
		!strings.Contains(n[0].Ticket.Comment.Body, "Recipient: j.brandt@alte-domain.example") || n[0].Ticket.Status != "" {
		t.Errorf("ticket 60733: %+v", n)
	}
	// The delay and the later failure of leo.martin are one group: one
	// note, reporting the failure.
	if n := u["51877"]; len(n) != 1 || strings.Count(n[0].Ticket.Comment.Body, act.Marker) != 1 ||
		!strings.Contains(n[0].Ticket.Comment.Body, "Status: 5.1.1") {
		t.Errorf("ticket 51877: %+v", n)
	}
	if !strings.Contains(res.errOut, "4 written, 0 skipped (written before), 1 unresolved, 0 failed") {
		t.Errorf("summary: %q", res.errOut)
	}
	if strings.Contains(res.out+res.errOut, "tok-0123456789-secret") {
		t.Error("the API token was printed")
	}

	again := runCLI(t, []string{"act", "--apply", "--rate", "1000", actMbox}, "", false)
	if again.code != ExitOK || len(z.Requests()) != 4 {
		t.Errorf("second run: exit %d, %d requests in all, want 4; stderr %q", again.code, len(z.Requests()), again.errOut)
	}
	if !strings.Contains(again.errOut, "0 written, 4 skipped (written before), 1 unresolved, 0 failed") {
		t.Errorf("second run summary: %q", again.errOut)
	}

	// The state file lost: --check-ticket finds the markers on the tickets.
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	lost := runCLI(t, []string{"act", "--apply", "--check-ticket", "--rate", "1000", actMbox}, "", false)
	var methods []string
	for _, q := range z.Requests()[4:] {
		methods = append(methods, q.Method)
	}
	if lost.code != ExitOK || !slices.Equal(methods, []string{"GET", "GET", "GET", "GET"}) ||
		!strings.Contains(lost.errOut, "0 written, 4 skipped (written before)") {
		t.Errorf("lost state: exit %d, requests %v, %q", lost.code, methods, lost.errOut)
	}
}

func TestActDryRun(t *testing.T) {
	z := actEnv(t)
	res := runCLI(t, []string{"act", actMbox}, "", false)
	if res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.errOut)
	}
	if n := len(z.Requests()); n != 0 {
		t.Errorf("dry run made %d requests", n)
	}
	golden.Check(t, "pkg/cli/testdata/act-plan.golden", []byte(res.out))
	if !strings.Contains(res.errOut, "dry run, nothing sent: 4 to write, 0 skipped (written before), 1 unresolved; add --apply") {
		t.Errorf("summary: %q", res.errOut)
	}
}

// Records from inspect (NDJSON on standard input, or a JSON array in a
// file) give the same plan as the mail itself.
func TestActRecordInput(t *testing.T) {
	actEnv(t)
	fromMail := runCLI(t, []string{"act", "--format", "ndjson", actMbox}, "", false)
	ndjson := runCLI(t, []string{"inspect", "--format", "ndjson", actMbox}, "", false).out
	fromStdin := runCLI(t, []string{"act", "--format", "ndjson"}, ndjson, false)
	array := writeFile(t, filepath.Join(t.TempDir(), "records.json"), runCLI(t, []string{"inspect", "--json", actMbox}, "", false).out)
	fromFile := runCLI(t, []string{"act", "--format", "ndjson", array}, "", false)
	if fromMail.out == "" || fromStdin.out != fromMail.out || fromFile.out != fromMail.out {
		t.Errorf("plans differ:\nmail:\n%s\nstdin:\n%s\nfile:\n%s\n%s", fromMail.out, fromStdin.out, fromFile.out, fromStdin.errOut)
	}
	var o act.Outcome
	if err := json.Unmarshal([]byte(strings.SplitN(fromMail.out, "\n", 2)[0]), &o); err != nil || o.Result != act.Planned || o.TicketID != "51877" {
		t.Errorf("first outcome %+v (%v)", o, err)
	}
	bad := runCLI(t, []string{"act"}, "{\"kind\":\"bounce\"}\n{not json\n", false)
	if bad.code != ExitError || !strings.Contains(bad.errOut, "standard input: record 2: not JSON") {
		t.Errorf("bad records: exit %d, %q", bad.code, bad.errOut)
	}
}

// A refused note is reported with the help desk's words; the others are
// still written, and the exit status is 1.
func TestActFailures(t *testing.T) {
	z := actEnv(t)
	var in strings.Builder
	for i, id := range []string{"404", "422", "7"} {
		fmt.Fprintf(&in, `{"kind":"bounce","recipient":"r%d@x.example","class":"permanent","status":"5.1.1","reason":"userunknown","group":"g%d","ticket":{"id":%q,"encoded_id":"","system":"zendesk","source":"map"}}`+"\n", i, i, id)
	}
	res := runCLI(t, []string{"act", "--apply", "--rate", "1000"}, in.String(), false)
	if res.code != ExitError {
		t.Errorf("exit %d, want 1", res.code)
	}
	for _, s := range []string{"FAILED ticket 404 (zendesk #404): HTTP 404: RecordNotFound: Not found",
		"FAILED ticket 422 (zendesk #422): HTTP 422: RecordInvalid: Record validation errors: Status: closed prevents ticket update",
		"written to ticket 7 (zendesk #7): r2@x.example"} {
		if !strings.Contains(res.out, s) {
			t.Errorf("output lacks %q:\n%s", s, res.out)
		}
	}
	if len(z.Updates()["7"]) != 1 {
		t.Errorf("ticket 7 not written")
	}
}

func TestActWebhook(t *testing.T) {
	actEnv(t)
	h := acttest.NewWebhook(t, "hook-secret-42")
	t.Setenv("BOUNCE_WEBHOOK_SECRET", "hook-secret-42")
	res := runCLI(t, []string{"act", "--apply", "--rate", "1000", "--webhook", h.URL, actMbox}, "", false)
	if res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.errOut)
	}
	ev := h.Events()
	if len(ev) != 5 || len(h.Requests()) != 5 {
		// Four Zendesk tickets with a number, and one with its encoded ID
		// only, which a webhook can still name.
		t.Errorf("%d events, %d requests, want 5", len(ev), len(h.Requests()))
	}
	if strings.Contains(res.out+res.errOut, "hook-secret-42") {
		t.Error("the webhook secret was printed")
	}
	again := runCLI(t, []string{"act", "--apply", "--webhook", h.URL, actMbox}, "", false)
	if again.code != ExitOK || len(h.Requests()) != 5 {
		t.Errorf("second run: exit %d, %d requests", again.code, len(h.Requests()))
	}
}

func TestActUsage(t *testing.T) {
	actEnv(t)
	t.Setenv("ZENDESK_URL", "")
	res := runCLI(t, []string{"act", "--apply", actMbox}, "", false)
	if res.code != ExitUsage || !strings.Contains(res.errOut, "no Zendesk account: set ZENDESK_SUBDOMAIN or ZENDESK_URL") {
		t.Errorf("exit %d, %q", res.code, res.errOut)
	}
	t.Setenv("ZENDESK_SUBDOMAIN", "acme")
	t.Setenv("ZENDESK_API_TOKEN", "")
	res = runCLI(t, []string{"act", "--apply", actMbox}, "", false)
	if res.code != ExitUsage || !strings.Contains(res.errOut, "no Zendesk credentials") {
		t.Errorf("exit %d, %q", res.code, res.errOut)
	}
	// Settings from the configuration file; the environment wins.
	cfg := writeFile(t, filepath.Join(t.TempDir(), "config.yaml"), "zendesk:\n  url: https://support.acme.example/\n  email: a@b.example\n  api_token: from-config-file\n")
	os.Chmod(cfg, 0o644)
	res = runCLI(t, []string{"act", "--config", cfg, actMbox}, "", false)
	if res.code != ExitOK || !strings.Contains(res.errOut, "zendesk https://acme.zendesk.com: dry run") {
		t.Errorf("environment over config: exit %d, %q", res.code, res.errOut)
	}
	t.Setenv("ZENDESK_SUBDOMAIN", "")
	res = runCLI(t, []string{"act", "--config", cfg, actMbox}, "", false)
	if res.code != ExitOK || !strings.Contains(res.errOut, "zendesk https://support.acme.example: dry run") ||
		!strings.Contains(res.errOut, "can be read by others") || strings.Contains(res.errOut, "from-config-file") {
		t.Errorf("config: exit %d, %q", res.code, res.errOut)
	}
}

// bounce watch | bounce act --apply: a record stream that does not end is
// written whenever it pauses, not only at its end.
func TestActStream(t *testing.T) {
	z := actEnv(t)
	old := actSettle
	actSettle = 20 * time.Millisecond
	t.Cleanup(func() { actSettle = old })
	lines := strings.SplitAfter(strings.TrimSpace(runCLI(t, []string{"inspect", "--format", "ndjson", actMbox}, "", false).out), "\n")

	pr, pw := io.Pipe()
	ios, _, out, errOut := TestIOStreams()
	ios.In = pr
	done := make(chan int)
	go func() {
		done <- Run(context.Background(), NewRootCmd(ios, "1.2.3", "abc1234"), ios, []string{"act", "--apply", "--rate", "1000"})
	}()
	io.WriteString(pw, "\ufeff"+lines[0]) // the first record, then a pause
	deadline := time.Now().Add(10 * time.Second)
	for len(z.Requests()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := len(z.Requests()); n != 1 {
		t.Fatalf("%d requests while the stream is open, want 1 (the delay of ticket 51877)", n)
	}
	for _, l := range lines[1:] {
		io.WriteString(pw, l)
	}
	pw.Close()
	if code := <-done; code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var paths []string
	for _, q := range z.Requests() {
		paths = append(paths, q.Path)
	}
	// The delay of 51877 first, then its failure, then the other tickets.
	want := []string{"/api/v2/tickets/51877.json", "/api/v2/tickets/51877.json", "/api/v2/tickets/60412.json",
		"/api/v2/tickets/60733.json", "/api/v2/tickets/48213.json"}
	if !slices.Equal(paths, want) {
		t.Errorf("requests = %q, want %q\n%s", paths, want, out)
	}
}

// Ctrl-C stops act: the summary and a hint, exit status 1.
func TestActInterrupted(t *testing.T) {
	actEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ios, _, _, errOut := TestIOStreams()
	code := Run(ctx, NewRootCmd(ios, "1.2.3", "abc1234"), ios, []string{"act", "--apply", actMbox})
	if code != ExitError || !strings.Contains(errOut.String(), "interrupted: what was written is in the state file") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// Records read as JSON get their missing numbers from --ticket-map too.
func TestActRecordsWithTicketMap(t *testing.T) {
	actEnv(t)
	ndjson := runCLI(t, []string{"inspect", "--format", "ndjson", actMbox}, "", false).out
	m := writeFile(t, filepath.Join(t.TempDir(), "tickets.csv"), "key,id\n9RDX4E-2LQT,70001\n")
	res := runCLI(t, []string{"act", "--ticket-map", m}, ndjson, false)
	if !strings.Contains(res.out, "would write to ticket 70001 (zendesk 9RDX4E-2LQT #70001): sam.patel@gmail.com") ||
		!strings.Contains(res.errOut, "5 to write, 0 skipped (written before), 0 unresolved") {
		t.Errorf("out:\n%s\nerr: %s", res.out, res.errOut)
	}
}
