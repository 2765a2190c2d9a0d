package act_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bounce-tool/bounce/pkg/act"
	"github.com/bounce-tool/bounce/pkg/act/acttest"
	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/status"
	"github.com/bounce-tool/bounce/pkg/ticket"
	"github.com/google/go-cmp/cmp"
)

// rec returns a failed bounce record for recipient in group, linked to
// the Zendesk ticket id (none when id is "").
func rec(group, recipient, class, date, id string) bounce.Record {
	r := bounce.Record{Kind: bounce.KindBounce, Group: group, Recipient: recipient, Class: status.ParseClass(class), Date: date,
		Status: status.MustParse("5.1.1"), Reason: "userunknown", ReportingMTA: "mx.acme.example", Action: "failed",
		Diagnostic: "550 5.1.1 <" + recipient + ">: Recipient address rejected: User unknown\r\n\x1b[31m"}
	if class == "temporary" {
		r.Status, r.Reason, r.Action, r.Diagnostic = status.MustParse("4.4.1"), "expired", "delayed", "connect to mx: Connection timed out"
	}
	if id != "" {
		r.Ticket = &ticket.Ticket{ID: id, EncodedID: "ENC" + id, System: ticket.Zendesk, Source: ticket.SourceBody}
	}
	return r
}

func collect(recs ...bounce.Record) []*act.Group {
	var c act.Collector
	for i := range recs {
		c.Add(&recs[i])
	}
	return c.Groups()
}

// recorder is a Client.Sleep that records the waits and returns at once.
type recorder struct{ waits []time.Duration }

func (r *recorder) sleep(ctx context.Context, d time.Duration) error {
	r.waits = append(r.waits, d)
	return ctx.Err()
}

const (
	email = "agent@acme.example"
	token = "s3cr3t-t0ken-value"
)

func zendeskTarget(url string, rec *recorder) *act.Zendesk {
	return &act.Zendesk{BaseURL: url, Email: email, APIToken: token,
		Client: &act.Client{Rate: -1, Sleep: rec.sleep, Backoff: 10 * time.Millisecond, Timeout: time.Second}}
}

func run(t *testing.T, r *act.Runner, groups []*act.Group) ([]*act.Outcome, act.Summary) {
	t.Helper()
	var out []*act.Outcome
	sum, err := r.Run(context.Background(), groups, func(o *act.Outcome) error { out = append(out, o); return nil })
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out, sum
}

func TestZendeskContract(t *testing.T) {
	z := acttest.NewZendesk(t, acttest.BasicAuth(email, token))
	groups := collect(
		rec("g100a", "a@x.example", "temporary", "2026-11-01T10:00:00Z", "100"),
		rec("g100a", "a@x.example", "permanent", "2026-11-02T10:00:00Z", ""), // the later failure, no number
		rec("g100b", "b@x.example", "permanent", "2026-11-02T11:00:00Z", "100"),
		rec("g429", "c@x.example", "permanent", "2026-11-02T10:00:00Z", "429"),
		rec("g500", "d@x.example", "permanent", "2026-11-02T10:00:00Z", "500"),
		rec("g504", "h@x.example", "permanent", "2026-11-02T10:00:00Z", "504"),
		rec("g404", "e@x.example", "permanent", "2026-11-02T10:00:00Z", "404"),
		rec("g422", "f@x.example", "permanent", "2026-11-02T10:00:00Z", "422"),
		rec("genc", "g@x.example", "permanent", "2026-11-02T10:00:00Z", ""),
	)
	// genc has no ticket at all: give it an encoded ID only.
	enc := rec("genc", "g@x.example", "permanent", "2026-11-02T10:00:00Z", "")
	enc.Ticket = &ticket.Ticket{EncodedID: "1G7EOR-0Q2J", System: ticket.Zendesk, Source: ticket.SourceReplyTo}
	groups = collect(append(recsOf(groups), enc)...)

	var sleeps recorder
	st, err := act.LoadState(filepath.Join(t.TempDir(), "act.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := &act.Runner{Target: zendeskTarget(z.URL, &sleeps), Apply: true, State: st, Reopen: true}
	out, sum := run(t, r, groups)

	var got []string
	for _, q := range z.Requests() {
		got = append(got, fmt.Sprintf("%s %s %d", q.Method, q.Path, q.Status))
	}
	want := []string{
		"PUT /api/v2/tickets/100.json 200",
		"PUT /api/v2/tickets/429.json 429", "PUT /api/v2/tickets/429.json 200",
		// A 5xx answer: the ticket's comments do not hold the note yet,
		// so it is sent again.
		"PUT /api/v2/tickets/500.json 500", "GET /api/v2/tickets/500/comments.json 200", "PUT /api/v2/tickets/500.json 200",
		// No answer in time, but the update was carried out: its marker
		// is on the ticket, so it is not sent again.
		"PUT /api/v2/tickets/504.json 200", "GET /api/v2/tickets/504/comments.json 200",
		"PUT /api/v2/tickets/404.json 404",
		"PUT /api/v2/tickets/422.json 422",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if len(sleeps.waits) != 3 || sleeps.waits[0] != time.Second || sleeps.waits[1] <= 0 || sleeps.waits[1] > 10*time.Millisecond {
		t.Errorf("waits = %v, want [1s (Retry-After), two jittered backoffs up to 10ms]", sleeps.waits)
	}
	if len(z.Updates()["504"]) != 1 {
		t.Errorf("ticket 504 has %d notes, want 1", len(z.Updates()["504"]))
	}
	if want := (act.Summary{Written: 4, Failed: 2, Unresolved: 1}); sum != want {
		t.Errorf("summary = %+v, want %+v", sum, want)
	}
	results := map[string]*act.Outcome{}
	for _, o := range out {
		results[o.TicketID] = o
	}
	if o := results["404"]; o == nil || o.Result != act.Failed || o.HTTPStatus != 404 || !strings.Contains(o.Error, "RecordNotFound") {
		t.Errorf("404 outcome = %+v", o)
	}
	if o := results["422"]; o == nil || o.Result != act.Failed || o.HTTPStatus != 422 || !strings.Contains(o.Error, "closed prevents ticket update") {
		t.Errorf("422 outcome = %+v", o)
	}
	if o := results[""]; o == nil || o.Result != act.Unresolved || o.Ticket.EncodedID != "1G7EOR-0Q2J" {
		t.Errorf("unresolved outcome = %+v", o)
	}

	u := z.Updates()["100"]
	if len(u) != 1 {
		t.Fatalf("ticket 100 got %d updates, want 1", len(u))
	}
	body := u[0].Ticket.Comment.Body
	for _, s := range []string{"Recipient: a@x.example", "Recipient: b@x.example", act.Marker + "g100a", act.Marker + "g100b",
		"Status: 5.1.1 (Bad destination mailbox address)", "Class: permanent", "Reason: userunknown", "What to do: ",
		"Reporting server: mx.acme.example", "Date: 2026-11-02T10:00:00Z", "Server said: 550 5.1.1"} {
		if !strings.Contains(body, s) {
			t.Errorf("note lacks %q:\n%s", s, body)
		}
	}
	if strings.ContainsAny(body, "\r\x1b") || strings.Contains(body, "4.4.1") {
		t.Errorf("note has control characters or the superseded delay:\n%q", body)
	}
	if tags := u[0].Ticket.AdditionalTags; !slices.Equal(tags, []string{"bounce", "bounce_permanent", "bounce_userunknown"}) {
		t.Errorf("tags = %v", tags)
	}
	if u[0].Ticket.Status != "open" {
		t.Errorf("status = %q, want open (--reopen on a permanent failure)", u[0].Ticket.Status)
	}

	// The same input again: nothing new is written; the refused notes are
	// tried again.
	st2, err := act.LoadState(filepath.Join(filepath.Dir(st.Path()), "act.json"))
	if err != nil {
		t.Fatal(err)
	}
	before := len(z.Requests())
	r2 := &act.Runner{Target: zendeskTarget(z.URL, &sleeps), Apply: true, State: st2}
	_, sum = run(t, r2, groups)
	if want := (act.Summary{Skipped: 4, Failed: 2, Unresolved: 1}); sum != want {
		t.Errorf("second run: summary = %+v, want %+v", sum, want)
	}
	var again []string
	for _, q := range z.Requests()[before:] {
		again = append(again, q.Path)
	}
	if want := []string{"/api/v2/tickets/404.json", "/api/v2/tickets/422.json"}; !slices.Equal(again, want) {
		t.Errorf("second run requests = %v, want %v", again, want)
	}
}

func recsOf(groups []*act.Group) []bounce.Record {
	var out []bounce.Record
	for _, g := range groups {
		r := g.Latest
		if g.Ticket != nil {
			c := *g.Ticket
			r.Ticket = &c
		}
		out = append(out, r)
	}
	return out
}

func TestDryRunMakesNoRequest(t *testing.T) {
	z := acttest.NewZendesk(t, acttest.BasicAuth(email, token))
	groups := collect(rec("g1", "a@x.example", "permanent", "", "7"), rec("g2", "b@x.example", "temporary", "", "8"))
	out, sum := run(t, &act.Runner{Target: zendeskTarget(z.URL, &recorder{})}, groups)
	if n := len(z.Requests()); n != 0 {
		t.Errorf("dry run made %d requests", n)
	}
	if sum != (act.Summary{Planned: 2}) || len(out) != 2 || out[1].Note == "" ||
		!slices.Equal(out[1].Tags, []string{"bounce", "bounce_temporary", "bounce_expired"}) {
		t.Errorf("plan = %+v %+v", sum, out)
	}
	if !strings.HasPrefix(out[1].Note, "Delivery delayed:") || !strings.HasPrefix(out[0].Note, "Delivery failed:") {
		t.Errorf("notes:\n%s\n%s", out[0].Note, out[1].Note)
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	z := acttest.NewZendesk(t, acttest.BasicAuth(email, "the-right-token"))
	target := zendeskTarget(z.URL, &recorder{})
	out, sum := run(t, &act.Runner{Target: target, Apply: true},
		collect(rec("g1", "a@x.example", "permanent", "", "7"), rec("g2", "b@x.example", "permanent", "", "8")))
	if sum.Failed != 2 || out[0].HTTPStatus != http.StatusUnauthorized || !strings.Contains(out[0].Error, "credentials were refused") ||
		out[1].HTTPStatus != http.StatusUnauthorized || !strings.Contains(out[1].Error, "not sent") {
		t.Fatalf("outcomes = %+v %+v", out[0], out[1])
	}
	if n := len(z.Requests()); n != 1 {
		t.Errorf("%d requests with refused credentials, want 1", n)
	}
	oauth := &act.Zendesk{BaseURL: z.URL, OAuthToken: "oauth-secret-value"}
	wh := &act.Webhook{URL: "http://127.0.0.1:1/hook?key=query-secret", Secret: "hook-secret-value"}
	whNoURL := *wh
	whNoURL.URL = ""
	for _, s := range []string{out[0].Error, fmt.Sprintf("%v %+v %#v", target, target, target),
		fmt.Sprintf("%+v %#v", oauth, oauth), fmt.Sprintf("%+v", whNoURL), wh.Name()} {
		for _, secret := range []string{token, "oauth-secret-value", "hook-secret-value", "query-secret"} {
			if strings.Contains(s, secret) {
				t.Errorf("%q shows a secret", s)
			}
		}
	}
}

func TestCancel(t *testing.T) {
	z := acttest.NewZendesk(t, acttest.BasicAuth(email, token))
	ctx, cancel := context.WithCancel(context.Background())
	target := zendeskTarget(z.URL, nil)
	target.Client.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	groups := collect(rec("g1", "a@x.example", "permanent", "", "500"), rec("g2", "b@x.example", "permanent", "", "7"))
	_, err := (&act.Runner{Target: target, Apply: true}).Run(ctx, groups, func(*act.Outcome) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	if n := len(z.Requests()); n != 1 {
		t.Errorf("%d requests after cancelling, want 1", n)
	}
}

func TestWebhook(t *testing.T) {
	h := acttest.NewWebhook(t, "hook-secret")
	groups := collect(rec("g1", "a@x.example", "permanent", "", "7"), rec("g2", "b@x.example", "permanent", "", "7"))
	groups[1].Ticket = &ticket.Ticket{EncodedID: "SD-12", System: ticket.Jira, Source: ticket.SourceSubject}
	dir := t.TempDir()
	st, _ := act.LoadState(filepath.Join(dir, "act.json"))
	target := &act.Webhook{URL: h.URL, Secret: "hook-secret", Client: &act.Client{Rate: -1}}
	_, sum := run(t, &act.Runner{Target: target, Apply: true, State: st}, groups)
	if sum != (act.Summary{Written: 2}) {
		t.Errorf("summary = %+v", sum)
	}
	ev := h.Events()
	if len(ev) != 2 || ev[0].Group != "g1" || ev[0].TicketID != "7" || ev[1].TicketID != "SD-12" ||
		ev[0].Record.Recipient != "a@x.example" || ev[0].Record.Ticket == nil || !strings.Contains(ev[0].Note, act.Marker+"g1") {
		t.Errorf("events = %+v", ev)
	}
	st2, _ := act.LoadState(filepath.Join(dir, "act.json"))
	_, sum = run(t, &act.Runner{Target: target, Apply: true, State: st2}, groups)
	if sum != (act.Summary{Skipped: 2}) || len(h.Requests()) != 2 {
		t.Errorf("second run: %+v, %d requests", sum, len(h.Requests()))
	}
	// A wrong secret: the receiver refuses the signature.
	bad := &act.Webhook{URL: h.URL, Secret: "wrong", Client: &act.Client{Rate: -1}}
	out, _ := run(t, &act.Runner{Target: bad, Apply: true}, groups[:1])
	if out[0].Result != act.Failed || out[0].HTTPStatus != http.StatusUnauthorized {
		t.Errorf("wrong secret: %+v", out[0])
	}
}

func TestCollector(t *testing.T) {
	delayed := rec("g", "a@x.example", "temporary", "2026-11-01T10:00:00Z", "5")
	failed := rec("g", "a@x.example", "permanent", "2026-11-02T10:00:00Z", "")
	delivered := rec("h", "b@x.example", "", "2026-11-02T10:00:00Z", "6")
	delivered.Class, delivered.Action = status.ClassSuccess, "delivered"
	delayedB := rec("h", "b@x.example", "temporary", "2026-11-01T10:00:00Z", "6")
	other := rec("k", "c@x.example", "permanent", "", "")
	conflict1 := rec("m", "d@x.example", "permanent", "", "8")
	conflict2 := rec("m", "d@x.example", "permanent", "", "9")
	// Read out of date order: the failure first, then its earlier delay.
	groups := collect(failed, delayed, delivered, delayedB, other, conflict1, conflict2)
	if len(groups) != 2 {
		t.Fatalf("groups = %d, want 2 (g and m): %+v", len(groups), groups)
	}
	g := groups[0]
	if g.Key != "g" || g.Latest.Class != status.ClassPermanent || g.Records != 2 || g.Ticket == nil || g.Ticket.ID != "5" {
		t.Errorf("group g = %+v", g)
	}
	if m := groups[1]; !m.Conflict {
		t.Errorf("group m: no conflict")
	}
	out, _ := run(t, &act.Runner{Target: &act.Zendesk{}}, groups)
	if out[1].Result != act.Unresolved || !strings.Contains(out[1].Error, "different tickets") {
		t.Errorf("conflict outcome = %+v", out[1])
	}
}

// A stream written in steps: a delay is written as such, the failure that
// follows it is written too, and a second report of the failure is not.
func TestStreamSteps(t *testing.T) {
	z := acttest.NewZendesk(t, acttest.BasicAuth(email, token))
	st, _ := act.LoadState(filepath.Join(t.TempDir(), "act.json"))
	r := &act.Runner{Target: zendeskTarget(z.URL, &recorder{}), Apply: true, State: st}
	var c act.Collector
	var results []string
	step := func(recs ...bounce.Record) {
		for i := range recs {
			c.Add(&recs[i])
		}
		out, _ := run(t, r, c.Take())
		for _, o := range out {
			results = append(results, o.Result+" "+o.TicketID)
		}
	}
	step(rec("g", "a@x.example", "temporary", "2026-11-01T10:00:00Z", "5"))
	step()
	step(rec("g", "a@x.example", "permanent", "2026-11-02T10:00:00Z", "")) // the number comes from the delay
	step(rec("g", "a@x.example", "permanent", "2026-11-02T10:05:00Z", ""))
	want := []string{"written 5", "written 5", "skipped 5"}
	if !slices.Equal(results, want) {
		t.Errorf("results = %v, want %v", results, want)
	}
	u := z.Updates()["5"]
	if len(u) != 2 || !strings.HasPrefix(u[0].Ticket.Comment.Body, "Delivery delayed") || !strings.HasPrefix(u[1].Ticket.Comment.Body, "Delivery failed") {
		t.Errorf("updates = %+v", u)
	}
}

// With CheckFirst, a note whose groups are on the ticket already (a lost
// state file) is not written again; a ticket with one new group gets a
// note with that group only.
func TestCheckFirst(t *testing.T) {
	z := acttest.NewZendesk(t, acttest.BasicAuth(email, token))
	z.AddComment("7", "Delivery failed: ...\n"+act.Marker+"g1")
	z.AddComment("8", "Delivery failed: ...\n"+act.Marker+"g2")
	target := zendeskTarget(z.URL, &recorder{})
	target.CheckFirst = true
	st, _ := act.LoadState(filepath.Join(t.TempDir(), "act.json"))
	out, sum := run(t, &act.Runner{Target: target, Apply: true, State: st}, collect(
		rec("g1", "a@x.example", "permanent", "", "7"),
		rec("g2", "b@x.example", "permanent", "", "8"), rec("g3", "c@x.example", "permanent", "", "8")))
	if sum != (act.Summary{Skipped: 1, Written: 1}) {
		t.Errorf("summary = %+v", sum)
	}
	var got []string
	for _, q := range z.Requests() {
		got = append(got, q.Method+" "+q.Path)
	}
	want := []string{"GET /api/v2/tickets/7/comments.json", "GET /api/v2/tickets/8/comments.json", "PUT /api/v2/tickets/8.json"}
	if !slices.Equal(got, want) {
		t.Errorf("requests = %q, want %q", got, want)
	}
	u := z.Updates()["8"]
	if len(u) != 2 || strings.Contains(u[1].Ticket.Comment.Body, act.Marker+"g2") || !strings.Contains(u[1].Ticket.Comment.Body, act.Marker+"g3") {
		t.Errorf("ticket 8: %+v", u)
	}
	if out[1].Note != u[1].Ticket.Comment.Body || !slices.Equal(out[1].Groups, []string{"g3"}) {
		t.Errorf("outcome = %+v", out[1])
	}
	if !st.Done(target.Name(), "g1", "permanent") || !st.Done(target.Name(), "g2", "permanent") {
		t.Error("groups found on the ticket are not recorded in the state")
	}
}

// A server that keeps failing: a bounded number of attempts, and the
// failure says how many.
func TestRetriesBounded(t *testing.T) {
	var requests []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests = append(requests, r.Method)
		w.WriteHeader(http.StatusBadGateway)
	}))
	t.Cleanup(srv.Close)
	var sleeps recorder
	target := zendeskTarget(srv.URL, &sleeps)
	target.Client.Retries = 2
	out, _ := run(t, &act.Runner{Target: target, Apply: true}, collect(rec("g1", "a@x.example", "permanent", "", "7")))
	if out[0].Result != act.Failed || out[0].HTTPStatus != http.StatusBadGateway || !strings.Contains(out[0].Error, "HTTP 502 (3 attempts)") {
		t.Errorf("outcome = %+v", out[0])
	}
	// Three updates, and a look at the comments before each retry.
	if want := []string{"PUT", "GET", "PUT", "GET", "PUT"}; len(sleeps.waits) != 2 || !slices.Equal(requests, want) {
		t.Errorf("waits = %v, requests %v, want 2 waits and %v", sleeps.waits, requests, want)
	}
}

func TestZendeskOAuth(t *testing.T) {
	z := acttest.NewZendesk(t, "Bearer oauth-access-token")
	target := &act.Zendesk{BaseURL: z.URL, Email: email, APIToken: token, OAuthToken: "oauth-access-token",
		Client: &act.Client{Rate: -1}}
	_, sum := run(t, &act.Runner{Target: target, Apply: true}, collect(rec("g1", "a@x.example", "permanent", "", "7")))
	if sum.Written != 1 || len(z.Updates()["7"]) != 1 {
		t.Errorf("summary %+v, requests %+v", sum, z.Requests())
	}
}

func TestZendeskURL(t *testing.T) {
	tests := []struct{ sub, base, want, err string }{
		{"acme", "", "https://acme.zendesk.com", ""},
		{"Acme-EU", "", "https://acme-eu.zendesk.com", ""},
		{"acme", "http://127.0.0.1:8080/", "http://127.0.0.1:8080", ""},
		{"", "https://support.acme.example/zd", "https://support.acme.example/zd", ""},
		{"", "", "", "no Zendesk account"},
		{"acme.evil.example/x", "", "", "ZENDESK_SUBDOMAIN"},
		{"", "ftp://acme.example", "", "ZENDESK_URL"},
		{"", "https://user:pass@acme.example", "", "without user or password"},
	}
	for _, tc := range tests {
		got, err := act.ZendeskURL(tc.sub, tc.base)
		if got != tc.want || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("ZendeskURL(%q, %q) = %q, %v; want %q, %q", tc.sub, tc.base, got, err, tc.want, tc.err)
		}
		if err != nil && strings.Contains(err.Error(), "pass") && strings.Contains(err.Error(), "user:pass") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}
