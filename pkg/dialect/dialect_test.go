package dialect

import (
	"strconv"
	"strings"
	"testing"

	"github.com/bounce-tool/bounce/pkg/dsn"
	"github.com/bounce-tool/bounce/pkg/parts"
	"github.com/google/go-cmp/cmp"
)

// input takes apart a message the way pkg/bounce does.
func input(t testing.TB, raw string) *Input {
	t.Helper()
	m, _ := parts.Parse(strings.NewReader(raw), nil)
	if m == nil {
		t.Fatalf("parts.Parse returned no message")
	}
	in := &Input{Message: m, Text: m.Text()}
	if strings.TrimSpace(in.Text) == "" {
		in.Text = m.Raw
	}
	for _, b := range m.Reports {
		if rep, err := dsn.ParseBytes(b); rep != nil && (err == nil || len(rep.Recipients) > 0) {
			in.Reports = append(in.Reports, rep)
		}
	}
	return in
}

func TestFindAddresses(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{"<ann@example.com>: host said", []string{"ann@example.com"}},
		{"  bo.b+tag@mail.example.org.", []string{"bo.b+tag@mail.example.org"}},
		{"from <x@example.net> to <y@example.net>", []string{"x@example.net", "y@example.net"}},
		{`"odd..local"@example.com is refused`, []string{`"odd..local"@example.com`}},
		{"arn:aws:ses:eu-west-1:1:identity/ann@example.com", nil},
		{"user@localhost and @example.com and a@b", nil},
		{"", nil},
	}
	for _, tc := range tests {
		if got := FindAddresses(tc.line); !cmp.Equal(got, tc.want) {
			t.Errorf("FindAddresses(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

func TestFindCommand(t *testing.T) {
	tests := []struct{ text, want string }{
		{"550 5.1.1 unknown (in reply to RCPT TO command)", "RCPT"},
		{"SMTP error from remote mail server after end of data:", "DATA"},
		{"SMTP error from remote mail server after MAIL FROM:<a@example.com> SIZE=10:", "MAIL"},
		{"mx.example.com [192.0.2.1] did not like our final DATA:", "DATA"},
		{"Unauthenticated email from example.com is not accepted", ""},
		{"connect to mx.example.com: server refused to talk to me: 421", "CONN"},
		{"RCPT TO: ann@example.com ... the mail from the list", "RCPT"},
		{"after RCPT TO: refused; see the MAIL FROM rules (in reply to end of DATA command)", "RCPT"},
		{"<ann@example.com>:\n mx.example.com [192.0.2.1]:\n >>> DATA\n <<< 552 5.3.4 Message size exceeds fixed limit", "DATA"},
		{" >>> RCPT TO:<ann@example.com>\n <<< 550 5.1.1 unknown", "RCPT"},
		{"host mx.example.com[192.0.2.1] refused to talk\n    to me: 554 No SMTP service", "CONN"},
		{"550 5.7.0 (as obtained from HELO and MAIL FROM) (in reply to MAIL FROM\n    command)", "MAIL"},
		{"550-5.7.26 The MAIL FROM domain [example.com] has an SPF record (in reply to end of DATA command)", "DATA"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := FindCommand(tc.text); got != tc.want {
			t.Errorf("FindCommand(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestFindRemoteHost(t *testing.T) {
	tests := []struct{ text, want string }{
		{"<a@example.com>: host mx1.example.com[192.0.2.25] said: 550", "mx1.example.com"},
		{"host mx.example.jp [192.0.2.20]: 554 5.7.0 Header error", "mx.example.jp"},
		{"550-mail0.relay.example.net [198.51.100.21]:11111 is not permitted", "mail0.relay.example.net"},
		{"mx.example.org:[203.0.113.15] : 550 5.1.1 unknown", "mx.example.org"},
		{"[(0) example.com. [2001:db8::1]:25: socket error]", "example.com"},
		{"SMTP error from remote server after RCPT command: host: mx.example.net", "mx.example.net"},
		{"did not accept our requests to connect. [mx.example.org. 192.0.2.150: timed out]", "mx.example.org"},
		{"[mx.example.org 2001:db8::25: connection refused]", "mx.example.org"},
		{"[see the FAQ 192.0.2.1]", ""},
		{"Postfix 2.5.5 said nothing about 192.0.2.1", ""},
		{"blocked by spamhaus.example, see the list", ""},
	}
	for _, tc := range tests {
		if got := FindRemoteHost(tc.text); got != tc.want {
			t.Errorf("FindRemoteHost(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestCutOriginal(t *testing.T) {
	tests := []struct{ text, want string }{
		{"report\n------ This is a copy of the message, including all the headers. ------\nReceived: x", "report\n"},
		{"report\n--- Below this line is a copy of the message.\n\nReturn-Path: <a@example.com>", "report\n"},
		{"report\n\n   ----- Unsent message follows -----\nReceived: by x", "report\n\n"},
		{"report\nReceived: from mx.example.com by y\n", "report\n"},
		{"report\n  Received: from indented lines are not headers", "report\n  Received: from indented lines are not headers"},
		{"report only", "report only"},
	}
	for _, tc := range tests {
		if got := tc.text[:CutOriginal(tc.text)]; got != tc.want {
			t.Errorf("CutOriginal(%q) keeps %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestRecognisers: a minimal bounce in each dialect is named for it, and
// its recipients come out.
func TestRecognisers(t *testing.T) {
	const plain = "MIME-Version: 1.0\nContent-Type: text/plain\nDate: Mon, 6 Jan 2025 10:00:00 +0000\n"
	tests := []struct {
		name, msg string
		want      []string // recipients
	}{
		{"postfix", "From: MAILER-DAEMON@mx.example.com\nSubject: Undelivered Mail Returned to Sender\n" + plain +
			"\nThis is the mail system at host mx.example.com.\n\n<ann@example.net>: host mx.example.net[192.0.2.1] said: 550 5.1.1\n" +
			"    unknown user (in reply to RCPT TO command)\n", []string{"ann@example.net"}},
		// A refusal that names Barracuda does not make Postfix's bounce
		// Barracuda's.
		{"postfix", "From: MAILER-DAEMON@mx.example.com\nSubject: Undelivered Mail Returned to Sender\n" + plain +
			"\nThis is the mail system at host mx.example.com.\n\n<al@example.net>: host mx.example.net[192.0.2.1] refused to talk\n" +
			"    to me: 554 5.7.1 Client host [192.0.2.9] blocked using Barracuda Reputation\n", []string{"al@example.net"}},
		{"exim", "From: Mail Delivery System <Mailer-Daemon@mx.example.com>\nSubject: Mail delivery failed\n" + plain +
			"\nThis message was created automatically by mail delivery software.\n\nA message that you sent could not be " +
			"delivered to one or more of its\nrecipients. The following address(es) failed:\n\n  bo@example.net\n" +
			"    host mx.example.net [192.0.2.2]\n    SMTP error from remote mail server after RCPT TO:<bo@example.net>:\n" +
			"    550 5.1.1 no such user\n", []string{"bo@example.net"}},
		{"qmail", "From: MAILER-DAEMON@mx.example.com\nSubject: failure notice\n" + plain +
			"\nHi. This is the qmail-send program at mx.example.com.\nI'm afraid I wasn't able to deliver your message to the " +
			"following addresses.\n\n<cy@example.net>:\n192.0.2.3 does not like recipient.\nRemote host said: 550 5.1.1 unknown\n",
			[]string{"cy@example.net"}},
		{"v5sendmail", "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>\nSubject: Returned mail: User unknown\n" + plain +
			"\n   ----- Transcript of session follows -----\nWhile talking to mx.example.net:\n>>> RCPT To:<di@example.net>\n" +
			"<<< 550 no such user\n550 <di@example.net>... User unknown\n\n   ----- Unsent message follows -----\nFrom: a@example.com\n",
			[]string{"di@example.net"}},
		{"opensmtpd", "From: Mailer Daemon <MAILER-DAEMON@mx.example.com>\nSubject: Delivery status notification: error\n" + plain +
			"\n    This is the MAILER-DAEMON, please DO NOT REPLY to this email.\n\n    An error has occurred while attempting to " +
			"deliver a message for\n    the following list of recipients:\n\nev@example.net: 550 5.1.1 unknown user\n",
			[]string{"ev@example.net"}},
		{"domino", "From: Postmaster@example.net\nSubject: DELIVERY FAILURE: User Fay not listed\n" + plain +
			"\nYour message\n\n  Subject: hello\n\nwas not delivered to:\n\n  fay@example.net\n\nbecause:\n\n  User fay not listed\n",
			[]string{"fay@example.net"}},
		{"googlegroups", "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nX-Failed-Recipients: team@googlegroups.com\n" +
			"Subject: Delivery Status Notification (Failure)\n" + plain + "\nThe group you tried to contact (team) may not exist.\n",
			[]string{"team@googlegroups.com"}},
		{"yahoo", "From: MAILER-DAEMON@yahoo.com\nSubject: Failure Notice\n" + plain +
			"\nSorry, we were unable to deliver your message to the following address.\n\n<gil@example.net>:\n" +
			"Remote host said: 550 5.1.1 mailbox unavailable [RCPT_TO]\n", []string{"gil@example.net"}},
		{"fml", "From: list-admin@example.org\nX-MLServer: fml [fml 4.0.3]\nSubject: You a@example.com are not member (list ML)\n" +
			plain + "\nYou are not a member of this mailing list <list@example.org>.\n", []string{"list@example.org"}},
		{"kddi", "From: no-reply@abc.dion.ne.jp\nSubject: Mail\n" + plain +
			"\nYour mail sent on: Mon, 6 Jan 2025 10:00:00 +0900\n     Could not be delivered to: <hal@abc.dion.ne.jp>\n" +
			"     As their mailbox is full.\n", []string{"hal@abc.dion.ne.jp"}},
		{"generic", "From: Mail Delivery <mailer-daemon@gw.example.com>\nSubject: Delivery failure\n" + plain +
			"\nWe could not deliver your message to the following recipients:\n\n  * ida@example.net: 550 5.1.1 no such user\n",
			[]string{"ida@example.net"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := Extract(input(t, tc.msg))
			if res == nil {
				t.Fatalf("Extract = nil, want recipients %q", tc.want)
			}
			var got []string
			for _, r := range res.Recipients {
				got = append(got, r.Address)
			}
			if res.MTA != tc.name || !cmp.Equal(got, tc.want) {
				t.Errorf("Extract = %s %q, want %s %q", res.MTA, got, tc.name, tc.want)
			}
		})
	}
}

// TestNotBounces: ordinary mail that names addresses and numbers, and
// reports without anyone to name, give nothing.
func TestNotBounces(t *testing.T) {
	tests := []struct{ name, msg string }{
		{"newsletter", "From: Shop <noreply@shop.example>\nSubject: Rewards\nContent-Type: text/plain\n\n" +
			"Email: ann@example.com\nPoints: 550 this month\n"},
		{"question about a bounce", "From: Bo <bo@example.com>\nSubject: Re: why did my mail fail?\nContent-Type: text/plain\n\n" +
			"ann@example.net told me she gets 550 errors from your server.\n"},
		{"empty", "From: MAILER-DAEMON@example.com\nSubject: failure notice\n\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if res := Extract(input(t, tc.msg)); res != nil {
				t.Errorf("Extract = %+v, want nil", res)
			}
		})
	}
}

// TestReportsAndProse: the structured report gives the recipients; the
// prose completes what it lacks.
func TestReportsAndProse(t *testing.T) {
	msg := "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>\nSubject: Returned mail: see transcript\n" +
		"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\n" +
		"Content-Type: text/plain\n\n   ----- The following addresses had permanent fatal errors -----\n<jo@example.net>\n" +
		"    (reason: 550 Host unknown)\n\n   ----- Transcript of session follows -----\n" +
		"550 5.1.2 <jo@example.net>... Host unknown (Name server: example.net: host not found)\n\n--b\n" +
		"Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\nFinal-Recipient: RFC822; jo@example.net\n" +
		"Action: failed\nStatus: 5.1.2\nDiagnostic-Code: X-Unix; 68\n\n--b--\n"
	res := Extract(input(t, msg))
	if res == nil || len(res.Recipients) != 1 {
		t.Fatalf("Extract = %+v, want one recipient", res)
	}
	r := res.Recipients[0]
	if res.MTA != "sendmail" || r.Status != "5.1.2" || !strings.Contains(r.Diagnostic, "Host unknown") {
		t.Errorf("Extract = %s %+v, want sendmail, Status 5.1.2 and the transcript's words", res.MTA, r)
	}
}

// A command the server's reply mentions does not say at which stage the
// reply came; the prose around it does.
func TestStageBeatsMention(t *testing.T) {
	msg := "From: Mail Delivery System <MAILER-DAEMON@mta.example.com>\nSubject: Undelivered Mail Returned to Sender\n" +
		"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\n" +
		"Content-Type: text/plain\n\nThis is the mail system at host mta.example.com.\n\n" +
		"<jo@example.net>: host relay.example.net[192.0.2.1] said: 550 5.7.0 Relay denied\n" +
		"    (as obtained from HELO and MAIL FROM) (in reply to MAIL FROM command)\n\n--b\n" +
		"Content-Type: message/delivery-status\n\nReporting-MTA: dns; mta.example.com\n\nFinal-Recipient: rfc822; jo@example.net\n" +
		"Action: failed\nStatus: 5.7.0\nRemote-MTA: dns; relay.example.net\n" +
		"Diagnostic-Code: smtp; 550 5.7.0 Relay denied (as obtained from HELO and MAIL FROM)\n\n--b--\n"
	res := Extract(input(t, msg))
	if res == nil || len(res.Recipients) != 1 {
		t.Fatalf("Extract = %+v, want one recipient", res)
	}
	if got := res.Recipients[0].Command; got != "MAIL" {
		t.Errorf("Extract: Command = %q, want %q", got, "MAIL")
	}
}

func TestEmbeddedReport(t *testing.T) {
	text := "An error occurred while trying to deliver the mail to the following recipients:\nkim@example.net\n\n" +
		"Technical report:\n\nReporting-MTA: dsn; out.example.com\n\nAction: failed\nFinal-Recipient: rfc822; kim@example.net\n" +
		"Diagnostic-Code: smtp; 550 5.2.1 disabled\nStatus: 5.2.1\n"
	res := new(Input).embeddedReport(text)
	if res == nil || len(res.Recipients) != 1 || res.Recipients[0].Address != "kim@example.net" ||
		res.Recipients[0].Status != "5.2.1" || res.ReportingMTA != "out.example.com" {
		t.Errorf("embeddedReport = %+v, want kim@example.net, 5.2.1 from out.example.com", res)
	}
}

func TestSESJSON(t *testing.T) {
	tests := []struct {
		name, body   string
		addr, action string
	}{
		{"bounce in an SNS envelope", `{"Type":"Notification","Message":"{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":` +
			`\"Permanent\",\"bouncedRecipients\":[{\"emailAddress\":\"lu@example.net\",\"status\":\"5.1.1\",\"diagnosticCode\":` +
			`\"smtp; 550 5.1.1 unknown\"}]}}"}`, "lu@example.net", "failed"},
		{"delivery", `{"notificationType":"Delivery","delivery":{"recipients":["mo@example.net"],"smtpResponse":"250 2.0.0 OK"}}`,
			"mo@example.net", "delivered"},
		{"split by a relay", "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Transient\",\"bouncedRecipients\":" +
			"[{\"emailAddress\":\"no@exam!\n ple.net\"}]}}", "no@example.net", "delayed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := amazonSES(&Input{Text: tc.body})
			if res == nil || len(res.Recipients) != 1 {
				t.Fatalf("amazonSES = %+v, want one recipient", res)
			}
			if r := res.Recipients[0]; r.Address != tc.addr || r.Action != tc.action {
				t.Errorf("amazonSES = %s %s, want %s %s", r.Address, r.Action, tc.addr, tc.action)
			}
		})
	}
	if res := amazonSES(&Input{Text: `{"notificationType":"Complaint"}`}); res != nil {
		t.Errorf("amazonSES(complaint) = %+v, want nil", res)
	}
}

func TestTranscript(t *testing.T) {
	tr := readTranscript("While talking to mx.example.net:\n>>> RCPT To:<pa@example.net>\n<<< 550 5.1.1 nobody here\n" +
		"550 <pa@example.net>... User unknown\n550 other.example (smtp)... 550 Host unknown\n" +
		"554 <qu@other.example>... 550 Host unknown\n")
	if got := tr.order; len(got) != 2 || got[0] != "pa@example.net" || got[1] != "qu@other.example" {
		t.Fatalf("readTranscript order = %q, want pa@example.net, qu@other.example", got)
	}
	if tr.command["pa@example.net"] != "RCPT" || tr.host["pa@example.net"] != "mx.example.net" {
		t.Errorf("pa@example.net: command %q host %q, want RCPT mx.example.net", tr.command["pa@example.net"], tr.host["pa@example.net"])
	}
	if tr.command["qu@other.example"] != "" || tr.host["qu@other.example"] != "" {
		t.Errorf("qu@other.example: command %q host %q, want none", tr.command["qu@other.example"], tr.host["qu@other.example"])
	}
	if got := strings.Join(tr.about["pa@example.net"], " | "); got != "550 <pa@example.net>... User unknown | 550 5.1.1 nobody here" {
		t.Errorf("pa@example.net words = %q", got)
	}
}

// pipelinedSendmail is a Sendmail bounce for three recipients that one
// server refused at RCPT TO; with PIPELINING the transcript shows only
// ">>> DATA" before their replies.
const pipelinedSendmail = "From: Mail Delivery Subsystem <MAILER-DAEMON@out.example.com>\n" +
	"Subject: Returned mail: see transcript for details\nMIME-Version: 1.0\n" +
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\n\n" +
	"   ----- The following addresses had permanent fatal errors -----\n<ann@example.net>\n" +
	"    (reason: 550 5.2.1 Account disabled)\n<bo@example.net>\n    (reason: 552 5.2.2 Mailbox full)\n" +
	"<cy@example.net>\n    (reason: 550-5.7.1 Blocked by policy)\n\n" +
	"   ----- Transcript of session follows -----\n... while talking to mx.example.net.:\n>>> DATA\n" +
	"<<< 550 5.2.1 Account disabled\n550 5.1.1 <ann@example.net>... User unknown\n<<< 552 5.2.2 Mailbox full\n" +
	"554 5.0.0 Service unavailable\n<<< 550-5.7.1 Blocked by policy\n<<< 550 5.7.1 see https://example.net/policy\n" +
	"554 5.0.0 Service unavailable\n<<< 503 5.5.1 No valid recipients\n\n--b\n" +
	"Content-Type: message/delivery-status\n\nReporting-MTA: dns; out.example.com\n\n" +
	"Final-Recipient: RFC822; ann@example.net\nAction: failed\nStatus: 5.2.1\nRemote-MTA: DNS; mx.example.net\n" +
	"Diagnostic-Code: SMTP; 550 5.2.1 Account disabled\n\n" +
	"Final-Recipient: RFC822; bo@example.net\nAction: failed\nStatus: 5.2.2\nRemote-MTA: DNS; mx.example.net\n" +
	"Diagnostic-Code: SMTP; 552 5.2.2 Mailbox full\n\n" +
	"Final-Recipient: RFC822; cy@example.net\nAction: failed\nStatus: 5.7.1\nRemote-MTA: DNS; mx.example.net\n" +
	"Diagnostic-Code: SMTP; 550-5.7.1 Blocked by policy\n\n--b--\n"

func TestSendmailPipelined(t *testing.T) {
	res := Extract(input(t, pipelinedSendmail))
	if res == nil || res.MTA != "sendmail" {
		t.Fatalf("Extract = %+v, want a sendmail result", res)
	}
	want := []struct{ addr, diag, command string }{
		{"ann@example.net", "550 5.2.1 Account disabled", "RCPT"},
		{"bo@example.net", "552 5.2.2 Mailbox full", "RCPT"},
		{"cy@example.net", "550-5.7.1 Blocked by policy 550 5.7.1 see https://example.net/policy", "RCPT"},
	}
	if len(res.Recipients) != len(want) {
		t.Fatalf("Extract found %d recipients, want %d", len(res.Recipients), len(want))
	}
	for i, w := range want {
		t.Run(w.addr, func(t *testing.T) {
			r := res.Recipients[i]
			if r.Address != w.addr || r.Diagnostic != w.diag || r.Command != w.command {
				t.Errorf("recipient %d = %s %q %s, want %s %q %s", i, r.Address, r.Diagnostic, r.Command, w.addr, w.diag, w.command)
			}
		})
	}
}

func TestTranscriptStages(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string // the command of each reply
	}{
		{"refused recipient, then the reply to DATA", "... while talking to mx.example.net.:\n>>> DATA\n" +
			"<<< 550 5.1.1 <ann@example.net>... unknown\n550 5.1.1 <ann@example.net>... User unknown\n<<< 503 5.0.0 Need RCPT\n",
			[]string{"RCPT", "DATA"}},
		{"refused after the message", "... while talking to mx.example.net.:\n>>> DATA\n" +
			"<<< 552 5.3.4 Message size exceeds fixed limit\n554 5.0.0 Service unavailable\n", []string{"DATA"}},
		{"last refused recipient, named", "... while talking to mx.example.net.:\n>>> DATA\n<<< 552 5.2.2 Mailbox full\n" +
			"554 5.0.0 Service unavailable\n<<< 550 5.2.1 disabled\n550 5.1.1 <bo@example.net>... User unknown\n",
			[]string{"RCPT", "RCPT"}},
		{"end of data", "... while talking to mx.example.net.:\n>>> DATA\n<<< 354 go ahead\n>>> .\n<<< 554 5.7.1 spam\n",
			[]string{"DATA", "DATA"}},
		{"another host's reply", "... while talking to a.example.net.:\n>>> DATA\n<<< 554 5.7.1 rejected\n" +
			"... while talking to b.example.net.:\n<<< 421 4.3.2 busy\n", []string{"DATA", ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := readTranscript(tc.text)
			var got []string
			for _, g := range tr.groups {
				got = append(got, g.command)
			}
			if !cmp.Equal(got, tc.want) {
				t.Errorf("readTranscript commands = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestEvidenceStopsAtRule(t *testing.T) {
	text := "Your message to the following recipients cannot be delivered:\n\n<ann@example.net>:\n <<< Network is down\n\n" +
		"---------------------------------------------------------------------------\n\nIf your message was also sent to additional recipients...\n"
	if got, want := readProse(text, nil).evidence("ann@example.net"), "<ann@example.net>:\n <<< Network is down"; got != want {
		t.Errorf("evidence = %q, want %q", got, want)
	}
}

func TestDeterministic(t *testing.T) {
	msg := "From: MAILER-DAEMON@mx.example.com\nSubject: failure notice\nContent-Type: text/plain\n\n" +
		"Hi. This is the qmail-send program at mx.example.com.\nI'm afraid I wasn't able to deliver your message to the " +
		"following addresses.\n\n<a@example.net>:\n550 5.1.1 unknown\n\n<b@example.net>:\n552 5.2.2 full\n\n<c@example.net>:\n" +
		"550 5.7.1 refused\n"
	first := Extract(input(t, msg))
	for i := 0; i < 20; i++ {
		if got := Extract(input(t, msg)); !cmp.Equal(got, first) {
			t.Fatalf("Extract differs on run %d:\n%s", i, cmp.Diff(first, got))
		}
	}
}

func TestIndexAfterNewline(t *testing.T) {
	tests := []struct{ s, p string }{
		{"", "From "}, {"From x", "From "}, {"a\nFrom x", "From "}, {"aFrom \nFrom ", "From "},
		{"\n\nFrom", "From "}, {"x\n--b--\n", "--b--"}, {"--b--", "--b--"}, {"\n", "x"}, {"ab\nab\n", "ab"},
	}
	for _, tc := range tests {
		if got, want := indexAfterNewline(tc.s, tc.p), strings.Index(tc.s, "\n"+tc.p); got != want {
			t.Errorf("indexAfterNewline(%q, %q) = %d, want %d", tc.s, tc.p, got, want)
		}
	}
}

// TestBareText checks the counting bareText against its definition: the
// ASCII letters left in the lowercase text once the address is taken out.
func TestBareText(t *testing.T) {
	def := func(ev, key string) bool {
		n := 0
		for _, c := range strings.ReplaceAll(LowerASCII(ev), key, "") {
			if c >= 'a' && c <= 'z' {
				n++
			}
		}
		return n < 8
	}
	evs := []string{"", "ann@example.com", "<ANN@Example.COM>: ok", "ann@example.com ann@example.com user unknown",
		"Ann@example.com\n550 5.1.1 mailbox unavailable", "aaaa@b.cc aaaa@b.cc", "ÄÖÜ ann@example.com xyz", "annann@example.com"}
	keys := []string{"", "ann@example.com", "aaaa@b.cc", "nann@example.com", "a"}
	for _, ev := range evs {
		for _, key := range keys {
			if got, want := bareText(ev, key), def(ev, key); got != want {
				t.Errorf("bareText(%q, %q) = %v, want %v", ev, key, got, want)
			}
		}
	}
}

// An address in a wrapped reply's continuation line is the server's text,
// not the next recipient; one that leads its line is.
func TestEvidenceContinuation(t *testing.T) {
	text := "<ann@example.net>: host mx.example.net[192.0.2.1] said: 550 spam message\n" +
		"    rejected. Report details to abuse@example.net. (in reply to end of\n" +
		"    DATA command)\n" +
		"<bob@example.net>: host mx.example.net[192.0.2.1] said: 550 unknown user\n"
	r := readProse(text, nil)
	if got := r.evidence("ann@example.net"); !strings.HasSuffix(got, "DATA command)") {
		t.Errorf("evidence(ann) = %q, want it to run to the end of the wrapped reply", got)
	}
	if got := r.evidence("ann@example.net"); strings.Contains(got, "unknown user") {
		t.Errorf("evidence(ann) = %q, want it to stop at bob's line", got)
	}
}

// TestAppendQuote checks appendQuote against strconv.AppendQuote.
func TestAppendQuote(t *testing.T) {
	for _, s := range []string{"", "this is the mail system at host", `a "b"`, `back\slash`, "tab\t", "日本", "\x7f", "~ok~"} {
		if got, want := string(appendQuote([]byte("x"), s)), string(strconv.AppendQuote([]byte("x"), s)); got != want {
			t.Errorf("appendQuote(%q) = %s, want %s", s, got, want)
		}
	}
}
