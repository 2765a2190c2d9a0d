package status

import (
	"fmt"
	"strings"
)

// Explanation says what a code means and what an operator should do about it.
type Explanation struct {
	Code    Code      // the enhanced code, zero when only a reply code was given
	Reply   ReplyCode // the SMTP reply code, zero when only an enhanced code was given
	Class   Class
	Titles  Titles // registry titles of Code
	Reply3  string // RFC 5321 meaning of Reply ("Requested action not taken: mailbox unavailable")
	Meaning string // what it usually means in practice
	Action  string // what to do about it
}

// advice is what a code usually means and what to do, in our own words.
type advice struct{ meaning, action string }

// detailAdvice is keyed by subject*1000+detail and holds the codes an
// operator meets most.
var detailAdvice = map[int]advice{
	0: {"The server refused or delayed the message without saying why in the code; the diagnostic text has the real reason.",
		"Read the diagnostic text; for a permanent failure do not retry the same message unchanged."},
	1000: {"Something is wrong with the address, not said more precisely.", "Check the recipient address for typos."},
	1001: {"The mailbox does not exist at the recipient's domain (user unknown).",
		"Correct a mistyped address or ask the customer for a working one; stop sending to this address."},
	1002: {"The recipient's domain does not exist or has no mail server (host unknown).",
		"Check the domain for typos (gmial.com); if it is right, the organisation no longer receives mail there."},
	1003: {"The address is syntactically invalid.", "Correct the address: it is not a valid email address."},
	1004: {"The address matches more than one mailbox.", "Ask the customer for the exact address."},
	1006: {"The mailbox has moved and left no forwarding address.", "Ask the customer for the new address."},
	1007: {"The sender address is syntactically invalid.", "Fix the From/envelope sender address your help desk uses."},
	1008: {"The sender's domain is not acceptable (it does not resolve, or is refused).",
		"Make sure your sending domain has valid DNS (MX or A records) and is not misspelt."},
	1010: {"The recipient's domain publishes a null MX: it accepts no mail at all (RFC 7505).",
		"Stop sending to this domain; ask the customer for another address."},
	2000: {"The mailbox cannot take the message, not said more precisely.", "Read the diagnostic text."},
	2001: {"The mailbox exists but is disabled or suspended.",
		"Ask the customer for another address; retrying will not help until the account is re-enabled."},
	2002: {"The recipient's mailbox is full (over quota).",
		"Wait and retry later, or reach the customer another way; a long-full mailbox is often abandoned."},
	2003: {"The message is larger than the recipient's mailbox accepts.", "Send a smaller message: link attachments instead of attaching them."},
	2004: {"A mailing list could not be expanded.", "Tell the list's owner."},
	3000: {"The receiving mail system had a problem.", "Retry later; if it persists, contact the receiving site's postmaster."},
	3001: {"The receiving mail system is out of storage.", "Nothing but wait: the receiving system is full and should recover."},
	3002: {"The receiving system is not accepting mail right now.", "Retry later."},
	3004: {"The message is larger than the receiving system accepts.", "Send a smaller message: link attachments instead of attaching them."},
	3005: {"The receiving system is misconfigured.", "Contact the receiving site's postmaster."},
	4000: {"A network or routing problem.", "Retry later; check your own DNS and connectivity if it is widespread."},
	4001: {"The recipient's server did not answer.", "Nothing but wait: the sending server retries on its own."},
	4002: {"The connection to the recipient's server broke.", "Nothing but wait: the sending server retries on its own."},
	4003: {"A directory (DNS) lookup failed.", "Retry later; check the domain's DNS if it persists."},
	4004: {"The message could not be routed to the recipient's domain (often no MX, or DNS failure).",
		"Check the domain for typos; if it is right, its mail DNS is broken."},
	4006: {"A mail loop was detected.", "Check forwarding rules on both sides; the message bounced between servers."},
	4007: {"The sending server gave up retrying: the message expired in its queue.",
		"Check whether the recipient's domain accepts mail at all; resend later if it is a temporary outage."},
	5000: {"The SMTP conversation failed.", "Read the diagnostic text."},
	5001: {"The server did not understand a command.", "Check the sending software."},
	5002: {"An SMTP command had a syntax error.", "Check the sending software; the recipient address may be malformed."},
	5003: {"Too many recipients for one message.", "Send to fewer recipients per message."},
	5004: {"An SMTP command had invalid arguments.", "Check the recipient address and sending software."},
	6000: {"The content of the message was refused.", "Check the message format and attachments."},
	6001: {"The media type of the message is not supported.", "Send plain text or common attachment types."},
	7000: {"Refused by a security or policy rule, not said more precisely.",
		"Read the diagnostic text: it often names a blocklist, an authentication failure or a spam filter."},
	7001: {"Delivery was not authorised: the recipient's server refused the message by policy (often a blocklist, spam filter or relay rule).",
		"Read the diagnostic text; if it names a blocklist, ask for delisting; if it says relaying denied, the address is not hosted there."},
	7002: {"Expanding the mailing list is not allowed for this sender.", "Ask the list owner to allow the sender."},
	7004: {"Required security features are not supported.", "Enable TLS on your sending server."},
	7008: {"The sending server's authentication credentials were refused.", "Fix the SMTP authentication credentials of the sending service."},
	7009: {"The authentication mechanism is too weak.", "Use a stronger SMTP authentication mechanism."},
	7010: {"Encryption (TLS) is required.", "Enable TLS on your sending server."},
	7013: {"The account is disabled.", "Ask the customer for another address."},
	7017: {"The mailbox owner has changed.", "Stop sending: the address belongs to someone else now."},
	7018: {"The domain owner has changed.", "Stop sending: the domain belongs to someone else now."},
	7020: {"No DKIM signature passed.", "Sign your outgoing mail with DKIM for your sending domain."},
	7021: {"No acceptable DKIM signature was found.", "Sign with DKIM using a key and algorithm the receiver accepts."},
	7022: {"No DKIM signature matched the author's domain.", "Sign with DKIM as your From domain (aligned)."},
	7023: {"SPF validation failed: the sending IP is not allowed by the sender domain's SPF record.",
		"Publish SPF for your sending domain that includes the help desk's mail servers."},
	7024: {"SPF validation hit an error (a broken SPF record).", "Fix your domain's SPF record (syntax, too many lookups)."},
	7025: {"The sending IP's reverse DNS (PTR) did not validate.", "Give the sending IP a PTR record that resolves back to it."},
	7026: {"Several authentication checks failed (SPF, DKIM and DMARC).",
		"Publish SPF, sign with DKIM and align both with your From domain so DMARC passes."},
	7027: {"The sender's domain publishes a null MX, so it cannot send.", "Fix the sending domain's DNS."},
	7028: {"The receiver detected a mail flood.", "Slow down: send less mail to this recipient."},
	7029: {"ARC validation failed.", "Check forwarding intermediaries that add ARC headers."},
	7030: {"REQUIRETLS is required.", "Send over TLS with REQUIRETLS support."},
}

// subjectAdvice is the fallback for each subject.
var subjectAdvice = map[int]advice{
	0: detailAdvice[0],
	1: {"Something is wrong with an address.", "Check the recipient and sender addresses."},
	2: {"The recipient's mailbox could not take the message.", "Read the diagnostic text; retry later for a temporary failure."},
	3: {"The receiving mail system had a problem.", "Retry later; contact the receiving postmaster if it persists."},
	4: {"A network or routing problem.", "Retry later; check DNS if it persists."},
	5: {"The SMTP conversation failed.", "Check the sending software and the recipient address."},
	6: {"The message content was refused or could not be converted.", "Check the message format and attachments."},
	7: {"Refused by a security or policy rule.", "Read the diagnostic text: blocklist, authentication or spam filter."},
}

// replyMeanings are the RFC 5321 section 4.2.2 and 4.2.3 texts.
var replyMeanings = map[ReplyCode]string{
	211: "System status", 214: "Help message", 220: "Service ready", 221: "Service closing transmission channel",
	250: "Requested mail action okay, completed", 251: "User not local; will forward",
	252: "Cannot verify the user, but will accept the message and attempt delivery",
	354: "Start mail input",
	421: "Service not available, closing transmission channel",
	450: "Requested mail action not taken: mailbox unavailable (busy or temporarily blocked)",
	451: "Requested action aborted: local error in processing",
	452: "Requested action not taken: insufficient system storage",
	455: "Server unable to accommodate parameters",
	500: "Syntax error, command unrecognized", 501: "Syntax error in parameters or arguments",
	502: "Command not implemented", 503: "Bad sequence of commands", 504: "Command parameter not implemented",
	521: "Host does not accept mail (RFC 7504)",
	550: "Requested action not taken: mailbox unavailable (not found, no access, or refused by policy)",
	551: "User not local; please try the forward path",
	552: "Requested mail action aborted: exceeded storage allocation",
	553: "Requested action not taken: mailbox name not allowed",
	554: "Transaction failed (often refused by policy or content)",
	555: "MAIL FROM/RCPT TO parameters not recognized or not implemented",
	556: "Domain does not accept mail (RFC 7504)",
}

// ReplyMeaning returns the RFC 5321 text for r, or "" when r is not one of the
// standard replies.
func ReplyMeaning(r ReplyCode) string { return replyMeanings[r] }

// Explain parses s ("5.7.26", "550", "550 5.1.1", "550-5.1.1") and explains
// it. The error names what could not be parsed.
func Explain(s string) (Explanation, error) {
	var e Explanation
	fields := strings.FieldsFunc(strings.TrimSpace(s), func(r rune) bool { return r == ' ' || r == '-' || r == '\t' })
	if len(fields) == 0 || len(fields) > 2 {
		return e, fmt.Errorf("status: %q is not a code: want 5.1.1, 550 or \"550 5.1.1\"", s)
	}
	for _, f := range fields {
		if c, ok := Parse(f); ok && e.Code.IsZero() {
			e.Code = c
			continue
		}
		if r, ok := ParseReply(f); ok && e.Reply == 0 {
			e.Reply = r
			continue
		}
		return e, fmt.Errorf("status: %q is not a code: want 5.1.1, 550 or \"550 5.1.1\"", f)
	}
	e.Reply3 = ReplyMeaning(e.Reply)
	e.Class = e.Code.Class
	if e.Code.IsZero() {
		e.Class = e.Reply.Class()
	}
	if !e.Code.IsZero() {
		e.Titles = Lookup(e.Code)
		a, ok := detailAdvice[e.Code.Subject*1000+e.Code.Detail]
		if !ok {
			a = subjectAdvice[e.Code.Subject]
		}
		e.Meaning, e.Action = a.meaning, a.action
	} else {
		e.Meaning, e.Action = replyAdvice(e.Reply)
	}
	switch e.Class {
	case ClassTemporary:
		e.Action = "Nothing but wait: this is a temporary failure and the sending server retries on its own. " +
			"If it lasts for days: " + lowerFirst(e.Action)
	case ClassSuccess:
		e.Meaning = "The message was delivered or relayed; nothing failed."
		e.Action = "Nothing to do."
	}
	return e, nil
}

func replyAdvice(r ReplyCode) (string, string) {
	switch r {
	case 421:
		return "The server is busy or limiting connections.", "Retry later; send more slowly."
	case 450, 451, 452:
		return "A temporary refusal (busy mailbox, greylisting, local error or storage).", "Retry later."
	case 500, 501, 502, 503, 504, 555:
		return "The server did not accept an SMTP command or its arguments.", "Check the recipient address and sending software."
	case 521, 556:
		return "The host or domain accepts no mail at all.", "Stop sending to this domain; ask for another address."
	case 550, 553:
		return "The mailbox is unavailable: it does not exist, or the server refused the message by policy.",
			"Read the diagnostic text: correct a mistyped address, or act on the policy it names."
	case 551:
		return "The user is not local.", "Ask the customer for the new address."
	case 552:
		return "The mailbox is over its storage limit or the message is too big.", "Retry later or send a smaller message."
	case 554:
		return "The transaction failed, often a policy or content refusal.", "Read the diagnostic text for the reason."
	}
	if r.Class() == ClassSuccess {
		return "The command succeeded.", "Nothing to do."
	}
	return "", "Read the diagnostic text."
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
