package cli

import (
	"fmt"
	"strings"
)

// The generators of the hostile inputs of issue 17: small messages that
// once made bounce write, hold or spend far more than their size.

// blowUpDSN is a delivery report with n recipient blocks whose returned
// header carries a subject of subject bytes: every record copies the
// subject, so the output grows as n x subject unless fields are capped.
func blowUpDSN(n, subject int) []byte {
	var b strings.Builder
	b.WriteString(dsnHeader("B"))
	b.WriteString("--B\nContent-Type: text/plain\n\nMany failed.\n\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "Final-Recipient: rfc822; u%d@example.net\nAction: failed\nStatus: 5.1.1\n\n", i)
	}
	b.WriteString("--B\nContent-Type: text/rfc822-headers\n\nFrom: support@desk.example\nTo: u0@example.net\nMessage-ID: <x@desk.example>\nSubject: ")
	b.WriteString(strings.Repeat("ticket ", subject/7))
	b.WriteString("\n\n--B--\n")
	return []byte(b.String())
}

// bigARF is an ARF feedback report naming n Original-Rcpt-To recipients
// under a returned original with a subject of subject bytes.
func bigARF(n, subject int) []byte {
	var b strings.Builder
	b.WriteString("From: abuse@isp.example\nTo: fbl@desk.example\nSubject: complaint\nMIME-Version: 1.0\n" +
		"Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\n\n" +
		"--F\nContent-Type: text/plain\n\nThis is an email abuse report.\n\n" +
		"--F\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: fbl/1.0\nVersion: 1\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "Original-Rcpt-To: complainer%d@isp.example\n", i)
	}
	b.WriteString("\n--F\nContent-Type: message/rfc822\n\nFrom: support@desk.example\nTo: complainer0@isp.example\nSubject: ")
	b.WriteString(strings.Repeat("offer ", subject/6))
	b.WriteString("\n\nbody\n--F--\n")
	return []byte(b.String())
}

// proseNotice is a free-text failure notice of about size bytes listing
// n addresses, one a line, with prose between them.
func proseNotice(n, size int) []byte {
	var b strings.Builder
	b.WriteString("From: MAILER-DAEMON@mx.example.com\nTo: support@desk.example\nSubject: failure notice\n\n" +
		"Hi. This is the qmail-send program at mx.example.com.\nI'm afraid I wasn't able to deliver your message to the following addresses.\n" +
		"This is a permanent error; I've given up. Sorry it didn't work out.\n\n")
	filler := strings.Repeat("the remote server said the mailbox is not there ", 2)
	per := max(size/n-len(filler)-60, 0)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "<user%d@example.net>:\n550 5.1.1 user unknown %s%s\n\n", i, filler, strings.Repeat("z", per))
	}
	return []byte(b.String())
}

// bigPartHeader is a bounce whose second MIME part has a header block of
// size bytes, folded into lines of 70 bytes.
func bigPartHeader(size int) []byte {
	var b strings.Builder
	b.WriteString(dsnHeader("B"))
	b.WriteString("--B\nContent-Type: text/plain\n\nMany failed.\n\n--B\nContent-Type: message/delivery-status\nX-Junk: x")
	line := "\n " + strings.Repeat("y", 68)
	for b.Len() < size {
		b.WriteString(line)
	}
	b.WriteString("\n\nReporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; a@example.net\nAction: failed\nStatus: 5.1.1\n\n--B--\n")
	return []byte(b.String())
}
