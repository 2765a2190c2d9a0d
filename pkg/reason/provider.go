package reason

import "github.com/bounce-tool/bounce/pkg/status"

// A providerRule is a code one provider documents for its refusals: a
// token in the text ("[TSS04]", "S3150", "RESOLVER.ADR.RecipientNotFound")
// or an enhanced status code outside the IANA registry (Microsoft's
// 5.7.606-649). It matches when the text holds every phrase and, if the
// rule has a code range, when the status code or a code in the text lies in
// it.
type providerRule struct {
	provider string
	reason   string
	phrases  []string // all must be present (lowercase, full text)
	from, to status.Code
}

// providerCodes are tried before any wording (Classify, step 3).
var providerCodes = []providerRule{
	// Microsoft 365 and Outlook.com.
	{provider: "microsoft", reason: Blocked, from: code(5, 7, 606), to: code(5, 7, 649)},
	{provider: "microsoft", reason: AuthFailure, from: code(5, 7, 509), to: code(5, 7, 509)},
	{provider: "microsoft", reason: AuthFailure, from: code(5, 7, 515), to: code(5, 7, 515)},
	{provider: "microsoft", reason: Blocked, from: code(5, 7, 511), to: code(5, 7, 511)},
	{provider: "microsoft", reason: NotCompliantRFC, from: code(5, 7, 512), to: code(5, 7, 512)},
	{provider: "microsoft", reason: UserUnknown, phrases: []string{"recipientnotfound"}},
	{provider: "microsoft", reason: UserUnknown, phrases: []string{"recipnotfound"}},
	{provider: "microsoft", reason: Filtered, phrases: []string{"resolver.rst.notauthorized"}},
	{provider: "microsoft", reason: EmailTooLarge, phrases: []string{"resolver.rst.sendsizelimit"}},
	{provider: "microsoft", reason: EmailTooLarge, phrases: []string{"resolver.rst.recipsizelimit"}},
	{provider: "microsoft", reason: RateLimited, phrases: []string{"resolver.adr.recipientlimit"}},
	{provider: "microsoft", reason: Blocked, phrases: []string{"(s3140)"}},
	{provider: "microsoft", reason: Blocked, phrases: []string{"(s3150)"}},
	{provider: "microsoft", reason: Blocked, phrases: []string{"|sc-001|"}},
	{provider: "microsoft", reason: Blocked, phrases: []string{"|sc-002|"}},
	{provider: "microsoft", reason: Blocked, phrases: []string{"|sc-003|"}},
	{provider: "microsoft", reason: Blocked, phrases: []string{"|sc-004|"}},
	{provider: "microsoft", reason: Blocked, phrases: []string{"|dy-001|"}},
	{provider: "microsoft", reason: Blocked, phrases: []string{"|dy-002|"}},
	{provider: "microsoft", reason: RateLimited, phrases: []string{"|rp-001|"}},
	{provider: "microsoft", reason: RateLimited, phrases: []string{"|rp-002|"}},
	{provider: "microsoft", reason: RateLimited, phrases: []string{"|rp-003|"}},
	// Yahoo and AOL (postmaster.yahooinc.com error codes).
	{provider: "yahoo", reason: BadReputation, phrases: []string{"[tss04]"}},
	{provider: "yahoo", reason: BadReputation, phrases: []string{"[tss01]"}},
	{provider: "yahoo", reason: BadReputation, phrases: []string{"[ts01]"}},
	{provider: "yahoo", reason: Blocked, phrases: []string{"[tss09]"}},
	{provider: "yahoo", reason: Blocked, phrases: []string{"[ts03]"}},
	{provider: "yahoo", reason: Blocked, phrases: []string{"[bl21]"}},
	{provider: "yahoo", reason: Blocked, phrases: []string{"[bl22]"}},
	{provider: "yahoo", reason: Blocked, phrases: []string{"[bl23]"}},
	{provider: "aol", reason: Blocked, phrases: []string{"rly:b1"}},
	{provider: "aol", reason: Blocked, phrases: []string{"rly:b2"}},
	{provider: "aol", reason: Blocked, phrases: []string{"rly:b3"}},
	{provider: "aol", reason: Blocked, phrases: []string{"hvu:b1"}},
	{provider: "aol", reason: Blocked, phrases: []string{"con:b1"}},
	{provider: "aol", reason: RequirePTR, phrases: []string{"dns:nr"}},
	// Google: a "Send mail as" address the account may not use.
	{provider: "google", reason: Rejected, phrases: []string{"customfromdenied"}},
	// Orange (France): OFR_506 is a message judged to be spam.
	{provider: "orange", reason: SpamDetected, phrases: []string{"ofr_506"}},
	// Cox (cox.com email error codes): CXBL and CDRBL the sending IP is on
	// Cox's list, CXDNS the IP has no usable reverse DNS, CXSNDR the
	// sender's domain is refused.
	{provider: "cox", reason: Blocked, phrases: []string{"aup#cxbl"}},
	{provider: "cox", reason: Blocked, phrases: []string{"aup#cdrbl"}},
	{provider: "cox", reason: RequirePTR, phrases: []string{"aup#cxdns"}},
	{provider: "cox", reason: Rejected, phrases: []string{"aup#cxsndr"}},
	// Spectrum (Charter) inbound codes AUP#I-13xx: connections or
	// recipients over the sender's limits.
	{provider: "spectrum", reason: RateLimited, phrases: []string{"aup#in-13"}},
	{provider: "spectrum", reason: RateLimited, phrases: []string{"aup#i-13"}},
}

func code(cls, subject, detail int) status.Code {
	return status.Code{Class: status.Class(cls), Subject: subject, Detail: detail}
}

// byProvider returns the reason of the first provider rule that matches.
// codes are the enhanced codes in the text; c is the chosen status code.
func byProvider(text string, c status.Code, codes []status.Match) string {
	for _, p := range providerCodes {
		if !p.from.IsZero() && !inRange(c, p.from, p.to) && !anyInRange(codes, p.from, p.to) {
			continue
		}
		ok := true
		for _, ph := range p.phrases {
			if !has(text, ph) {
				ok = false
				break
			}
		}
		if ok {
			return p.reason
		}
	}
	return ""
}

// inRange compares subject and detail only: providers send the same
// refusal as 4.x.x while it is temporary and 5.x.x when it is not.
func inRange(c, from, to status.Code) bool {
	if c.IsZero() || c.Subject != from.Subject {
		return false
	}
	return c.Detail >= from.Detail && c.Detail <= to.Detail
}

func anyInRange(ms []status.Match, from, to status.Code) bool {
	for _, m := range ms {
		if inRange(m.Code, from, to) {
			return true
		}
	}
	return false
}
