package bounce

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bounce-tool/bounce/pkg/reason"
	"github.com/bounce-tool/bounce/pkg/status"
)

func TestAdvise(t *testing.T) {
	tests := []struct {
		name string
		rec  Record
		want []string // words the advice must hold
	}{
		{"delayed", Record{Reason: reason.Expired, Action: "delayed", Status: status.MustParse("4.4.1"), Class: status.ClassTemporary}, []string{"keeps retrying"}},
		{"user unknown", Record{Reason: reason.UserUnknown, Status: status.MustParse("5.1.1")}, []string{"Fix the address"}},
		{"mailbox full", Record{Reason: reason.MailboxFull, Status: status.MustParse("4.2.2"), Class: status.ClassTemporary}, []string{"Retry later", "another way"}},
		{"blocklist named", Record{Reason: reason.Blocked, Status: status.MustParse("5.7.1"), Blocklist: "spamhaus"}, []string{"Spamhaus", "delisting"}},
		{"auth named", Record{Reason: reason.AuthFailure, Status: status.MustParse("5.7.1"), Auth: "dkim"}, []string{"DKIM"}},
		// The reason wins over the code: 5.7.1 is policy, the reason says
		// the address does not exist.
		{"reason over code", Record{Reason: reason.UserUnknown, Status: status.MustParse("5.7.1")}, []string{"Fix the address"}},
		{"code when the reason is unknown", Record{Reason: reason.OnHold, Status: status.MustParse("5.1.2")}, []string{"domain"}},
		{"reply code only", Record{Reason: reason.Undefined, ReplyCode: 552}, []string{"smaller message"}},
		{"nothing known", Record{Class: status.ClassPermanent}, []string{"diagnostic"}},
		{"gmail spf", Record{Reason: reason.AuthFailure, Status: status.MustParse("5.7.27"), RemoteMTA: "mx.google.com"}, []string{"SPF"}},
		{"gmail dmarc record", Record{Reason: reason.OnHold, Status: status.MustParse("5.7.40"), ReportingMTA: "mail-sor-f41.google.com"}, []string{"DMARC record"}},
		{"microsoft 5.1.10", Record{Reason: "", Status: status.MustParse("5.1.10"), MTA: "office365"}, []string{"does not exist"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.rec
			r.Kind = KindBounce
			if r.Class == status.ClassUnknown {
				r.Class = status.ClassPermanent
			}
			got := Advise(&r)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("Advise = %q, want it to say %q", got, w)
				}
			}
		})
	}
	if got := Advise(&Record{Kind: KindBounce, Class: status.ClassSuccess, Status: status.MustParse("2.0.0")}); got != "" {
		t.Errorf("advice for a delivery: %q", got)
	}
}

func TestStatusTitleProvider(t *testing.T) {
	tests := []struct {
		rec  Record
		want string
	}{
		{Record{Status: status.MustParse("5.7.27"), RemoteMTA: "gmail-smtp-in.l.google.com"}, "SPF check did not pass for the sending domain"},
		{Record{Status: status.MustParse("5.7.27")}, "Sender address has null MX"},
		{Record{Status: status.MustParse("5.1.10"), MTA: "office365"}, "Recipient not found"},
		{Record{Status: status.MustParse("5.1.10"), RemoteMTA: "mx.example.org"}, "Recipient address has null MX"},
		{Record{Status: status.Code{}}, ""},
	}
	for _, tc := range tests {
		if got := StatusTitle(&tc.rec); got != tc.want {
			t.Errorf("StatusTitle(%s via %q %q) = %q, want %q", tc.rec.Status, tc.rec.MTA, tc.rec.RemoteMTA, got, tc.want)
		}
	}
}

// TestEveryFailureHasAdvice: every failure record of the test mail says
// what to do.
func TestEveryFailureHasAdvice(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/eml/*/*.eml")
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range Analyze(strings.NewReader(string(data)), nil) {
			if r.IsFailure() {
				n++
				if r.Advice == "" {
					t.Errorf("%s: %s %s (%s): no advice", f, r.Recipient, r.Status, r.Reason)
				}
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d failure records: the test mail is missing", n)
	}
}

// TestAnalyzeFromLine: a single message saved with its mbox "From " line
// reads as the message, from a seekable reader or a stream.
func TestAnalyzeFromLine(t *testing.T) {
	data, err := os.ReadFile("../../testdata/eml/postfix/user-unknown.eml")
	if err != nil {
		t.Fatal(err)
	}
	withFrom := "From MAILER-DAEMON Tue Sep  3 09:14:20 2024\n" + string(data)
	for name, r := range map[string]func() io.Reader{
		"seekable": func() io.Reader { return strings.NewReader(withFrom) },
		"stream":   func() io.Reader { return io.MultiReader(strings.NewReader(withFrom)) },
		"plain":    func() io.Reader { return io.MultiReader(strings.NewReader(string(data))) },
	} {
		recs := Analyze(r(), nil)
		if len(recs) != 1 || recs[0].Kind != KindBounce || recs[0].Recipient != "jane.doe@customer-mail.example" {
			t.Errorf("%s: %+v", name, recs)
		}
	}
}
