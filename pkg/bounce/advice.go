package bounce

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/reason"
	"github.com/bounce-tool/bounce/pkg/status"
)

// reasonAdvice is what to do about a failure, by reason. It is the first
// source of a record's Advice: the reason says more than a code, which
// servers often use loosely.
var reasonAdvice = map[string]string{
	reason.UserUnknown:     "Fix the address: the mailbox does not exist. Correct a typo or ask the customer for a working address; stop sending to this one.",
	reason.HostUnknown:     "Fix the address's domain: it does not exist or receives no mail. Check it for typos (gmial.com) or ask the customer for another address.",
	reason.MailboxFull:     "Retry later, or reach the customer another way: their mailbox is full (a mailbox full for long is often abandoned).",
	reason.EmailTooLarge:   "Send a smaller message: link attachments instead of attaching them.",
	reason.Suspend:         "Ask the customer for another address: the mailbox is disabled or suspended.",
	reason.HasMoved:        "Ask the customer for their new address: the mailbox has moved.",
	reason.Filtered:        "The recipient (or its server) accepts mail only from some senders: ask the customer to allow your address, or reach them another way.",
	reason.Rejected:        "The receiving server refused your sender address or domain: check that your sending domain is valid and not refused there.",
	reason.Blocked:         "Your sending IP or domain is on a blocklist or refused by the receiver: ask for delisting, then resend.",
	reason.BadReputation:   "The receiver distrusts your sending IP or domain: check its reputation (Postmaster tools), send less, then resend.",
	reason.SpamDetected:    "The message was judged spam: review its content and links, check your authentication, then resend.",
	reason.VirusDetected:   "The message was judged to carry malware: check its attachments and send it without them.",
	reason.ContentError:    "The message's content or format was refused: check its format and attachments.",
	reason.PolicyViolation: "Refused by the receiver's policy: read the diagnostic text for the rule, or reach the customer another way.",
	reason.AuthFailure:     "Fix your sending domain's authentication: SPF, DKIM and DMARC must pass and align with your From domain.",
	reason.RequirePTR:      "Give your sending IP a reverse DNS (PTR) record that resolves back to it.",
	reason.SecurityError:   "Fix your sending server's security setup (TLS, authentication credentials) as the diagnostic says.",
	reason.FailedSTARTTLS:  "Fix TLS between the servers: the receiver requires it, or the handshake failed.",
	reason.NoRelaying:      "The server does not accept mail for this address (relaying denied): check the domain for typos; the address is not hosted there.",
	reason.NotAccept:       "Stop sending to this domain: it accepts no mail at all. Ask the customer for another address.",
	reason.NotCompliantRFC: "Fix the message format: the receiver found it does not follow the mail standards (headers, line lengths).",
	reason.RateLimited:     "Send more slowly: the receiver limits how much it takes from you. The sending server retries; resend later if it gave up.",
	reason.Expired:         "The sending server gave up retrying: check that the domain accepts mail, then resend later.",
	reason.NetworkError:    "Nothing but wait if it is new: the receiving server could not be reached. Check the domain's mail DNS if it persists.",
	reason.SystemError:     "Retry later: the receiving mail system had an error. Contact its postmaster if it persists.",
	reason.SystemFull:      "Retry later: the receiving mail system is out of storage.",
	reason.MailerError:     "The receiving server's delivery program failed: retry later, or contact its postmaster.",
	reason.SyntaxError:     "Check the sending software and the address: the server did not accept an SMTP command.",
	reason.Suppressed:      "Your sending service suppressed the address after earlier failures: fix it, or remove it from the suppression list if it now works.",
}

// blocklistNames are the blocklists as their operators name them.
var blocklistNames = map[string]string{
	"spamhaus": "Spamhaus", "spamcop": "SpamCop", "sorbs": "SORBS", "barracuda": "Barracuda", "uceprotect": "UCEPROTECT",
	"proofpoint": "Proofpoint", "cloudmark": "Cloudmark", "abusix": "Abusix", "mailspike": "Mailspike",
	"spamrats": "SpamRATS", "invaluement": "Invaluement", "trend micro": "Trend Micro", "trendmicro": "Trend Micro",
}

// genericReasons are reasons a provider's own meaning of a code says more
// than.
var genericReasons = map[string]bool{"": true, reason.OnHold: true, reason.Undefined: true,
	reason.Rejected: true, reason.PolicyViolation: true, reason.SecurityError: true}

// Advise returns what to do about a failure record: from its reason first
// (naming the blocklist or the failed check when the record knows it), from
// the reporting provider's meaning of its code when the reason is vague,
// then from the code. It is never empty for a failure record (IsFailure),
// and empty for the others.
func Advise(r *Record) string {
	if !r.IsFailure() {
		return ""
	}
	pm, hasPM := providerMeaning(r)
	return advise(r, pm, hasPM)
}

// advise is Advise of a failure record, given providerMeaning(r).
func advise(r *Record, pm status.ProviderMeaning, hasPM bool) string {
	if a := reasonAdvice[r.Reason]; a != "" && !(hasPM && genericReasons[r.Reason]) {
		switch {
		case r.Reason == reason.Blocked && r.Blocklist != "":
			name := blocklistNames[r.Blocklist]
			if name == "" {
				name = r.Blocklist
			}
			a = "Your sending IP or domain is listed by " + name + ": ask " + name + " for delisting, then resend."
		case r.Reason == reason.Expired && r.Action == "delayed":
			a = "Nothing to do yet: the message is delayed and the sending server keeps retrying. If it gives up, check that the domain accepts mail, then resend."
		case r.Reason == reason.AuthFailure && r.Auth != "":
			a = "Fix " + strings.ToUpper(r.Auth) + " for your sending domain: it did not pass at the receiver. " + authHint[r.Auth]
		}
		return a
	}
	if hasPM {
		return pm.Action
	}
	for _, c := range []string{r.Status.String(), r.ReplyCode.String()} {
		if c == "" {
			continue
		}
		if e, err := status.Explain(c); err == nil && e.Action != "" {
			return e.Action
		}
	}
	if r.Class == status.ClassTemporary {
		return "Nothing but wait: the sending server retries on its own. Read the diagnostic text if it lasts for days."
	}
	return "Read the diagnostic text: the server gave no code or reason bounce knows. Do not resend unchanged."
}

var authHint = map[string]string{
	"spf":   "Include the help desk's mail servers in its SPF record.",
	"dkim":  "Sign outgoing mail with DKIM for that domain.",
	"dmarc": "Publish DMARC and align SPF or DKIM with your From domain.",
	"arc":   "Check the forwarders that add ARC headers.",
}

// providerMeaning returns the reporting provider's own meaning of r's
// status code, when the bounce comes from a provider that has one.
func providerMeaning(r *Record) (status.ProviderMeaning, bool) {
	c := r.Status
	if c.IsZero() || !status.HasMeaning(c) {
		return status.ProviderMeaning{}, false
	}
	p := status.ProviderOf(r.MTA, r.RemoteMTA, r.ReportingMTA)
	if p == "" {
		return status.ProviderMeaning{}, false
	}
	return status.MeaningAt(p, c)
}

// StatusTitle returns the title of r's status code: the reporting
// provider's meaning when it has its own, otherwise the IANA registry's
// title; "" without a code.
func StatusTitle(r *Record) string {
	pm, ok := providerMeaning(r)
	return statusTitle(r, pm, ok)
}

// statusTitle is StatusTitle, given providerMeaning(r).
func statusTitle(r *Record, pm status.ProviderMeaning, hasPM bool) string {
	switch {
	case r.Status.IsZero():
		return ""
	case hasPM:
		return pm.Title
	}
	return status.Describe(r.Status)
}

// describeAll sets the StatusTitle and Advice of records, reading each
// one's provider meaning once for both.
func describeAll(recs []Record) {
	for i := range recs {
		r := &recs[i]
		pm, hasPM := providerMeaning(r)
		r.StatusTitle = statusTitle(r, pm, hasPM)
		r.Advice = ""
		if r.IsFailure() {
			r.Advice = advise(r, pm, hasPM)
		}
	}
}

// reasonMeanings say what each reason of the vocabulary means.
var reasonMeanings = map[string]string{
	reason.UserUnknown:     "The mailbox does not exist at the recipient's domain (user unknown).",
	reason.HostUnknown:     "The recipient's domain does not exist or has no mail server.",
	reason.MailboxFull:     "The recipient's mailbox is full (over quota).",
	reason.EmailTooLarge:   "The message is larger than the recipient's server or mailbox accepts.",
	reason.Suspend:         "The mailbox exists but is disabled, suspended or inactive.",
	reason.HasMoved:        "The mailbox has moved; the address is no longer used.",
	reason.Filtered:        "The recipient, or a filter of theirs, accepts mail only from some senders.",
	reason.Rejected:        "The receiving server refused the sender (the envelope sender or its domain).",
	reason.Blocked:         "The sending IP or domain is blocklisted or refused by the receiver.",
	reason.BadReputation:   "The receiver distrusts the sending IP or domain's reputation.",
	reason.SpamDetected:    "The message was judged to be spam.",
	reason.VirusDetected:   "The message was judged to carry malware.",
	reason.ContentError:    "The message's content or format was refused.",
	reason.PolicyViolation: "The message broke a policy of the receiver.",
	reason.AuthFailure:     "SPF, DKIM or DMARC did not pass for the sending domain.",
	reason.RequirePTR:      "The sending IP has no valid reverse DNS (PTR) record.",
	reason.SecurityError:   "A security requirement was not met (TLS, authentication credentials).",
	reason.FailedSTARTTLS:  "TLS between the servers was required or failed.",
	reason.NoRelaying:      "The server refused to relay: it does not host the address.",
	reason.NotAccept:       "The domain accepts no mail at all (null MX, or refusing every message).",
	reason.NotCompliantRFC: "The message does not follow the mail standards (RFC 5322, RFC 5321).",
	reason.RateLimited:     "The receiver is limiting how much mail it takes from the sender.",
	reason.Expired:         "The sending server gave up: the message stayed in its queue too long.",
	reason.NetworkError:    "A network or DNS problem kept the message from the recipient's server.",
	reason.SystemError:     "The receiving mail system had an error.",
	reason.SystemFull:      "The receiving mail system is out of storage.",
	reason.MailerError:     "The receiving server's delivery program failed.",
	reason.SyntaxError:     "The server did not accept an SMTP command or its arguments.",
	reason.OnHold:          "The failure is real but its cause could not be told from the server's words.",
	reason.Undefined:       "Nothing tells why the message failed.",
	reason.Suppressed:      "The sending service suppressed the address after earlier failures.",
	reason.Delivered:       "The message was delivered or relayed; nothing failed.",
	reason.Feedback:        "A complaint (feedback report): the recipient marked the message as spam.",
	reason.Vacation:        "An automatic reply (vacation, out of office); the message was delivered.",
}

// DescribeReason returns what a reason of the vocabulary means and what to
// do about it (the advice a failure record with that reason gets); ok is
// false for a word outside the vocabulary.
func DescribeReason(r string) (meaning, action string, ok bool) {
	meaning, ok = reasonMeanings[r]
	action = reasonAdvice[r]
	switch r {
	case reason.OnHold, reason.Undefined:
		action = "Read the diagnostic text: the server gave no code or reason bounce knows. Do not resend unchanged."
	case reason.Delivered, reason.Vacation:
		action = "Nothing to do."
	case reason.Feedback:
		action = "Stop sending this kind of mail to the recipient, and check why they did not want it."
	}
	return meaning, action, ok
}
