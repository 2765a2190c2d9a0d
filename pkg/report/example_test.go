package report_test

import (
	"fmt"
	"os"

	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/report"
)

// Analyse each message and add its records; the report counts a delay
// notice and the later failure for the same message and recipient once.
func ExampleAggregator() {
	a := report.New(nil)
	for _, name := range []string{"../../testdata/eml/postfix/user-unknown.eml", "../../testdata/eml/rfc3464/delayed.eml"} {
		f, err := os.Open(name)
		if err != nil {
			panic(err)
		}
		a.Add(bounce.Analyze(f, nil))
		f.Close()
	}
	r := a.Report()
	fmt.Printf("%d failures: %d permanent, %d temporary\n", r.Failures.Failed, r.Failures.Permanent, r.Failures.Temporary)
	for _, ad := range r.FixAddresses {
		fmt.Println("fix", ad.Recipient, ad.Reason, ad.Tickets[0].Key())
	}
	max := 0
	fmt.Println("exceeded:", r.Check(report.Gate{MaxPermanent: &max}).Exceeded)
	// Output:
	// 2 failures: 1 permanent, 1 temporary
	// fix jane.doe@customer-mail.example userunknown zendesk 8K2LQP-4R7M #48213
	// exceeded: true
}
