package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bounce-tool/bounce/pkg/status"

	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/ticket"
	"github.com/google/go-cmp/cmp"
)

// rec builds a bounce record about message msg for rcpt.
func rec(msg, rcpt, class, code, reason, date string) bounce.Record {
	c, _ := status.Parse(code)
	return bounce.Record{Kind: bounce.KindBounce, Recipient: rcpt, Class: status.ParseClass(class), Status: c, Reason: reason,
		Date: date, ReportingMTA: "mx.relay.example", Group: bounce.GroupKey("id:"+msg, rcpt)}
}

func withTicket(r bounce.Record, t *ticket.Ticket) bounce.Record {
	r.Ticket = t
	return r
}

func aggregate(msgs ...[]bounce.Record) *Report {
	a := New(nil)
	for _, m := range msgs {
		a.Add(m)
	}
	return a.Report()
}

func one(r bounce.Record) []bounce.Record { return []bounce.Record{r} }

func TestLatestState(t *testing.T) {
	const (
		t1 = "2024-09-03T09:00:00Z"
		t2 = "2024-09-03T13:00:00+02:00" // later than t1
		t3 = "2024-09-04T09:00:00Z"
	)
	tests := []struct {
		name string
		msgs [][]bounce.Record
		want Failures
	}{
		{"delay then failure", [][]bounce.Record{
			one(rec("m1", "a@x.example", "temporary", "4.4.1", "networkerror", t1)),
			one(rec("m1", "a@x.example", "permanent", "5.4.7", "expired", t3)),
		}, Failures{Groups: 1, Failed: 1, Permanent: 1, PermanentRate: 1, Recipients: 1}},
		{"failure then an older delay", [][]bounce.Record{
			one(rec("m1", "a@x.example", "permanent", "5.4.7", "expired", t3)),
			one(rec("m1", "a@x.example", "temporary", "4.4.1", "networkerror", t1)),
		}, Failures{Groups: 1, Failed: 1, Permanent: 1, PermanentRate: 1, Recipients: 1}},
		{"two servers report one failure", [][]bounce.Record{
			one(rec("m1", "a@x.example", "permanent", "5.1.1", "userunknown", t1)),
			one(rec("m1", "a@x.example", "permanent", "5.1.1", "userunknown", t2)),
		}, Failures{Groups: 1, Failed: 1, Permanent: 1, PermanentRate: 1, Recipients: 1}},
		{"delay then delivered", [][]bounce.Record{
			one(rec("m1", "a@x.example", "temporary", "4.4.1", "networkerror", t1)),
			one(rec("m1", "a@x.example", "success", "2.0.0", "delivered", t3)),
		}, Failures{Groups: 1, Success: 1}},
		{"same date: input order", [][]bounce.Record{
			one(rec("m1", "a@x.example", "permanent", "5.1.1", "userunknown", t1)),
			one(rec("m1", "a@x.example", "temporary", "4.2.2", "mailboxfull", t1)),
		}, Failures{Groups: 1, Failed: 1, Temporary: 1, Recipients: 1}},
		{"undated: input order", [][]bounce.Record{
			one(rec("m1", "a@x.example", "temporary", "4.4.1", "networkerror", t3)),
			one(rec("m1", "a@x.example", "permanent", "5.4.7", "expired", "")),
		}, Failures{Groups: 1, Failed: 1, Permanent: 1, PermanentRate: 1, Recipients: 1}},
		{"offsets compared as times", [][]bounce.Record{
			one(rec("m1", "a@x.example", "permanent", "5.1.1", "userunknown", t2)),
			one(rec("m1", "a@x.example", "temporary", "4.4.1", "networkerror", t1)),
		}, Failures{Groups: 1, Failed: 1, Permanent: 1, PermanentRate: 1, Recipients: 1}},
		{"two messages, one recipient", [][]bounce.Record{
			one(rec("m1", "a@x.example", "permanent", "5.1.1", "userunknown", t1)),
			one(rec("m2", "a@x.example", "temporary", "4.2.2", "mailboxfull", t2)),
		}, Failures{Groups: 2, Failed: 2, Permanent: 1, Temporary: 1, PermanentRate: 0.5, Recipients: 1}},
		{"one message, two recipients", [][]bounce.Record{{
			rec("m1", "a@x.example", "permanent", "5.1.1", "userunknown", t1),
			rec("m1", "b@x.example", "unknown", "", "undefined", t1),
		}}, Failures{Groups: 2, Failed: 1, Permanent: 1, Unknown: 1, PermanentRate: 1, Recipients: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := aggregate(tc.msgs...).Failures
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Failures = %+v, want %+v:\n%s", got, tc.want, diff)
			}
		})
	}
}

func TestTotals(t *testing.T) {
	r := aggregate(
		[]bounce.Record{rec("m1", "a@x.example", "permanent", "5.1.1", "userunknown", ""),
			rec("m1", "b@x.example", "temporary", "4.2.2", "mailboxfull", ""),
			rec("m1", "c@x.example", "success", "2.0.0", "delivered", ""),
			rec("m1", "d@x.example", "unknown", "", "undefined", "")},
		one(bounce.Record{Kind: bounce.KindFeedback}),
		one(bounce.Record{Kind: bounce.KindAutoreply}),
		one(bounce.Record{Kind: bounce.KindOther}),
		one(bounce.Record{Kind: bounce.KindError}),
		one(rec("m1", "a@x.example", "permanent", "5.1.1", "userunknown", "")),
	)
	want := Totals{Messages: 6, Records: 9, Bounces: 5, Permanent: 2, Temporary: 1, Success: 1, Unknown: 1,
		Feedback: 1, Autoreply: 1, Other: 1, Errors: 1}
	if diff := cmp.Diff(want, r.Totals); diff != "" {
		t.Errorf("Totals = %+v, want %+v:\n%s", r.Totals, want, diff)
	}
}

func TestRankings(t *testing.T) {
	a := New(&Options{Top: 2})
	for i, rc := range []string{"a@x.example", "b@x.example", "c@y.example", "d@z.example"} {
		reason, status, class := "userunknown", "5.1.1", "permanent"
		if i == 3 {
			reason, status, class = "mailboxfull", "4.2.2", "temporary"
		}
		a.Add(one(rec("m", rc, class, status, reason, "")))
	}
	r := a.Report()
	want := Ranking{Distinct: 2, Top: []Entry{
		{Value: "5.1.1", Title: "Bad destination mailbox address", Count: 3, Permanent: 3},
		{Value: "4.2.2", Title: "Mailbox full", Count: 1, Temporary: 1},
	}}
	if diff := cmp.Diff(want, r.Statuses); diff != "" {
		t.Errorf("Statuses:\n%s", diff)
	}
	wantDomains := Ranking{Distinct: 3, Other: 1, Top: []Entry{
		{Value: "x.example", Count: 2, Permanent: 2},
		{Value: "y.example", Count: 1, Permanent: 1},
	}}
	if diff := cmp.Diff(wantDomains, r.Domains); diff != "" {
		t.Errorf("Domains:\n%s", diff)
	}
}

func TestFixAddressesAndTickets(t *testing.T) {
	zd := &ticket.Ticket{ID: "48213", EncodedID: "8K2LQP-4R7M", System: "zendesk", Source: "body"}
	zdEncOnly := &ticket.Ticket{EncodedID: "8K2LQP-4R7M", System: "zendesk", Source: "message-id"}
	zdURLOnly := &ticket.Ticket{ID: "48213", System: "zendesk", Source: "url"}
	fd := &ticket.Ticket{ID: "123", System: "freshdesk", Source: "subject"}
	r := aggregate(
		one(withTicket(rec("m1", "jane@customer.example", "permanent", "5.1.1", "userunknown", "2024-09-03T09:00:00Z"), zd)),
		one(withTicket(rec("m2", "jane@customer.example", "permanent", "5.1.1", "userunknown", "2024-09-04T09:00:00Z"), zdEncOnly)),
		one(withTicket(rec("m3", "ops@partner.example", "temporary", "4.4.1", "networkerror", "2024-09-03T10:00:00Z"), zdURLOnly)),
		one(withTicket(rec("m4", "full@customer.example", "permanent", "5.2.2", "mailboxfull", ""), fd)),
		one(rec("m5", "gone@nowhere.example", "permanent", "5.1.2", "hostunknown", "")),
		// back again: a later failure that is not about the address
		one(rec("m6", "back@customer.example", "permanent", "5.1.1", "userunknown", "2024-09-01T00:00:00Z")),
		one(rec("m7", "back@customer.example", "temporary", "4.2.2", "mailboxfull", "2024-09-02T00:00:00Z")),
	)
	ref := TicketRef{System: "zendesk", ID: "48213", EncodedID: "8K2LQP-4R7M"}
	wantFix := []Address{
		{Recipient: "jane@customer.example", Reason: "userunknown", Status: "5.1.1", Date: "2024-09-04T09:00:00Z",
			Failures: 2, Tickets: []TicketRef{ref}},
		{Recipient: "gone@nowhere.example", Reason: "hostunknown", Status: "5.1.2", Failures: 1, Tickets: []TicketRef{}},
	}
	if diff := cmp.Diff(wantFix, r.FixAddresses); diff != "" {
		t.Errorf("FixAddresses:\n%s", diff)
	}
	wantTickets := []Ticket{
		{TicketRef: TicketRef{System: "freshdesk", ID: "123"}, Recipients: []string{"full@customer.example"},
			Failures: 1, WorstClass: "permanent", LatestStatus: "5.2.2", LatestReason: "mailboxfull"},
		{TicketRef: ref, Recipients: []string{"jane@customer.example", "ops@partner.example"}, Failures: 3,
			WorstClass: "permanent", LatestStatus: "5.1.1", LatestReason: "userunknown", LatestDate: "2024-09-04T09:00:00Z"},
	}
	if diff := cmp.Diff(wantTickets, r.Tickets); diff != "" {
		t.Errorf("Tickets:\n%s", diff)
	}
	if r.Failures.WithTicket != 4 {
		t.Errorf("WithTicket = %d, want 4", r.Failures.WithTicket)
	}
}

func TestTicketKeptAcrossRecords(t *testing.T) {
	zd := &ticket.Ticket{EncodedID: "8K2LQP-4R7M", System: "zendesk", Source: "body"}
	r := aggregate(
		one(withTicket(rec("m1", "a@x.example", "temporary", "4.4.1", "networkerror", "2024-09-03T09:00:00Z"), zd)),
		one(rec("m1", "a@x.example", "permanent", "5.4.7", "expired", "2024-09-04T09:00:00Z")),
	)
	if len(r.Tickets) != 1 || r.Tickets[0].WorstClass != "permanent" || r.Tickets[0].LatestStatus != "5.4.7" {
		t.Errorf("Tickets = %+v, want the ticket of the delay with the failure's state", r.Tickets)
	}
}

func TestGate(t *testing.T) {
	r := aggregate(
		one(rec("m1", "a@x.example", "permanent", "5.1.1", "userunknown", "")),
		one(rec("m2", "b@x.example", "temporary", "4.2.2", "mailboxfull", "")),
		one(rec("m3", "c@x.example", "temporary", "4.2.2", "mailboxfull", "")),
		one(rec("m4", "d@x.example", "temporary", "4.4.1", "networkerror", "")),
	)
	n := func(i int) *int { return &i }
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name string
		gate Gate
		want bool
	}{
		{"none", Gate{}, false},
		{"fail-on permanent", Gate{FailOn: "permanent"}, true},
		{"fail-on any", Gate{FailOn: "any"}, true},
		{"fail-on error", Gate{FailOn: "error"}, false},
		{"max-permanent equal", Gate{MaxPermanent: n(1)}, false},
		{"max-permanent exceeded", Gate{MaxPermanent: n(0)}, true},
		{"rate equal", Gate{MaxPermanentRate: f(0.25)}, false},
		{"rate exceeded", Gate{MaxPermanentRate: f(0.2)}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := r.Check(tc.gate)
			if got.Exceeded != tc.want || got.Exceeded != (len(got.Why) > 0) {
				t.Errorf("Check(%+v) = %+v, want exceeded %v", tc.gate, got, tc.want)
			}
		})
	}
}

func TestJSONHasNoNulls(t *testing.T) {
	b, err := json.Marshal(New(nil).Report())
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, null := range []string{`"top":null`, `"fix_addresses":null`, `"tickets":null`, `"why":null`, `"days":null`} {
		if strings.Contains(s, null) {
			t.Errorf("empty report JSON has %s: %s", null, s)
		}
	}
	if !strings.HasPrefix(s, `{"version":1,`) {
		t.Errorf("JSON does not start with the version: %s", s)
	}
}

func TestBlocklists(t *testing.T) {
	blocked := rec("m1", "a@x.example", "permanent", "5.7.1", "blocked", "")
	blocked.Diagnostic = "554 5.7.1 blocked using zen.spamhaus.org"
	recs := [][]bounce.Record{one(blocked), one(rec("m2", "b@x.example", "permanent", "5.1.1", "userunknown", ""))}
	if r := aggregate(recs...); r.Blocklists.Distinct != 0 || r.Blocklists.Top == nil {
		t.Errorf("without a record's Blocklist: Blocklists = %+v, want empty", r.Blocklists)
	}
	recs[0][0].Blocklist = "spamhaus"
	want := Ranking{Distinct: 1, Top: []Entry{{Value: "spamhaus", Count: 1, Permanent: 1}}}
	if diff := cmp.Diff(want, aggregate(recs...).Blocklists); diff != "" {
		t.Errorf("Blocklists:\n%s", diff)
	}
}

func TestDays(t *testing.T) {
	r := aggregate(
		one(rec("m1", "a@x.example", "permanent", "5.1.1", "userunknown", "2024-09-03T23:30:00-02:00")), // 4 Sep UTC
		one(rec("m2", "b@x.example", "temporary", "4.2.2", "mailboxfull", "2024-09-04T08:00:00Z")),
		one(rec("m3", "c@x.example", "permanent", "5.1.1", "userunknown", "2024-09-01T08:00:00Z")),
		one(rec("m4", "d@x.example", "permanent", "5.1.1", "userunknown", "")),                 // undated: not counted
		one(rec("m5", "e@x.example", "success", "2.0.0", "delivered", "2024-09-02T08:00:00Z")), // no failure
		// a delay on the 1st failed for good on the 5th: counted on the 5th
		one(rec("m6", "f@x.example", "temporary", "4.4.1", "networkerror", "2024-09-01T09:00:00Z")),
		one(rec("m6", "f@x.example", "permanent", "5.4.7", "expired", "2024-09-05T09:00:00Z")),
	)
	want := []Day{
		{Date: "2024-09-01", Failed: 1, Permanent: 1},
		{Date: "2024-09-04", Failed: 2, Permanent: 1, Temporary: 1},
		{Date: "2024-09-05", Failed: 1, Permanent: 1},
	}
	if diff := cmp.Diff(want, r.Days); diff != "" {
		t.Errorf("Days:\n%s", diff)
	}
	if d := New(nil).Report().Days; d == nil {
		t.Error("empty report: Days is nil, want []")
	}
}

func TestRefusals(t *testing.T) {
	listed := func(msg, rcpt, server, list, date string) bounce.Record {
		r := rec(msg, rcpt, "permanent", "5.7.1", "blocked", date)
		r.ReportingMTA, r.Blocklist = server, list
		return r
	}
	dmarc := rec("m4", "c@big.example", "temporary", "4.7.26", "authfailure", "2024-09-02T00:00:00Z")
	dmarc.Auth = "dmarc"
	a := New(&Options{Top: 2})
	for _, m := range [][]bounce.Record{
		one(listed("m1", "a@big.example", "mx1.big.example", "spamhaus", "2024-09-01T00:00:00Z")),
		one(listed("m2", "b@big.example", "mx1.big.example", "spamhaus", "2024-09-03T00:00:00Z")),
		one(listed("m3", "a@small.example", "mx.small.example", "sorbs", "")),
		one(dmarc),
		one(rec("m5", "d@small.example", "permanent", "5.7.1", "badreputation", "")),
		one(rec("m6", "e@small.example", "permanent", "5.1.1", "userunknown", "")), // the recipient's problem
	} {
		a.Add(m)
	}
	want := Refusals{Failed: 5, Distinct: 4, Other: 2, Top: []Refusal{
		{Provider: "big.example", Server: "mx1.big.example", Cause: "spamhaus", Reason: "blocked", Count: 2, Permanent: 2,
			LatestDate: "2024-09-03T00:00:00Z"},
		{Provider: "big.example", Server: "mx.relay.example", Cause: "dmarc", Reason: "authfailure", Count: 1, Temporary: 1,
			LatestDate: "2024-09-02T00:00:00Z"},
	}}
	if diff := cmp.Diff(want, a.Report().Refusals); diff != "" {
		t.Errorf("Refusals:\n%s", diff)
	}
	if top := New(nil).Report().Refusals.Top; top == nil {
		t.Error("empty report: Refusals.Top is nil, want []")
	}
}

func TestTicketURL(t *testing.T) {
	u, err := ParseTicketURL("https://acme.zendesk.com/agent/tickets/{id}?from=bounce")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ id, want string }{
		{"48213", "https://acme.zendesk.com/agent/tickets/48213?from=bounce"},
		{"", ""},
		{"A-1_2.3", "https://acme.zendesk.com/agent/tickets/A-1_2.3?from=bounce"},
		{`1"><script>/?#`, ""},
		{"javascript:alert(1)", ""},
		{strings.Repeat("1", 65), ""},
	} {
		if got := u.Link(TicketRef{System: "zendesk", ID: tc.id}); got != tc.want {
			t.Errorf("Link(%q) = %q, want %q", tc.id, got, tc.want)
		}
	}
	if got := (TicketURL{}).Link(TicketRef{ID: "1"}); got != "" {
		t.Errorf("zero TicketURL links %q", got)
	}
	for _, bad := range []string{
		"javascript:alert(1)//{id}", "data:text/html,{id}", "//acme.example/{id}", "/tickets/{id}",
		"https://acme.example/tickets/", "https://acme.example/{id}/{id}", "https:///{id}",
		"https://user:pw@acme.example/{id}", `https://acme.example/{id}" onclick="x`, "ftp://acme.example/{id}",
		"zendesk=javascript:alert(1)//{id}", "https://{id}.zendesk.com/", "https://acme.example{id}/",
	} {
		if _, err := ParseTicketURL(bad); err == nil {
			t.Errorf("ParseTicketURL(%q): no error", bad)
		}
	}
	if _, err := ParseTicketURL("https://a.example/{id}", "https://b.example/{id}"); err == nil {
		t.Error("two URLs for all systems: no error")
	}
	if _, err := ParseTicketURL("rt=https://a.example/{id}", "rt=https://b.example/{id}"); err == nil {
		t.Error("two URLs for one system: no error")
	}
	per, err := ParseTicketURL("https://acme.zendesk.com/agent/tickets/{id}", "freshdesk=https://acme.freshdesk.com/a/tickets/{id}?x=1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ system, want string }{
		{"zendesk", "https://acme.zendesk.com/agent/tickets/7"},
		{"freshdesk", "https://acme.freshdesk.com/a/tickets/7?x=1"},
		{"rt", "https://acme.zendesk.com/agent/tickets/7"},
	} {
		if got := per.Link(TicketRef{System: tc.system, ID: "7"}); got != tc.want {
			t.Errorf("Link(%s #7) = %q, want %q", tc.system, got, tc.want)
		}
	}
	only, _ := ParseTicketURL("zendesk=https://acme.zendesk.com/agent/tickets/{id}")
	if got := only.Link(TicketRef{System: "freshdesk", ID: "7"}); got != "" {
		t.Errorf("a zendesk URL links a freshdesk ticket: %q", got)
	}
}
