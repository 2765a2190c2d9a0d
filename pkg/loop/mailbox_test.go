package loop

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// t0 is the start of every generated mailbox.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// mailbox builds an inbound mailbox message by message.
type mailbox struct {
	t    testing.TB
	msgs []Message
}

// add appends a message from `from` at time at (zero: no Date field),
// with the given subject and extra header lines, and returns its Message-ID
// (without brackets).
func (mb *mailbox) add(from, subject string, at time.Time, extra ...string) string {
	mb.t.Helper()
	m, id := mb.build(len(mb.msgs)+1, from, subject, at, extra...)
	mb.msgs = append(mb.msgs, m)
	return id
}

// build formats and parses message number n.
func (mb *mailbox) build(n int, from, subject string, at time.Time, extra ...string) (Message, string) {
	mb.t.Helper()
	id := fmt.Sprintf("m%d.%d@gen.example", n, at.Unix())
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\n", from)
	b.WriteString("To: support@acme.example\n")
	fmt.Fprintf(&b, "Subject: %s\n", subject)
	if !at.IsZero() {
		fmt.Fprintf(&b, "Date: %s\n", at.Format(time.RFC1123Z))
	}
	fmt.Fprintf(&b, "Message-ID: <%s>\n", id)
	for _, e := range extra {
		b.WriteString(e + "\n")
	}
	return Message{Source: "inbox.mbox", Index: n, Header: mustHeader(mb.t, b.String())}, id
}

// analyze runs the mailbox through an Analyzer.
func (mb *mailbox) analyze(opts *Options) *Result {
	mb.t.Helper()
	res, err := Analyze(mb.msgs, opts)
	if err != nil {
		mb.t.Fatalf("Analyze: %v", err)
	}
	return res
}

// outcomes counts records by outcome.
func outcomes(recs []Record) map[Outcome]int {
	m := map[Outcome]int{}
	for _, r := range recs {
		m[r.Outcome]++
	}
	return m
}

// autoReply is the header of a typical Exchange out-of-office reply.
var autoReply = []string{"Auto-Submitted: auto-replied", "X-Auto-Response-Suppress: All"}
