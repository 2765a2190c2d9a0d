package dsn_test

import (
	"fmt"
	"strings"

	"github.com/bounce-tool/bounce/pkg/dsn"
)

func ExampleParse() {
	body := `Reporting-MTA: dns; mail.example.com

Final-Recipient: rfc822; jane@example.net
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown
`
	rep, err := dsn.Parse(strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	r := rep.Recipients[0]
	fmt.Println(rep.ReportingMTA, r.FinalRecipient, r.Action, r.Status, r.DiagnosticCode)
	// Output: mail.example.com jane@example.net failed 5.1.1 550 5.1.1 User unknown
}
