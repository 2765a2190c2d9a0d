package phrase

import (
	"strings"
	"testing"
	"unicode"
)

// TestToLower: AppendToLower appends strings.ToLower, and ToLower returns
// it, for texts of every length to 20 with any byte at any place, and for
// texts longer than ToLower's buffer.
func TestToLower(t *testing.T) {
	for n := range 21 {
		for at := range n {
			for _, c := range []byte{'A', 'Z', '@', '[', '`', '{', 'a', 0x80, 0xc3, 0xff} {
				s := []byte(strings.Repeat("Ab", n))[:n]
				s[at] = c
				if s[0] == 'A' && n > 1 {
					s = append(s[:n-1], "\u00c9"...) // É: not ASCII, has a lower case
				}
				want := "x" + strings.ToLower(string(s))
				if got := string(AppendToLower([]byte("x"), string(s))); got != want {
					t.Fatalf("AppendToLower(%q) = %q, want %q", s, got, want)
				}
				if got := ToLower(string(s)); got != want[1:] {
					t.Fatalf("ToLower(%q) = %q, want %q", s, got, want[1:])
				}
			}
		}
	}
	for _, s := range []string{strings.Repeat("Ab", 100), strings.Repeat("ab", 100), strings.Repeat("A\u00c9", 50)} {
		if got := ToLower(s); got != strings.ToLower(s) {
			t.Fatalf("ToLower(%q) = %q", s, got)
		}
	}
}

// TestAppendLowerASCII holds appendLowerASCII to strings.ToLower on every
// byte value at every place of a word, after a prefix already in the buffer.
func TestAppendLowerASCII(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 19; pos++ {
			b := []byte("Mailbox Unavailable")
			b[pos] = byte(c)
			text := string(b)
			got, ok := appendLowerASCII([]byte("x:"), text)
			ascii := c < 0x80
			if ok != ascii {
				t.Fatalf("appendLowerASCII(%q) ok = %v", text, ok)
			}
			if !ok {
				if string(got) != "x:" {
					t.Fatalf("appendLowerASCII(%q) left %q", text, got)
				}
				continue
			}
			if want := "x:" + strings.ToLower(text); string(got) != want {
				t.Fatalf("appendLowerASCII(%q) = %q, want %q", text, got, want)
			}
		}
	}
}

// TestCaseless: no rune caseless takes has a lowercase of its own.
func TestCaseless(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if caseless(r) && unicode.ToLower(r) != r {
			t.Fatalf("caseless(%U) but unicode.ToLower gives %U", r, unicode.ToLower(r))
		}
	}
}

// FuzzAppendToLower: AppendToLower writes what strings.ToLower writes, after a
// prefix already in the buffer.
func FuzzAppendToLower(f *testing.F) {
	for _, s := range []string{"", "ABC", "Das Postfach des Empfängers ist VOLL", "\xffA\xc3", "ＡＢＣ ｄｅｆ メールボックスが一杯です SMTP",
		"İSTANBUL Ⱥ ΣΑΣ", "\xef\xbf\xbdX", "12345678\x80ABCDEFGH", "ЯЩИК ПЕРЕПОЛНЕН", "\xed\xa0\x80 surrogate", "\U0001E900"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := AppendToLower([]byte("x:"), text)
		if want := "x:" + strings.ToLower(text); string(got) != want {
			t.Fatalf("AppendToLower(%q) = %q, strings.ToLower %q", text, got[2:], want[2:])
		}
	})
}
