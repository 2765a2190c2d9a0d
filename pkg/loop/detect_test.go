package loop

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// loopOf lists the Loop field of every record.
func loopOf(recs []Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.Loop
	}
	return out
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestPingPong(t *testing.T) {
	mb := &mailbox{t: t}
	for i := range 6 {
		from := "Ann (away) <ann@alpha.example>"
		if i%2 == 1 {
			from = "Robot <autoresponder@beta.example>"
		}
		mb.add(from, "Automatic reply: RE: [#42] Printer", t0.Add(time.Duration(i)*2*time.Minute), autoReply...)
	}
	res := mb.analyze(nil)
	want := []Loop{{
		ID:       "L1",
		Kind:     PingPong,
		Members:  []string{"ann@alpha.example", "autoresponder@beta.example"},
		Thread:   "[#42] printer",
		Messages: 6,
		First:    t0,
		Last:     t0.Add(10 * time.Minute),
	}}
	if diff := cmp.Diff(want, res.Loops); diff != "" {
		t.Errorf("Loops mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(repeat("L1", 6), loopOf(res.Records)); diff != "" {
		t.Errorf("record loops mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[Outcome]int{Accepted: 6}, outcomes(res.Records)); diff != "" {
		t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
	}
}

func TestPingPongByReferences(t *testing.T) {
	// A generic subject joins nothing; the In-Reply-To chain does.
	mb := &mailbox{t: t}
	prev := ""
	for i := range 4 {
		from := "ann@alpha.example"
		if i%2 == 1 {
			from = "bob@beta.example"
		}
		var extra []string
		if prev != "" {
			extra = []string{"In-Reply-To: <" + prev + ">"}
		}
		prev = mb.add(from, "Out of Office", t0.Add(time.Duration(i)*time.Minute), append(extra, "Auto-Submitted: auto-replied")...)
	}
	res := mb.analyze(nil)
	if len(res.Loops) != 1 {
		t.Fatalf("Loops = %+v, want one", res.Loops)
	}
	_, id := mb.build(1, "ann@alpha.example", "Out of Office", t0)
	if got, want := res.Loops[0].Thread, "<"+id+">"; got != want {
		t.Errorf("Thread = %q, want %q", got, want)
	}
	if got := res.Loops[0].Kind; got != PingPong {
		t.Errorf("Kind = %q, want %q", got, PingPong)
	}
}

func TestPingPongNearMisses(t *testing.T) {
	alternate := func(t *testing.T, n int, step time.Duration, subject func(i int) string, extra ...string) *Result {
		mb := &mailbox{t: t}
		for i := range n {
			from := "ann@alpha.example"
			if i%2 == 1 {
				from = "bob@beta.example"
			}
			mb.add(from, subject(i), t0.Add(time.Duration(i)*step), extra...)
		}
		return mb.analyze(nil)
	}
	same := func(int) string { return "Automatic reply: Printer" }
	tests := []struct {
		name string
		res  func(t *testing.T) *Result
	}{
		{"three messages", func(t *testing.T) *Result { return alternate(t, 3, time.Minute, same, autoReply...) }},
		{"people, not machines", func(t *testing.T) *Result {
			return alternate(t, 8, time.Minute, func(int) string { return "Re: Printer" })
		}},
		{"two hours apart", func(t *testing.T) *Result { return alternate(t, 8, 2*time.Hour, same, autoReply...) }},
		{"generic subject, no references", func(t *testing.T) *Result {
			return alternate(t, 8, time.Minute, func(int) string { return "Out of Office" }, autoReply...)
		}},
		{"different threads", func(t *testing.T) *Result {
			return alternate(t, 8, time.Minute, func(i int) string { return fmt.Sprintf("Automatic reply: [#%d] Printer", i) }, autoReply...)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if res := tc.res(t); len(res.Loops) != 0 {
				t.Errorf("Loops = %+v, want none", res.Loops)
			}
		})
	}

	t.Run("third sender breaks the run", func(t *testing.T) {
		mb := &mailbox{t: t}
		for i, from := range []string{"a@x.example", "b@y.example", "c@z.example", "b@y.example", "a@x.example", "c@z.example"} {
			mb.add(from, "Auto: Printer", t0.Add(time.Duration(i)*time.Minute), autoReply...)
		}
		if res := mb.analyze(nil); len(res.Loops) != 0 {
			t.Errorf("Loops = %+v, want none", res.Loops)
		}
	})
}

func TestPingPongClaimsBeforeSingleSender(t *testing.T) {
	// 60 alternating messages in an hour: each side sends 30, over its cap,
	// yet it is one ping-pong, not two single-sender loops besides.
	mb := &mailbox{t: t}
	for i := range 60 {
		from := "ann@alpha.example"
		if i%2 == 1 {
			from = "bob@beta.example"
		}
		mb.add(from, "Automatic reply: Printer", t0.Add(time.Duration(i)*time.Minute/2), autoReply...)
	}
	res := mb.analyze(nil)
	if len(res.Loops) != 1 || res.Loops[0].Kind != PingPong || res.Loops[0].Messages != 60 {
		t.Fatalf("Loops = %+v, want one ping-pong of 60", res.Loops)
	}
	if diff := cmp.Diff(map[Outcome]int{Accepted: 40, Suspended: 20}, outcomes(res.Records)); diff != "" {
		t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
	}
}

func TestPingPongWithSupportAddress(t *testing.T) {
	// The desk's own notifications come back in through a second support
	// address and alternate with a customer's auto-reply.
	mb := &mailbox{t: t}
	for i := range 8 {
		if i%2 == 0 {
			mb.add("Acme <support@acme.example>", "[Acme] Re: Printer", t0.Add(time.Duration(i)*time.Minute), "X-Mailer: Zendesk Mailer")
		} else {
			mb.add("ann@customer.example", "Automatic reply: [Acme] Printer", t0.Add(time.Duration(i)*time.Minute), autoReply...)
		}
	}
	res := mb.analyze(&Options{SupportAddresses: []string{"support@acme.example", "help@acme.example"}})
	want := []Loop{{
		ID: "L1", Kind: PingPong, Members: []string{"ann@customer.example", "support@acme.example"},
		Thread: "[acme] printer", Messages: 8, First: t0, Last: t0.Add(7 * time.Minute),
	}}
	if diff := cmp.Diff(want, res.Loops); diff != "" {
		t.Errorf("Loops mismatch (-want +got):\n%s", diff)
	}
	for i, r := range res.Records {
		if r.FromSupportAddress != (i%2 == 0) {
			t.Errorf("Records[%d].FromSupportAddress = %v", i, r.FromSupportAddress)
		}
	}
}

func TestRotatingSender(t *testing.T) {
	mb := &mailbox{t: t}
	locals := []string{"bounce-8f3a", "bounce-91c2", "bounce-07be", "bounce-c4d1", "bounce-5a90", "bounce-e2f7", "bounce-1b3c", "bounce-66d0"}
	for i, l := range locals {
		mb.add(l+"@lists.example", "Re: [#7] Invoice overdue", t0.Add(time.Duration(i)*5*time.Minute), "Return-Path: <>")
	}
	// Unrelated mail in between joins no loop.
	mb.add("ann@customer.example", "Re: [#7] Invoice overdue", t0.Add(3*time.Minute))
	res := mb.analyze(nil)
	want := []Loop{{
		ID:   "L1",
		Kind: RotatingSender,
		Members: []string{"bounce-07be@lists.example", "bounce-1b3c@lists.example", "bounce-5a90@lists.example",
			"bounce-66d0@lists.example", "bounce-8f3a@lists.example", "bounce-91c2@lists.example",
			"bounce-c4d1@lists.example", "bounce-e2f7@lists.example"},
		Thread:   "[#7] invoice overdue",
		Messages: 8,
		First:    t0,
		Last:     t0.Add(35 * time.Minute),
	}}
	if diff := cmp.Diff(want, res.Loops); diff != "" {
		t.Errorf("Loops mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(append(repeat("L1", 8), ""), loopOf(res.Records)); diff != "" {
		t.Errorf("record loops mismatch (-want +got):\n%s", diff)
	}
	// The per-sender cap sees nothing wrong: that is the point.
	if diff := cmp.Diff(map[Outcome]int{Accepted: 9}, outcomes(res.Records)); diff != "" {
		t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
	}
}

func TestRotatingSenderNearMisses(t *testing.T) {
	tests := []struct {
		name    string
		senders []string
		step    time.Duration
		subject func(i int) string
	}{
		{"five messages", []string{"a1@l.example", "a2@l.example", "a3@l.example", "a4@l.example", "a5@l.example"}, time.Minute, nil},
		{"two senders", []string{"a1@l.example", "a1@l.example", "a1@l.example", "a2@l.example", "a2@l.example", "a2@l.example"}, time.Minute, nil},
		{"different domains", []string{"a@l1.example", "a@l2.example", "a@l3.example", "a@l4.example", "a@l5.example", "a@l6.example"}, time.Minute, nil},
		{"spread over hours", []string{"a1@l.example", "a2@l.example", "a3@l.example", "a4@l.example", "a5@l.example", "a6@l.example"}, 15 * time.Minute, nil},
		{"different threads", []string{"a1@l.example", "a2@l.example", "a3@l.example", "a4@l.example", "a5@l.example", "a6@l.example"}, time.Minute,
			func(i int) string { return fmt.Sprintf("Your invoice %d", i) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mb := &mailbox{t: t}
			for i, s := range tc.senders {
				subject := "Auto: Invoice"
				if tc.subject != nil {
					subject = tc.subject(i)
				}
				mb.add(s, subject, t0.Add(time.Duration(i)*tc.step), autoReply...)
			}
			if res := mb.analyze(nil); len(res.Loops) != 0 {
				t.Errorf("Loops = %+v, want none", res.Loops)
			}
		})
	}
}

func TestLoopNumbering(t *testing.T) {
	// A single-sender loop that starts first is L1 even though ping-pongs
	// claim their messages first.
	mb := &mailbox{t: t}
	for i := range 25 {
		mb.add("robot@gamma.example", fmt.Sprintf("Alert %d", i), t0.Add(time.Duration(i)*time.Minute), "X-Loop: alerts")
	}
	for i := range 4 {
		from := "ann@alpha.example"
		if i%2 == 1 {
			from = "bob@beta.example"
		}
		mb.add(from, "Auto: Printer", t0.Add(time.Duration(10+i)*time.Minute), autoReply...)
	}
	res := mb.analyze(nil)
	var got []string
	for _, l := range res.Loops {
		got = append(got, l.ID+" "+string(l.Kind))
	}
	if diff := cmp.Diff([]string{"L1 single-sender", "L2 ping-pong"}, got); diff != "" {
		t.Errorf("loops mismatch (-want +got):\n%s", diff)
	}
	if got, want := res.Loops[0].Thread, "alert 0"; got != want {
		t.Errorf("Loops[0].Thread = %q, want %q", got, want)
	}
	if diff := cmp.Diff(append(repeat("L1", 25), repeat("L2", 4)...), loopOf(res.Records)); diff != "" {
		t.Errorf("record loops mismatch (-want +got):\n%s", diff)
	}
}

func TestSingleSenderAllowlisted(t *testing.T) {
	mb := &mailbox{t: t}
	for i := range 100 {
		mb.add("robot@gamma.example", "Alert", t0.Add(time.Duration(i)*time.Second), "X-Loop: alerts")
	}
	if res := mb.analyze(&Options{Allow: []string{"gamma.example"}}); len(res.Loops) != 0 {
		t.Errorf("Loops = %+v, want none: 100 is within the allowlisted cap", res.Loops)
	}
	if res := mb.analyze(nil); len(res.Loops) != 1 || res.Loops[0].Messages != 100 {
		t.Errorf("Loops = %+v, want one single-sender loop of 100", res.Loops)
	}
}

// ordinaryMail is a normal day at the desk: customers writing, replying a
// few hours later, a colleague chiming in.
func ordinaryMail(t testing.TB) *mailbox {
	mb := &mailbox{t: t}
	ann := mb.add("Ann Example <ann@customer.example>", "Printer jammed", t0)
	bob := mb.add("\"Bob, Purchasing\" <bob@buyer.example>", "Invoice 2026-118", t0.Add(20*time.Minute), "X-Mailer: Microsoft Outlook 16.0")
	mb.add("chloe@customer.example", "Re: Printer jammed", t0.Add(40*time.Minute), "In-Reply-To: <"+ann+">", "References: <"+ann+">")
	a2 := mb.add("Ann Example <ann@customer.example>", "RE: [#42] Printer jammed", t0.Add(3*time.Hour), "In-Reply-To: <"+ann+">")
	mb.add("\"Bob, Purchasing\" <bob@buyer.example>", "AW: [#43] Invoice 2026-118", t0.Add(5*time.Hour), "References: <"+bob+">")
	mb.add("Ann Example <ann@customer.example>", "Re: [#42] Printer jammed", t0.Add(26*time.Hour), "References: <"+ann+"> <"+a2+">")
	mb.add("Reply Guy <reply@shop.example>", "Question about autumn offers", t0.Add(27*time.Hour))
	mb.add("dana@example.org", "Autumn offers", t0.Add(27*time.Hour+time.Minute))
	return mb
}

func TestOrdinaryMailUntouched(t *testing.T) {
	mb := ordinaryMail(t)
	res := mb.analyze(&Options{SupportAddresses: []string{"support@acme.example"}})
	for i, r := range res.Records {
		if r.Outcome != Accepted || !r.Notify || r.Automated || len(r.Signals) != 0 || r.Loop != "" || r.FromSupportAddress {
			t.Errorf("Records[%d] = %+v, want accepted, notified, no signals, no loop", i, r)
		}
	}
	if len(res.Loops) != 0 {
		t.Errorf("Loops = %+v, want none", res.Loops)
	}
	wantSenders := []string{"ann@customer.example", "bob@buyer.example", "chloe@customer.example", "dana@example.org", "reply@shop.example"}
	var got []string
	for _, s := range res.Senders {
		got = append(got, s.Sender)
		if s.AutomatedShare != 0 || s.Suspended+s.Rejected != 0 {
			t.Errorf("sender %+v, want nothing automated or held", s)
		}
	}
	if diff := cmp.Diff(wantSenders, got); diff != "" {
		t.Errorf("Senders order mismatch (-want +got):\n%s", diff)
	}
}

func TestDeterministic(t *testing.T) {
	mb := ordinaryMail(t)
	for i := range 30 {
		mb.add(fmt.Sprintf("bounce-%02d@lists.example", i%7), "Re: [#7] Invoice", t0.Add(time.Duration(i)*time.Minute), "Auto-Submitted: auto-replied")
		mb.add([]string{"ann@alpha.example", "bob@beta.example"}[i%2], "Auto: Printer", t0.Add(time.Duration(i)*time.Minute), autoReply...)
		mb.add("robot@gamma.example", fmt.Sprintf("Alert %d", i), t0.Add(time.Duration(i)*time.Second), "X-Loop: alerts")
	}
	first, err := json.Marshal(mb.analyze(nil))
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		again, err := json.Marshal(mb.analyze(nil))
		if err != nil {
			t.Fatal(err)
		}
		if string(again) != string(first) {
			t.Fatalf("Result differs between runs:\n%s\n%s", first, again)
		}
	}
}

// TestRotatingSenderWithoutLoopHeaders: a thread fed at a machine's pace by
// many new addresses of one domain is a rotating-sender loop even when no
// message carries Auto-Submitted, Precedence or an empty Return-Path.
func TestRotatingSenderWithoutLoopHeaders(t *testing.T) {
	build := func(n int, step time.Duration, subject func(i int) string, from func(i int) string) *Result {
		mb := &mailbox{t: t}
		for i := range n {
			mb.add(fmt.Sprintf("Customer Care <%s>", from(i)), subject(i), t0.Add(time.Duration(i)*step))
		}
		// A person on the thread joins no loop.
		mb.add("ann@customer.example", "Re: [#4521] Where is my refund?", t0.Add(90*time.Second))
		return mb.analyze(nil)
	}
	same := func(int) string { return "Re: [#4521] Where is my refund?" }
	fresh := func(i int) string { return fmt.Sprintf("care-%04x@replies.shop.example", 0x3a00+i*37) }

	res := build(12, 4*time.Minute, same, fresh)
	if len(res.Loops) != 1 || res.Loops[0].Kind != RotatingSender || res.Loops[0].Messages != 12 || len(res.Loops[0].Members) != 12 {
		t.Fatalf("loops = %+v, want one rotating-sender loop of 12 messages from 12 addresses", res.Loops)
	}
	if l := loopOf(res.Records); l[12] != "" || l[0] != "L1" || l[11] != "L1" {
		t.Errorf("record loops = %q", l)
	}

	for name, r := range map[string]*Result{
		"nine addresses":    build(9, 4*time.Minute, same, fresh),
		"over a day":        build(12, 2*time.Hour, same, fresh),
		"different threads": build(12, 4*time.Minute, func(i int) string { return fmt.Sprintf("Order %d shipped", 1000+i) }, fresh),
		"one address":       build(12, 4*time.Minute, same, func(int) string { return "care@replies.shop.example" }),
		"different domains": build(12, 4*time.Minute, same, func(i int) string { return fmt.Sprintf("someone@d%d.example", i) }),
	} {
		for _, l := range r.Loops {
			if l.Kind == RotatingSender {
				t.Errorf("%s: a rotating-sender loop %+v", name, l)
			}
		}
	}
}
