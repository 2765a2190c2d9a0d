package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSafeShowsInvisibleCharacters(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain ascii", "plain ascii"},
		{"José Müller 日本", "José Müller 日本"},
		{"ESC\x1b[31m", "ESC\uFFFD[31m"},
		{"C1 \u009b2J", "C1 \uFFFD2J"},
		{"bad \xff utf-8", "bad \uFFFD utf-8"},
		{"evil\u202etxt.exe", "evil<U+202E>txt.exe"},
		{"\u202a\u202b\u202c\u202d", "<U+202A><U+202B><U+202C><U+202D>"},
		{"\u2066\u2067\u2068\u2069", "<U+2066><U+2067><U+2068><U+2069>"},
		{"arabic mark \u061c", "arabic mark <U+061C>"},
		{"lrm\u200erlm\u200f", "lrm<U+200E>rlm<U+200F>"},
		{"zero\u200bwidth\u200cnon\u200djoin", "zero<U+200B>width<U+200C>non<U+200D>join"},
		{"word\u2060joiner \ufeffbom", "word<U+2060>joiner <U+FEFF>bom"},
		{"tag \U000e0041\U000e007f", "tag <U+E0041><U+E007F>"},
		{"line\u2028para\u2029", "line<U+2028>para<U+2029>"},
	} {
		if got := safe(tc.in); got != tc.want {
			t.Errorf("safe(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestInvisibleCharactersOutput: the card shows the escapes, JSON keeps
// the exact text.
func TestInvisibleCharactersOutput(t *testing.T) {
	dir := t.TempDir()
	subject := "Re: invoice\u202egpj.exe \u200b\U000e0041\u2028end"
	eml := writeFile(t, dir+"/inv.eml", dsnHeader("B")+
		"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n"+
		"Final-Recipient: rfc822; a@example.net\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 user\u2066 unknown\n\n"+
		"--B\nContent-Type: text/rfc822-headers\n\nFrom: support@desk.example\nSubject: "+subject+"\n\n--B--\n")
	res := runCLI(t, []string{"inspect", "--format", "text", eml}, "", true)
	for _, r := range []string{"\u202e", "\u200b", "\U000e0041", "\u2028", "\u2066"} {
		if strings.Contains(res.out, r) {
			t.Errorf("card holds %q raw: %q", r, res.out)
		}
	}
	if !strings.Contains(res.out, "<U+202E>") || !strings.Contains(res.out, "<U+2066>") {
		t.Errorf("card does not show the escapes: %q", res.out)
	}
	res = runCLI(t, []string{"inspect", "--format", "json", eml}, "", false)
	var recs []struct {
		Diagnostic string
		Original   struct{ Subject string }
	}
	if err := json.Unmarshal([]byte(res.out), &recs); err != nil || len(recs) != 1 {
		t.Fatalf("json: %v: %q", err, res.out)
	}
	if recs[0].Original.Subject != subject || !strings.Contains(recs[0].Diagnostic, "user\u2066 unknown") {
		t.Errorf("JSON changed the text: %+v", recs[0])
	}
}
