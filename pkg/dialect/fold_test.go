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
