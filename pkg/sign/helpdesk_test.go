package sign

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bounce-tool/bounce/pkg/header"
	"github.com/bounce-tool/bounce/pkg/internal/phrase"
)

// TestFieldDeskFirstTest: fieldDesk's first test lets every prefix of
// helpDeskFields through.
func TestFieldDeskFirstTest(t *testing.T) {
	for _, f := range helpDeskFields {
		for _, k := range []string{f.prefix, strings.ToUpper(f.prefix), f.prefix + "-x"} {
			if fieldDesk(k) != f.desk {
				t.Errorf("fieldDesk(%q) = %q, want %q", k, fieldDesk(k), f.desk)
			}
		}
	}
}

// oldHelpDesk is HelpDesk as it was before fieldDesk, kept to compare with.
func oldHelpDesk(h header.Header) string {
	for _, field := range h.List() {
		k := field.Key
		if (strings.EqualFold(k, "X-OTRS-Loop") || strings.EqualFold(k, "X-RT-Loop-Prevention")) && !Flagged(h, k) {
			continue
		}
		for _, f := range helpDeskFields {
			if phrase.HasPrefixFold(k, f.prefix) {
				return f.desk
			}
		}
	}
	for _, key := range [...]string{"X-Mailer", "User-Agent"} {
		if d := deskWord(h.Get(key)); d != "" {
			return d
		}
	}
	for _, k := range [...]string{"Managed-By", "X-Managed-By"} {
		if strings.HasPrefix(h.Get(k), "RT ") {
			return RT
		}
	}
	if id := h.Get("Message-Id"); phrase.ContainsFold(id, "zendesk") {
		if at := strings.LastIndexByte(id, '@'); at >= 0 && hasLabel(strings.ToLower(strings.Trim(id[at+1:], "<> \t")), "zendesk") {
			return Zendesk
		}
	}
	return ""
}

// FuzzHelpDeskSame: HelpDesk answers as oldHelpDesk on any header.
func FuzzHelpDeskSame(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/eml/*/*.eml")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(string(b))
		}
	}
	f.Add("X-OTRS-Loop: no\nX-RT-Loop-Prevention: yes\n\n")
	f.Add("x-otrs-loop: no\nX-Otrs-Header: 1\n\n")
	f.Add("RT-Ticket: 1\n\n")
	f.Add("Message-ID: <1@x.zendesk.com>\nX-Mailer: Help Scout\n\n")
	f.Fuzz(func(t *testing.T, s string) {
		h, _ := header.Read(bufio.NewReader(strings.NewReader(s)))
		if got, want := HelpDesk(h), oldHelpDesk(h); got != want {
			t.Fatalf("%q: HelpDesk = %q, want %q", s, got, want)
		}
	})
}
