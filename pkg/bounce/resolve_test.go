package bounce

import (
	"bufio"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bounce-tool/bounce/pkg/parts"
	"github.com/emersion/go-message/mail"

	"github.com/bounce-tool/bounce/pkg/dialect"
	"github.com/bounce-tool/bounce/pkg/dsn"
)

// TestResolveCodes: which status and reply code a recipient gets from the
// report's Status field and the server's words.
func TestResolveCodes(t *testing.T) {
	tests := []struct {
		name                string
		rc                  dialect.Recipient
		status, source, cls string
		reply               string
	}{
		{"report agrees with the reply", dialect.Recipient{Action: "failed", Status: "5.1.1",
			Diagnostic: "550 5.1.1 <a@example.com>: unknown"}, "5.1.1", StatusFromDSN, "permanent", "550"},
		{"remote reply beats a relay's summary", dialect.Recipient{Action: "failed", Status: "5.1.1",
			Diagnostic: "550 5.7.1 IP address blocked"}, "5.7.1", StatusFromDiagnostic, "permanent", "550"},
		{"expired summary gives way to the last reply", dialect.Recipient{Action: "failed", Status: "4.4.7",
			Diagnostic: "554 4.4.7 Message expired <421 4.4.2 Connection timed out>"}, "4.4.2", StatusFromDiagnostic, "temporary", "421"},
		{"report code among the replies stays", dialect.Recipient{Action: "failed", Status: "5.1.1",
			Diagnostic: "550 5.2.1 <b@example.com>... disabled 550 5.1.1 <a@example.com>... unknown"}, "5.1.1", StatusFromDSN, "permanent", "550"},
		{"X.0.0 reply does not count", dialect.Recipient{Action: "failed", Status: "5.3.0",
			Diagnostic: "550 5.0.0 <a@example.com>... Insufficient permission"}, "5.3.0", StatusFromDSN, "permanent", "550"},
		{"generic Status, specific words", dialect.Recipient{Action: "failed", Status: "5.0.0",
			Diagnostic: "user unknown (#5.1.1)"}, "5.1.1", StatusFromDiagnostic, "permanent", ""},
		{"quoted remote reply", dialect.Recipient{Action: "failed", Status: "5.0.0 (permanent failure)",
			Diagnostic: "5.1.0 - Unknown address error 550-'5.2.2 <a@example.com>... Mailbox Full'"}, "5.2.2", StatusFromDiagnostic, "permanent", "550"},
		{"preferred reply code", dialect.Recipient{Action: "failed", Status: "5.1.2",
			Diagnostic: "554 <a@example.com>... 550 Host unknown"}, "5.1.2", StatusFromDSN, "permanent", "550"},
		{"no success reply for a failure", dialect.Recipient{Action: "failed",
			Diagnostic: "[2001:db8:220:6d::1]:25"}, "", "", "permanent", ""},
		{"success", dialect.Recipient{Action: "delivered", Diagnostic: "250 2.0.0 OK queued"}, "2.0.0", StatusFromDiagnostic, "success", "250"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := resolve(tc.rc, "", new(dateMemo))
			if got.Status.String() != tc.status || got.StatusSource != tc.source || got.Class.String() != tc.cls || got.ReplyCode.String() != tc.reply {
				t.Errorf("resolve(%q, %q) = %s %s %s %s, want %s %s %s %s", tc.rc.Status, tc.rc.Diagnostic,
					got.Status, got.StatusSource, got.Class, got.ReplyCode, tc.status, tc.source, tc.cls, tc.reply)
			}
		})
	}
}

// TestDescribeLenient: a Message-ID with a comment and a From that is not a
// valid address list are still read.
func TestDescribeLenient(t *testing.T) {
	h := mailHeader(t, "Message-ID: <a1@example.org> (sent by x)\nFrom: Mail Delivery System. <Daemon@Example.org>\nTo: b@example.net\n\n")
	o := describe(h, "", new(dateMemo))
	if o.MessageID != "a1@example.org" || o.From != "daemon@example.org" {
		t.Errorf("describe = %+v, want message_id a1@example.org and from daemon@example.org", o)
	}
}

func mailHeader(t *testing.T, s string) mail.Header {
	t.Helper()
	h, err := parts.ReadHeader(bufio.NewReader(strings.NewReader(s)))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestQuoteAround: the quote of a part of a text, marked where it was cut,
// is strconv.Quote of the marked part.
func TestQuoteAround(t *testing.T) {
	long := strings.Repeat("x", 100) + "550 5.1.1 \xff\xfe caf\u00e9 \"quoted\" \t" + strings.Repeat("\u65e5", 100)
	for _, tc := range []struct{ text, sub string }{
		{"", "5.1.1"}, {"550 5.1.1 user unknown", "5.1.1"}, {"no code", "5.1.1"}, {long, "5.1.1"}, {long, "none"},
		{strings.Repeat("\u00e9", 200) + "5.1.1", "5.1.1"},
	} {
		i := max(strings.Index(tc.text, tc.sub), 0)
		start := max(0, i-60)
		for start > 0 && !utf8.RuneStart(tc.text[start]) {
			start--
		}
		end := min(len(tc.text), start+MaxWhy-40)
		for end < len(tc.text) && !utf8.RuneStart(tc.text[end]) {
			end--
		}
		q := tc.text[start:end]
		if start > 0 {
			q = "..." + q
		}
		if end < len(tc.text) {
			q += "..."
		}
		if got, want := quoteAround(tc.text, tc.sub), strconv.Quote(q); got != want {
			t.Errorf("quoteAround(%q, %q) = %s, want %s", tc.text, tc.sub, got, want)
		}
	}
}

var dates = []string{
	"", " ", "Mon, 2 Sep 2024 10:00:00 +0000", "Mon,  2 Sep 2024 10:00:00 +0000", " Mon, 2 Sep 2024 10:00:00 +0000",
	"Thu, 18 Sep 2008 17:54:04 +0900 (JST)", "Thu, 18 Sep 2008 17:54:04 +0900 (JST", "(x)", "Thu, 18 Sep 2008 17:54:04 +0900 ()",
	"18 Sep 2008 17:54:04 +0900", "Thu, 18 Sep 2008 17:54:04 JST", "Thu Sep 18 17:54:04 2008", "2024-09-02T10:00:00Z",
	"Mon, 2 Sep 2024 10:00:00 +0000\t", "Mon,\t2 Sep 2024 10:00:00 +0000", "Mon, 2 Sep 2024 10:00:00 +0000 (a) (b)",
	"Mon, 2 Sep 2024 10:00:00 +0000 (caf\u00e9)", "Mon, 2 Sep 2024 10:00:00\u00a0+0000", "Mon, 2 Sep 2024 25:00:00 +0000",
	"Mon, 02 Sep 2024 10:00:00 -0700", "Tue, 2 Sep 2024 10:00:00 +0000", "Mon, 2 Sep 2024 10:00:00 +0000 ",
	"24 Jun 2024 08:54:01 -0000", "1 Apr 2010 14:59:45 +0900", "9 May 2024 23:34:45 +0900 (JST)", "24 Jun 2024 08:54 -0000",
	"24 Jun 24 08:54:01 -0000", "24 Jun 2024 08:54:01 +0000 x", "31 Feb 2024 08:54:01 -0000", "2016-11-25T01:49:01.000Z",
	"24 Jun 2024 08:54:01 -00000", "24 Jun 2024 08:54:01 GMT", "Sat, 08 Feb 2025 11:22:28 GMT", "0 Jun 2024 08:54:01 -0000",
	"Tue,  2 May 2017 01:16:58 -0400 (EDT)", "Thu,  29 Apr 2016 23:34:45 +0900 (JST)", "Thu,  29 Apr 2016 23:34:45 +0900",
	"Thu,   9 Apr 2016 23:34:45 +0900", "Thu,  9  Apr 2016 23:34:45 +0900", "1ue,  2 May 2017 01:16:58 -0400",
}

// TestParseDate: parseDate is dsn.ParseDate.
func TestParseDate(t *testing.T) {
	for _, s := range dates {
		checkParseDate(t, s)
	}
}

func checkParseDate(t *testing.T, s string) {
	t.Helper()
	got, ok := parseDate(s)
	want, wantOK := dsn.ParseDate(s)
	if ok != wantOK || !got.Equal(want) || got.Format(time.RFC3339Nano) != want.Format(time.RFC3339Nano) {
		t.Fatalf("parseDate(%q) = %v, %v; dsn.ParseDate %v, %v", s, got, ok, want, wantOK)
	}
}

// FuzzParseDate: parseDate is dsn.ParseDate.
func FuzzParseDate(f *testing.F) {
	for _, s := range dates {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkParseDate(t, s) })
}
