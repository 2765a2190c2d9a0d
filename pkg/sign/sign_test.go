package sign

import (
	"bufio"
	"strings"
	"testing"

	"github.com/bounce-tool/bounce/pkg/header"
)

func headerOf(t *testing.T, s string) header.Header {
	t.Helper()
	h, err := header.Read(bufio.NewReader(strings.NewReader(s + "\r\n\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestMailSystem(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"MAILER-DAEMON@mx.example", true},
		{"mailer_daemon@mx.example", true},
		{"MAILER-DAEMON", true},
		{"postmaster@example.com", true},
		{"Mail.Delivery@example.com", true},
		{"double-bounce@mx.example", true},
		{"postmaster+tag@example.com", true},
		{"ann@example.com", false},
		{"bounce+100@lists.example", false},
		{"postmaster-general@example.com", false},
		{"noreply@example.com", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := MailSystem(tc.addr); got != tc.want {
			t.Errorf("MailSystem(%q) = %v, want %v", tc.addr, got, tc.want)
		}
	}
}

func TestFromMailSystem(t *testing.T) {
	tests := []struct {
		from string
		want bool
	}{
		{"Mail Delivery System <MAILER-DAEMON@mx.example>", true},
		{"Mail Delivery Subsystem <mailer-daemon@relay.example>", true},
		{"System Administrator <admin@corp.example>", true},
		{"postmaster@example.com", true},
		{"Mail.Delivery.System@x.example", true},
		{"Ann Smith <ann@example.com>", false},
		{"Vacation Rentals <info@rentals.example>", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := FromMailSystem(tc.from); got != tc.want {
			t.Errorf("FromMailSystem(%q) = %v, want %v", tc.from, got, tc.want)
		}
	}
}

func TestReportSubject(t *testing.T) {
	tests := []struct {
		subject string
		want    bool
	}{
		{"Undelivered Mail Returned to Sender", true},
		{"Delivery Status Notification (Failure)", true},
		{"Mail delivery failed: returning message to sender", true},
		{"Warning: message 1a2b3c delayed 24 hours", true},
		{"Unzustellbar: Ihre Anfrage", true},
		{"Non remis : Votre demande", true},
		{"Returned mail: see transcript for details", true},
		{"Delivery Notification: Delivery has failed", true},
		{"Re: your order 1234", false},
		{"Vacation rental enquiry", false},
		{"Absence of invoice for order 1234", false},
	}
	for _, tc := range tests {
		if got := ReportSubject(tc.subject); got != tc.want {
			t.Errorf("ReportSubject(%q) = %v, want %v", tc.subject, got, tc.want)
		}
	}
}

func TestAutoReplySubject(t *testing.T) {
	tests := []struct {
		subject string
		want    bool
	}{
		{"Automatic reply: [#42] Printer", true},
		{"Out of Office: back on Monday", true},
		{"[Acme] Auto: your request", true},
		{"Abwesenheitsnotiz: Ihre Anfrage", true},
		{"Absence: je suis absent", true},
		{"Absence", true},
		{"Vacation: away until June", true},
		{"自動返信: チケット #5230", true},
		{"Autoodpowiedź: [#5] Faktura", true},
		{"Odpowiedź automatyczna: [#5] Faktura", true},
		{"Răspuns automat: [#5] Factura", true},
		{"自动答复: [#5] 发票", true},
		{"Автоматична відповідь: [#5] Рахунок", true},
		{"Autoodpowiedzialność", false},
		{"Vacation rental enquiry", false},
		{"Absence of invoice for order 1234", false},
		{"Automobile insurance quote", false},
		{"Re: auto parts", false},
	}
	for _, tc := range tests {
		if got := AutoReplySubject(tc.subject); got != tc.want {
			t.Errorf("AutoReplySubject(%q) = %v, want %v", tc.subject, got, tc.want)
		}
	}
}

func TestAutoReply(t *testing.T) {
	tests := []struct {
		name, head string
		want       AutoReplyStrength
	}{
		{"rfc3834", "From: ann@example.com\r\nAuto-Submitted: auto-replied\r\nSubject: Thanks", AutoReplyStrong},
		{"vendor field", "From: ann@example.com\r\nX-Autoreply: yes\r\nSubject: Thanks", AutoReplyStrong},
		{"vendor field off", "From: ann@example.com\r\nX-Autoreply: no\r\nSubject: Thanks", NotAutoReply},
		{"precedence", "From: ann@example.com\r\nPrecedence: auto_reply\r\nSubject: Thanks", AutoReplyStrong},
		{"subject only", "From: ann@example.com\r\nSubject: Out of office: back Monday", AutoReplyWeak},
		{"customer's vacation question", "From: ann@example.com\r\nSubject: Vacation rental enquiry", NotAutoReply},
		{"daemon says auto-replied", "From: MAILER-DAEMON@mx.example\r\nAuto-Submitted: auto-replied\r\nSubject: Undelivered Mail Returned to Sender", NotAutoReply},
		{"report subject", "From: ann@example.com\r\nAuto-Submitted: auto-replied\r\nSubject: Delivery Status Notification (Failure)", NotAutoReply},
	}
	for _, tc := range tests {
		h := headerOf(t, tc.head)
		subj, _ := h.Text("Subject")
		if got := AutoReply(h, subj); got != tc.want {
			t.Errorf("%s: AutoReply = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestOriginalStart(t *testing.T) {
	tests := []struct {
		name, text string
		want       int // -1: none
	}{
		{"exim", "Failed:\n  a@x.example\n------ This is a copy of the message, including all the headers. ------\nReturn-path: <b@y>\n", 22},
		{"qmail", "Sorry.\n--- Below this line is a copy of the message.\n", 7},
		{"header block", "The mail failed.\nReceived: from mx.example\n", 17},
		{"received in prose is no header", "It was received: from the server\n", -1},
		{"none", "Nothing returned here.\n", -1},
	}
	for _, tc := range tests {
		want := tc.want
		if want < 0 {
			want = len(tc.text)
		}
		if got := OriginalStart(tc.text); got != want {
			t.Errorf("%s: OriginalStart = %d, want %d", tc.name, got, want)
		}
	}
	text := "Sorry.\n--- Below this line is a copy of the message.\n\nFrom: a@x\n"
	if got, want := OriginalAfterMarker(text, 0), strings.Index(text, "\n\nFrom")+1; got != want {
		t.Errorf("OriginalAfterMarker = %d, want %d", got, want)
	}
	if got := OriginalAfterMarker("no marker\n", 0); got != -1 {
		t.Errorf("OriginalAfterMarker without a marker = %d, want -1", got)
	}
}

func TestHelpDesk(t *testing.T) {
	tests := []struct {
		name, head, want string
	}{
		{"zendesk field", "From: support@acme.example\r\nX-Zendesk-From-Account-Id: 12", Zendesk},
		{"zendesk mailer", "From: support@acme.example\r\nX-Mailer: Zendesk Mailer", Zendesk},
		{"zendesk message-id", "From: support@acme.example\r\nMessage-Id: <AB12_5f@acme.zendesk.com>", Zendesk},
		{"help scout", "From: s@acme.example\r\nX-Mailer: Help Scout Mailer", HelpScout},
		{"rt", "From: rt@acme.example\r\nRT-Ticket: acme #12", RT},
		{"rt managed-by", "From: rt@acme.example\r\nManaged-BY: RT 5.0.5 (http://www.bestpractical.com/rt/)", RT},
		{"otrs loop on", "From: a@x.example\r\nX-OTRS-Loop: yes", OTRS},
		{"otrs loop off", "From: a@x.example\r\nX-OTRS-Loop: no", ""},
		{"osticket", "From: a@x.example\r\nX-Mailer: osTicket Mailer", OSTicket},
		{"person", "From: ann@example.com\r\nX-Mailer: Thunderbird", ""},
		{"zendesk only as a word part", "From: a@x.example\r\nX-Mailer: notzendeskmailer", ""},
	}
	for _, tc := range tests {
		if got := HelpDesk(headerOf(t, tc.head)); got != tc.want {
			t.Errorf("%s: HelpDesk = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestReplySubject(t *testing.T) {
	tests := []struct {
		subject string
		want    bool
	}{
		{"Re: mail to our accounts team is undeliverable?", true},
		{"AW: Unzustellbar: Ihre Anfrage", true},
		{"Fwd: Undeliverable: Invoice", true},
		{"  RE: question", true},
		{"Undeliverable: Re: order 7781", false},
		{"Returned mail: see transcript for details", false},
		{"Reminder: invoice due", false},
	}
	for _, tc := range tests {
		if got := ReplySubject(tc.subject); got != tc.want {
			t.Errorf("ReplySubject(%q) = %v, want %v", tc.subject, got, tc.want)
		}
	}
}

func TestNullEnvelopeSender(t *testing.T) {
	for s, want := range map[string]bool{"<>": true, "< >": true, "MAILER-DAEMON": true, "mailer-daemon": true,
		"<MAILER-DAEMON>": true, "ann@example.com": false, "": false, "postmaster@example.com": false} {
		if got := NullEnvelopeSender(s); got != want {
			t.Errorf("NullEnvelopeSender(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestStockReportSubject: a stock subject as a whole is one, the same
// words with a conversation's subject after them are not.
func TestStockReportSubject(t *testing.T) {
	for s, want := range map[string]bool{
		"failure notice":                           true,
		"delivery status notification (failure)":   true,
		"mail delivery failed: [#12] printer":      false,
		"failure notice for your printer question": false,
		"": false,
	} {
		if got := StockReportSubject(s); got != want {
			t.Errorf("StockReportSubject(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestQuotedSubject(t *testing.T) {
	for _, tc := range []struct {
		subject, want string
		ok            bool
	}{
		{"Undeliverable: [#91] Order update", "[#91] Order update", true},
		{"Delivery delayed:[#91] Order update", "[#91] Order update", true},
		{"  UNZUSTELLBAR:  Ihre Anfrage ", "Ihre Anfrage", true},
		{"Non remis : Votre demande", "Votre demande", true},
		{"Remise différée : Votre demande", "Votre demande", true},
		{"Undelivered Mail Returned to Sender", "", false},
		{"Re: Undeliverable: [#91] Order update", "", false},
		{"[#91] Order update", "", false},
		{"", "", false},
	} {
		got, ok := QuotedSubject(tc.subject)
		if got != tc.want || ok != tc.ok {
			t.Errorf("QuotedSubject(%q) = %q, %v; want %q, %v", tc.subject, got, ok, tc.want, tc.ok)
		}
	}
}

func TestForwardedStart(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       int // -1: none
	}{
		{"gmail", "See below.\n\n---------- Forwarded message ---------\nFrom: a@x\n", 51},
		{"apple mail", "FYI\nBegin forwarded message:\n\nFrom: a@x\n", 29},
		{"outlook", "hi\n-----Original Message-----\nFrom: a@x\n", 30},
		{"outlook's rule", "hi\n________________________________\nFrom: a@x\n", 36},
		{"german, marker at the end", "Siehe unten.\n-------- Weitergeleitete Nachricht --------", 56},
		{"a forward in words is no marker", "I forwarded message after message to them.\n", -1},
		{"none", "", -1},
	} {
		if got := ForwardedStart(tc.text); got != tc.want {
			t.Errorf("%s: ForwardedStart = %d, want %d", tc.name, got, tc.want)
		}
	}
}

// FuzzForwardedStart: ForwardedStart returns -1 or the start of a line
// after the one that holds a forward marker.
func FuzzForwardedStart(f *testing.F) {
	f.Add("See below.\n\n---------- Forwarded message ---------\nFrom: a@x\n")
	f.Add("Begin forwarded message:")
	f.Fuzz(func(t *testing.T, text string) {
		at := ForwardedStart(text)
		if at == -1 {
			return
		}
		if at < 0 || at > len(text) || at < len(text) && at > 0 && text[at-1] != '\n' {
			t.Fatalf("ForwardedStart(%q) = %d: not -1 nor the start of a line", text, at)
		}
		if !forwardMarkerSet.AnyFold(text[:at]) {
			t.Fatalf("ForwardedStart(%q) = %d: no marker before it", text, at)
		}
	})
}
