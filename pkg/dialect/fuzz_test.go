package dialect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bounce-tool/bounce/pkg/dsn"
	"github.com/bounce-tool/bounce/pkg/parts"
)

// FuzzRecognisers runs every recogniser, and Extract, on fuzzed messages
// seeded with the testdata bounces: no panic, every recipient has an
// address with an "@", and the output is bounded by the input.
func FuzzRecognisers(f *testing.F) {
	seeds, _ := filepath.Glob("../../testdata/eml/*/*.eml")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("From: MAILER-DAEMON@x.example\nX-Failed-Recipients: a@b.example, ,@,\n\n<a@b.example>: 550 5.1.1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, _ := parts.Parse(strings.NewReader(string(data)), &parts.Options{MaxText: 64 << 10, MaxRawText: 64 << 10})
		if m == nil {
			return
		}
		in := &Input{Message: m, Text: m.Text()}
		if strings.TrimSpace(in.Text) == "" {
			in.Text = m.Raw
		}
		for _, b := range m.Reports {
			if rep, _ := dsn.ParseBytes(b); rep != nil {
				in.Reports = append(in.Reports, rep)
			}
		}
		// Every recipient comes from some "@" of the message (in its
		// bytes, or in what decoding, base64 or quoted-printable, made), or
		// from a report's Final-Recipient field.
		ats := strings.Count(string(data), "@") + strings.Count(m.Text(), "@") + strings.Count(m.Raw, "@") +
			strings.Count(strings.ToLower(string(data)), "final-recipient:") // an X.400 or local name can hold an @
		for _, b := range m.Reports {
			ats += strings.Count(string(b), "@")
		}
		if o := m.Original; o != nil {
			ats += strings.Count(o.Body, "@")
			for _, v := range o.Header.Fields() {
				ats += strings.Count(v, "@")
			}
		}
		written := string(data) + m.Raw
		for _, b := range m.Reports {
			written += string(b)
		}
		// A field's value is read unfolded: a line break before
		// whitespace is not part of it (RFC 5322, 2.2.3).
		written += "\n" + unfoldReplacer.Replace(written)
		check := func(who string, res *Result) {
			if res == nil {
				return
			}
			withAt := 0
			for _, r := range res.Recipients {
				if strings.Contains(r.Address, "@") {
					withAt++
				}
			}
			if withAt > ats {
				t.Fatalf("%s: %d recipients from an input with %d @", who, withAt, ats)
			}
			for _, r := range res.Recipients {
				// A recipient without an address (an X.400 or local
				// name in a report) is kept as the input writes it. A
				// notice may name no one: an auto-reply without a From, a
				// complaint whose reporter redacted the recipient.
				if r.Address == "" && res.Kind != KindAutoreply && res.Kind != KindFeedback ||
					r.Address != "" && !strings.Contains(r.Address, "@") && !strings.Contains(written, r.Address) {
					t.Fatalf("%s: recipient address %q", who, r.Address)
				}
				if who == "Extract" && (len(r.Diagnostic) > MaxDiagnostic || !utf8.ValidString(r.Diagnostic) && utf8.ValidString(string(data))) {
					t.Fatalf("%s: diagnostic of %d bytes", who, len(r.Diagnostic))
				}
			}
		}
		for _, rc := range Recognisers {
			rc.Detect(in)
			if rc.Recognise != nil {
				check(rc.Name, rc.Recognise(in))
			}
		}
		check("Extract", Extract(in))
	})
}

// unfoldReplacer removes the line breaks that fold a header field.
var unfoldReplacer = strings.NewReplacer("\r\n ", " ", "\r\n\t", "\t", "\n ", " ", "\n\t", "\t")
