package parts

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// parseBothWays takes data apart with the returned original's body read in
// memory (originalParts) and through go-message (originalText), and
// reports how the two differ.
func parseBothWays(data []byte, opts *Options) string {
	defer func() { originalInMemory = true }()
	originalInMemory = true
	m1, err1 := Parse(bytes.NewReader(data), opts)
	originalInMemory = false
	m2, err2 := Parse(bytes.NewReader(data), opts)
	if d := cmp.Diff(summary(m2), summary(m1)); d != "" {
		return d
	}
	if fmt.Sprint(err1) != fmt.Sprint(err2) {
		return fmt.Sprintf("error %v, want %v", err1, err2)
	}
	return ""
}

// summary lists what m holds.
func summary(m *Message) string {
	if m == nil {
		return "nil"
	}
	var b strings.Builder
	b.WriteString(headerText(m.Header))
	fmt.Fprintf(&b, "texts %q\nreports %q\nfeedback %q\nraw %q\ntypes %q\ncharset %q\n", m.Texts, m.Reports, m.Feedback, m.Raw, m.Types, m.Charset)
	if o := m.Original; o != nil {
		fmt.Fprintf(&b, "original %q headers-only %v body %q\n", o.Type, o.HeadersOnly, o.Body)
		b.WriteString(headerText(o.Header))
		fmt.Fprintf(&b, "report:\n%s", summary(o.Report))
	}
	return b.String()
}

// TestOriginalInMemory: the returned original's text read in memory is
// what go-message's reader gives, for testdata and the corpus, with the
// default limits and tight ones.
func TestOriginalInMemory(t *testing.T) {
	for _, f := range sampleFiles() {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, opts := range []*Options{nil, {MaxOriginal: 100, MaxParts: 4, MaxDepth: 2}} {
			if d := parseBothWays(data, opts); d != "" {
				t.Errorf("%s %+v: in memory differs from go-message (-want +got):\n%s", f, opts, d)
			}
		}
	}
}

// FuzzOriginalInMemory: for any message, the returned original read in
// memory is what go-message's reader gives.
func FuzzOriginalInMemory(f *testing.F) {
	seedMessages(f)
	f.Add([]byte("Content-Type: multipart/report; boundary=r\n\n--r\nContent-Type: message/rfc822\n\n" +
		"Subject: x\nContent-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: text/plain; charset=x-bogus\n\nA\n" +
		"--o\nContent-Transfer-Encoding: quoted-printable\n\nB=\n=41\n--o--\n--r--\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 256<<10 {
			t.Skip()
		}
		if d := parseBothWays(data, &Options{MaxParts: 20, MaxDepth: 6, MaxOriginal: 512, MaxLine: 300, MaxHeader: 600}); d != "" {
			t.Errorf("in memory differs from go-message (-want +got):\n%s", d)
		}
	})
}
