package status_test

import (
	"fmt"

	"github.com/bounce-tool/bounce/pkg/status"
)

func ExampleFind() {
	code, _ := status.Find("host mx.example.com said: 550 5.1.1 <ann@example.com>: User unknown")
	fmt.Println(code, code.Class, status.Describe(code))
	// Output: 5.1.1 permanent Bad destination mailbox address
}

func ExampleExplain() {
	e, _ := status.Explain("5.7.26")
	fmt.Println(e.Titles.Detail)
	fmt.Println(e.Action)
	// Output:
	// Multiple authentication checks failed
	// Publish SPF, sign with DKIM and align both with your From domain so DMARC passes.
}
