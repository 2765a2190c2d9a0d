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
