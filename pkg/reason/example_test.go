package reason_test

import (
	"fmt"

	"github.com/bounce-tool/bounce/pkg/reason"
	"github.com/bounce-tool/bounce/pkg/status"
)

func ExampleClassify() {
	r := reason.Classify(reason.Facts{
		Status:     status.MustParse("5.7.1"),
		Reply:      554,
		Command:    "RCPT",
		Diagnostic: "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
	})
	fmt.Println(r.Reason, r.Blocklist, r.Step)

	// The short "user unknown" after DATA is what a recipient's filter says.
	r = reason.Classify(reason.Facts{Command: "DATA", Diagnostic: "550 Unknown user"})
	fmt.Println(r.Reason)
	// Output:
	// blocked spamhaus wording
	// filtered
}

func ExampleInferStatus() {
	r := reason.Classify(reason.Facts{Command: "RCPT", Diagnostic: "550 mailbox not found"})
	if r.Confident {
		fmt.Println(r.Reason, reason.InferStatus(r.Reason, status.ClassPermanent))
	}
	// Output: userunknown 5.1.1
}
