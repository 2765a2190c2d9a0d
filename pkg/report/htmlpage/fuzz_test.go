package htmlpage

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bounce-tool/bounce/pkg/report"
	"golang.org/x/net/html"
)

// FuzzPage: whatever text a bounce carries into the page, the page holds
// one script (its own), no event handler attribute and no link but the
// ticket template's.
func FuzzPage(f *testing.F) {
	for _, h := range hostile {
		f.Add(h, h, h, h, h)
	}
	f.Add("jane@customer.example", "userunknown", "5.1.1", "mx.example", "48213")
	u, err := report.ParseTicketURL("https://acme.zendesk.com/agent/tickets/{id}")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, rcpt, reason, code, server, id string) {
		ref := report.TicketRef{System: reason, ID: id, EncodedID: server}
		e := report.Entry{Value: server, Title: code, Count: 2, Permanent: 1, Temporary: 1}
		rk := report.Ranking{Distinct: 2, Other: 1, Top: []report.Entry{e}}
		r := &report.Report{Reasons: rk, Statuses: rk, Domains: rk, Servers: rk,
			Failures:     report.Failures{Failed: 2, Permanent: 1, Temporary: 1},
			FixAddresses: []report.Address{{Recipient: rcpt, Reason: reason, Status: code, Date: id, Failures: 1, Tickets: []report.TicketRef{ref}}},
			Tickets:      []report.Ticket{{TicketRef: ref, Recipients: []string{rcpt}, WorstClass: reason, LatestDate: code}},
			Days:         []report.Day{{Date: code, Failed: 1, Permanent: 1}, {Date: "2024-09-03", Failed: 1, Temporary: 1}},
			Refusals:     report.Refusals{Top: []report.Refusal{{Provider: rcpt, Server: server, Cause: reason, Reason: code, LatestDate: id}}},
		}
		var b bytes.Buffer
		if err := Write(&b, r, &Options{TicketURL: u, Inputs: []string{rcpt}, Title: reason, Generator: server}); err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(&b)
		if err != nil {
			t.Fatal(err)
		}
		scripts := 0
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				if n.Data == "script" {
					scripts++
				}
				for _, a := range n.Attr {
					k := strings.ToLower(a.Key)
					if strings.HasPrefix(k, "on") || k == "src" || k == "style" {
						t.Fatalf("attribute %s=%q on <%s>", a.Key, a.Val, n.Data)
					}
					if k == "href" && !strings.HasPrefix(a.Val, "https://acme.zendesk.com/agent/tickets/") {
						t.Fatalf("link %q", a.Val)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		if scripts != 1 {
			t.Fatalf("%d script elements", scripts)
		}
	})
}
