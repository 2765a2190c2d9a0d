package act_test

import (
	"context"
	"fmt"

	"github.com/bounce-tool/bounce/pkg/act"
	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/status"
	"github.com/bounce-tool/bounce/pkg/ticket"
)

// A delay and the later failure for one message and recipient are one
// group; without Apply the Runner only plans the note.
func ExampleRunner() {
	tk := &ticket.Ticket{ID: "48213", EncodedID: "8K2LQP-4R7M", System: ticket.Zendesk, Source: ticket.SourceBody}
	var c act.Collector
	for _, r := range []bounce.Record{
		{Kind: bounce.KindBounce, Group: "3f4b32e77bc7aa9b", Recipient: "jane@customer.example", Class: status.ClassTemporary,
			Status: status.MustParse("4.2.2"), Reason: "mailboxfull", Date: "2026-11-01T10:00:00Z", Ticket: tk},
		{Kind: bounce.KindBounce, Group: "3f4b32e77bc7aa9b", Recipient: "jane@customer.example", Class: status.ClassPermanent,
			Status: status.MustParse("5.2.2"), Reason: "mailboxfull", Date: "2026-11-04T10:00:00Z", ReportingMTA: "mx.acme.example",
			Diagnostic: "552 5.2.2 Mailbox full", Ticket: tk},
	} {
		c.Add(&r)
	}
	r := &act.Runner{Target: &act.Zendesk{}}
	r.Run(context.Background(), c.Groups(), func(o *act.Outcome) error {
		fmt.Println(o.Result, o.TicketID, o.Tags)
		fmt.Println(o.Note)
		return nil
	})
	// Output:
	// planned 48213 [bounce bounce_permanent bounce_mailboxfull]
	// Delivery failed: the reply on this ticket did not reach jane@customer.example, and a retry will not help.
	// Recipient: jane@customer.example
	// Status: 5.2.2 (Mailbox full)
	// Class: permanent (a retry will not help)
	// Reason: mailboxfull
	// What to do: Wait and retry later, or reach the customer another way; a long-full mailbox is often abandoned.
	// Reporting server: mx.acme.example
	// Date: 2026-11-04T10:00:00Z
	// Server said: 552 5.2.2 Mailbox full
	// bounce-group: 3f4b32e77bc7aa9b
}

func ExampleSign() {
	body := []byte(`{"event":"bounce"}`)
	sig := act.Sign([]byte("shared-secret"), body)
	fmt.Println(act.Verify([]byte("shared-secret"), body, sig), act.Verify([]byte("wrong"), body, sig))
	// Output: true false
}
