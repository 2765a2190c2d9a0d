package loop

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// signalTests has a case that fires and a near miss for every signal.
var signalTests = []struct {
	name     string
	header   string
	envelope string
	want     []string
}{
	{name: "person", header: "From: Ann Example <ann@customer.example>\nSubject: Printer jammed again", want: []string{}},
	{name: "customer named Reply", header: "From: Reply <reply@customer.example>\nSubject: Re: your reply", want: []string{}},

	{name: "auto-submitted auto-replied", header: "From: a@x.example\nAuto-Submitted: auto-replied (vacation)", want: []string{"auto-submitted"}},
	{name: "auto-submitted auto-generated with params", header: "From: a@x.example\nAuto-Submitted: Auto-Generated; owner-email=\"a@x.example\"", want: []string{"auto-submitted"}},
	{name: "auto-submitted empty", header: "From: a@x.example\nAuto-Submitted:", want: []string{"auto-submitted"}},
	{name: "near miss auto-submitted no", header: "From: a@x.example\nAuto-Submitted: No", want: []string{}},
	{name: "near miss auto-submitted no with comment", header: "From: a@x.example\nAuto-Submitted: no (sent by a person)", want: []string{}},

	{name: "x-auto-response-suppress", header: "From: a@x.example\nX-Auto-Response-Suppress: All", want: []string{"x-auto-response-suppress"}},
	{name: "near miss x-auto-response-suppress empty", header: "From: a@x.example\nX-Auto-Response-Suppress: ", want: []string{}},

	{name: "precedence bulk", header: "From: a@x.example\nPrecedence: bulk", want: []string{"precedence:bulk"}},
	{name: "precedence junk", header: "From: a@x.example\nPrecedence: JUNK", want: []string{"precedence:junk"}},
	{name: "precedence list", header: "From: a@x.example\nPrecedence: list", want: []string{"precedence:list"}},
	{name: "precedence auto_reply", header: "From: a@x.example\nPrecedence: auto_reply", want: []string{"precedence:auto_reply"}},
	{name: "precedence auto-reply", header: "From: a@x.example\nPrecedence: auto-reply", want: []string{"precedence:auto_reply"}},
	{name: "near miss precedence first-class", header: "From: a@x.example\nPrecedence: first-class", want: []string{}},
	{name: "near miss precedence bulky", header: "From: a@x.example\nPrecedence: bulky", want: []string{}},

	{name: "list-id", header: "From: a@x.example\nList-Id: Users <users.lists.example>", want: []string{"list-id"}},
	{name: "near miss list-id empty", header: "From: a@x.example\nList-Id:", want: []string{}},
	{name: "list-unsubscribe", header: "From: a@x.example\nList-Unsubscribe: <mailto:leave@lists.example>", want: []string{"list-unsubscribe"}},
	{name: "near miss list-help", header: "From: a@x.example\nList-Help: <mailto:help@lists.example>", want: []string{}},

	{name: "x-autoreply", header: "From: a@x.example\nX-Autoreply: yes", want: []string{"x-autoreply"}},
	{name: "near miss x-autoreply no", header: "From: a@x.example\nX-Autoreply: no", want: []string{}},
	{name: "x-autorespond", header: "From: a@x.example\nX-Autorespond: Vacation", want: []string{"x-autorespond"}},
	{name: "near miss x-autorespond false", header: "From: a@x.example\nX-Autorespond: false", want: []string{}},
	{name: "x-loop", header: "From: a@x.example\nX-Loop: support@acme.example", want: []string{"x-loop"}},
	{name: "near miss x-loop empty", header: "From: a@x.example\nX-Loop:", want: []string{}},
	{name: "x-no-loop", header: "From: a@x.example\nX-No-Loop: yes", want: []string{"x-no-loop"}},
	{name: "near miss x-no-loop 0", header: "From: a@x.example\nX-No-Loop: 0", want: []string{}},
	{name: "x-otrs-loop", header: "From: a@x.example\nX-OTRS-Loop: yes", want: []string{"helpdesk-mailer", "x-otrs-loop"}},
	{name: "near miss x-otrs-loop no", header: "From: a@x.example\nX-OTRS-Loop: no", want: []string{}},
	{name: "x-rt-loop-prevention", header: "From: a@x.example\nX-RT-Loop-Prevention: acme", want: []string{"helpdesk-mailer", "x-rt-loop-prevention"}},
	{name: "near miss x-rt-loop-prevention off", header: "From: a@x.example\nX-RT-Loop-Prevention: off", want: []string{}},

	{name: "empty return-path", header: "From: a@x.example\nReturn-Path: <>", want: []string{"empty-return-path"}},
	{name: "empty return-path spaced", header: "From: a@x.example\nReturn-Path: < >", want: []string{"empty-return-path"}},
	{name: "empty envelope sender", header: "From: a@x.example", envelope: "<>", want: []string{"empty-return-path"}},
	{name: "MAILER-DAEMON envelope sender", header: "From: a@x.example", envelope: "MAILER-DAEMON", want: []string{"empty-return-path"}},
	{name: "near miss return-path", header: "From: a@x.example\nReturn-Path: <a@x.example>", envelope: "a@x.example", want: []string{}},

	{name: "mailer-daemon", header: "From: Mail Delivery System <MAILER-DAEMON@mx.x.example>", want: []string{"mailer-daemon"}},
	{name: "postmaster", header: "From: postmaster@x.example", want: []string{"mailer-daemon"}},
	{name: "mailer-daemon envelope without from", header: "Subject: hi", envelope: "mailer_daemon@mx.x.example", want: []string{"mailer-daemon"}},
	{name: "near miss postmaster-general", header: "From: Postmaster General <pmg@x.example>", want: []string{}},
	{name: "near miss daemon in domain", header: "From: ann@mailer-daemon.example", want: []string{}},

	{name: "noreply", header: "From: Shop <noreply@shop.example>", want: []string{"no-reply"}},
	{name: "no-reply", header: "From: no-reply@shop.example", want: []string{"no-reply"}},
	{name: "no_reply", header: "From: no_reply@shop.example", want: []string{"no-reply"}},
	{name: "donotreply", header: "From: DoNotReply@shop.example", want: []string{"no-reply"}},
	{name: "do-not-reply", header: "From: do-not-reply@shop.example", want: []string{"no-reply"}},
	{name: "noreply with suffix word", header: "From: noreply-billing@shop.example", want: []string{"no-reply"}},
	{name: "noreply with prefix word", header: "From: notifications.noreply@shop.example", want: []string{"no-reply"}},
	{name: "noreply with digits and tag", header: "From: noreply2+abc@shop.example", want: []string{"no-reply"}},
	{name: "near miss noreplyallowed", header: "From: noreplyallowed@x.example", want: []string{}},
	{name: "near miss reply", header: "From: reply@x.example", want: []string{}},
	{name: "near miss noreply in display name", header: "From: \"noreply\" <ann@x.example>", want: []string{}},
	{name: "near miss noreply in domain", header: "From: ann@noreply.example", want: []string{}},
	{name: "near miss noreply in envelope with from", header: "From: ann@x.example", envelope: "noreply@bounces.example", want: []string{}},

	{name: "subject Auto:", header: "From: a@x.example\nSubject: Auto: Re: Printer", want: []string{"autoreply-subject"}},
	{name: "subject Automatic reply", header: "From: a@x.example\nSubject: Automatic reply: [#42] Printer", want: []string{"autoreply-subject"}},
	{name: "subject Out of Office bare", header: "From: a@x.example\nSubject: Out of Office", want: []string{"autoreply-subject"}},
	{name: "subject Out of the office colon", header: "From: a@x.example\nSubject: Out of the office: back Monday", want: []string{"autoreply-subject"}},
	{name: "subject OOO AutoReply", header: "From: a@x.example\nSubject: Out of Office AutoReply: Printer", want: []string{"autoreply-subject"}},
	{name: "subject tagged", header: "From: a@x.example\nSubject: [EXTERNAL] Autoreply: Printer", want: []string{"autoreply-subject"}},
	{name: "subject Auto-Reply", header: "From: a@x.example\nSubject: Auto-Reply: Printer", want: []string{"autoreply-subject"}},
	{name: "subject Abwesenheitsnotiz", header: "From: a@x.example\nSubject: Abwesenheitsnotiz: Drucker", want: []string{"autoreply-subject"}},
	{name: "subject Automatische Antwort", header: "From: a@x.example\nSubject: Automatische Antwort: Drucker", want: []string{"autoreply-subject"}},
	{name: "subject Réponse automatique QP", header: "From: a@x.example\nSubject: =?UTF-8?Q?R=C3=A9ponse_automatique_:_Imprimante?=", want: []string{"autoreply-subject"}},
	{name: "subject Absence colon", header: "From: a@x.example\nSubject: Absence : Imprimante", want: []string{"autoreply-subject"}},
	{name: "subject Respuesta automática", header: "From: a@x.example\nSubject: =?utf-8?B?UmVzcHVlc3RhIGF1dG9tw6F0aWNhOiBJbXByZXNvcmE=?=", want: []string{"autoreply-subject"}},
	{name: "subject Fuera de la oficina", header: "From: a@x.example\nSubject: Fuera de la oficina", want: []string{"autoreply-subject"}},
	{name: "subject Risposta automatica", header: "From: a@x.example\nSubject: Risposta automatica: Stampante", want: []string{"autoreply-subject"}},
	{name: "subject Resposta automática latin1", header: "From: a@x.example\nSubject: =?ISO-8859-1?Q?Resposta_autom=E1tica:_Impressora?=", want: []string{"autoreply-subject"}},
	{name: "subject Automatisch antwoord", header: "From: a@x.example\nSubject: Automatisch antwoord: Printer", want: []string{"autoreply-subject"}},
	{name: "subject Afwezig", header: "From: a@x.example\nSubject: Afwezig: Printer", want: []string{"autoreply-subject"}},
	{name: "subject Autosvar", header: "From: a@x.example\nSubject: Autosvar: Skrivare", want: []string{"autoreply-subject"}},
	{name: "subject 自動応答 ISO-2022-JP", header: "From: a@x.example\nSubject: =?ISO-2022-JP?B?GyRCPCtGMDF+RXobKEI=?=", want: []string{"autoreply-subject"}},
	{name: "subject 自動応答 runs on", header: "From: a@x.example\nSubject: =?UTF-8?B?6Ieq5YuV5b+c562U44Oh44O844Or?=", want: []string{"autoreply-subject"}},
	{name: "subject Автоответ", header: "From: a@x.example\nSubject: =?UTF-8?B?0JDQstGC0L7QvtGC0LLQtdGCOiDQn9GA0LjQvdGC0LXRgA==?=", want: []string{"autoreply-subject"}},
	{name: "near miss subject Autumn offers", header: "From: a@x.example\nSubject: Autumn offers", want: []string{}},
	{name: "near miss subject Auto parts", header: "From: a@x.example\nSubject: Auto parts: invoice 12", want: []string{}},
	{name: "near miss subject Automatic replies broken", header: "From: a@x.example\nSubject: Automatic replying does not work", want: []string{}},
	{name: "near miss subject out of office hours", header: "From: a@x.example\nSubject: Out of office hours support?", want: []string{}},
	{name: "near miss subject Absence of invoice", header: "From: a@x.example\nSubject: Absence of invoice 12", want: []string{}},
	{name: "near miss subject Re: Out of office", header: "From: a@x.example\nSubject: Re: Out of office", want: []string{}},

	{name: "zendesk mailer", header: "From: a@x.example\nX-Mailer: Zendesk Mailer", want: []string{"helpdesk-mailer"}},
	{name: "zendesk field", header: "From: a@x.example\nX-Zendesk-From-Account-Id: 12ab", want: []string{"helpdesk-mailer"}},
	{name: "freshdesk field", header: "From: a@x.example\nX-Freshdesk-Ticket-Id: 7", want: []string{"helpdesk-mailer"}},
	{name: "help scout mailer", header: "From: a@x.example\nX-Mailer: Help Scout Mailer", want: []string{"helpdesk-mailer"}},
	{name: "otrs field", header: "From: a@x.example\nX-OTRS-Queue: Raw", want: []string{"helpdesk-mailer"}},
	{name: "znuny mailer", header: "From: a@x.example\nX-Mailer: Znuny Mail Service (7.0)", want: []string{"helpdesk-mailer"}},
	{name: "rt ticket", header: "From: a@x.example\nRT-Ticket: acme #123", want: []string{"helpdesk-mailer"}},
	{name: "near miss mailer Thunderbird", header: "From: a@x.example\nX-Mailer: Thunderbird 128.1", want: []string{}},
	{name: "near miss mailer word inside word", header: "From: a@x.example\nUser-Agent: Motrsoft Mail 2", want: []string{}},

	{name: "several sorted", header: "From: MAILER-DAEMON@mx.example\nAuto-Submitted: auto-replied\nPrecedence: bulk\nX-Loop: x\nSubject: Auto: hi", want: []string{"auto-submitted", "autoreply-subject", "mailer-daemon", "precedence:bulk", "x-loop"}},
}

func TestSignals(t *testing.T) {
	for _, tc := range signalTests {
		t.Run(tc.name, func(t *testing.T) {
			h := mustHeader(t, tc.header)
			got := Signals(h, tc.envelope)
			if got == nil {
				t.Fatalf("Signals() = nil, want non-nil")
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Signals() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSignalNamesSorted(t *testing.T) {
	names := SignalNames()
	if !slices.IsSorted(names) {
		t.Errorf("SignalNames() = %q, not sorted", names)
	}
	if len(names) != len(slices.Compact(slices.Clone(names))) {
		t.Errorf("SignalNames() = %q, has duplicates", names)
	}
}

func TestIsBulkIsNoReply(t *testing.T) {
	tests := []struct {
		signals       []string
		bulk, noReply bool
	}{
		{nil, false, false},
		{[]string{"auto-submitted", "x-loop"}, false, false},
		{[]string{"precedence:bulk"}, true, false},
		{[]string{"precedence:junk"}, true, false},
		{[]string{"precedence:list"}, true, false},
		{[]string{"precedence:auto_reply"}, false, false},
		{[]string{"list-id"}, true, false},
		{[]string{"list-unsubscribe"}, true, false},
		{[]string{"no-reply"}, false, true},
		{[]string{"mailer-daemon"}, false, true},
		{[]string{"list-id", "no-reply"}, true, true},
	}
	for _, tc := range tests {
		if got := IsBulk(tc.signals); got != tc.bulk {
			t.Errorf("IsBulk(%q) = %v, want %v", tc.signals, got, tc.bulk)
		}
		if got := IsNoReply(tc.signals); got != tc.noReply {
			t.Errorf("IsNoReply(%q) = %v, want %v", tc.signals, got, tc.noReply)
		}
	}
}
