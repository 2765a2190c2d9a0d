package verify

import "testing"

func TestSplitStatus(t *testing.T) {
	tests := []struct {
		msg, status, text string
	}{
		{"5.1.1 <x@example.com>: Recipient address rejected: User unknown", "5.1.1",
			"<x@example.com>: Recipient address rejected: User unknown"},
		{"2.1.5 Ok", "2.1.5", "Ok"},
		{"Requested action not taken", "", "Requested action not taken"},
		{"5.7.1 line one\n5.7.1 line two", "5.7.1", "line one\nline two"},
		{"5.7.1", "5.7.1", ""},
		{"550 is not a status", "", "550 is not a status"},
		{"6.1.1 bad class", "", "6.1.1 bad class"},
		{"5.1.1000 too long", "", "5.1.1000 too long"},
		{"4.7.0", "4.7.0", ""},
		{"5.1.10 outside the registry", "5.1.10", "outside the registry"},
		{"5.1.1\t tab", "", "5.1.1\t tab"},
		{"5..1 empty subject", "", "5..1 empty subject"},
	}
	for _, tc := range tests {
		status, text := splitStatus(tc.msg)
		if status != tc.status || text != tc.text {
			t.Errorf("splitStatus(%q) = %q, %q, want %q, %q", tc.msg, status, text, tc.status, tc.text)
		}
	}
}

func TestClassifyReply(t *testing.T) {
	tests := []struct {
		command string
		code    int
		status  string
		text    string
		reason  string
		mailbox bool
	}{
		{"RCPT", 550, "5.1.1", "<x>: Recipient address rejected: User unknown", "userunknown", true},
		{"RCPT", 550, "", "No such user here", "userunknown", true},
		{"RCPT", 550, "", "Requested action not taken", "userunknown", true},
		{"RCPT", 550, "5.0.0", "Requested action not taken", "userunknown", true},
		{"RCPT", 553, "", "sorry, that domain isn't in my list", "userunknown", true},
		{"RCPT", 550, "5.4.1", "Recipient address rejected: Access denied. AS(201806281)", "userunknown", true},
		{"RCPT", 550, "5.1.2", "Host unknown", "hostunknown", true},
		{"RCPT", 552, "5.2.2", "Mailbox full", "mailboxfull", true},
		{"RCPT", 452, "4.2.2", "Over quota", "mailboxfull", true},
		{"RCPT", 550, "5.2.1", "Account disabled", "suspend", true},
		{"RCPT", 551, "", "User not local; please try <new@example.net>", "hasmoved", true},
		{"RCPT", 556, "5.1.10", "Recipient address has null MX", "notaccept", true},
		{"RCPT", 554, "5.7.1", "Client host [192.0.2.1] blocked using zen.spamhaus.org", "blocked", false},
		{"RCPT", 550, "5.1.1", "Rejected: 192.0.2.1 listed at bl.spamcop.net", "blocked", false},
		{"RCPT", 550, "5.7.1", "Relay access denied", "norelaying", false},
		{"RCPT", 554, "5.7.1", "Rejected by policy", "policyviolation", false},
		{"RCPT", 550, "5.7.1", "Message refused", "securityerror", false},
		{"RCPT", 550, "5.7.25", "The IP address sending this message does not have a PTR record", "requireptr", false},
		{"RCPT", 550, "5.7.26", "Unauthenticated email is not accepted", "authfailure", false},
		{"RCPT", 550, "", "Poor reputation of the sending IP", "badreputation", false},
		{"RCPT", 450, "4.2.0", "Greylisted, please try again later", "ratelimited", false},
		{"RCPT", 450, "4.7.1", "Recipient address rejected: greylisted", "ratelimited", false},
		{"RCPT", 451, "4.7.1", "Please try again later", "securityerror", false},
		{"RCPT", 421, "4.7.0", "Too many connections, slow down", "ratelimited", false},
		{"RCPT", 452, "4.5.3", "Too many recipients", "ratelimited", false},
		{"RCPT", 451, "", "Temporary local problem", "systemerror", false}, // 451: local error in processing
		{"RCPT", 450, "", "Try later", "onhold", false},
		{"RCPT", 501, "5.5.4", "Syntax error in parameters", "syntaxerror", false},
		{"RCPT", 501, "5.1.3", "Bad recipient address syntax", "userunknown", true},
		{"RCPT", 554, "", "Transaction failed", "onhold", false},
		{"RCPT", 550, "", "Recipient rejected by the recipient's own filter", "filtered", true},
		{"MAIL", 550, "5.1.1", "Sender address rejected: User unknown", "rejected", false},
		{"MAIL", 553, "5.7.1", "Sender address rejected: Access denied", "rejected", false},
		{"MAIL", 554, "", "Client host blocked using b.barracudacentral.org", "blocked", false},
		{"MAIL", 451, "4.7.1", "Rate limit exceeded", "ratelimited", false},
		{"MAIL", 450, "", "Try again", "rejected", false},
		{"greeting", 554, "", "mx.example.com ESMTP not accepting messages", "blocked", false},
		{"greeting", 521, "5.3.2", "mx.example.com does not accept mail", "notaccept", true},
		{"greeting", 421, "", "Too many concurrent SMTP connections", "ratelimited", false},
		{"EHLO", 550, "", "Access denied: no reverse DNS for your IP", "requireptr", false},
	}
	for _, tc := range tests {
		reason, mailbox := classifyReply(tc.command, tc.code, tc.status, tc.text)
		if reason != tc.reason || mailbox != tc.mailbox {
			t.Errorf("classifyReply(%s, %d %s %q) = %q, %v, want %q, %v",
				tc.command, tc.code, tc.status, tc.text, reason, mailbox, tc.reason, tc.mailbox)
		}
	}
}

func TestSMTPReplyString(t *testing.T) {
	tests := []struct {
		reply SMTPReply
		want  string
	}{
		{SMTPReply{ReplyCode: 550, Status: "5.1.1", Text: "User unknown"}, "550 5.1.1 User unknown"},
		{SMTPReply{ReplyCode: 550, Text: "Requested action not taken"}, "550 Requested action not taken"},
		{SMTPReply{ReplyCode: 250, Status: "2.0.0"}, "250 2.0.0"},
		{SMTPReply{ReplyCode: 450, Status: "4.2.0", Text: "Greylisted\nplease try again"}, "450 4.2.0 Greylisted please try again"},
	}
	for _, tc := range tests {
		if got := tc.reply.String(); got != tc.want {
			t.Errorf("SMTPReply%+v.String() = %q, want %q", tc.reply, got, tc.want)
		}
	}
}
