package status

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"5.1.1", "5.1.1", true},
		{" 4.7.0 ", "4.7.0", true},
		{"2.0.0", "2.0.0", true},
		{"5.7.515", "5.7.515", true},
		{"5.1.10", "5.1.10", true},
		{"3.1.1", "", false},
		{"5.1", "", false},
		{"5.1.1.1", "", false},
		{"5.1234.1", "", false},
		{"5..1", "", false},
		{"x.1.1", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := Parse(tc.in)
			if ok != tc.ok || got.String() != tc.want {
				t.Errorf("Parse(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestCodeProperties(t *testing.T) {
	if !MustParse("5.0.0").Generic() || MustParse("5.1.0").Generic() {
		t.Error("Generic() wrong for 5.0.0 or 5.1.0")
	}
	if !MustParse("5.1.10").Registered() || MustParse("5.7.515").Registered() {
		t.Error("Registered() wrong for 5.1.10 or 5.7.515")
	}
	if got := MustParse("4.2.2").Class.String(); got != "temporary" {
		t.Errorf("Class = %q, want temporary", got)
	}
	if got := ParseClass("Permanent"); got != ClassPermanent {
		t.Errorf("ParseClass(Permanent) = %v", got)
	}
}

func TestFind(t *testing.T) {
	tests := []struct {
		name, text, code, reply string
	}{
		{"postfix", "host mx.example.com[192.0.2.1] said: 550 5.1.1 <a@example.com>: Recipient address rejected: User unknown", "5.1.1", "550"},
		{"gmail multiline", "550-5.1.1 The email account that you tried to reach does not exist.", "5.1.1", "550"},
		{"hash", "Remote Server returned '550 #5.1.1 RESOLVER.ADR.RecipNotFound; not found'", "5.1.1", "550"},
		{"qmail hash", "Sorry, no mailbox here by that name. (#5.1.1)", "5.1.1", ""},
		{"dsn prefix", "smtp; 554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using zen.spamhaus.org", "5.7.1", "554"},
		{"ip not code", "connect to 192.0.2.5.1: refused", "", ""},
		{"ip with code", "Client host 5.1.1.1 refused", "", ""},
		{"version", "(Postfix 2.5.5) said hello", "", ""},
		{"generic later specific", "550 5.0.0 see 5.1.1", "5.0.0", "550"},
		{"first failure", "version 2.1.5 then 4.4.7 expired", "4.4.7", ""},
		{"unregistered", "550 5.7.515 Access denied", "5.7.515", "550"},
		{"success after reply", "250 2.1.5 OK", "2.1.5", "250"},
		{"bare reply", "said: 554 delivery error: dd This user doesn't have an account", "", "554"},
		{"not reply", "Message size exceeds 500 KB", "", ""},
		{"date not reply", "2013-10-16 is the date", "", ""},
		{"reply at start", "421 Too many connections", "", "421"},
		{"reply after colon", "<user@example.jp>: 550 Unknown user", "", "550"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := Find(tc.text)
			if c.String() != tc.code {
				t.Errorf("Find(%q) = %q, want %q", tc.text, c, tc.code)
			}
			r, _ := FindReply(tc.text)
			if r.String() != tc.reply {
				t.Errorf("FindReply(%q) = %q, want %q", tc.text, r, tc.reply)
			}
		})
	}
}

func TestFindReplyIn(t *testing.T) {
	tests := []struct {
		text string
		cls  Class
		want string
	}{
		{"554 <ann@example.org>... 550 Host unknown", ClassPermanent, "550"},
		{"554 <ann@example.org>... Remote protocol error: 501 <bo@example.net>... no access", ClassUnknown, "554"},
		{"ERROR_CODE :550, ERROR_CODE :5.1.1 <ann@example.org>... User Unknown", ClassPermanent, "550"},
		{"<ann@example.org>: 550: : User unknown", ClassUnknown, "550"},
		{"Error, ERROR_CODE :421, ERROR_CODE :, Host not reachable.", ClassUnknown, "421"},
		{"host 192.0.2.550 said nothing; size 5500 bytes, status 5.5.0", ClassUnknown, ""},
		{"450 4.2.2 mailbox full", ClassPermanent, ""},
		{"450 4.2.2 mailbox full", ClassTemporary, "450"},
		{"250 2.6.0 Message received", ClassSuccess, "250"},
		{"X-Unix; 77", ClassUnknown, ""},
		{"", ClassUnknown, ""},
	}
	for _, tc := range tests {
		r, _ := FindReplyIn(tc.text, tc.cls)
		if r.String() != tc.want {
			t.Errorf("FindReplyIn(%q, %v) = %q, want %q", tc.text, tc.cls, r, tc.want)
		}
	}
}

func TestLookup(t *testing.T) {
	got := Lookup(MustParse("5.1.1"))
	want := Titles{Class: "Permanent Failure", Subject: "Addressing Status", Detail: "Bad destination mailbox address"}
	if got != want {
		t.Errorf("Lookup(5.1.1) = %+v, want %+v", got, want)
	}
	if d := Describe(MustParse("5.7.515")); d != "Security or Policy Status" {
		t.Errorf("Describe(5.7.515) = %q, want the subject title", d)
	}
	if n := len(Registry()); n != 92 {
		t.Errorf("len(Registry()) = %d, want 92 rows", n)
	}
}

func TestExplain(t *testing.T) {
	tests := []struct {
		in        string
		class     Class
		detail    string
		actionHas string
	}{
		{"5.7.26", ClassPermanent, "Multiple authentication checks failed", "DKIM"},
		{"550", ClassPermanent, "", "mistyped"},
		{"550 5.1.1", ClassPermanent, "Bad destination mailbox address", "Correct a mistyped address"},
		{"550-5.1.1", ClassPermanent, "Bad destination mailbox address", "Correct"},
		{"4.2.2", ClassTemporary, "Mailbox full", "Nothing but wait"},
		{"2.0.0", ClassSuccess, "Other undefined Status", "Nothing to do"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			e, err := Explain(tc.in)
			if err != nil {
				t.Fatalf("Explain(%q) error: %v", tc.in, err)
			}
			if e.Class != tc.class || e.Titles.Detail != tc.detail || !strings.Contains(e.Action, tc.actionHas) {
				t.Errorf("Explain(%q) = class %v detail %q action %q; want %v %q containing %q",
					tc.in, e.Class, e.Titles.Detail, e.Action, tc.class, tc.detail, tc.actionHas)
			}
		})
	}
	for _, bad := range []string{"", "hello", "5.1", "999", "550 5.1.1 extra"} {
		if _, err := Explain(bad); err == nil {
			t.Errorf("Explain(%q) succeeded, want an error", bad)
		}
	}
}

func FuzzStatus(f *testing.F) {
	for _, s := range []string{"550 5.1.1 user unknown", "#5.1.1", "2.5.5", "192.0.2.5.1", "550-5.7.26", "421 4.7.0 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := FindAll(s, 0), everyOffset(s); !slices.Equal(got, want) {
			t.Fatalf("FindAll(%q) = %v; trying every offset: %v", s, got, want)
		}
		for _, m := range FindAll(s, 0) {
			if m.Start < 0 || m.End > len(s) || m.Start >= m.End {
				t.Fatalf("bad offsets %+v for %q", m, s)
			}
			back, ok := Parse(s[m.Start:m.End])
			if !ok || back != m.Code {
				t.Fatalf("FindAll found %v at %d:%d but Parse(%q) = %v, %v", m.Code, m.Start, m.End, s[m.Start:m.End], back, ok)
			}
		}
		if c, ok := Find(s); ok {
			if _, ok2 := Parse(c.String()); !ok2 {
				t.Fatalf("Find returned unparsable %v", c)
			}
		}
		if r, ok := FindReply(s); ok && (r < 200 || r > 559) {
			t.Fatalf("FindReply returned %v", r)
		}
		if r, ok := FindReplyIn(s, ClassUnknown); ok && !strings.Contains(s, r.String()) {
			t.Fatalf("FindReplyIn returned %v, not in the text", r)
		}
		if e, err := Explain(s); err == nil && !utf8.ValidString(e.Action) {
			t.Fatalf("invalid UTF-8 advice")
		}
	})
}

// everyOffset is FindAll trying scanCode at every offset, not only before
// a dot.
func everyOffset(text string) []Match {
	var out []Match
	for i := 0; i+5 <= len(text); i++ {
		c := text[i]
		if c != '2' && c != '4' && c != '5' || i > 0 && !isBoundaryBefore(text[i-1]) || text[i+1] != '.' {
			continue
		}
		if m, ok := scanCode(text, i); ok {
			out = append(out, m)
			i = m.End - 1
		}
	}
	return out
}

// diagnostics are server replies as bounces quote them.
var diagnostics = []string{
	"smtp; 550 5.1.1 <kim@example.net>: Recipient address rejected: User unknown in virtual mailbox table",
	"host mx.example.net[192.0.2.7] said: 452 4.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.example.com/mail/?p=422 - gsmtp (in reply to RCPT TO command)",
	"X-Postfix; connect to mx.example.org[198.51.100.3]:25: Connection timed out",
	"550-5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users, and has been blocked. 550 5.7.26 Learn more at https://support.example.com/mail/answer/81126",
	"Remote Server returned '554 5.4.14 Hop count exceeded - possible mail loop ATTR34 [AM0PR01MB1234.eurprd01.prod.example.com 2024-09-02T10:00:00.000Z 08DCB1234567890]'",
}

func BenchmarkFind(b *testing.B) {
	size := 0
	for _, d := range diagnostics {
		size += len(d)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for _, d := range diagnostics {
			Find(d)
			FindReplyIn(d, ClassUnknown)
		}
	}
}

// TestNextDigit holds nextDigit to the byte-at-a-time scan on every byte value
// at every position of a word.
func TestNextDigit(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 20; pos++ {
			b := []byte("abcdefghijklmnopqrs\xff\x80")
			b[pos] = byte(c)
			s := string(b)
			want := len(s)
			for i := 0; i < len(s); i++ {
				if isDigit(s[i]) {
					want = i
					break
				}
			}
			for from := 0; from <= want && from < len(s); from++ {
				if got := nextDigit(s, from); got != want {
					t.Fatalf("nextDigit(%q, %d) = %d, want %d", s, from, got, want)
				}
			}
		}
	}
}

// TestHasMeaning: HasMeaning(c) exactly when some provider's MeaningAt(c)
// reports true, for every code of every class, subject and detail.
func TestHasMeaning(t *testing.T) {
	for cls := ClassSuccess; cls <= ClassPermanent; cls++ {
		for sub := 0; sub < 10; sub++ {
			for det := 0; det < 100; det++ {
				c := Code{Class: cls, Subject: sub, Detail: det}
				some := false
				for _, p := range Providers {
					_, ok := MeaningAt(p, c)
					some = some || ok
				}
				if HasMeaning(c) != some {
					t.Fatalf("HasMeaning(%v) = %v, a provider's meaning: %v", c, !some, some)
				}
			}
		}
	}
}

// TestReplyPreferenceRange: the reply codes FindReplyIn prefers lie where
// numberSet.meets looks, 200 to 599.
func TestReplyPreferenceRange(t *testing.T) {
	for _, rs := range replyPreference {
		for _, r := range rs {
			if r < 200 || r > 599 {
				t.Errorf("reply code %d outside 200-599", r)
			}
		}
	}
}
