package act

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/status"
)

// FuzzNote checks that whatever a bounce's fields hold, the note is valid
// UTF-8 without control characters other than its line breaks, quotes the
// server's words cut to maxDiagnostic runes, and ends with its marker line.
func FuzzNote(f *testing.F) {
	f.Add("jane@example.com", "permanent", "5.1.1", "550 5.1.1 user unknown\r\n\x1b[2J", "userunknown", "mx.example", "Re: [#1]")
	f.Add("", "temporary", "", strings.Repeat("é", 900), "", "", "\u202e\u0000")
	f.Add("", "permanent", "5.0.0", strings.Repeat("a", maxDiagnostic-1)+" b c", "", "", "")
	f.Fuzz(func(t *testing.T, rcpt, class, code, diag, reason, mta, subject string) {
		g := &Group{Key: "0123456789abcdef", Latest: bounce.Record{Kind: bounce.KindBounce, Recipient: rcpt,
			Class: status.ParseClass(class), Diagnostic: diag, Reason: reason, ReportingMTA: mta}}
		g.Latest.Status, _ = status.Parse(code)
		g.Latest.Original.Subject = subject
		text := GroupText(g)
		if !utf8.ValidString(text) {
			t.Fatalf("invalid UTF-8: %q", text)
		}
		for _, c := range text {
			if c != '\n' && (unicode.IsControl(c) || unicode.Is(unicode.Cf, c)) {
				t.Fatalf("control character %U in %q", c, text)
			}
		}
		lines := strings.Split(text, "\n")
		if lines[len(lines)-1] != Marker+g.Key {
			t.Fatalf("last line %q", lines[len(lines)-1])
		}
		for _, l := range lines {
			if s, ok := strings.CutPrefix(l, "Server said: "); ok && utf8.RuneCountInString(s) > maxDiagnostic+1 {
				t.Fatalf("diagnostic not cut: %d runes", utf8.RuneCountInString(s))
			}
		}
		for _, tag := range Tags(&g.Latest) {
			if tag == "" || strings.ContainsAny(tag, " ,\n") {
				t.Fatalf("bad tag %q", tag)
			}
		}
	})
}

// TestClean pins the cut: at most max runes, spaces counted, then an
// ellipsis; a pending space is never what tips the text over.
func TestClean(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "abc…"},
		{"ab c", 3, "ab…"},
		{"ab c", 4, "ab c"},
		{"a\x1b\r\n  b", 3, "a b"},
		{"  lead", 10, "lead"},
		{"trail  ", 10, "trail"},
		{"é\xffè", 5, "éè"},
	}
	for _, tc := range tests {
		if got := clean(tc.in, tc.max); got != tc.want {
			t.Errorf("clean(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
		if n := utf8.RuneCountInString(clean(tc.in, tc.max)); n > tc.max+1 {
			t.Errorf("clean(%q, %d) has %d runes", tc.in, tc.max, n)
		}
	}
}

// FuzzZendeskError checks that any answer body gives a short, clean line.
func FuzzZendeskError(f *testing.F) {
	f.Add([]byte(`{"error":"RecordInvalid","description":"Record validation errors","details":{"status":[{"description":"Status: closed prevents ticket update"}]}}`))
	f.Add([]byte(`{"error":{"title":"Forbidden","message":"You do not have access"}}`))
	f.Add([]byte("<html>\x00\x1b</html>"))
	f.Fuzz(func(t *testing.T, body []byte) {
		s := zendeskError(body)
		if !utf8.ValidString(s) || strings.ContainsAny(s, "\n\r\x1b\x00") || utf8.RuneCountInString(s) > 301 {
			t.Fatalf("zendeskError = %q", s)
		}
	})
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"1", time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"Thu, 05 Nov 2026 10:00:30 GMT", 30 * time.Second, true},
		{"Thu, 05 Nov 2026 09:00:00 GMT", 0, true},
		{"", 0, false},
		{"-5", 0, false},
		{"soon", 0, false},
	}
	for _, tc := range tests {
		got, ok := retryAfter(tc.v, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tc.v, got, ok, tc.want, tc.ok)
		}
	}
}
