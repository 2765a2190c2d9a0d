package loop

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bounce-tool/bounce/pkg/sign"
)

// maxFuzzInput keeps fuzz inputs to realistic header sizes.
const maxFuzzInput = 64 << 10

func FuzzSignals(f *testing.F) {
	for _, tc := range signalTests {
		f.Add(tc.header, tc.envelope)
	}
	mb := ordinaryMail(f)
	mb.add("Robot <bounce+x@lists.example>", "Automatic reply: [#7] Invoice", t0, "Return-Path: <>", "List-Id: <l.example>",
		"References: <a@b> <c@d>", "In-Reply-To: <c@d>", "X-Zendesk-Ticket: 1")
	for _, m := range mb.msgs {
		var b strings.Builder
		for k, v := range m.Header.Fields() {
			b.WriteString(k + ": " + v + "\r\n")
		}
		f.Add(b.String(), "")
	}
	names := SignalNames()
	f.Fuzz(func(t *testing.T, header, envelope string) {
		if len(header)+len(envelope) > maxFuzzInput {
			t.Skip()
		}
		h, err := parseHeader(header)
		if err != nil {
			return
		}
		got := Signals(h, envelope)
		if got == nil {
			t.Fatal("Signals() = nil")
		}
		if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
			t.Fatalf("Signals() = %q, want sorted and unique", got)
		}
		for _, s := range got {
			if !slices.Contains(names, s) {
				t.Fatalf("Signals() = %q: unknown signal %q", got, s)
			}
		}

		a, err := NewAnalyzer(&Options{SupportAddresses: []string{"support@acme.example"}})
		if err != nil {
			t.Fatal(err)
		}
		m := Message{Source: "fuzz", Index: 1, Header: h, EnvelopeSender: envelope, EnvelopeDate: t0}
		a.Add(m)
		a.Add(m)
		res := a.Result()
		for _, r := range res.Records {
			if r.Automated != (len(r.Signals) > 0) {
				t.Fatalf("Automated = %v with signals %q", r.Automated, r.Signals)
			}
			if !slices.Equal(r.Signals, got) {
				t.Fatalf("record signals %q, Signals() %q", r.Signals, got)
			}
			if r.Bulk != IsBulk(got) || r.NoReply != IsNoReply(got) {
				t.Fatalf("Bulk, NoReply = %v, %v for %q", r.Bulk, r.NoReply, got)
			}
			switch r.Outcome {
			case Accepted, Suspended, Rejected:
			default:
				t.Fatalf("Outcome = %q", r.Outcome)
			}
			if r.Notify && r.Outcome != Accepted {
				t.Fatalf("Notify with outcome %q", r.Outcome)
			}
		}
	})
}

func FuzzNormalizeSubject(f *testing.F) {
	for _, tc := range normalizeSubjectTests {
		f.Add(tc.in)
	}
	for _, p := range sign.AutoReplyPhrases() {
		f.Add(p + ": Re[2]: [#1] x")
	}
	f.Add("Re: \xff\xfe [\x00] AW：")
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > maxFuzzInput {
			t.Skip()
		}
		got := NormalizeSubject(s)
		if again := NormalizeSubject(got); again != got {
			t.Fatalf("NormalizeSubject(%q) = %q, but NormalizeSubject(%q) = %q", s, got, got, again)
		}
		if strings.TrimSpace(got) != got || strings.Contains(got, "  ") {
			t.Fatalf("NormalizeSubject(%q) = %q, white space not folded", s, got)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("NormalizeSubject(%q) = %q, invalid UTF-8", s, got)
		}
		if len(got) > 3*len(s) {
			t.Fatalf("NormalizeSubject(%q) = %q, grew too much", s, got)
		}
		_ = sign.AutoReplySubject(s)
		_ = isGenericSubject(got)
	})
}
