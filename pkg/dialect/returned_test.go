package dialect

import (
	"strings"
	"testing"
)

func TestInlineOriginal(t *testing.T) {
	tests := []struct {
		name, text      string
		wantID, wantSub string
		wantBody        string
		ok              bool
	}{
		{"exim", "A message that you sent could not be delivered.\n\n" +
			"------ This is a copy of the message, including all the headers. ------\n\n" +
			"Return-path: <a@example.org>\nMessage-ID: <m1@example.org>\nSubject: [Ticket#1] x\n\nbody [1G7EOR-0Q2J]\n",
			"<m1@example.org>", "[Ticket#1] x", "body [1G7EOR-0Q2J]\n", true},
		{"qmail", "Sorry.\n--- Below this line is a copy of the message.\n\nFrom: a@example.org\nSubject: hi\n\ntext",
			"", "hi", "text", true},
		{"exchange headers", "Original message headers:\n\nReceived: from x\nMessage-ID: <m2@example.org>\n",
			"<m2@example.org>", "", "", true},
		{"courier attachment note", "The original message follows as a separate attachment.\n\n--=_courier_0\n", "", "", "", false},
		{"no marker", "Subject: [#123] in prose\n\nMessage-ID: <m3@example.org>\n", "", "", "", false},
		{"marker without header", "------ This is a copy of the message, including all the headers. ------\n\nJust text.\n", "", "", "", false},
		{"gmail", "The error that the other server returned was:\n550 5.1.1 User Unknown\n\n----- Original message -----\n\n" +
			"DKIM-Signature: v=1; a=rsa-sha256;\n b=abc==\nMessage-Id: <m4@example.org>\nSubject: Hello\n\nHi\n",
			"<m4@example.org>", "Hello", "Hi\n", true},
		{"a later marker when the first has no header", "Your returned message --------\nis below.\n\n" +
			"Message headers follow.\n\nReceived: from root\nSubject: Later\n\n", "", "Later", "", true},
		{"japanese carrier", "--- The header of the original message is following. ---\n\nFrom: a@example.jp\nMessage-Id: <m5@example.jp>\n",
			"<m5@example.jp>", "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, body, ok := inlineOriginal(tc.text)
			if ok != tc.ok {
				t.Fatalf("inlineOriginal(%q) ok = %v, want %v", tc.text, ok, tc.ok)
			}
			if !ok {
				return
			}
			if got := h.Get("Message-Id"); got != tc.wantID {
				t.Errorf("Message-ID = %q, want %q", got, tc.wantID)
			}
			if got := h.Get("Subject"); got != tc.wantSub {
				t.Errorf("Subject = %q, want %q", got, tc.wantSub)
			}
			if body != tc.wantBody {
				t.Errorf("body = %q, want %q", body, tc.wantBody)
			}
		})
	}
}

// A quoted copy in quoted-printable or base64 is decoded, so that what it
// says (a ticket link broken by soft line breaks) can be read.
func TestQuotedCopyDecoded(t *testing.T) {
	qp := "------ This is a copy of the message, including all the headers. ------\n\n" +
		"Message-ID: <n1@desk.example>\nSubject: x\nContent-Transfer-Encoding: quoted-printable\n\n" +
		"See https://acme.zendesk.example/agent/tick=\nets/4411 for details =3D done\n"
	_, body, ok := inlineOriginal(qp)
	if !ok || !strings.Contains(body, "/agent/tickets/4411") || !strings.Contains(body, "= done") {
		t.Errorf("quoted-printable copy: ok %v, body %q", ok, body)
	}
	b64 := "------ This is a copy of the message, including all the headers. ------\n\n" +
		"Message-ID: <n2@desk.example>\nSubject: y\nContent-Transfer-Encoding: base64\n\n" +
		"WW91ciByZXF1ZXN0ICg0NDEyKSBoYXMg\nYmVlbiB1cGRhdGVk\n"
	_, body, ok = inlineOriginal(b64)
	if !ok || body != "Your request (4412) has been updated" {
		t.Errorf("base64 copy: ok %v, body %q", ok, body)
	}
}
