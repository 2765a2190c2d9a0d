package htmlpage

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bounce-tool/bounce/pkg/report"
	"golang.org/x/net/html"
)

// hostile are values a bounce can carry into the page: markup, script
// URLs, quotes of both kinds, an event handler.
var hostile = []string{
	`<script>alert(1)</script>`,
	`javascript:alert(2)`,
	`"><img src=x onerror=alert(3)>`,
	`' onmouseover='alert(4)`,
	`</title><script>alert(5)</script>`,
	`]]><svg onload=alert(6)>`,
}

// hostileReport puts a hostile value in every string of a report that
// reaches the page.
func hostileReport() *report.Report {
	h := func(i int) string { return hostile[i%len(hostile)] }
	n := 0
	next := func() string { n++; return h(n) }
	entry := func() report.Entry {
		return report.Entry{Value: next(), Title: next(), Count: 3, Permanent: 2, Temporary: 1}
	}
	ranking := func() report.Ranking {
		return report.Ranking{Distinct: 3, Other: 1, Top: []report.Entry{entry(), entry()}}
	}
	ref := func() report.TicketRef { return report.TicketRef{System: next(), ID: next(), EncodedID: next()} }
	r := &report.Report{Version: 1,
		Totals:   report.Totals{Messages: 3, Records: 3, Bounces: 3, Permanent: 2, Temporary: 1},
		Failures: report.Failures{Groups: 3, Failed: 3, Permanent: 2, Temporary: 1, PermanentRate: 2.0 / 3, Recipients: 3, WithTicket: 2},
		Reasons:  ranking(), Statuses: ranking(), Domains: ranking(), Servers: ranking(), Blocklists: ranking(),
		Days: []report.Day{{Date: "2024-09-03", Failed: 2, Permanent: 1, Temporary: 1}, {Date: next(), Failed: 1, Permanent: 1}},
		Refusals: report.Refusals{Failed: 2, Distinct: 1, Top: []report.Refusal{{Provider: next(), Server: next(), Cause: next(),
			Reason: next(), Count: 2, Permanent: 2, LatestDate: next()}}},
		Gate: report.GateResult{FailOn: next(), Exceeded: true, Why: []string{next()}},
	}
	for i := range 3 {
		r.FixAddresses = append(r.FixAddresses, report.Address{Recipient: next(), Reason: next(), Status: next(), Date: next(),
			Failures: 1, Tickets: []report.TicketRef{ref(), ref()}})
		r.Tickets = append(r.Tickets, report.Ticket{TicketRef: ref(), Recipients: []string{next(), next()}, Failures: 1,
			WorstClass: next(), LatestStatus: next(), LatestReason: next(), LatestDate: next()})
		if i == 0 { // a ticket number that makes a link, next to hostile system names
			r.FixAddresses[0].Tickets[0].ID = "48213"
			r.Tickets[0].ID = "48214"
		}
	}
	return r
}

func render(t *testing.T, r *report.Report, opts *Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, r, opts); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestHostileValuesInert: whatever a bounce says, the page holds one
// script (its own, inline), no event handler attribute, no link but the
// ticket links of the template, and shows each hostile value as text.
func TestHostileValuesInert(t *testing.T) {
	u, err := report.ParseTicketURL("https://acme.zendesk.com/agent/tickets/{id}")
	if err != nil {
		t.Fatal(err)
	}
	page := render(t, hostileReport(), &Options{TicketURL: u, Inputs: hostile, Title: hostile[0], Generator: hostile[2]})
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	scripts, links := 0, 0
	var text strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			text.WriteString(n.Data)
		}
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script":
				scripts++
				if n.FirstChild == nil || n.FirstChild.Data != sortJS {
					t.Errorf("a script element that is not the page's own: %q", render1(n))
				}
			case "img", "iframe", "object", "embed", "link", "base", "form", "image", "use", "foreignObject", "foreignobject":
				t.Errorf("element <%s> on the page: %s", n.Data, render1(n))
			}
			for _, a := range n.Attr {
				k, v := strings.ToLower(a.Key), strings.ToLower(a.Val)
				if strings.HasPrefix(k, "on") {
					t.Errorf("event handler attribute %s=%q on <%s>", a.Key, a.Val, n.Data)
				}
				if k == "src" || k == "srcdoc" || k == "style" || k == "xlink:href" || a.Namespace != "" {
					t.Errorf("attribute %s=%q on <%s>", a.Key, a.Val, n.Data)
				}
				if (k == "href" || k == "action" || k == "formaction") && strings.Contains(v, "javascript:") {
					t.Errorf("javascript: in attribute %s=%q on <%s>", a.Key, a.Val, n.Data)
				}
				if k == "href" {
					links++
					if !strings.HasPrefix(a.Val, "https://acme.zendesk.com/agent/tickets/") ||
						strings.ContainsAny(strings.TrimPrefix(a.Val, "https://acme.zendesk.com/agent/tickets/"), `<>"' /?#`) {
						t.Errorf("link %q is not the ticket template with an escaped id", a.Val)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if scripts != 1 {
		t.Errorf("%d script elements, want 1 (the page's own)", scripts)
	}
	if links != 2 { // the numbered tickets of the first address and of the first ticket
		t.Errorf("%d ticket links, want 2", links)
	}
	for _, h := range hostile {
		if !strings.Contains(text.String(), h) {
			t.Errorf("hostile value %q not shown as text", h)
		}
	}
}

func render1(n *html.Node) string {
	var b bytes.Buffer
	_ = html.Render(&b, n)
	return b.String()
}

// TestSelfContained: no URL of any kind outside the ticket links, and a
// Content-Security-Policy that lets the page fetch nothing.
func TestSelfContained(t *testing.T) {
	page := render(t, hostileReport(), nil)
	for _, bad := range []string{"http://", "https://", "@import", "url(http", "<link"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if !strings.Contains(page, `content="default-src &#39;none&#39;; style-src &#39;sha256-`) {
		t.Errorf("no CSP default-src 'none' with hashed style in the page head")
	}
	if strings.Contains(page, "unsafe-inline") {
		t.Error("CSP allows unsafe-inline")
	}
}

func TestTicketLinksOnlyWithTemplate(t *testing.T) {
	r := &report.Report{Tickets: []report.Ticket{{TicketRef: report.TicketRef{System: "zendesk", ID: "48213"},
		Recipients: []string{"a@x.example"}, Failures: 1, WorstClass: "permanent"}}}
	if page := render(t, r, nil); strings.Contains(page, "<a ") {
		t.Error("a ticket link without a ticket URL")
	}
	u, _ := report.ParseTicketURL("https://acme.zendesk.com/agent/tickets/{id}")
	page := render(t, r, &Options{TicketURL: u})
	if !strings.Contains(page, `<a href="https://acme.zendesk.com/agent/tickets/48213" rel="noreferrer noopener">zendesk #48213</a>`) {
		t.Errorf("no ticket link in:\n%s", page)
	}
}

// TestSizeBounded: a report of a huge batch (many addresses, tickets and
// days) makes a page of the same order of size as a small one.
func TestSizeBounded(t *testing.T) {
	build := func(n, days int) *report.Report {
		r := &report.Report{}
		start := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range n {
			rcpt := fmt.Sprintf("user%07d@domain%04d.example", i, i%1000)
			date := start.Add(time.Duration(i%days) * 24 * time.Hour).Format(time.RFC3339)
			ref := report.TicketRef{System: "zendesk", ID: fmt.Sprint(100000 + i)}
			r.FixAddresses = append(r.FixAddresses, report.Address{Recipient: rcpt, Reason: "userunknown", Status: "5.1.1",
				Date: date, Failures: 1, Tickets: []report.TicketRef{ref}})
			r.Tickets = append(r.Tickets, report.Ticket{TicketRef: ref, Recipients: []string{rcpt}, Failures: 1,
				WorstClass: "permanent", LatestStatus: "5.1.1", LatestReason: "userunknown", LatestDate: date})
		}
		for d := range days {
			r.Days = append(r.Days, report.Day{Date: start.AddDate(0, 0, d).Format(time.DateOnly), Failed: n / days, Permanent: n / days})
		}
		top := make([]report.Entry, 10)
		for i := range top {
			top[i] = report.Entry{Value: fmt.Sprintf("value-%d.example", i), Count: n / (i + 1), Permanent: n / (i + 1)}
		}
		rk := report.Ranking{Distinct: n, Other: n, Top: top}
		r.Reasons, r.Statuses, r.Domains, r.Servers = rk, rk, rk, rk
		r.Failures = report.Failures{Failed: n, Permanent: n, Groups: n, PermanentRate: 1}
		return r
	}
	small := len(render(t, build(100, 20), &Options{Top: 10, Rows: 50}))
	huge := len(render(t, build(200000, 1500), &Options{Top: 10, Rows: 50}))
	t.Logf("page of 100 failures over 20 days: %d bytes; of 200,000 over 1,500 days: %d bytes", small, huge)
	if huge > 2*small || huge > 300_000 {
		t.Errorf("page of 200,000 failures is %d bytes, of 100 failures %d: want the same order", huge, small)
	}
}

func TestBucketize(t *testing.T) {
	days := func(dates ...string) []report.Day {
		var out []report.Day
		for _, d := range dates {
			out = append(out, report.Day{Date: d, Failed: 1, Permanent: 1})
		}
		return out
	}
	tests := []struct {
		name    string
		in      []report.Day
		unit    string
		n       int
		first   string
		columns int
	}{
		{"days with the gaps filled", days("2024-09-01", "2024-09-03"), "day", 3, "2024-09-01", 3},
		{"weeks from Monday", days("2024-09-04", "2024-12-31"), "week", 18, "week of 2024-09-02", 18},
		{"months", days("2020-01-15", "2024-09-03"), "month", 57, "January 2020", 57},
		{"a date from 1970 keeps the columns few", days("1970-01-01", "2024-09-03"), "month", 657, "January 1970", maxColumns},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, unit := bucketize(tc.in)
			if unit != tc.unit || len(b) != tc.n || b[0].longName != tc.first {
				t.Errorf("bucketize = %d %s, first %q; want %d %s, first %q", len(b), unit, b[0].longName, tc.n, tc.unit, tc.first)
			}
			c := dayChart(tc.in, 2)
			if len(c.Columns) != tc.columns {
				t.Errorf("chart has %d columns, want %d", len(c.Columns), tc.columns)
			}
			sum := 0
			for _, x := range b {
				sum += x.perm + x.temp
			}
			if sum != 2 {
				t.Errorf("buckets hold %d failures, want 2", sum)
			}
		})
	}
}

func TestNiceScale(t *testing.T) {
	for _, tc := range []struct{ max, top, ticks int }{{0, 1, 2}, {1, 1, 2}, {5, 5, 6}, {7, 8, 5}, {20, 20, 5}, {37, 40, 5}, {1234, 1500, 4}} {
		top, ticks := niceScale(tc.max)
		if top != tc.top || len(ticks) != tc.ticks || top < tc.max {
			t.Errorf("niceScale(%d) = %d %v, want %d with %d ticks", tc.max, top, ticks, tc.top, tc.ticks)
		}
	}
}
