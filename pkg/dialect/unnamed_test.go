package dialect

import (
	"strings"
	"testing"
)

// TestUnnamedRecipients: recipients written without a full address are
// recovered from the text or the returned original, else kept as written.
func TestUnnamedRecipients(t *testing.T) {
	orig := "\n--b\nContent-Type: message/rfc822\n\nFrom: desk@example.org\nTo: %s\nSubject: x\n\nhi\n--b--\n"
	mixed := "Return-Path: <>\nFrom: postmaster@corp.example\nSubject: Undeliverable: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n"
	report := "Return-Path: <>\nFrom: postmaster@corp.example\nSubject: Undeliverable\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n" +
		"--b\nContent-Type: text/plain\n\nfailed\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.corp.example\n\n"
	tests := []struct{ name, msg, want string }{
		{"display name with a comma", mixed + "The following recipient(s) could not be reached:\n\n  Bloggs, Joe on 3/14/2004\n    The e-mail address could not be found.\n" +
			strings.Replace(orig, "%s", `"Bloggs, Joe" <jbloggs@corp.example>`, 1), "jbloggs@corp.example"},
		{"dda:SMTP= in an X.400 name", mixed + "did not reach the following recipient(s):\n\nc=US;a= ;p=Corp;o=Exchange;dda:SMTP=ann@corp.example; on Tue\n    The recipient name is not recognized\n--b--\n", "ann@corp.example"},
		{"[SMTP:] after a field name", "Return-Path: <>\nFrom: postmaster@corp.example\nSubject: Message Delivery Failure\n\n" +
			"Message could not be delivered to some recipients.\n\n\tRecipient: [SMTP:bo@other.example]\n\tReason: domain not registered\n", "bo@other.example"},
		{"X.400 Final-Recipient, surname and given name in the original", report + "Final-Recipient: X400;c=DE;a= ;p=Corp;s=Meyer;g=Karl;\nAction: failed\nStatus: 5.1.1\n" +
			strings.Replace(orig, "%s", "Karl Meyer <kmeyer@corp.example>, Other One <other@corp.example>", 1), "kmeyer@corp.example"},
		{"X.400 Final-Recipient, Original-Recipient holds the address", report + "Original-Recipient: rfc822;cy@corp.example\nFinal-Recipient: X400;/C=DE/S=Cy/\nAction: failed\nStatus: 5.1.1\n--b--\n", "cy@corp.example"},
		{"X.400 Final-Recipient nothing places: kept as written", report + "Final-Recipient: X400; /C=FR/S=Durand/\nAction: failed\nStatus: 5.4.7\n--b--\n", "/C=FR/S=Durand/"},
		{"LOCAL Final-Recipient, the original's only recipient", report + "Final-Recipient: LOCAL;teacher.k\nAction: failed\nStatus: 5.2.2\n" +
			strings.Replace(orig, "%s", "Teacher K <teacher.k@school.example>", 1), "teacher.k@school.example"},
		{"a bare local part of type rfc822, the original's To", report + "Final-Recipient: rfc822; clerk\nAction: failed\nStatus: 5.1.1\n" +
			strings.Replace(orig, "%s", "Ann <ann@county.example>, clerk@county.example", 1), "clerk@county.example"},
		{"a name alone in a list, no original: kept as written", "Return-Path: <>\nFrom: Mail Delivery System <postmaster@gw.example>\nSubject: Message status - undeliverable\n\n" +
			"The message that you sent was undeliverable to the following:\n\tmgreen (user not found)\n\nPossible causes:\nA typing error.\n", "mgreen"},
		{"a Notes name, the address in the reason", "Return-Path: <>\nFrom: Postmaster@corp.example\nSubject: DELIVERY FAILURE\n\n" +
			"Your message\n\nwas not delivered to:\n\n  Klaus Weber/Sales/Corp@Corp\n\nbecause:\n\n  User Klaus Weber (k.weber@corp.example) not listed in public Name & Address Book\n", "k.weber@corp.example"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := Extract(input(t, tc.msg))
			if res == nil || len(res.Recipients) != 1 {
				t.Fatalf("Extract = %+v, want one recipient", res)
			}
			if got := res.Recipients[0].Address; got != tc.want {
				t.Errorf("recipient %q, want %q", got, tc.want)
			}
		})
	}
}

// TestUnknownWording: a notice of the mail system that says a delivery
// failed or is delayed is a bounce whatever its wording; the same words
// from a shop, or in a person's reply, are not.
func TestUnknownWording(t *testing.T) {
	tests := []struct {
		name, msg, action string // action "" means not a bounce
	}{
		{"failed, no rule knows the words", "Return-Path: <>\nFrom: Mail Gateway <postmaster@gw.example>\nSubject: Message not deliverable\n\n" +
			"Message for nina@partner.example could not be handed over.\n", "failed"},
		{"free-text delay", "Return-Path: <>\nFrom: postmaster@hub.example\nSubject: Delivery delayed\n\n" +
			"Your message to ann@far.example has not been delivered for 8 hours.\nThe server will continue to try.\n", "delayed"},
		{"german delay", "Return-Path: <>\nFrom: MAILER-DAEMON@mx.example\nSubject: Warnung\n\n" +
			"Ihre Nachricht an <jo@far.example> konnte seit 4 Stunden nicht zugestellt werden. Der Server versucht es weiterhin.\n", "delayed"},
		{"a report's subject from an unknown sender", "From: Relay <relay@gw.example>\nSubject: Undeliverable: Invoice\n\n" +
			"Your message to ann@far.example could not be handed over by the relay.\n", "failed"},
		{"a report's subject, but no message", "From: Relay <relay@gw.example>\nSubject: Undeliverable: Invoice\n\n" +
			"The parcel for ann@far.example could not be delivered.\n", ""},
		{"a postmaster's answer", "From: Postmaster <postmaster@corp.example>\nSubject: Re: my mail bounced\n\n" +
			"Your message to bob@corp.example could not be delivered because his mailbox was moved. Fixed now.\n", ""},
		{"a parcel from a no-reply sender", "From: Parcel <noreply@parcel.example>\nSubject: Delivery failed: parcel 4477\n\n" +
			"Your parcel could not be delivered. Write to help@parcel.example.\n", ""},
		{"a person's reply about a bounce", "From: Peter <p@customer.example>\nSubject: Re: mail is undeliverable?\n\n" +
			"your message to accounts@customer.example was not delivered, he got \"550 5.1.1 user unknown\".\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := Extract(input(t, tc.msg))
			switch {
			case tc.action == "" && res != nil:
				t.Fatalf("Extract = %+v, want nil", res)
			case tc.action == "":
			case res == nil || len(res.Recipients) != 1:
				t.Fatalf("Extract = %+v, want one recipient", res)
			case res.Recipients[0].Action != tc.action:
				t.Errorf("action %q, want %q", res.Recipients[0].Action, tc.action)
			}
		})
	}
}

// TestNamedKeepsStatus: a report recipient named without an address keeps
// the Status the report states; prose with another code does not become
// its diagnostic.
func TestNamedKeepsStatus(t *testing.T) {
	msg := "Return-Path: <>\nFrom: postmaster@gw.example\nSubject: Undeliverable\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n" +
		"--b\nContent-Type: text/plain\n\nThe gateway said: 550 5.1.1 unknown user.\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: x400; gw.example\n\n" +
		"Final-Recipient: X400; /C=FR/S=Durand/\nAction: failed\nStatus: 5.4.7\n--b--\n"
	res := Extract(input(t, msg))
	if res == nil || len(res.Recipients) != 1 {
		t.Fatalf("Extract = %+v, want one recipient", res)
	}
	r := res.Recipients[0]
	if r.Status != "5.4.7" || strings.Contains(r.Diagnostic, "5.1.1") {
		t.Errorf("status %q, diagnostic %q: want 5.4.7 and no contradicting code", r.Status, r.Diagnostic)
	}
}

// TestLoneRecipientWords: the only recipient of a notice whose own line
// gives no code takes the paragraph after it and the lines above it.
func TestLoneRecipientWords(t *testing.T) {
	text := "Our content checker found\n    virus: W32/Netsky-P\nto the following recipient:\n-> ann@example.net\n\n" +
		"Delivery of the email was stopped!\n\nMessage headers follow.\n"
	got := readProse(text, nil).evidence("ann@example.net")
	for _, want := range []string{"-> ann@example.net", "Delivery of the email was stopped!", "virus: W32/Netsky-P"} {
		if !strings.Contains(got, want) {
			t.Errorf("evidence %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "headers follow") || strings.Contains(got, "following recipient") {
		t.Errorf("evidence %q holds a later paragraph or the list's introduction", got)
	}
}

// readProse is a new reading of a report text (reading.read).
func readProse(report string, exclude map[string]bool) *reading {
	r := new(reading)
	r.read(report, exclude)
	return r
}
