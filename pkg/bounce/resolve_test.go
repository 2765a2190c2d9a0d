package bounce

import (
	"bufio"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bounce-tool/bounce/pkg/header"
	"github.com/bounce-tool/bounce/pkg/parts"

	"github.com/bounce-tool/bounce/pkg/dialect"
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

func mailHeader(t *testing.T, s string) header.Header {
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

// TestWhyWords: the text whyWords keeps is the text it makes, the second
// time as the first, for a phrase and for words longer than MaxWhy.
func TestWhyWords(t *testing.T) {
	for _, ev := range []string{"user unknown", "mailbox \"x\" is full", strings.Repeat("über quota ", 40)} {
		var buf [2 * MaxWhy]byte
		want := whyTextBytes(strconv.AppendQuote(append(buf[:0], "the words "...), ev))
		for range 2 {
			if got := whyWords(ev); got != want {
				t.Fatalf("whyWords(%q) = %q, want %q", ev, got, want)
			}
		}
	}
}

// TestIsClean: isClean(s) only when clean returns s as it is, for strings
// of every length around a word with a special byte anywhere.
func TestIsClean(t *testing.T) {
	for _, fill := range []string{"a", " a", "!", " !", "a "} {
		for n := range 20 {
			base := []byte(strings.Repeat(fill, n))[:n]
			for at := range n {
				for _, b := range []byte{' ', '!', '\t', '\n', 0x1f, 0x7f, 0x80, 0xff, 'x'} {
					s := append([]byte(nil), base...)
					s[at] = b
					if isClean(string(s)) && clean(string(s)) != string(s) {
						t.Fatalf("isClean(%q) but clean gives %q", s, clean(string(s)))
					}
				}
			}
			if s := string(base); !isClean(s) && clean(s) == s && !strings.Contains(s, " !") && !strings.Contains(s, "! ") {
				t.Errorf("isClean(%q) = false, clean keeps it", s)
			}
		}
	}
}

// TestQuotedAsIs: quotedAsIs(s) exactly when strconv.Quote writes s as it
// is between its quotes, for every byte at any place of texts to 20 bytes.
func TestQuotedAsIs(t *testing.T) {
	for n := 1; n <= 20; n++ {
		for at := range n {
			for b := range 256 {
				s := []byte(strings.Repeat("a b", n))[:n]
				s[at] = byte(b)
				want := strconv.Quote(string(s)) == `"`+string(s)+`"`
				if got := quotedAsIs(string(s)); got != want {
					t.Fatalf("quotedAsIs(%q) = %v, want %v", s, got, want)
				}
			}
		}
	}
}
