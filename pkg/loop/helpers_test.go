package loop

import (
	"strings"
	"testing"

	"github.com/bounce-tool/bounce/pkg/header"
	"github.com/bounce-tool/bounce/pkg/parts"
	_ "github.com/emersion/go-message/charset" // ISO-2022-JP and friends in subjects
)

// parseHeader parses RFC 5322 header lines (joined with "\n" or "\r\n")
// the way the command line does: parts.ReadHeaderLimit.
func parseHeader(raw string) (header.Header, error) {
	raw = strings.ReplaceAll(strings.ReplaceAll(raw, "\r\n", "\n"), "\n", "\r\n")
	h, br, err := parts.ReadHeaderLimit(strings.NewReader(strings.TrimRight(raw, "\r\n")+"\r\n\r\nbody\r\n"), 0)
	parts.ReleaseReader(br)
	if err != nil {
		return header.Header{}, err
	}
	return h, nil
}

func mustHeader(t testing.TB, raw string) header.Header {
	t.Helper()
	h, err := parseHeader(raw)
	if err != nil {
		t.Fatalf("parseHeader(%q): %v", raw, err)
	}
	return h
}
