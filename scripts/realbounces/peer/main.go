// Command peer is the fake remote world of scripts/realbounces/run.sh: a
// DNS server and an SMTP server that refuse mail the way real receiving
// servers do, so that a real MTA under test writes real bounces about it.
// It also sorts the bounces the MTA delivered into test cases.
//
//	peer serve                 DNS on 127.0.0.2:53, SMTP on 127.0.0.2:25
//	peer sort -out DIR [-host NAME] MBOX|MAILDIR...
//
// It is a helper for a script run by hand as root inside a network
// namespace; it is not part of the bounce tool and has no tests.
//
// DNS: every name under example.net has an MX record "mx.<name>"; those
// hosts resolve to 127.0.0.2, except mx.down.example.net, which resolves to
// 127.0.0.3 where nothing listens (connection refused). Names under
// no-such-domain.example do not exist (NXDOMAIN). mta.bounce-test.example
// and localhost are 127.0.0.1.
//
// SMTP: the server answers each RCPT TO by the recipient's local part:
//
//	unknown, unknown2  550 5.1.1 user unknown              (RCPT)
//	full               552 5.2.2 mailbox full              (RCPT)
//	disabled           550 5.2.1 account disabled          (RCPT)
//	blocked            554 5.7.1 client on a DNS blocklist (RCPT)
//	relay              554 5.7.1 relay access denied       (RCPT)
//	greylist           450 4.2.0 greylisted                (RCPT, forever)
//	dmarc              550 5.7.26 DMARC, Gmail's wording   (end of DATA)
//	big                552 5.3.4 size limit                (end of DATA)
//	data-reject        554 5.7.1 rejected as spam          (end of DATA)
//	anything else      250, and the message is discarded
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "sort":
		err = sortMail(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: peer serve | peer sort -out DIR [-host NAME] MBOX|MAILDIR...")
	os.Exit(2)
}
