package loop

import (
	"strings"
	"testing"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // ISO-2022-JP and friends in subjects
	"github.com/emersion/go-message/mail"
)

// parseHeader parses RFC 5322 header lines (joined with "\n" or "\r\n")
// the way the command line will: go-message's message.Read.
func parseHeader(raw string) (mail.Header, error) {
	raw = strings.ReplaceAll(strings.ReplaceAll(raw, "\r\n", "\n"), "\n", "\r\n")
	e, err := message.Read(strings.NewReader(strings.TrimRight(raw, "\r\n") + "\r\n\r\nbody\r\n"))
	if e == nil {
		return mail.Header{}, err
	}
	return mail.Header{Header: e.Header}, nil
}

func mustHeader(t testing.TB, raw string) mail.Header {
	t.Helper()
	h, err := parseHeader(raw)
	if err != nil {
		t.Fatalf("parseHeader(%q): %v", raw, err)
	}
	return h
}
