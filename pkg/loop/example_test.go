package loop_test

import (
	"fmt"
	"time"

	"github.com/bounce-tool/bounce/pkg/header"
	"github.com/bounce-tool/bounce/pkg/loop"
)

// autoReply returns the header of an out-of-office reply.
func autoReply(from string, at time.Time) header.Header {
	var h header.Header
	h.Set("From", "<"+from+">")
	h.Set("Date", at.Format(time.RFC1123Z))
	h.Set("Subject", "Automatic reply: [#42] Printer jammed")
	h.Set("Auto-Submitted", "auto-replied")
	return h
}

func ExampleAnalyzer() {
	a, err := loop.NewAnalyzer(&loop.Options{SupportAddresses: []string{"support@acme.example"}})
	if err != nil {
		panic(err)
	}
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	// An out-of-office reply answers every update the desk sends: 45 in
	// 45 minutes.
	for i := range 45 {
		a.Add(loop.Message{
			Source: "inbox.mbox",
			Index:  i + 1,
			Header: autoReply("ann@customer.example", start.Add(time.Duration(i)*time.Minute)),
		})
	}
	res := a.Result()
	for _, i := range []int{0, 20, 44} {
		r := res.Records[i]
		fmt.Printf("#%d %s: %s\n", r.Index, r.Outcome, r.OutcomeReason)
	}
	for _, s := range res.Senders {
		fmt.Printf("%s: %d messages, peak %d/h, %d accepted, %d suspended, %d rejected\n",
			s.Sender, s.Messages, s.PeakPerHour, s.Accepted, s.Suspended, s.Rejected)
	}
	for _, l := range res.Loops {
		fmt.Printf("%s %s %v %q: %d messages\n", l.ID, l.Kind, l.Members, l.Thread, l.Messages)
	}
	// Output:
	// #1 accepted: 1st update from this sender within 60 minutes (limit 20)
	// #21 suspended: 21st update from this sender within 60 minutes (limit 20)
	// #45 rejected: 45th update from this sender within 60 minutes (limit 20, rejected beyond 40)
	// ann@customer.example: 45 messages, peak 45/h, 20 accepted, 20 suspended, 5 rejected
	// L1 single-sender [ann@customer.example] "[#42] printer jammed": 45 messages
}

func ExampleSignals() {
	var h header.Header
	h.Set("From", "Shop <no-reply@shop.example>")
	h.Set("Subject", "Your order has shipped")
	h.Set("List-Unsubscribe", "<mailto:unsubscribe@shop.example>")
	h.Set("Auto-Submitted", "no")
	signals := loop.Signals(h, "")
	fmt.Println(signals, loop.IsBulk(signals), loop.IsNoReply(signals))
	// Output:
	// [list-unsubscribe no-reply] true true
}

func ExampleNormalizeSubject() {
	fmt.Println(loop.NormalizeSubject("Automatic reply: AW: [#42]  Drucker klemmt"))
	fmt.Println(loop.NormalizeSubject("[Acme] Re: Fwd: Invoice 118"))
	// Output:
	// [#42] drucker klemmt
	// [acme] invoice 118
}
