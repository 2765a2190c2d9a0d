package reason

import "github.com/bounce-tool/bounce/pkg/status"

// blocklists maps what a text says to the list it names, most specific
// first. Host names of the lists count, in URLs too: a refusal that points
// at a list's lookup page names that list.
var blocklists = []struct{ phrase, name string }{
	{"spamhaus", "spamhaus"}, {"sorbs", "sorbs"}, {"spamcop", "spamcop"},
	{"barracudacentral", "barracuda"}, {"b.barracuda", "barracuda"}, {"barracuda reputation", "barracuda"},
	{"uceprotect", "uceprotect"}, {"abuseat", "cbl"}, {"|cbl|", "cbl"}, {"|cbl.", "cbl"},
	{"spamrats", "spamrats"}, {"mailspike", "mailspike"}, {"psbl", "psbl"}, {"surbl", "surbl"},
	{"uribl", "uribl"}, {"senderscore", "senderscore"}, {"invaluement", "invaluement"},
	{"backscatterer", "backscatterer"}, {"dronebl", "dronebl"}, {"abusix", "abusix"},
	{"manitu", "manitu"}, {"gbudb", "gbudb"}, {"hostkarma", "hostkarma"}, {"0spam", "0spam"},
	{"nordspam", "nordspam"}, {"lashback", "lashback"}, {"cloudmark", "cloudmark"},
	{"rbl.interserver", "interserver"}, {"blocklist.de", "blocklist.de"}, {"spameatingmonkey", "spameatingmonkey"},
	{"proofpoint.com/dnsbl", "proofpoint"}, {"ipcheck.proofpoint", "proofpoint"}, {"mail-abuse.com", "trendmicro"},
}

// blocklistNames matches blocklists; a rule's reason is the list's name.
var blocklistNames = func() *matcher {
	rules := make([]rule, len(blocklists))
	for i, b := range blocklists {
		rules[i] = rule{reason: b.name, phrases: []string{b.phrase}}
	}
	return newMatcher(rules)
}()

// authChecks are the authentication methods in the order a text that names
// several is read: the first named wins.
var authChecks = []struct{ phrase, name string }{
	{"|dmarc", "dmarc"}, {"|dkim", "dkim"}, {"|spf|", "spf"}, {"sender policy framework", "spf"},
	// Alignment of the From: domain with SPF's or DKIM's is DMARC's check.
	{"|aligned with", "dmarc"}, {"|alignment|", "dmarc"},
	{"|arc|", "arc"}, {"arc-seal", "arc"}, {"arc validation", "arc"},
}

// findAuth names the authentication check a failure is about: the first
// one the text names, else the one the status code names (RFC 7372, RFC
// 8617), else "".
func findAuth(lower []byte, c status.Code) string {
	best, at := "", -1
	for _, a := range authChecks {
		if i := indexPhrase(lower, a.phrase); i >= 0 && (at < 0 || i < at) {
			best, at = a.name, i
		}
	}
	if best != "" {
		return best
	}
	switch {
	case c.Subject == 7 && c.Detail >= 20 && c.Detail <= 22:
		return "dkim"
	case c.Subject == 7 && (c.Detail == 23 || c.Detail == 24):
		return "spf"
	case c.Subject == 7 && c.Detail == 29:
		return "arc"
	}
	return ""
}
