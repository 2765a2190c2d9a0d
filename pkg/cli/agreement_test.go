package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// One owner per meaning: the same message given to two commands gets the
// same answer, because both ask the one function that decides it (package
// sign for what a header says, reason.Classify for what a reply says).

func writeMessage(t *testing.T, name, msg string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(msg, "\n", "\r\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAgreementCustomerSubjects(t *testing.T) {
	inRepoRoot(t)
	for _, subject := range []string{"Vacation rental enquiry", "Absence of invoice for order 1234"} {
		path := writeMessage(t, "customer.eml", "From: Ann Customer <ann@customer.example>\n"+
			"To: support@acme.example\nSubject: "+subject+"\nDate: Mon, 02 Dec 2024 10:00:00 +0000\n"+
			"Message-ID: <q1@customer.example>\n\nHello, a question about my booking.\n")
		res := runCLI(t, []string{"inspect", "--format", "ndjson", path}, "", false)
		recs := decodeNDJSON(t, res.out)
		if len(recs) != 1 || recs[0].Kind != "other" {
			t.Errorf("inspect %q: %+v, want one record of kind other", subject, recs)
		}
		doc, _ := runLoopsJSON(t, path)
		if len(doc.Records) != 1 || doc.Records[0].Automated {
			t.Errorf("loops %q: %+v, want one record, not automated", subject, doc.Records)
		}
	}
	// And a real auto-reply is one for both.
	path := writeMessage(t, "ooo.eml", "From: Ann Customer <ann@customer.example>\nTo: support@acme.example\n"+
		"Subject: Automatic reply: [#42] Printer\nDate: Mon, 02 Dec 2024 10:00:00 +0000\n\nI am away.\n")
	recs := decodeNDJSON(t, runCLI(t, []string{"inspect", "--format", "ndjson", path}, "", false).out)
	doc, _ := runLoopsJSON(t, path)
	if len(recs) != 1 || recs[0].Kind != "autoreply" || len(doc.Records) != 1 || !doc.Records[0].Automated {
		t.Errorf("auto-reply: inspect %+v, loops %+v; want autoreply and automated", recs, doc.Records)
	}
}

// A bounce that a recogniser knows by its header field alone is read, not
// dropped by the cheap header look before the recogniser is asked.
func TestAgreementRecogniserHeader(t *testing.T) {
	inRepoRoot(t)
	path := writeMessage(t, "mimecast.eml", "From: Security Gateway <gateway@relay.example>\n"+
		"To: support@acme.example\nSubject: Your message to jane.doe@customer.example\n"+
		"Date: Mon, 02 Dec 2024 10:00:00 +0000\nX-MC-System: 1\nMIME-Version: 1.0\n"+
		"Content-Type: text/plain; charset=us-ascii\n\n"+
		"Your message could not be delivered to the following recipient:\n\n"+
		"    jane.doe@customer.example\n\n"+
		"Reason: 550 5.1.1 Recipient address rejected: User unknown\n")
	recs := decodeNDJSON(t, runCLI(t, []string{"inspect", "--format", "ndjson", path}, "", false).out)
	if len(recs) != 1 || recs[0].Kind != "bounce" || recs[0].Recipient != "jane.doe@customer.example" ||
		recs[0].MTA != "mimecast" || recs[0].Status.String() != "5.1.1" {
		t.Errorf("inspect: %+v, want one mimecast bounce for jane.doe@customer.example, 5.1.1", recs)
	}
}

// The same SMTP reply, read from a bounce by inspect and answered to a
// probe by verify, gets the same reason.
func TestAgreementReplyReason(t *testing.T) {
	inRepoRoot(t)
	// x@grey.test of the verify test world answers RCPT with this reply.
	const reply = "450 4.2.0 Greylisted, please try again later"
	path := writeMessage(t, "grey.eml", "From: Mail Delivery System <MAILER-DAEMON@relay.acme.example>\n"+
		"To: support@acme.example\nSubject: Delayed Mail (still being retried)\n"+
		"Date: Mon, 02 Dec 2024 10:00:00 +0000\n\n"+
		"This is the mail system at host relay.acme.example.\n\n"+
		"<x@grey.test>: host mx.users.test[127.0.0.1] said: "+reply+" (in reply to RCPT TO command)\n")
	recs := decodeNDJSON(t, runCLI(t, []string{"inspect", "--format", "ndjson", path}, "", false).out)
	if len(recs) != 1 || recs[0].Recipient != "x@grey.test" {
		t.Fatalf("inspect: %+v, want one record for x@grey.test", recs)
	}
	res := runCLI(t, append(verifyArgs(t), "--format", "ndjson", "x@grey.test"), "", false)
	results := decodeResults(t, res.out)
	if len(results) != 1 || results[0].SMTP == nil || results[0].SMTP.String() != reply {
		t.Fatalf("verify: %+v, want the reply %q", results, reply)
	}
	if recs[0].Reason != results[0].Reason {
		t.Errorf("inspect says %q, verify says %q for %q", recs[0].Reason, results[0].Reason, reply)
	}
}
