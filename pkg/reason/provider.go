package reason

import "github.com/bounce-tool/bounce/pkg/status"

// A providerRule is a code one provider documents for its refusals: an
// enhanced status code outside the IANA registry (Microsoft's 5.7.606-649),
// matched when the status code or a code in the text lies in [from, to]
// (of class cls only, when cls is set); or a token in the text ("[TSS04]",
// "S3150", "RESOLVER.ADR.RecipientNotFound"), lowercase, looked for in the
// full text. Code ranges are tried first, then tokens, each in table order.
type providerRule struct {
	provider string
	reason   string
	phrase   string
	from, to status.Code
	cls      status.Class
}

// providerCodes are tried before any wording (Classify, step 3).
var providerCodes = []providerRule{
	// Microsoft 365 and Outlook.com. 4.7.500-699 "Access denied, please
	// try again later" (with "Server busy" in the text): a sending IP held
	// back while it is looked at, a rate limit; 4.7.650 and above are
	// Outlook.com's reputation limits, whose wording says so.
	{provider: "microsoft", reason: RateLimited, from: code(4, 7, 500), to: code(4, 7, 649), cls: status.ClassTemporary},
	{provider: "microsoft", reason: Blocked, from: code(5, 7, 606), to: code(5, 7, 649)},
	{provider: "microsoft", reason: AuthFailure, from: code(5, 7, 509), to: code(5, 7, 509)},
	{provider: "microsoft", reason: AuthFailure, from: code(5, 7, 515), to: code(5, 7, 515)},
	{provider: "microsoft", reason: Blocked, from: code(5, 7, 511), to: code(5, 7, 511)},
	{provider: "microsoft", reason: NotCompliantRFC, from: code(5, 7, 512), to: code(5, 7, 512)},
	{provider: "microsoft", reason: Blocked, from: code(5, 7, 705), to: code(5, 7, 708)},
	{provider: "microsoft", reason: UserUnknown, phrase: "recipientnotfound"},
	{provider: "microsoft", reason: UserUnknown, phrase: "recipnotfound"},
	{provider: "microsoft", reason: Filtered, phrase: "resolver.rst.notauthorized"},
	{provider: "microsoft", reason: EmailTooLarge, phrase: "resolver.rst.sendsizelimit"},
	{provider: "microsoft", reason: EmailTooLarge, phrase: "resolver.rst.recipsizelimit"},
	{provider: "microsoft", reason: RateLimited, phrase: "resolver.adr.recipientlimit"},
	// The other RESOLVER.RST (restriction) codes: the recipient, or the
	// group, takes mail only from some senders (5.7.129, 5.7.133, 5.7.134,
	// ...).
	{provider: "microsoft", reason: Filtered, phrase: "resolver.rst."},
	{provider: "microsoft", reason: MailboxFull, phrase: "quotaexceededexception"},
	// 5.2.121 and 5.2.122: the recipient's hourly limit of messages
	// received, from this sender or from all.
	{provider: "microsoft", reason: RateLimited, phrase: "recipientthresholdexceeded"},
	{provider: "microsoft", reason: Blocked, phrase: "(s3140)"},
	{provider: "microsoft", reason: Blocked, phrase: "(s3150)"},
	{provider: "microsoft", reason: Blocked, phrase: "|sc-001|"},
	{provider: "microsoft", reason: Blocked, phrase: "|sc-002|"},
	{provider: "microsoft", reason: Blocked, phrase: "|sc-003|"},
	{provider: "microsoft", reason: Blocked, phrase: "|sc-004|"},
	{provider: "microsoft", reason: Blocked, phrase: "|dy-001|"},
	{provider: "microsoft", reason: Blocked, phrase: "|dy-002|"},
	{provider: "microsoft", reason: RateLimited, phrase: "|rp-001|"},
	{provider: "microsoft", reason: RateLimited, phrase: "|rp-002|"},
	{provider: "microsoft", reason: RateLimited, phrase: "|rp-003|"},
	// Yahoo and AOL (postmaster.yahooinc.com error codes).
	// "554 delivery error: dd This user doesn't have a yahoo.com account":
	// Yahoo's answer, after DATA, for an account that does not exist.
	{provider: "yahoo", reason: UserUnknown, phrase: "delivery error: dd this user doesn't have"},
	{provider: "yahoo", reason: BadReputation, phrase: "[tss04]"},
	{provider: "yahoo", reason: BadReputation, phrase: "[tss01]"},
	{provider: "yahoo", reason: BadReputation, phrase: "[ts01]"},
	{provider: "yahoo", reason: Blocked, phrase: "[tss09]"},
	{provider: "yahoo", reason: Blocked, phrase: "[ts03]"},
	{provider: "yahoo", reason: Blocked, phrase: "[bl21]"},
	{provider: "yahoo", reason: Blocked, phrase: "[bl22]"},
	{provider: "yahoo", reason: Blocked, phrase: "[bl23]"},
	{provider: "aol", reason: Blocked, phrase: "rly:b1"},
	{provider: "aol", reason: Blocked, phrase: "rly:b2"},
	{provider: "aol", reason: Blocked, phrase: "rly:b3"},
	{provider: "aol", reason: Blocked, phrase: "hvu:b1"},
	{provider: "aol", reason: Blocked, phrase: "con:b1"},
	{provider: "aol", reason: RequirePTR, phrase: "dns:nr"},
	// Google: a "Send mail as" address the account may not use.
	{provider: "google", reason: Rejected, phrase: "customfromdenied"},
	// Mimecast: a user's own blocked-senders entry for the sender's address
	// or domain ("Envelope blocked - User Entry", "- User Domain Entry").
	{provider: "mimecast", reason: Filtered, phrase: "envelope blocked - user"},
	// "Email rejected due to security policies": its anti-virus and
	// malware checks.
	{provider: "mimecast", reason: VirusDetected, phrase: "email rejected due to security policies"},
	// Orange (France): OFR_506 is a message judged to be spam.
	{provider: "orange", reason: SpamDetected, phrase: "ofr_506"},
	// Cox (cox.com email error codes): CXBL and CDRBL the sending IP is on
	// Cox's list, CXDNS the IP has no usable reverse DNS, CXSNDR the
	// sender's domain is refused.
	{provider: "cox", reason: Blocked, phrase: "aup#cxbl"},
	{provider: "cox", reason: Blocked, phrase: "aup#cdrbl"},
	{provider: "cox", reason: RequirePTR, phrase: "aup#cxdns"},
	{provider: "cox", reason: Rejected, phrase: "aup#cxsndr"},
	// Spectrum (Charter) inbound codes AUP#I-13xx: connections or
	// recipients over the sender's limits.
	{provider: "spectrum", reason: RateLimited, phrase: "aup#in-13"},
	{provider: "spectrum", reason: RateLimited, phrase: "aup#i-13"},
}

func code(cls, subject, detail int) status.Code {
	return status.Code{Class: status.Class(cls), Subject: subject, Detail: detail}
}

// providerTokens matches the token rules of providerCodes.
var providerTokens = func() *matcher {
	var rules []rule
	for _, p := range providerCodes {
		if p.phrase != "" {
			rules = append(rules, rule{reason: p.reason, phrases: []string{p.phrase}})
		}
	}
	return newMatcher(rules)
}()

// listsAndTokens looks for the blocklists (blocklistNames) and the
// providers' tokens (providerTokens) in one pass.
var listsAndTokens = newMatcherPair(blocklistNames, providerTokens)

// providerRanges are the code range rules of providerCodes, in order.
var providerRanges = func() []providerRule {
	var rules []providerRule
	for _, p := range providerCodes {
		if !p.from.IsZero() {
			rules = append(rules, p)
		}
	}
	return rules
}()

// byProvider returns the reason of the first provider rule that matches,
// and the code or token that matched. codes are the enhanced codes in the
// text; c is the chosen status code; tokens is providerTokens' search of
// the lowercase text.
func byProvider(tokens *search, c status.Code, codes []status.Match) (string, string) {
	for _, p := range providerRanges {
		if inRange(c, p) {
			return p.reason, c.String()
		}
		for _, m := range codes {
			if inRange(m.Code, p) {
				return p.reason, m.Code.String()
			}
		}
	}
	if r, phrase, ok := tokens.result(); ok {
		return r.reason, phrase
	}
	return "", ""
}

// inRange reports whether c lies in p's range. It compares subject and
// detail only, unless p names a class: providers send the same refusal as
// 4.x.x while it is temporary and 5.x.x when it is not.
func inRange(c status.Code, p providerRule) bool {
	if c.IsZero() || c.Subject != p.from.Subject || p.cls != status.ClassUnknown && c.Class != p.cls {
		return false
	}
	return c.Detail >= p.from.Detail && c.Detail <= p.to.Detail
}
