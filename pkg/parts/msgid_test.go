package parts

import "testing"

func TestMsgIDs(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"one", "<a@b>", []string{"a@b"}},
		{"several folded", "<a@b>\r\n <c@d> <e@f>", []string{"a@b", "c@d", "e@f"}},
		{"with comment", "<a@b> (sent by x)", []string{"a@b"}},
		{"bare", "a@b", []string{"a@b"}},
		{"bare with comment", "a@b (a (nested) comment) c@d", []string{"a@b", "c@d"}},
		{"unclosed", "<a@b", nil},
		{"empty", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := MsgIDs(tc.in)
			if len(got) != len(tc.want) {
				t.Fatalf("MsgIDs(%q) = %q, want %q", tc.in, got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("MsgIDs(%q) = %q, want %q", tc.in, got, tc.want)
				}
			}
		})
	}
}
