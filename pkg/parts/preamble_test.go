package parts

import (
	"bufio"
	"strings"
	"testing"
)

// TestReadHeaderPreamble: blank lines and an mbox "From " line before the
// first header field do not make a message unreadable.
func TestReadHeaderPreamble(t *testing.T) {
	const msg = "From: MAILER-DAEMON@example.com\r\nSubject: failure notice\r\n\r\nbody\r\n"
	tests := []struct{ name, in string }{
		{"none", msg},
		{"blank lines", "\r\n\n  \t\r\n" + msg},
		{"mbox From line", "From MAILER-DAEMON Tue Mar  4 10:00:00 2003\n" + msg},
		{"blank lines, then the From line", "\n\nFrom MAILER-DAEMON Tue Mar  4 10:00:00 2003\r\n" + msg},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			br := bufio.NewReader(strings.NewReader(tc.in))
			h, err := ReadHeader(br)
			if err != nil {
				t.Fatalf("ReadHeader: %v", err)
			}
			if got := h.Get("Subject"); got != "failure notice" {
				t.Errorf("Subject %q", got)
			}
			rest, _ := br.ReadString('\n')
			if rest != "body\r\n" {
				t.Errorf("body starts %q", rest)
			}
		})
	}
}
