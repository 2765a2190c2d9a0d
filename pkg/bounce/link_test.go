package bounce

import (
	"strings"
	"testing"
)

func TestGroupKey(t *testing.T) {
	a := GroupKey("id:m1@example.org", "jane@example.net")
	if len(a) != 16 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Errorf("GroupKey = %q, want 16 lowercase hex digits", a)
	}
	if b := GroupKey("id:m1@example.org", "JANE@example.net"); b != a {
		t.Errorf("GroupKey differs by recipient case: %q, %q", a, b)
	}
	for _, other := range []string{GroupKey("id:m2@example.org", "jane@example.net"), GroupKey("id:m1@example.org", "joe@example.net"),
		GroupKey("id:m1@example.orgjane@example.net", "")} {
		if other == a {
			t.Errorf("GroupKey collides: %q", other)
		}
	}
}

// TestAppendLower: appendLower appends strings.ToLower, and lower returns
// it, for texts of every length to 20 with any byte at any place, and for
// texts longer than lower's buffer.
func TestAppendLower(t *testing.T) {
	for n := range 21 {
		for at := range n {
			for _, c := range []byte{'A', 'Z', '@', '[', '`', '{', 'a', 0x80, 0xc3, 0xff} {
				s := []byte(strings.Repeat("Ab", n))[:n]
				s[at] = c
				if s[0] == 'A' && n > 1 {
					s = append(s[:n-1], "\u00c9"...) // É: not ASCII, has a lower case
				}
				want := "x" + strings.ToLower(string(s))
				if got := string(appendLower([]byte("x"), string(s))); got != want {
					t.Fatalf("appendLower(%q) = %q, want %q", s, got, want)
				}
				if got := lower(string(s)); got != want[1:] {
					t.Fatalf("lower(%q) = %q, want %q", s, got, want[1:])
				}
			}
		}
	}
	for _, s := range []string{strings.Repeat("Ab", 100), strings.Repeat("ab", 100), strings.Repeat("A\u00c9", 50)} {
		if got := lower(s); got != strings.ToLower(s) {
			t.Fatalf("lower(%q) = %q", s, got)
		}
	}
}
