package parts

import (
	"slices"
	"strings"
	"testing"
)

// FuzzAppendMsgIDs: AppendMsgIDs after what dst holds appends what it
// returns on its own (MsgIDs), the 64 counted from dst's end.
func FuzzAppendMsgIDs(f *testing.F) {
	for _, s := range []string{
		"<a@b>", "<a@b> <c@d>", "a@b (comment) c@d", "<>", "< > x@y", "<a@b", "x\u00a0y\u2003z",
		strings.Repeat("<x@y> ", 70), strings.Repeat("w ", 70), "(a (b) c) d",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := MsgIDs(s)
		got := AppendMsgIDs([]string{"first"}, s)
		if got[0] != "first" || !slices.Equal(got[1:], want) {
			t.Fatalf("AppendMsgIDs([first], %q) = %q, want %q", s, got, want)
		}
	})
}
