package loop

import "testing"

var normalizeSubjectTests = []struct {
	name, in, want string
}{
	{"plain", "Printer jammed", "printer jammed"},
	{"empty", "", ""},
	{"spaces folded", "  Printer \t jammed\u00a0again  ", "printer jammed again"},
	{"re", "Re: Printer", "printer"},
	{"RE upper", "RE: Printer", "printer"},
	{"stacked", "Re: AW: Fwd: WG: TR: SV: Printer", "printer"},
	{"counter", "Re[2]: Re^3: Re(4): Printer", "printer"},
	{"space before colon", "Re : Printer", "printer"},
	{"full-width colon", "回复：打印机", "打印机"},
	{"auto", "Auto: Re: Printer", "printer"},
	{"automatic reply", "Automatic reply: RE: [#123]  Printer", "[#123] printer"},
	{"tag kept", "[#123] Printer", "[#123] printer"},
	{"tag after re kept", "Re: [#123] Printer", "[#123] printer"},
	{"re after tag stripped", "[Acme] Re: Printer", "[acme] printer"},
	{"several tags", "[Acme] Re: [#1] AW: Printer", "[acme] [#1] printer"},
	{"out of office prefix", "Out of Office: Re: Printer", "printer"},
	{"out of office bare kept", "Out of Office", "out of office"},
	{"abwesenheitsnotiz", "Abwesenheitsnotiz: AW: Drucker", "drucker"},
	{"undeliverable", "Undeliverable: Re: Printer", "printer"},
	{"no colon no strip", "Re Printer", "re printer"},
	{"word starting like prefix", "Request: new laptop", "request: new laptop"},
	{"unclosed tag", "[#12 Printer", "[#12 printer"},
	{"empty tag dropped", "[] Re: Printer", "printer"},
	{"only prefixes", "Re: Fwd:", ""},
}

func TestNormalizeSubject(t *testing.T) {
	for _, tc := range normalizeSubjectTests {
		t.Run(tc.name, func(t *testing.T) {
			got := NormalizeSubject(tc.in)
			if got != tc.want {
				t.Errorf("NormalizeSubject(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if again := NormalizeSubject(got); again != got {
				t.Errorf("NormalizeSubject(%q) = %q, not idempotent", got, again)
			}
		})
	}
}

func TestIsGenericSubject(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", true},
		{"out of office", true},
		{"automatic reply", true},
		{"undelivered mail returned to sender", true},
		{"delivery status notification (failure)", true},
		{"[#123] printer", false},
		{"printer", false},
	}
	for _, tc := range tests {
		if got := isGenericSubject(tc.in); got != tc.want {
			t.Errorf("isGenericSubject(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
