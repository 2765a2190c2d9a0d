package reason

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/status"
)

// exactCodes are status codes with one meaning whatever the text says.
// Ambiguous codes (5.7.1, 5.0.0, 5.5.0, ...) are not here.
var exactCodes = map[[2]int]string{
	{1, 1}: UserUnknown, {1, 2}: HostUnknown, {1, 3}: UserUnknown, {1, 6}: HasMoved,
	{1, 10}: NotAccept, {2, 1}: Suspend, {2, 2}: MailboxFull, {2, 3}: EmailTooLarge,
	{3, 1}: SystemFull, {3, 4}: EmailTooLarge, {4, 4}: HostUnknown, {4, 6}: NetworkError,
	{4, 7}: Expired, {7, 13}: Suspend, {7, 20}: AuthFailure, {7, 21}: AuthFailure,
	{7, 22}: AuthFailure, {7, 23}: AuthFailure, {7, 24}: AuthFailure, {7, 25}: RequirePTR,
	{7, 26}: AuthFailure, {7, 29}: AuthFailure, {6, 0}: ContentError, {6, 1}: ContentError,
	{7, 8}: SecurityError, {7, 9}: SecurityError, {7, 10}: FailedSTARTTLS, {7, 11}: FailedSTARTTLS,
}

func byExactCode(c status.Code) (string, bool) {
	if c.IsZero() {
		return "", false
	}
	r, ok := exactCodes[[2]int{c.Subject, c.Detail}]
	return r, ok
}

// codes are the fallbacks for codes the text did not explain.
var codes = map[[2]int]string{
	{1, 0}: UserUnknown, {1, 4}: UserUnknown, {1, 7}: Rejected, {1, 8}: Rejected,
	{2, 0}: Filtered, {2, 4}: SystemError, {3, 0}: SystemError, {3, 2}: NotAccept,
	{3, 5}: SystemError, {4, 0}: NetworkError, {4, 1}: NetworkError, {4, 2}: NetworkError,
	{4, 3}: NetworkError, {4, 5}: RateLimited, {5, 0}: SyntaxError, {5, 1}: SyntaxError,
	{5, 2}: SyntaxError, {5, 3}: RateLimited, {5, 4}: SyntaxError, {6, 2}: ContentError,
	{6, 3}: ContentError, {6, 5}: ContentError, {7, 0}: SecurityError, {7, 1}: Rejected,
	{7, 2}: Rejected, {7, 27}: Rejected, {7, 28}: RateLimited,
}

func byCode(c status.Code) (string, bool) {
	if c.IsZero() {
		return "", false
	}
	r, ok := codes[[2]int{c.Subject, c.Detail}]
	return r, ok
}

func byReply(r status.ReplyCode, command string) string {
	switch r {
	case 421:
		return RateLimited
	case 452:
		return RateLimited
	case 500, 501, 502, 503, 504:
		return SyntaxError
	case 521, 556:
		return NotAccept
	case 552:
		return MailboxFull
	case 553:
		return UserUnknown
	case 551:
		return HasMoved
	case 550:
		if command == "RCPT" {
			return UserUnknown
		}
	}
	return ""
}

// textRule maps phrases (lowercase) to a reason. Rules are tried in order;
// the first phrase found wins, so the specific come before the general.
type textRule struct {
	reason  string
	phrases []string
}

var textRules = []textRule{
	{Blocked, []string{"spamhaus", "sorbs", "spamcop", "blacklisted", "blocklisted", "block list", "blacklist",
		"blocklist", "dnsbl", "rbl", "listed on", "listed in", "barracudacentral", "uceprotect", "abuseat"}},
	{AuthFailure, []string{"dmarc", "dkim", "spf check", "spf fail", "sender policy framework", "spf record"}},
	{RequirePTR, []string{"reverse dns", "ptr record", "no ptr", "rdns", "reverse lookup"}},
	{VirusDetected, []string{"virus", "malware", "infected"}},
	{SpamDetected, []string{"spam", "junk mail", "bulk mail"}},
	{MailboxFull, []string{"mailbox full", "mailbox is full", "over quota", "quota exceeded", "exceeded storage",
		"mailbox size limit", "insufficient disk space", "not enough disk space", "disk quota"}},
	{EmailTooLarge, []string{"message too large", "message is too large", "message size exceeds", "too big",
		"exceeds size limit", "size limit"}},
	{Suspend, []string{"account disabled", "account has been disabled", "mailbox disabled", "suspended",
		"inactive account", "account is inactive", "deactivated"}},
	{HostUnknown, []string{"host unknown", "host not found", "domain not found", "no such domain",
		"name or service not known", "unrouteable address", "unrouteable domain", "domain does not exist",
		"nxdomain", "no mx"}},
	{UserUnknown, []string{"user unknown", "unknown user", "no such user", "user not found", "mailbox not found",
		"does not exist", "mailbox unavailable", "recipient not found", "unknown recipient", "invalid recipient",
		"no mailbox here", "recipient address rejected", "address rejected", "unknown address", "no such mailbox",
		"invalid mailbox", "not a valid mailbox", "user doesn't exist", "account does not exist", "addressee unknown"}},
	{NoRelaying, []string{"relay access denied", "relaying denied", "not permitted to relay", "relay not permitted",
		"unable to relay", "we do not relay", "relaying not allowed"}},
	{Expired, []string{"retry timeout exceeded", "retry time not reached", "too long in queue",
		"message expired", "delivery time expired", "queue time", "giving up"}},
	{NetworkError, []string{"connection refused", "connection timed out", "timed out", "network is unreachable",
		"no route to host", "mail loop", "too many hops", "routing loop"}},
	{RateLimited, []string{"too many connections", "rate limit", "too many messages", "try again later",
		"too many recipients", "throttl"}},
	{Rejected, []string{"sender address rejected", "sender rejected", "domain of sender address",
		"sender verify failed", "sender domain"}},
	{PolicyViolation, []string{"policy", "not authorized", "prohibited"}},
	{SystemError, []string{"system error", "local error", "internal error", "temporary failure"}},
}

func byText(text string) string {
	if text == "" {
		return ""
	}
	for _, r := range textRules {
		for _, p := range r.phrases {
			if strings.Contains(text, p) {
				return r.reason
			}
		}
	}
	return ""
}

// blocklists maps a phrase to the blocklist it names.
var blocklists = []struct{ phrase, name string }{
	{"spamhaus", "spamhaus"}, {"sorbs", "sorbs"}, {"spamcop", "spamcop"},
	{"barracudacentral", "barracuda"}, {"b.barracuda", "barracuda"}, {"uceprotect", "uceprotect"},
	{"abuseat", "cbl"}, {"cbl.", "cbl"}, {"psbl", "psbl"}, {"surbl", "surbl"}, {"uribl", "uribl"},
	{"mailspike", "mailspike"}, {"senderscore", "senderscore"}, {"dnsbl", "dnsbl"},
}

func findBlocklist(text string) string {
	for _, b := range blocklists {
		if strings.Contains(text, b.phrase) {
			return b.name
		}
	}
	return ""
}

func findAuth(text string) string {
	switch {
	case strings.Contains(text, "dmarc"):
		return "dmarc"
	case strings.Contains(text, "dkim"):
		return "dkim"
	case strings.Contains(text, "spf"):
		return "spf"
	case strings.Contains(text, " arc ") || strings.Contains(text, "arc validation"):
		return "arc"
	}
	return ""
}
