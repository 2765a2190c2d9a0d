package bounce

import (
	"strings"
	"testing"

	"github.com/bounce-tool/bounce/pkg/source"
	_ "github.com/emersion/go-message/charset" // the program's charset tables, as pkg/cli imports them
)

func TestAutoreply(t *testing.T) {
	tests := []struct {
		name, head string
		want       bool
	}{
		{"rfc 3834", "From: Ann <ann@example.org>\nSubject: Re: hello\nAuto-Submitted: auto-replied\n", true},
		{"vendor header", "From: ann@example.org\nSubject: hello\nX-Autoreply: yes\n", true},
		{"precedence", "From: ann@example.org\nSubject: hello\nPrecedence: auto_reply\n", true},
		{"english subject", "From: ann@example.org\nSubject: Out of Office: your ticket\n", true},
		{"german subject", "From: ann@example.de\nSubject: Abwesenheitsnotiz\n", true},
		{"japanese subject", "From: ann@example.jp\nSubject: =?UTF-8?B?6Ieq5YuV6L+U5L+hOiDjgYrllY/jgYTlkIjjgo/jgZs=?=\n", true},
		{"bounce with auto-replied", "From: Mail Delivery System <Mailer-Daemon@mx.example.net>\nSubject: Mail delivery failed: returning message to sender\nAuto-Submitted: auto-replied\n", false},
		{"postmaster notice", "From: postmaster@example.de\nSubject: email bounce notification\nAuto-Submitted: auto-replied\n", false},
		{"report", "From: ann@example.org\nSubject: Re: hello\nAuto-Submitted: auto-replied\nContent-Type: multipart/report; report-type=delivery-status; boundary=x\n", false},
		{"undeliverable subject", "From: ann@example.org\nSubject: Undeliverable: hello\nX-Auto-Response-Suppress: All\n", false},
		{"ordinary mail", "From: ann@example.org\nSubject: lunch on friday?\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs := Analyze(strings.NewReader(strings.ReplaceAll(tc.head+"\nbody\n", "\n", "\r\n")), nil)
			if got := len(recs) == 1 && recs[0].Kind == KindAutoreply; got != tc.want {
				t.Errorf("Analyze(%q) is an auto-reply: %v, want %v (%+v)", tc.head, got, tc.want, recs)
			}
		})
	}
}

func TestFeedbackRecords(t *testing.T) {
	tests := []struct {
		name, msg                          string
		recipient, typ, mta, auth, subject string
	}{
		{"arf abuse", `From: fbl@isp.example
Subject: FW: offer
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="b"

--b
Content-Type: text/plain

This is an email abuse report.

--b
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: FBL/1.0
Version: 1
Original-Rcpt-To: <Ann@Example.ORG>
Reporting-MTA: dns; fbl.isp.example

--b
Content-Type: message/rfc822

From: news@shop.example
To: ann@example.org
Subject: Our offer
Message-ID: <offer-1@shop.example>

Hello.
--b--
`, "ann@example.org", "abuse", "arf", "", "Our offer"},
		{"arf auth failure", `From: reports@isp.example
Subject: auth failure
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="b"

--b
Content-Type: text/plain

An authentication failure report.

--b
Content-Type: message/feedback-report

Feedback-Type: auth-failure
Version: 1
Auth-Failure: signature
DKIM-Domain: shop.example
Original-Rcpt-To: <bob@example.org>

--b
Content-Type: text/rfc822-headers

From: news@shop.example
To: bob@example.org
Subject: Signed?

--b--
`, "bob@example.org", "auth-failure", "arf", "dkim", "Signed?"},
		{"amazon ses complaint", `From: SES <no-reply@sns.amazonaws.com>
Subject: AWS Notification Message
X-SES-Outgoing: 2024.11.25-192.0.2.1
Content-Type: text/plain; charset=UTF-8

{"notificationType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"Carol@Example.net"}],"timestamp":"2024-11-25T01:49:01.000Z","complaintFeedbackType":"abuse"},"mail":{"messageId":"0101abc","source":"news@shop.example","destination":["carol@example.net"],"commonHeaders":{"from":["news@shop.example"],"to":["carol@example.net"],"subject":"Weekly"}}}
`, "carol@example.net", "abuse", "amazonses", "", "Weekly"},
		{"microsoft jmrp", `From: staff@hotmail.example
Subject: complaint about message from 192.0.2.9
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: message/rfc822

X-HmXmrOriginalRecipient: dave@example.com
From: news@shop.example
To: dave@example.com
Subject: Sale

Buy now.
--b--
`, "dave@example.com", "abuse", "jmrp", "", "Sale"},
		{"apple unsubscribe", `From: erin@icloud.example
To: opt-out-77@shop.example
Subject: unsubscribe
X-Apple-Unsubscribe: true
Auto-Submitted: auto-replied
Content-Type: text/plain; charset=UTF-8

Apple Mail sent this email to unsubscribe from the message.
`, "erin@icloud.example", "opt-out", "apple", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs := Analyze(strings.NewReader(tc.msg), nil)
			if len(recs) != 1 {
				t.Fatalf("Analyze gave %d records, want 1: %+v", len(recs), recs)
			}
			r := recs[0]
			if r.Kind != KindFeedback || r.Reason != "feedback" {
				t.Errorf("kind, reason = %q, %q; want feedback, feedback", r.Kind, r.Reason)
			}
			if r.Recipient != tc.recipient || r.FeedbackType != tc.typ || r.MTA != tc.mta || r.Auth != tc.auth {
				t.Errorf("recipient, feedback_type, mta, auth = %q, %q, %q, %q; want %q, %q, %q, %q",
					r.Recipient, r.FeedbackType, r.MTA, r.Auth, tc.recipient, tc.typ, tc.mta, tc.auth)
			}
			if r.Original.Subject != tc.subject {
				t.Errorf("original subject = %q, want %q", r.Original.Subject, tc.subject)
			}
		})
	}
}

func TestNotFeedback(t *testing.T) {
	// An SES bounce notification is not a complaint; nor is JSON that
	// merely looks like one.
	for _, msg := range []string{
		"From: SES <no-reply@sns.amazonaws.com>\nSubject: AWS Notification Message\nX-SES-Outgoing: 1\n\n" +
			`{"notificationType":"Bounce","bounce":{"bouncedRecipients":[{"emailAddress":"x@example.org"}]}}` + "\n",
		"From: SES <no-reply@sns.amazonaws.com>\nSubject: AWS Notification Message\nX-SES-Outgoing: 1\n\n{not json\n",
	} {
		for _, r := range Analyze(strings.NewReader(msg), nil) {
			if r.Kind == KindFeedback || r.FeedbackType != "" {
				t.Errorf("Analyze(%q) gave a feedback record: %+v", msg, r)
			}
		}
	}
}

// TestPreamble: blank lines and an mbox From_ line before the header do not
// make a message unreadable, in Analyze and in AnalyzeMessage.
func TestPreamble(t *testing.T) {
	bounce := "From: MAILER-DAEMON@mx.example\r\nTo: a@example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
		"Content-Type: text/plain\r\n\r\nThis is the mail system at host mx.example.\r\n\r\n" +
		"<gone@example.net>: host mx.example.net said: 550 5.1.1 User unknown (in reply to RCPT TO command)\r\n"
	for _, pre := range []string{"", "\r\n\r\n", " \n\t\n", "From MAILER-DAEMON Tue Sep  3 09:14:21 2024\n",
		"From nobody\r\n", "\n\nFrom x@y Mon Jan  1 00:00:00 2024\n\n"} {
		for _, recs := range [][]Record{
			Analyze(strings.NewReader(pre+bounce), nil),
			AnalyzeMessage(&source.Message{Source: "x", Index: 1, Data: []byte(pre + bounce)}, nil),
		} {
			if len(recs) != 1 || recs[0].Kind != KindBounce || recs[0].Recipient != "gone@example.net" {
				t.Errorf("preamble %q: %+v, want one bounce for gone@example.net", pre, recs)
			}
		}
	}
}
