package dialect

import (
	"strings"
	"testing"
)

// FuzzFold checks Fold against the strings.Fields definition it replaces.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"", " ", "a", " a", "a ", "a  b", "a\tb", "a\u00a0b", "a\xffb", "\u2028x\u3000 y ", "a b c", "a\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Fold(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("Fold(%q) = %q, want %q", s, got, want)
		}
	})
}

// FuzzBare checks reading.bare against the strings.Replace definition it
// replaces.
func FuzzBare(f *testing.F) {
	for _, s := range []string{"<ann@example.com>", "ann@example.com: 550", "  * a@b, a@b", "x a@b.c a@b", strings.Repeat("a@b ", 80)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := &reading{lines: []proseLine{{text: s}}}
		want := s
		for _, a := range findAddrs(s) {
			want = strings.Replace(want, a.addr, "", 1)
		}
		bare := strings.IndexFunc(want, func(c rune) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }) < 0
		if got := r.bare(0); got != bare {
			t.Fatalf("bare(%q) = %v, want %v", s, got, bare)
		}
	})
}

// FuzzNextField checks nextField against strings.Fields.
func FuzzNextField(f *testing.F) {
	for _, s := range []string{"", " ", "a", " a b ", "550\u00a05.1.1", "a\xffb c", "\u2028x\u3000 y "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got []string
		for w, rest := nextField(s); w != ""; w, rest = nextField(rest) {
			got = append(got, w)
		}
		if want := strings.Fields(s); strings.Join(got, "\x00") != strings.Join(want, "\x00") || len(got) != len(want) {
			t.Fatalf("nextField fields of %q = %q, want %q", s, got, want)
		}
	})
}

// FuzzCountFold checks countFold against strings.Count of the lowercased
// text.
func FuzzCountFold(f *testing.F) {
	f.Add("Ann@Example.com wrote to ann@example.COM", "ann@example.com")
	f.Add("aaaa", "aa")
	f.Fuzz(func(t *testing.T, s, key string) {
		key = LowerASCII(key)
		if key == "" {
			return
		}
		if got, want := countFold(s, key), strings.Count(LowerASCII(s), key); got != want {
			t.Fatalf("countFold(%q, %q) = %d, want %d", s, key, got, want)
		}
	})
}
