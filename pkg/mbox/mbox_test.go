package mbox

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// split reads every message of s.
func split(t testing.TB, s string) ([]string, []Envelope, error) {
	t.Helper()
	r := NewReader(strings.NewReader(s))
	var msgs []string
	var envs []Envelope
	for {
		m, err := r.Next()
		if err == io.EOF {
			return msgs, envs, nil
		}
		if err != nil {
			return msgs, envs, err
		}
		b, err := io.ReadAll(m)
		if err != nil {
			return msgs, envs, err
		}
		msgs = append(msgs, string(b))
		envs = append(envs, r.Envelope())
	}
}

func TestReaderSplits(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"two messages", "From a@x Thu Sep 18 17:54:04 2008\nSubject: 1\n\nbody 1\n\nFrom b@y Thu Sep 18 17:55:04 2008\nSubject: 2\n\nbody 2\n",
			[]string{"Subject: 1\n\nbody 1\n", "Subject: 2\n\nbody 2\n"}},
		{"from in body not after blank", "From a Thu Sep 18 17:54:04 2008\nSubject: 1\n\nline\nFrom here on\n",
			[]string{"Subject: 1\n\nline\nFrom here on\n"}},
		{"mboxrd unescape", "From a Thu Sep 18 17:54:04 2008\nS: 1\n\n>From x\n>>From y\n>Fromage\n",
			[]string{"S: 1\n\nFrom x\n>From y\n>Fromage\n"}},
		{"crlf", "From a Thu Sep 18 17:54:04 2008\r\nS: 1\r\n\r\nb\r\n\r\nFrom b Thu Sep 18 17:54:04 2008\r\nS: 2\r\n\r\nc\r\n",
			[]string{"S: 1\n\nb\n", "S: 2\n\nc\n"}},
		{"cr only", "From a Thu Sep 18 17:54:04 2008\rS: 1\r\rb\r\rFrom b Thu Sep 18 17:54:04 2008\rS: 2\r",
			[]string{"S: 1\n\nb\n", "S: 2\n"}},
		{"leading blank lines", "\n\nFrom a Thu Sep 18 17:54:04 2008\nS: 1\n", []string{"S: 1\n"}},
		{"cut mid message", "From a Thu Sep 18 17:54:04 2008\nS: 1\n\nhalf a li", []string{"S: 1\n\nhalf a li"}},
		{"empty message", "From a Thu Sep 18 17:54:04 2008\n\nFrom b Thu Sep 18 17:54:04 2008\nS: 2\n", []string{"", "S: 2\n"}},
		{"trailing blank lines kept but one", "From a Thu Sep 18 17:54:04 2008\nS: 1\n\n\n\nFrom b Thu Sep 18 17:54:04 2008\nS: 2\n",
			[]string{"S: 1\n\n\n", "S: 2\n"}},
		{"empty stream", "", nil},
		{"unescaped body line after a blank line", "From a Thu Sep 18 17:54:04 2008\nS: 1\n\nFrom here on we agree.\n\nFrom b Sat Jan  1 00:00:00 2000\nS: 2\n",
			[]string{"S: 1\n\nFrom here on we agree.\n", "S: 2\n"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := split(t, tc.in)
			if err != nil {
				t.Fatalf("split: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("messages mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReaderEnvelope(t *testing.T) {
	_, envs, err := split(t, "From MAILER-DAEMON Thu Sep  8 17:54:04 2008\nS: 1\n\nFrom ann@example.com Mon Jan 2 15:04:05 -0700 2006\nS: 2\n\nFrom  weird Thu Sep 18 17:54:04 2008\nS: 3\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []Envelope{
		{Sender: "MAILER-DAEMON", Date: time.Date(2008, 9, 8, 17, 54, 4, 0, time.UTC), Line: "MAILER-DAEMON Thu Sep  8 17:54:04 2008"},
		{Sender: "ann@example.com", Date: time.Date(2006, 1, 2, 15, 4, 5, 0, time.FixedZone("", -7*3600)), Line: "ann@example.com Mon Jan 2 15:04:05 -0700 2006"},
		{Sender: "weird", Date: time.Date(2008, 9, 18, 17, 54, 4, 0, time.UTC), Line: " weird Thu Sep 18 17:54:04 2008"},
	}
	if diff := cmp.Diff(want, envs); diff != "" {
		t.Errorf("envelopes mismatch (-want +got):\n%s", diff)
	}
}

func TestIsFromLine(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"From MAILER-DAEMON Thu Sep 18 17:54:04 2008", true},
		{"From - Thu Sep 18 17:54:04 2008\nmore", true},
		{"From 1781@xxx Mon Jan 01 00:00:00 +0000 2024", true},
		{"From () 2020-03-03 07:12:00", true},
		{"From here on we agree.", false},
		{"From: header@example.com", false},
		{"From ", false},
		{"From x", false},
		{"From the desk of 10:30", true}, // a body line that looks exactly like one still splits
	}
	for _, tc := range tests {
		if got := IsFromLine([]byte(tc.line)); got != tc.want {
			t.Errorf("IsFromLine(%q) = %v, want %v", tc.line, got, tc.want)
		}
	}
}

func TestReaderNotMbox(t *testing.T) {
	r := NewReader(strings.NewReader("Subject: hi\n\nbody\n"))
	if _, err := r.Next(); !errors.Is(err, ErrNotMbox) {
		t.Errorf("Next() error = %v, want ErrNotMbox", err)
	}
}

func TestReaderLongLine(t *testing.T) {
	long := strings.Repeat("x", 3*bufferSize+17)
	in := "From a Thu Sep 18 17:54:04 2008\nS: 1\n\n" + long + "\n\nFrom b Thu Sep 18 17:54:04 2008\nS: 2\n"
	got, _, err := split(t, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != "S: 1\n\n"+long+"\n" {
		t.Errorf("long line not kept whole: %d messages, first %d bytes", len(got), len(got[0]))
	}
}

func TestReaderOneByteReads(t *testing.T) {
	in := "From a Thu Sep 18 17:54:04 2008\r\nS: 1\r\n\r\n>From b\r\n\r\nFrom b Thu Sep 18 17:54:04 2008\rS: 2\r"
	r := NewReader(iotest.OneByteReader(strings.NewReader(in)))
	var got []string
	for {
		m, err := r.Next()
		if err != nil {
			break
		}
		b, _ := io.ReadAll(m)
		got = append(got, string(b))
	}
	want := []string{"S: 1\n\nFrom b\n", "S: 2\n"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages mismatch (-want +got):\n%s", diff)
	}
}

func TestNewlines(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a\nb\n", "a\nb\n"},
		{"a\r\nb\r\n", "a\nb\n"},
		{"a\rb\r", "a\nb\n"},
		{"a\r\r\nb", "a\n\nb"},
		{"\r", "\n"},
	}
	for _, tc := range tests {
		for _, one := range []bool{false, true} {
			var r io.Reader = strings.NewReader(tc.in)
			if one {
				r = iotest.OneByteReader(r)
			}
			got, err := io.ReadAll(Newlines(r))
			if err != nil || string(got) != tc.want {
				t.Errorf("Newlines(%q, onebyte=%v) = %q, %v; want %q", tc.in, one, got, err, tc.want)
			}
		}
	}
}

// join writes msgs as an mboxrd stream.
func join(msgs []string) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString("From sender@example.com Thu Sep 18 17:54:04 2008\n")
		for _, line := range strings.SplitAfter(m, "\n") {
			if isEscapedFrom([]byte(line)) || strings.HasPrefix(line, "From ") {
				b.WriteByte('>')
			}
			b.WriteString(line)
		}
		if !strings.HasSuffix(m, "\n") {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func FuzzMbox(f *testing.F) {
	f.Add("S: 1\n\nFrom x\n>From y\n", "S: 2\n\nbody\n")
	f.Add("", "\n\n")
	f.Add(">>>From \n", "From From From\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a)+len(b) > 1<<16 {
			t.Skip()
		}
		// Invariant 1: any input splits without error or panic.
		split(t, a+b)
		// Invariant 2: split(join(msgs)) == msgs for LF messages that end in a newline.
		norm := func(s string) string {
			s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
			if !strings.HasSuffix(s, "\n") {
				s += "\n"
			}
			return s
		}
		msgs := []string{norm(a), norm(b)}
		got, _, err := split(t, join(msgs))
		if err != nil {
			t.Fatalf("split(join) error: %v", err)
		}
		if !cmp.Equal(msgs, got) {
			t.Fatalf("split(join(%q)) = %q", msgs, got)
		}
	})
}

func BenchmarkReader(b *testing.B) {
	msg := "Subject: test\nFrom: a@example.com\n\n" + strings.Repeat("Some body text that goes on for a while.\n", 100)
	var buf bytes.Buffer
	for i := 0; i < 200; i++ {
		buf.WriteString(join([]string{msg}))
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewReader(bytes.NewReader(data))
		for {
			m, err := r.Next()
			if err != nil {
				break
			}
			io.Copy(io.Discard, m)
		}
	}
}

// TestReset: a Reader reset on a new stream reads it as a new Reader does,
// whatever the last stream left (a message half read, no From_ line).
func TestReset(t *testing.T) {
	r := NewReader(strings.NewReader("From a Thu Sep 18 17:54:04 2008\nSubject: one\n\nbody\n\nFrom b Thu Sep 18 17:54:05 2008\n\nx\n"))
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"not an mbox\n", "From c Fri Sep 19 10:00:00 2008\nSubject: two\n\nbody two\n", ""} {
		r.Reset(strings.NewReader(s))
		fresh := NewReader(strings.NewReader(s))
		for {
			m, err := r.Next()
			want, wantErr := fresh.Next()
			if err != wantErr {
				t.Fatalf("after Reset(%q): Next() error %v, a new Reader's %v", s, err, wantErr)
			}
			if err != nil {
				break
			}
			got, _ := io.ReadAll(m)
			exp, _ := io.ReadAll(want)
			if string(got) != string(exp) || r.Envelope() != fresh.Envelope() {
				t.Fatalf("after Reset(%q): %q %+v, a new Reader's %q %+v", s, got, r.Envelope(), exp, fresh.Envelope())
			}
		}
	}
}

// FuzzParseAsctime checks parseAsctime against time.Parse of the layout it
// reads: where it answers, time.Parse gives the same time.
func FuzzParseAsctime(f *testing.F) {
	for _, s := range []string{
		"Thu Sep 18 17:54:04 2008", "Sat Jan 1 00:00:00 2000", "Mon Feb 29 23:59:59 2024",
		"Tue Feb 29 12:00:00 1900", "Wed Apr 31 10:00:00 2001", "Fri Dec 31 24:00:00 1999",
		"thu sep 18 17:54:04 2008", "Thu Sep 18 7:54:04 2008", "Thu Sep 18 17:54:04 +0200 2008",
		"Sun Jun 00 01:02:03 0000", "Mon Jan _2 15:04:05 2006",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := parseAsctime(s)
		if !ok {
			return
		}
		want, err := time.Parse(dateLayouts[0], s)
		if err != nil {
			t.Fatalf("parseAsctime(%q) = %v, time.Parse fails: %v", s, fast, err)
		}
		if fast != want {
			t.Fatalf("parseAsctime(%q) = %v, time.Parse gives %v", s, fast, want)
		}
	})
}

func TestParseAsctime(t *testing.T) {
	for _, s := range []string{"Thu Sep 18 17:54:04 2008", "Sat Jan 1 00:00:00 2000", "Mon Feb 29 23:59:59 2024"} {
		got, ok := parseAsctime(s)
		want, err := time.Parse(dateLayouts[0], s)
		if !ok || err != nil || got != want {
			t.Errorf("parseAsctime(%q) = %v, %v; time.Parse: %v, %v", s, got, ok, want, err)
		}
	}
	for _, s := range []string{"Tue Feb 29 12:00:00 1900", "Wed Apr 31 10:00:00 2001", "thu sep 18 17:54:04 2008", "Thu Sep 18 17:54:04 +0200 2008"} {
		if got, ok := parseAsctime(s); ok {
			t.Errorf("parseAsctime(%q) = %v, want no answer", s, got)
		}
	}
}
