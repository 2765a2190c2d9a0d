package loop

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSender(t *testing.T) {
	tests := []struct {
		name, header, envelope, want string
	}{
		{"from", "From: Ann <Ann.Example@Customer.EXAMPLE>", "", "ann.example@customer.example"},
		{"first of several", "From: a@x.example, b@y.example", "", "a@x.example"},
		{"tag kept", "From: bounce+8f3a@lists.example", "", "bounce+8f3a@lists.example"},
		{"envelope fallback", "Subject: no from", "<Bob@Y.example>", "bob@y.example"},
		{"unparsable from", "From: Mail Delivery System (mx.example) [bot] <MAILER-DAEMON@mx.example>", "", "mailer-daemon@mx.example"},
		{"bare unparsable from", "From: ann@x.example (Ann, sales)", "", "ann@x.example"},
		{"unclosed bracket", "From: Ann <Ann@X.example", "", "ann@x.example"},
		{"no brackets", "From: Ann Example ann@x.example", "", "ann@x.example"},
		{"bracket without address", "From: <undisclosed>", "b@y.example", "b@y.example"},
		{"none", "Subject: nothing", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Analyze([]Message{{Header: mustHeader(t, tc.header), EnvelopeSender: tc.envelope}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Records[0].Sender; got != tc.want {
				t.Errorf("Sender = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCapSixtyAutoRepliesInAnHour(t *testing.T) {
	mb := &mailbox{t: t}
	for i := range 60 {
		mb.add("Ann <ann@customer.example>", "Automatic reply: [#42] Printer", t0.Add(time.Duration(i)*59*time.Second), autoReply...)
	}
	res := mb.analyze(nil)

	want := map[Outcome]int{Accepted: 20, Suspended: 20, Rejected: 20}
	if diff := cmp.Diff(want, outcomes(res.Records)); diff != "" {
		t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
	}
	for i, r := range res.Records {
		var want Outcome
		switch {
		case i < 20:
			want = Accepted
		case i < 40:
			want = Suspended
		default:
			want = Rejected
		}
		if r.Outcome != want {
			t.Errorf("Records[%d].Outcome = %q, want %q", i, r.Outcome, want)
		}
		if r.Notify != (want == Accepted) {
			t.Errorf("Records[%d].Notify = %v, want %v", i, r.Notify, want == Accepted)
		}
	}
	reasons := []struct {
		i    int
		want string
	}{
		{0, "1st update from this sender within 60 minutes (limit 20)"},
		{1, "2nd update from this sender within 60 minutes (limit 20)"},
		{20, "21st update from this sender within 60 minutes (limit 20)"},
		{40, "41st update from this sender within 60 minutes (limit 20, rejected beyond 40)"},
	}
	for _, tc := range reasons {
		if got := res.Records[tc.i].OutcomeReason; got != tc.want {
			t.Errorf("Records[%d].OutcomeReason = %q, want %q", tc.i, got, tc.want)
		}
	}

	wantSenders := []SenderSummary{{
		Sender: "ann@customer.example", Messages: 60, PeakPerHour: 60,
		Accepted: 20, Suspended: 20, Rejected: 20, AutomatedShare: 1,
	}}
	if diff := cmp.Diff(wantSenders, res.Senders); diff != "" {
		t.Errorf("Senders mismatch (-want +got):\n%s", diff)
	}
	if len(res.Loops) != 1 || res.Loops[0].Kind != SingleSender || res.Loops[0].Messages != 60 {
		t.Fatalf("Loops = %+v, want one single-sender loop of 60", res.Loops)
	}
	if got, want := res.Loops[0].Thread, "[#42] printer"; got != want {
		t.Errorf("Loops[0].Thread = %q, want %q", got, want)
	}
}

func TestCapAllowlisted(t *testing.T) {
	mb := &mailbox{t: t}
	for i := range 250 {
		mb.add("orders@vendor.example", fmt.Sprintf("Order %d shipped", i), t0.Add(time.Duration(i)*14*time.Second))
	}
	for _, allow := range []string{"orders@vendor.example", "ORDERS+x@Vendor.example", "@vendor.example", "vendor.example", "example"} {
		t.Run(allow, func(t *testing.T) {
			res := mb.analyze(&Options{Allow: []string{allow}})
			want := map[Outcome]int{Accepted: 200, Suspended: 50}
			if diff := cmp.Diff(want, outcomes(res.Records)); diff != "" {
				t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
			}
			if got, want := res.Records[200].OutcomeReason, "allowlisted sender, 201st update within 60 minutes (limit 200)"; got != want {
				t.Errorf("Records[200].OutcomeReason = %q, want %q", got, want)
			}
			if !res.Senders[0].Allowlisted {
				t.Errorf("Senders[0].Allowlisted = false, want true")
			}
			if len(res.Loops) != 0 {
				t.Errorf("Loops = %+v, want none: the mail is not automated", res.Loops)
			}
		})
	}
	t.Run("other domain", func(t *testing.T) {
		res := mb.analyze(&Options{Allow: []string{"@mail.vendor.example", "endor.example", "orders@vendor.test"}})
		want := map[Outcome]int{Accepted: 20, Suspended: 20, Rejected: 210}
		if diff := cmp.Diff(want, outcomes(res.Records)); diff != "" {
			t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("subdomain", func(t *testing.T) {
		mb := &mailbox{t: t}
		mb.add("orders@mail.vendor.example", "Order", t0)
		for _, tc := range []struct {
			allow string
			want  bool
		}{{"vendor.example", true}, {"@vendor.example", false}, {"@mail.vendor.example", true}} {
			if got := mb.analyze(&Options{Allow: []string{tc.allow}}).Senders[0].Allowlisted; got != tc.want {
				t.Errorf("Allow %q: Allowlisted = %v, want %v", tc.allow, got, tc.want)
			}
		}
	})
}

func TestCapSpreadOverFiveHours(t *testing.T) {
	mb := &mailbox{t: t}
	for i := range 60 {
		mb.add("ann@customer.example", "Automatic reply: Printer", t0.Add(time.Duration(i)*5*time.Minute), autoReply...)
	}
	res := mb.analyze(nil)
	if diff := cmp.Diff(map[Outcome]int{Accepted: 60}, outcomes(res.Records)); diff != "" {
		t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
	}
	if got := res.Senders[0].PeakPerHour; got != 12 {
		t.Errorf("PeakPerHour = %d, want 12", got)
	}
	if len(res.Loops) != 0 {
		t.Errorf("Loops = %+v, want none", res.Loops)
	}
}

func TestCapWindowBounds(t *testing.T) {
	// One message at t0, twenty at t0+60min: the window (t-60min, t] of
	// the last ones no longer holds the first.
	mb := &mailbox{t: t}
	mb.add("ann@customer.example", "Printer", t0)
	for range 20 {
		mb.add("ann@customer.example", "Printer", t0.Add(time.Hour))
	}
	res := mb.analyze(nil)
	if diff := cmp.Diff(map[Outcome]int{Accepted: 21}, outcomes(res.Records)); diff != "" {
		t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
	}
	// One second earlier, and the last message is the 21st.
	mb.msgs[0], _ = mb.build(1, "ann@customer.example", "Printer", t0.Add(time.Second))
	res = mb.analyze(nil)
	if diff := cmp.Diff(map[Outcome]int{Accepted: 20, Suspended: 1}, outcomes(res.Records)); diff != "" {
		t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
	}
}

func TestCapDateOrder(t *testing.T) {
	// Input order is not date order: the rank follows the dates, ties
	// follow the input.
	mb := &mailbox{t: t}
	mb.add("ann@customer.example", "Printer", t0.Add(10*time.Minute)) // 3rd
	mb.add("ann@customer.example", "Printer", t0)                     // 1st
	mb.add("ann@customer.example", "Printer", t0.Add(5*time.Minute))  // 2nd
	mb.add("ann@customer.example", "Printer", t0.Add(10*time.Minute)) // 4th
	res := mb.analyze(&Options{Limit: 3})
	want := []struct {
		outcome Outcome
		reason  string
	}{
		{Accepted, "3rd update from this sender within 60 minutes (limit 3)"},
		{Accepted, "1st update from this sender within 60 minutes (limit 3)"},
		{Accepted, "2nd update from this sender within 60 minutes (limit 3)"},
		{Suspended, "4th update from this sender within 60 minutes (limit 3)"},
	}
	for i, r := range res.Records {
		if r.Outcome != want[i].outcome || r.OutcomeReason != want[i].reason {
			t.Errorf("Records[%d] = %q %q, want %q %q", i, r.Outcome, r.OutcomeReason, want[i].outcome, want[i].reason)
		}
	}
}

func TestCapUndated(t *testing.T) {
	mb := &mailbox{t: t}
	mb.add("ann@customer.example", "Printer", time.Time{}) // before any dated: at t0
	mb.add("ann@customer.example", "Printer", t0)
	mb.add("ann@customer.example", "Printer", time.Time{}) // at t0, after the 2nd
	mb.add("ann@customer.example", "Printer", t0.Add(2*time.Hour))
	mb.add("ann@customer.example", "Printer", time.Time{}) // at t0+2h
	res := mb.analyze(&Options{Limit: 2})
	want := []struct {
		date    string
		outcome Outcome
	}{
		{"", Accepted},
		{"2026-03-02T09:00:00Z", Accepted},
		{"", Suspended},
		{"2026-03-02T11:00:00Z", Accepted},
		{"", Accepted},
	}
	for i, r := range res.Records {
		if got := FormatTime(r.Date); got != want[i].date || r.Outcome != want[i].outcome {
			t.Errorf("Records[%d] = %q %q, want %q %q", i, got, r.Outcome, want[i].date, want[i].outcome)
		}
	}

	t.Run("envelope date", func(t *testing.T) {
		m := Message{
			Header:       mustHeader(t, "From: ann@customer.example\nDate: not a date"),
			EnvelopeDate: time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("", 3600)),
		}
		res, err := Analyze([]Message{m}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := FormatTime(res.Records[0].Date), "2026-03-02T10:00:00+01:00"; got != want {
			t.Errorf("Date = %q, want %q", got, want)
		}
	})
	t.Run("nothing dated", func(t *testing.T) {
		mb := &mailbox{t: t}
		for range 3 {
			mb.add("ann@customer.example", "Printer", time.Time{})
		}
		res := mb.analyze(&Options{Limit: 1})
		want := map[Outcome]int{Accepted: 1, Suspended: 1, Rejected: 1}
		if diff := cmp.Diff(want, outcomes(res.Records)); diff != "" {
			t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestCapBulkAndNoReply(t *testing.T) {
	tests := []struct {
		name, from string
		extra      []string
		allow      []string
		outcome    Outcome
		notify     bool
		reason     string
	}{
		{"precedence bulk", "news@shop.example", []string{"Precedence: bulk"}, nil,
			Suspended, false, "bulk mail (precedence: bulk) creates no ticket"},
		{"list-id", "users@lists.example", []string{"List-Id: <users.lists.example>"}, nil,
			Suspended, false, "list mail (List-Id) creates no ticket"},
		{"list-unsubscribe", "news@shop.example", []string{"List-Unsubscribe: <mailto:u@shop.example>"}, nil,
			Suspended, false, "bulk mail (List-Unsubscribe) creates no ticket"},
		{"no-reply", "noreply@shop.example", nil, nil,
			Suspended, false, "mail from a no-reply sender creates no ticket"},
		{"mailer-daemon", "MAILER-DAEMON@mx.example", nil, nil,
			Suspended, false, "mail from a mailer-daemon creates no ticket"},
		{"allowlisted bulk", "news@shop.example", []string{"Precedence: bulk"}, []string{"shop.example"},
			Accepted, false, "allowlisted bulk sender, 1st update within 60 minutes (limit 200); no notifications to a bulk or no-reply sender"},
		{"allowlisted no-reply", "noreply@shop.example", nil, []string{"noreply@shop.example"},
			Accepted, false, "allowlisted no-reply sender, 1st update within 60 minutes (limit 200); no notifications to a bulk or no-reply sender"},
		{"auto-reply is not bulk", "ann@customer.example", autoReply, nil,
			Accepted, true, "1st update from this sender within 60 minutes (limit 20)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mb := &mailbox{t: t}
			mb.add(tc.from, "Hello", t0, tc.extra...)
			r := mb.analyze(&Options{Allow: tc.allow}).Records[0]
			if r.Outcome != tc.outcome || r.Notify != tc.notify || r.OutcomeReason != tc.reason {
				t.Errorf("record = %q, notify %v, %q; want %q, notify %v, %q",
					r.Outcome, r.Notify, r.OutcomeReason, tc.outcome, tc.notify, tc.reason)
			}
		})
	}

	t.Run("bulk suspended whatever the count", func(t *testing.T) {
		mb := &mailbox{t: t}
		for i := range 50 {
			mb.add("news@shop.example", "Deals", t0.Add(time.Duration(i)*time.Second), "Precedence: bulk")
		}
		if diff := cmp.Diff(map[Outcome]int{Suspended: 50}, outcomes(mb.analyze(nil).Records)); diff != "" {
			t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("allowlisted bulk counts against the raised cap", func(t *testing.T) {
		mb := &mailbox{t: t}
		for i := range 450 {
			mb.add("news@shop.example", "Deals", t0.Add(time.Duration(i)*time.Second), "Precedence: bulk")
		}
		res := mb.analyze(&Options{Allow: []string{"@shop.example"}})
		if diff := cmp.Diff(map[Outcome]int{Accepted: 200, Suspended: 200, Rejected: 50}, outcomes(res.Records)); diff != "" {
			t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
		}
		for i, r := range res.Records {
			if r.Notify {
				t.Fatalf("Records[%d].Notify = true, want false for bulk mail", i)
			}
		}
	})
}

func TestCapSupportAddress(t *testing.T) {
	mb := &mailbox{t: t}
	mb.add("Acme Support <support+id123@Acme.example>", "Re: [#42] Printer", t0, "Auto-Submitted: auto-generated")
	mb.add("support@acme.example.com", "Re: [#42] Printer", t0)
	mb.add("help@acme.example", "Re: [#42] Printer", t0)
	res := mb.analyze(&Options{SupportAddresses: []string{"support@acme.example", "<HELP@acme.example>"}})
	want := []bool{true, false, true}
	for i, r := range res.Records {
		if r.FromSupportAddress != want[i] {
			t.Errorf("Records[%d].FromSupportAddress = %v, want %v", i, r.FromSupportAddress, want[i])
		}
		if want[i] && (r.Outcome != Suspended || r.Notify) {
			t.Errorf("Records[%d] = %q notify %v, want suspended without notifications", i, r.Outcome, r.Notify)
		}
	}
	if got, want := res.Records[0].OutcomeReason, "sent from a support address; accepting it would loop back into the desk"; got != want {
		t.Errorf("OutcomeReason = %q, want %q", got, want)
	}
}

func TestCapNoSender(t *testing.T) {
	res, err := Analyze([]Message{{Header: mustHeader(t, "Subject: who?\nDate: Mon, 02 Mar 2026 09:00:00 +0000")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Records[0]
	if r.Sender != "" || r.Outcome != Suspended || r.Notify {
		t.Errorf("record = %+v, want no sender, suspended, no notifications", r)
	}
	if len(res.Senders) != 0 {
		t.Errorf("Senders = %+v, want none", res.Senders)
	}
}

func TestCapOptions(t *testing.T) {
	mb := &mailbox{t: t}
	for i := range 10 {
		mb.add("ann@customer.example", "Printer", t0.Add(time.Duration(i)*time.Minute))
	}
	res := mb.analyze(&Options{Limit: 3, Window: 5 * time.Minute})
	// Window of 5 minutes at one message a minute: ranks 1..5, then 5.
	want := map[Outcome]int{Accepted: 3, Suspended: 7}
	if diff := cmp.Diff(want, outcomes(res.Records)); diff != "" {
		t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
	}
	if got, want := res.Records[9].OutcomeReason, "5th update from this sender within 5 minutes (limit 3)"; got != want {
		t.Errorf("OutcomeReason = %q, want %q", got, want)
	}
	res = mb.analyze(&Options{Limit: 2, Factor: 3, Allow: []string{"customer.example"}})
	if diff := cmp.Diff(map[Outcome]int{Accepted: 6, Suspended: 4}, outcomes(res.Records)); diff != "" {
		t.Errorf("outcomes with factor mismatch (-want +got):\n%s", diff)
	}
}

func TestInvalidOptions(t *testing.T) {
	tests := []Options{
		{SupportAddresses: []string{"support"}},
		{SupportAddresses: []string{"@acme.example"}},
		{SupportAddresses: []string{""}},
		{Allow: []string{"a@@b"}},
		{Allow: []string{"@"}},
		{Allow: []string{"a b@c"}},
		{Allow: []string{"user@"}},
	}
	for _, o := range tests {
		_, err := NewAnalyzer(&o)
		if !errors.Is(err, ErrInvalidOption) {
			t.Errorf("NewAnalyzer(%+v) error = %v, want ErrInvalidOption", o, err)
		}
	}
	if _, err := NewAnalyzer(&Options{Allow: []string{"a@b.example", "@b.example", "b.example"}}); err != nil {
		t.Errorf("NewAnalyzer() error = %v", err)
	}
}

func TestWindowText(t *testing.T) {
	tests := map[time.Duration]string{time.Hour: "60 minutes", time.Minute: "1 minute", 90 * time.Second: "1m30s"}
	for d, want := range tests {
		if got := windowText(d); got != want {
			t.Errorf("windowText(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestOrdinal(t *testing.T) {
	tests := map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th",
		21: "21st", 22: "22nd", 101: "101st", 111: "111th", 201: "201st"}
	for n, want := range tests {
		if got := ordinal(n); got != want {
			t.Errorf("ordinal(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestUnreadableMessage: a message that could not be read keeps its place
// in the records, with the error and no outcome, and counts nowhere else.
func TestUnreadableMessage(t *testing.T) {
	mb := &mailbox{t: t}
	for i := range 3 {
		mb.add("ann@customer.example", "Printer", t0.Add(time.Duration(i)*time.Minute))
	}
	broken := Message{Source: "inbox.mbox", Index: 2, Err: errors.New("source: inbox.mbox: read error")}
	mb.msgs = append(mb.msgs[:1], append([]Message{broken}, mb.msgs[1:]...)...)
	res, err := Analyze(mb.msgs, &Options{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	got := res.Records[1]
	want := Record{Source: "inbox.mbox", Index: 2, Signals: []string{}, Error: "source: inbox.mbox: read error"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("unreadable record mismatch (-want +got):\n%s", diff)
	}
	if o := res.Records[3].Outcome; o != Suspended {
		t.Errorf("third message from ann: outcome %q, want suspended (the unreadable one must not count)", o)
	}
	if len(res.Senders) != 1 || res.Senders[0].Messages != 3 {
		t.Errorf("Senders = %+v, want ann with 3 messages", res.Senders)
	}
}
