package parts

import (
	"bufio"
	"io"
	"slices"
	"strings"
	"testing"
)

// TestPartHeaderLimits: the header block of a MIME part is held to
// MaxHeader and each of its fields, folded lines included, to MaxLine; the
// fields after a cut field and the part's body are still read.
func TestPartHeaderLimits(t *testing.T) {
	folded := func(n int) string { return strings.Repeat("\n "+strings.Repeat("y", 68), n/70) }
	for _, tc := range []struct {
		name     string
		junk     string // the X-Junk field's value
		opts     Options
		exceeded []string
	}{
		{"small", "x", Options{}, nil},
		{"long folded field", "x" + folded(10000), Options{MaxLine: 4096}, []string{LimitLineLength}},
		{"long unfolded field", strings.Repeat("z", 10000), Options{MaxLine: 4096}, []string{LimitLineLength}},
		{"header block beyond the limit", "x" + folded(10000), Options{MaxHeader: 2000, MaxLine: 1 << 20}, []string{LimitHeaderSize}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := "From: MAILER-DAEMON@mx.example.com\nMIME-Version: 1.0\n" +
				"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n" +
				"--B\nContent-Type: text/plain\n\nfailed\n\n" +
				"--B\nX-Junk: " + tc.junk + "\nContent-Type: message/delivery-status\n\n" +
				"Reporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; a@example.net\nAction: failed\nStatus: 5.1.1\n\n--B--\n"
			m, err := Parse(strings.NewReader(msg), &tc.opts)
			if got := Exceeded(err); !slices.Equal(got, tc.exceeded) {
				t.Errorf("exceeded %v, want %v (err %v)", got, tc.exceeded, err)
			}
			wantReport := tc.opts.MaxHeader == 0 // a cut header block loses its Content-Type
			if got := len(m.Reports) == 1 && strings.Contains(string(m.Reports[0]), "a@example.net"); got != wantReport {
				t.Errorf("delivery report read: %v, want %v", got, wantReport)
			}
			if len(m.Texts) == 0 || !strings.Contains(m.Texts[0].Body, "failed") {
				t.Errorf("text part lost: %+v", m.Texts)
			}
		})
	}
}

// FuzzPartHeaderLimiter: within its limits the limiter passes a multipart
// body through unchanged; beyond them it never lets a header block through
// that is much longer than the limit.
func FuzzPartHeaderLimiter(f *testing.F) {
	f.Add("preamble\n--B\nContent-Type: text/plain\nX-A: b\n c\n\nbody\n--B--\n", 64, 16)
	f.Add("--B\r\nX: "+strings.Repeat("y", 300)+"\r\n\r\nbody\r\n--B--\r\n", 100, 50)
	f.Add("--B\nX: a\n b\n c\n d\nY: z\n\n--B\n\n--B--", 8, 4)
	f.Fuzz(func(t *testing.T, body string, maxHeader, maxField int) {
		if maxHeader <= 0 || maxField <= 0 || maxHeader > 1<<20 || maxField > 1<<20 {
			return
		}
		run := func(maxHeader, maxField int) (string, bool) {
			failed := false
			l := &partHeaderLimiter{br: bufio.NewReaderSize(strings.NewReader(body), 16), dash: []byte("--B"),
				atLineStart: true, maxHeader: maxHeader, maxField: maxField, fail: func(error) { failed = true }}
			out, err := io.ReadAll(l)
			if err != nil {
				t.Fatal(err)
			}
			return string(out), failed
		}
		if out, failed := run(len(body)+1, len(body)+1); out != body || failed {
			t.Fatalf("within the limits the body changed: %q -> %q", body, out)
		}
		out, _ := run(maxHeader, maxField)
		if len(out) > len(body)+strings.Count(body, "\n") {
			t.Fatalf("output longer than the input: %d > %d", len(out), len(body))
		}
	})
}
