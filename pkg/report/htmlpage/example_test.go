package htmlpage_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/bounce-tool/bounce/pkg/report"
	"github.com/bounce-tool/bounce/pkg/report/htmlpage"
)

// Render a report as a page with ticket links; values from bounces are
// escaped.
func ExampleWrite() {
	r := &report.Report{
		Failures: report.Failures{Failed: 1, Permanent: 1, PermanentRate: 1},
		Tickets: []report.Ticket{{TicketRef: report.TicketRef{System: "zendesk", ID: "48213"},
			Recipients: []string{"<jane>@customer.example"}, Failures: 1, WorstClass: "permanent"}},
	}
	links, err := report.ParseTicketURL("https://acme.zendesk.com/agent/tickets/{id}")
	if err != nil {
		panic(err)
	}
	var b strings.Builder
	if err := htmlpage.Write(&b, r, &htmlpage.Options{TicketURL: links}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	page := b.String()
	fmt.Println(strings.Contains(page, `<a href="https://acme.zendesk.com/agent/tickets/48213"`))
	fmt.Println(strings.Contains(page, "&lt;jane&gt;@customer.example"))
	fmt.Println(strings.Count(page, `<svg class="chart"`), "charts")
	// Output:
	// true
	// true
	// 5 charts
}
