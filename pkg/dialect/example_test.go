package dialect_test

import (
	"fmt"
	"strings"

	"github.com/bounce-tool/bounce/pkg/dialect"
	"github.com/bounce-tool/bounce/pkg/parts"
)

func ExampleExtract() {
	const bounce = `From: Mail Delivery System <Mailer-Daemon@mx.example.com>
Subject: Mail delivery failed: returning message to sender
X-Failed-Recipients: ann@example.net

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  ann@example.net
    host mx.example.net [192.0.2.7]
    SMTP error from remote mail server after RCPT TO:<ann@example.net>:
    550 5.1.1 <ann@example.net>: no such mailbox
`
	m, _ := parts.Parse(strings.NewReader(bounce), nil)
	res := dialect.Extract(dialect.NewInput(m))
	r := res.Recipients[0]
	fmt.Println(res.MTA, r.Address, r.Action, r.Command, r.RemoteMTA)
	fmt.Println(r.Diagnostic)
	// Output:
	// exim ann@example.net failed RCPT mx.example.net
	// ann@example.net host mx.example.net [192.0.2.7] SMTP error from remote mail server after RCPT TO:<ann@example.net>: 550 5.1.1 <ann@example.net>: no such mailbox
}

func ExampleFindRemoteHost() {
	fmt.Println(dialect.FindRemoteHost("<ann@example.net>: host mx1.example.net[192.0.2.25] said: 550 5.1.1 unknown"))
	fmt.Println(dialect.FindCommand("550 5.1.1 unknown (in reply to RCPT TO command)"))
	// Output:
	// mx1.example.net
	// RCPT
}
