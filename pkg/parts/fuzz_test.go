package parts

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bounce-tool/bounce/pkg/header"

	_ "github.com/emersion/go-message/charset"
)

// sampleFiles are the messages under testdata and, when present, the
// shared corpus's messages: what the differential tests compare on.
func sampleFiles() []string {
	files, _ := filepath.Glob("../../testdata/eml/*/*.eml")
	more, _ := filepath.Glob("../../../shared/corpus/sisimai/*/*.eml")
	return append(files, more...)
}

// headerText lists h's fields in order, one per line, for comparisons.
func headerText(h header.Header) string {
	var b strings.Builder
	for k, v := range h.Fields() {
		fmt.Fprintf(&b, "%q: %q\n", k, v)
	}
	return b.String()
}

func seedMessages(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/eml/*/*.eml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("Content-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: message/rfc822\n\n--x--\n"))
}

// FuzzParse: the MIME walk never panics, stays within its limits and hands
// out valid UTF-8 text.
func FuzzParse(f *testing.F) {
	seedMessages(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			t.Skip()
		}
		opts := &Options{MaxParts: 50, MaxDepth: 8, MaxText: 4096}
		m, _ := Parse(bytes.NewReader(data), opts)
		if m == nil {
			t.Fatal("Parse returned a nil message")
		}
		if len(m.Types) > 2*opts.MaxParts+2 {
			t.Fatalf("%d parts visited, limit %d", len(m.Types), opts.MaxParts)
		}
		for _, tx := range m.Texts {
			if !utf8.ValidString(tx.Body) {
				t.Fatalf("invalid UTF-8 text %q", tx.Body)
			}
		}
		if !utf8.ValidString(m.Raw) {
			t.Fatal("invalid UTF-8 raw text")
		}
		if m.Original != nil && len(m.Original.Body) > 64<<10 {
			t.Fatalf("original body of %d bytes exceeds the default cap", len(m.Original.Body))
		}
	})
}

// TestAlternativesCountAsParts: the text alternatives of a
// multipart/alternative count against MaxParts like any other part.
func TestAlternativesCountAsParts(t *testing.T) {
	var b strings.Builder
	b.WriteString("Content-Type: multipart/alternative; boundary=a\n\n")
	for i := 0; i < 20; i++ {
		b.WriteString("--a\nContent-Type: text/plain\n\nalternative\n")
	}
	b.WriteString("--a--\n")
	m, err := Parse(strings.NewReader(b.String()), &Options{MaxParts: 5})
	if got := Exceeded(err); len(got) != 1 || got[0] != LimitParts {
		t.Errorf("Exceeded = %v, want [parts]", got)
	}
	if len(m.Types) > 6 {
		t.Errorf("%d parts visited, limit 5", len(m.Types))
	}
}
