package bounce

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCapText(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		cut  bool
	}{
		{"short", "550 5.1.1 user unknown", false},
		{"exactly the cap", strings.Repeat("a", MaxFieldBytes), false},
		{"one over", strings.Repeat("a", MaxFieldBytes+1), true},
		{"multi-byte at the cut", strings.Repeat("é", MaxFieldBytes), true},
		{"four-byte runes", strings.Repeat("😀", 1000), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, cut := capText(tc.in)
			if cut != tc.cut || len(got) > MaxFieldBytes || !utf8.ValidString(got) {
				t.Fatalf("cut %v, %d bytes, valid %v", cut, len(got), utf8.ValidString(got))
			}
			if cut && (!strings.HasSuffix(got, FieldCutMark) || !strings.HasPrefix(tc.in, strings.TrimSuffix(got, FieldCutMark))) {
				t.Errorf("cut value %q is not a prefix and the mark", got[len(got)-20:])
			}
			if !cut && got != tc.in {
				t.Errorf("changed a value within the cap")
			}
		})
	}
}

// TestFieldCap: a bounce whose diagnostic is far beyond the cap gives a
// record with the diagnostic cut and field-size named in truncated.
func TestFieldCap(t *testing.T) {
	long := strings.Repeat("blocked because ", 20000)
	msg := "From: MAILER-DAEMON@mx.example.com\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n" +
		"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n" +
		"Final-Recipient: rfc822; a@example.net\nAction: failed\nStatus: 5.7.1\nDiagnostic-Code: smtp; 550 " + long + "\n\n" +
		"Final-Recipient: rfc822; b@example.net\nAction: failed\nStatus: 5.7.1\nDiagnostic-Code: smtp; 550 " + long + "\n\n--B--\n"
	recs := Analyze(strings.NewReader(msg), nil)
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	for _, r := range recs {
		if len(r.Diagnostic) > MaxFieldBytes || !strings.HasSuffix(r.Diagnostic, FieldCutMark) || !strings.Contains(r.Truncated, LimitFieldSize) {
			t.Errorf("diagnostic of %d bytes, truncated %q", len(r.Diagnostic), r.Truncated)
		}
	}
}

// TestFeedbackRecipientsCapped: MaxRecipients holds for feedback reports.
func TestFeedbackRecipientsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("From: abuse@isp.example\nSubject: complaint\nMIME-Version: 1.0\n" +
		"Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\n\n" +
		"--F\nContent-Type: text/plain\n\nAn abuse report.\n\n--F\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nVersion: 1\n")
	for i := 0; i < 50; i++ {
		b.WriteString("Original-Rcpt-To: c" + strings.Repeat("x", i) + "@isp.example\n")
	}
	b.WriteString("\n--F--\n")
	recs := Analyze(strings.NewReader(b.String()), &Options{MaxRecipients: 10})
	if len(recs) != 10 || recs[0].Kind != KindFeedback || recs[0].Truncated != LimitRecipients {
		t.Fatalf("%d records, first %+v", len(recs), recs[0])
	}
}
