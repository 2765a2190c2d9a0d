package verify

import (
	"strconv"
	"strings"

	"github.com/bounce-tool/bounce/pkg/status"
)

// SMTPReply is the server reply that decided a probe: normally the answer to
// RCPT TO, or the greeting, EHLO or MAIL reply when the session ended earlier.
type SMTPReply struct {
	// Host is the MX host that answered, as named in DNS.
	Host string `json:"host"`
	// Command is the command answered: "RCPT", "MAIL", "EHLO", "STARTTLS",
	// or "greeting" for the server's opening reply.
	Command string `json:"command"`
	// ReplyCode is the three-digit SMTP reply code (RFC 5321 section 4.2).
	ReplyCode int `json:"reply_code"`
	// Status is the enhanced status code (RFC 3463) from the start of the
	// reply text, such as "5.1.1", or empty when the server sent none.
	Status string `json:"status"`
	// Text is the reply text without the reply code and enhanced status
	// code; the lines of a multi-line reply are joined with "\n".
	Text string `json:"text"`
}

// splitStatus splits an enhanced status code (RFC 3463 class.subject.detail)
// off the first line of a reply text, and drops it from continuation lines
// that repeat it (RFC 2034 section 4).
func splitStatus(msg string) (code, text string) {
	first, _, _ := strings.Cut(msg, "\n")
	code, _, _ = strings.Cut(first, " ")
	// Parse allows space around a code; here the code is the whole first word.
	if _, ok := status.Parse(code); !ok || code != strings.TrimSpace(code) {
		return "", msg
	}
	lines := strings.Split(msg, "\n")
	for i, line := range lines {
		if rest, ok := strings.CutPrefix(line, code); ok && (rest == "" || rest[0] == ' ') {
			lines[i] = strings.TrimPrefix(rest, " ")
		}
	}
	return code, strings.Join(lines, "\n")
}

// Reasons, as in docs/reasons.md.
const (
	reasonAuthFailure     = "authfailure"
	reasonBadReputation   = "badreputation"
	reasonBlocked         = "blocked"
	reasonEmailTooLarge   = "emailtoolarge"
	reasonFiltered        = "filtered"
	reasonHasMoved        = "hasmoved"
	reasonHostUnknown     = "hostunknown"
	reasonMailboxFull     = "mailboxfull"
	reasonNetworkError    = "networkerror"
	reasonNoRelaying      = "norelaying"
	reasonNotAccept       = "notaccept"
	reasonOnHold          = "onhold"
	reasonPolicyViolation = "policyviolation"
	reasonRateLimited     = "ratelimited"
	reasonRejected        = "rejected"
	reasonRequirePTR      = "requireptr"
	reasonSecurityError   = "securityerror"
	reasonSuspend         = "suspend"
	reasonSyntaxError     = "syntaxerror"
	reasonSystemError     = "systemerror"
	reasonSystemFull      = "systemfull"
	reasonUndefined       = "undefined"
	reasonUserUnknown     = "userunknown"
)

// wordRule maps phrases found in reply texts (lower-cased) to a reason.
type wordRule struct {
	reason string
	words  []string
}

// proberWords are phrases that say the prober itself was refused. They are
// checked before the status code, because RBL rejections often come with a
// status code like 5.7.1 or even 5.1.1.
var proberWords = []wordRule{
	{reasonBlocked, []string{"spamhaus", "spamcop", "sorbs", "barracuda", "blacklist",
		"blocklist", "block list", "black list", "dnsbl", " rbl", "blocked using",
		"listed at", "listed in", "listed on"}},
	{reasonBadReputation, []string{"reputation"}},
	{reasonRequirePTR, []string{"reverse dns", "reverse lookup", "ptr record", "rdns",
		"reverse hostname", "no ptr"}},
	{reasonAuthFailure, []string{"spf", "dkim", "dmarc"}},
}

// mailboxWords are phrases about the recipient's mailbox or domain.
var mailboxWords = []wordRule{
	{reasonUserUnknown, []string{"user unknown", "unknown user", "no such user",
		"no such mailbox", "no such recipient", "no such account", "unknown recipient",
		"recipient unknown", "invalid recipient", "recipient not found", "user not found",
		"mailbox not found", "address not found", "does not exist", "doesn't exist",
		"unrouteable address", "address unknown", "unknown address", "invalid mailbox",
		"not a valid mailbox", "no mailbox", "mailbox unavailable", "not our customer"}},
	{reasonMailboxFull, []string{"mailbox full", "mailbox is full", "over quota",
		"quota exceeded", "exceeded storage", "mailbox size limit", "insufficient quota"}},
	{reasonSuspend, []string{"suspended", "disabled", "deactivated", "inactive"}},
	{reasonHasMoved, []string{"has moved", "moved to"}},
	{reasonNotAccept, []string{"does not accept mail", "accepts no mail", "no smtp service"}},
	{reasonFiltered, []string{"refused by the recipient", "rejected by the recipient",
		"recipient refuses"}},
}

// otherWords are the less specific phrases about the prober, the server or
// the timing.
var otherWords = []wordRule{
	{reasonOnHold, []string{"greylist", "graylist", "grey list", "gray list", "greylisted"}},
	{reasonRateLimited, []string{"rate limit", "ratelimit", "rate-limit", "too many",
		"throttl", "slow down"}},
	{reasonNoRelaying, []string{"relay access denied", "relaying denied", "relay not permitted",
		"not permitted to relay", "unable to relay", "relaying not allowed", "relay denied"}},
	{reasonSecurityError, []string{"starttls", "tls required", "encryption required",
		"authentication required"}},
	{reasonSystemError, []string{"internal error", "system error", "local error",
		"temporary failure", "local problem"}},
	{reasonPolicyViolation, []string{"policy", "not authorized", "not allowed", "prohibited"}},
}

// matchWords returns the reason of the first rule with a phrase in text.
func matchWords(rules []wordRule, text string) string {
	for _, rule := range rules {
		for _, w := range rule.words {
			if strings.Contains(text, w) {
				return rule.reason
			}
		}
	}
	return ""
}

// statusReason maps the enhanced status codes that name a cause on their own
// (RFC 3463 section 3, and RFC 7505 for x.1.10).
func statusReason(status, text string) string {
	_, sd, _ := strings.Cut(status, ".")
	switch sd {
	case "1.1":
		return reasonUserUnknown
	case "1.2", "4.4":
		return reasonHostUnknown
	case "1.3":
		return reasonSyntaxError
	case "1.6":
		return reasonHasMoved
	case "1.10":
		return reasonNotAccept
	case "2.1":
		return reasonSuspend
	case "2.2":
		return reasonMailboxFull
	case "2.3", "3.4":
		return reasonEmailTooLarge
	case "3.1":
		return reasonSystemFull
	case "4.1":
		// QUIRK: RFC 3463 says "no answer from host", but Exchange Online's
		// directory-based edge blocking answers an unknown recipient with
		// "550 5.4.1 Recipient address rejected: Access denied".
		if strings.Contains(text, "recipient address rejected") {
			return reasonUserUnknown
		}
		return reasonNetworkError
	case "5.3":
		return reasonRateLimited // too many recipients
	case "7.25":
		return reasonRequirePTR
	case "7.20", "7.21", "7.22", "7.23", "7.24", "7.26":
		return reasonAuthFailure
	}
	return ""
}

// classifyReply picks the reason for a non-2xx reply to command, and says
// whether that reason is about the recipient's mailbox or domain. Only those
// can make a 5xx reply mean "undeliverable"; the other reasons describe the prober
// (its IP, its sender, its commands) or the server, and leave the mailbox's
// fate unknown.
func classifyReply(command string, code int, status, text string) (reason string, mailbox bool) {
	lower := strings.ToLower(text)
	if r := matchWords(proberWords, lower); r != "" {
		return r, false
	}
	if code == 521 || code == 556 {
		// RFC 7504: the host does not accept mail, so neither does the domain.
		return reasonNotAccept, true
	}
	if command != "RCPT" {
		// Before RCPT nothing is said about the recipient: a refused MAIL
		// is about our sender, a refused greeting or EHLO about us.
		switch r := matchWords(otherWords, lower); r {
		case reasonOnHold, reasonRateLimited, reasonSystemError, reasonSecurityError:
			return r, false
		}
		switch {
		case code >= 400 && code < 500:
			return reasonOnHold, false
		case command == "MAIL":
			return reasonRejected, false
		}
		return reasonUndefined, false
	}
	if r := statusReason(status, lower); r != "" {
		return r, isMailboxReason(r)
	}
	if r := matchWords(mailboxWords, lower); r != "" {
		return r, true
	}
	if r := matchWords(otherWords, lower); r != "" {
		return r, false
	}
	if len(status) > 2 {
		switch status[2] {
		case '3':
			return reasonSystemError, false
		case '4':
			return reasonNetworkError, false
		case '5':
			return reasonSyntaxError, false // of our command, not of the address
		case '7':
			return reasonPolicyViolation, false
		}
	}
	switch {
	case code == 421 || code == 451:
		return reasonSystemError, false
	case code == 452:
		return reasonSystemFull, false
	case code >= 400 && code < 500:
		// Judgement: a 4xx with nothing recognisable asks to retry later;
		// the cause cannot be decided yet.
		return reasonOnHold, false
	case code >= 500 && code <= 504:
		return reasonSyntaxError, false // of our command
	case code == 550 || code == 553:
		// Judgement: a bare 550/553 to RCPT means "no such mailbox" on
		// most servers (RFC 5321: "mailbox unavailable", "mailbox name not
		// allowed"), although some use it for policy refusals too.
		return reasonUserUnknown, true
	case code == 551:
		return reasonHasMoved, true
	case code == 552:
		return reasonMailboxFull, true
	}
	return reasonUndefined, false
}

// isMailboxReason reports whether a reason taken from an enhanced status
// code describes the recipient's mailbox or domain.
func isMailboxReason(reason string) bool {
	switch reason {
	case reasonUserUnknown, reasonHostUnknown, reasonSyntaxError, reasonHasMoved,
		reasonNotAccept, reasonSuspend, reasonMailboxFull:
		return true
	}
	return false
}

// String formats the reply on one line: the reply code, the enhanced status
// code when there is one, and the text with its lines joined by spaces, as
// in "550 5.1.1 User unknown".
func (r *SMTPReply) String() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(r.ReplyCode))
	if r.Status != "" {
		b.WriteString(" " + r.Status)
	}
	if r.Text != "" {
		b.WriteString(" " + strings.ReplaceAll(r.Text, "\n", " "))
	}
	return b.String()
}
