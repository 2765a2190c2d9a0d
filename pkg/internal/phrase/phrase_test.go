package phrase

import (
	"fmt"
	"strings"
	"testing"
)

// TestSetAgreesWithContains checks every method against strings.Index, one
// phrase at a time.
func TestSetAgreesWithContains(t *testing.T) {
	phrases := []string{"user unknown", "unknown", "no such user", "ab", "配信", "xyz"}
	texts := []string{"", "a", "550 user unknown", "unknown user", "no such user here, user unknown",
		"abab", "メール配信エラー", "nothing to see", "xy", "un", "user unknow"}
	s := New(phrases...)
	for _, text := range texts {
		wantAt, wantI := -1, -1
		found := make([]bool, len(phrases))
		for i, p := range phrases {
			j := strings.Index(text, p)
			if j < 0 {
				continue
			}
			found[i] = true
			if wantAt < 0 || j < wantAt {
				wantAt, wantI = j, i
			}
		}
		if at, i := s.Index(text); at != wantAt || i != wantI {
			t.Errorf("Index(%q) = %d, %d, want %d, %d", text, at, i, wantAt, wantI)
		}
		if got := s.Any(text); got != (wantAt >= 0) {
			t.Errorf("Any(%q) = %v, want %v", text, got, wantAt >= 0)
		}
		got := make([]bool, len(phrases))
		s.Mark(text, got)
		for i := range got {
			if got[i] != found[i] {
				t.Errorf("Mark(%q)[%q] = %v, want %v", text, phrases[i], got[i], found[i])
			}
		}
	}
}

// TestScanFold: ScanFold finds what Scan finds in the text with its ASCII
// letters lowercased, at the same offsets.
func TestScanFold(t *testing.T) {
	s := New("user unknown", "ab", "配信", "x-y")
	for _, text := range []string{"", "USER Unknown", "aB", "メール配信", "X-Y and x-y", "ÄB ab", "USER UNKNOWN AB"} {
		type match struct{ at, i int }
		var got, want []match
		s.ScanFold(text, func(at, i int) bool { got = append(got, match{at, i}); return true })
		lower := []byte(text)
		for k, c := range lower {
			if c >= 'A' && c <= 'Z' {
				lower[k] = c + 'a' - 'A'
			}
		}
		s.Scan(string(lower), func(at, i int) bool { want = append(want, match{at, i}); return true })
		if len(got) != len(want) {
			t.Errorf("ScanFold(%q) = %v, want %v", text, got, want)
			continue
		}
		for k := range got {
			if got[k] != want[k] {
				t.Errorf("ScanFold(%q) = %v, want %v", text, got, want)
				break
			}
		}
	}
}

// TestScanOrder checks that matches come by position, then list order,
// and that Scan stops when asked.
func TestScanOrder(t *testing.T) {
	s := New("bc", "abc", "ab")
	var got []string
	s.Scan("abcabc", func(at, i int) bool {
		got = append(got, s.Phrase(i))
		return len(got) < 4
	})
	want := []string{"abc", "ab", "bc", "abc"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Scan order = %q, want %q", got, want)
	}
}

func TestNewPanicsOnShortPhrase(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New(\"a\") did not panic")
		}
	}()
	New("a")
}

func TestNewPanicsOnCapitalLetter(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New(\"useR unknown\") did not panic")
		}
	}()
	New("useR unknown")
}

func BenchmarkAny(b *testing.B) {
	list := []string{"following address", "following recipient", "was not delivered to:", "could not be delivered to:",
		"delivery has failed to these recipients", "couldn't be delivered to", "list of recipients", "these recipients",
		"to these addresses", "following user", "failed recipient", "not delivered to the following"}
	text := strings.Repeat("This is the mail system at host mx.example.com. I'm sorry to have to inform you\n", 30)
	s := New(list...)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if s.Any(text) {
			b.Fatal("match")
		}
	}
}

func BenchmarkContainsLoop(b *testing.B) {
	list := []string{"following address", "following recipient", "was not delivered to:", "could not be delivered to:",
		"delivery has failed to these recipients", "couldn't be delivered to", "list of recipients", "these recipients",
		"to these addresses", "following user", "failed recipient", "not delivered to the following"}
	text := strings.Repeat("This is the mail system at host mx.example.com. I'm sorry to have to inform you\n", 30)
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		for _, p := range list {
			if strings.Contains(text, p) {
				b.Fatal("match")
			}
		}
	}
}

var lineList = []string{"following address", "following recipient", "following e-mail address", "following email address",
	"following destination", "was not delivered to:", "could not be delivered to:",
	"could not be delivered to the following", "delivery has failed to these recipients",
	"delivery to these recipients or groups", "couldn't be delivered to", "wasn't delivered to",
	"list of recipients", "these recipients", "to these addresses", "following user",
	"the recipients listed below", "your message to the following", "the following mail",
	"was not delivered to the following", "delivery failed for the following", "failed recipient",
	"not delivered to the following", "following list of recipients",
	"to which the message has not yet been delivered", "folgende empfänger", "folgenden empfänger",
	"folgende adresse", "destinataires suivants", "destinataire suivant", "adresses suivantes",
	"siguientes destinatarios", "siguiente destinatario", "destinatari seguenti", "seguenti destinatari",
	"volgende ontvanger", "以下のアドレス", "以下の宛先", "следующим адресатам", "следующих получателей"}

func BenchmarkLineSet(b *testing.B) {
	s := New(lineList...)
	line := "this is the mail system at host mx.example.com."
	for i := 0; i < b.N; i++ {
		if s.Any(line) {
			b.Fatal("match")
		}
	}
}

func BenchmarkLineContains(b *testing.B) {
	line := "this is the mail system at host mx.example.com."
	for i := 0; i < b.N; i++ {
		for _, p := range lineList {
			if strings.Contains(line, p) {
				b.Fatal("match")
			}
		}
	}
}

// FuzzIndexFold checks IndexFold against strings.Index of the text with its
// ASCII letters lowercased.
func FuzzIndexFold(f *testing.F) {
	f.Add("Remote Host mx.example.com", "host ")
	f.Add("HOST: a", "host: ")
	f.Add("xx", "")
	f.Fuzz(func(t *testing.T, s, p string) {
		p = strings.ToLower(p)
		lower := []byte(s)
		for i, c := range lower {
			lower[i] = Lower(c)
		}
		if got, want := IndexFold(s, p), strings.Index(string(lower), p); got != want {
			t.Fatalf("IndexFold(%q, %q) = %d, want %d", s, p, got, want)
		}
	})
}

// FuzzScan checks Scan and ScanFold, with and without the skip table,
// against strings.Index of each phrase: every match, in order of position
// and then of the list.
func FuzzScan(f *testing.F) {
	f.Add("This is the Mail System at host mx; user unknown, no such user", "user unknown\nno such user\nmail system")
	f.Add("THIS IS THE MAIL SYSTEM AT HOST MX; USER UNKNOWN", "user unknown\nmail system\nthis is the \nthis is the mail")
	f.Add("abcabc", "bc\nabc\nab")
	f.Add("xxxxxyyyy", "xxyy\nxyyy\nyyyy")
	f.Add("Remote host MX.example; mx 1; hosT:", "mx \nhost \nhost: \nremote host ")
	f.Add("550 In Reply To RCPT TO command; in reply to end of data.", "in reply to rcpt to\nin reply to data\nin reply to end of data\nin reply to end")
	f.Add("`@ab @@x ``x\n*x", "@@x\n``x\n*x\n@`ab")
	f.Fuzz(func(t *testing.T, text, list string) {
		var phrases []string
		for _, p := range strings.Split(strings.ToLower(list), "\n") {
			if len(p) >= 2 {
				phrases = append(phrases, p)
			}
		}
		if len(phrases) == 0 {
			return
		}
		s := New(phrases...)
		lower := []byte(text)
		for i, c := range lower {
			lower[i] = Lower(c)
		}
		matches := func(text string) []int {
			var want []int
			for at := 0; at < len(text); at++ {
				for i, p := range phrases {
					if strings.HasPrefix(text[at:], p) {
						want = append(want, at, i)
					}
				}
			}
			return want
		}
		check := func(name string, scan func(string, func(at, i int) bool), text string, want []int) {
			var got []int
			scan(text, func(at, i int) bool { got = append(got, at, i); return true })
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s(%q) with %q = %v, want %v", name, text, phrases, got, want)
			}
		}
		want := matches(string(lower))
		check("ScanFold", s.ScanFold, text, want)
		check("ScanFoldText", func(t string, f func(at, i int) bool) { ScanFoldText(s, []byte(t), f) }, text, want)
		check("Scan", s.Scan, string(lower), want)
		// Scan of the text as it is: case and the bytes that pairKey
		// folds together ("@" and "`") tell a match apart.
		check("Scan", s.Scan, text, matches(text))
	})
}

func BenchmarkAnyFold(b *testing.B) {
	text := strings.Repeat("This is the Mail System at host MX.EXAMPLE.COM. I'm sorry to have to inform you\n", 30)
	s := New(lineList...)
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		if s.AnyFold(text) {
			b.Fatal("match")
		}
	}
}
