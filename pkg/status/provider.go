package status

import "strings"

// ProviderMeaning is what one large mail provider means by a code whose use
// there differs from, or goes beyond, the IANA registry's title.
type ProviderMeaning struct {
	Provider string // "microsoft", "google"
	Name     string // the provider as people name it: "Microsoft 365", "Gmail"
	Title    string // the provider's meaning, in the style of a registry title
	Action   string // what to do about it
}

// providerMeanings are keyed by provider, then by the code as written.
// Sources: Microsoft's "Email non-delivery reports and SMTP errors in
// Exchange Online" and Google's "SMTP error reference".
var providerMeanings = map[string]map[string]ProviderMeaning{
	"microsoft": {
		"5.1.10": {Title: "Recipient not found",
			Action: "The address does not exist in the recipient's Microsoft 365 organisation: correct it or ask the customer for a working one."},
		"5.7.1": {Title: "Delivery not authorized: the sender is not allowed to send to this recipient or group",
			Action: "The recipient (or its group) accepts mail only from some senders: ask the customer to allow your address."},
		"5.4.1": {Title: "Recipient address rejected: access denied (directory-based edge blocking)",
			Action: "The recipient domain's Microsoft 365 organisation does not know the address: correct it, or ask the customer's admin about the domain's accepted-domain setup."},
	},
	"google": {
		"5.7.26": {Title: "Unauthenticated email: the message does not pass SPF or DKIM (DMARC policy)",
			Action: "Authenticate your sending domain: publish SPF, sign with DKIM and align them with your From domain."},
		"4.7.26": {Title: "Unauthenticated email: the message does not pass SPF or DKIM (DMARC policy)",
			Action: "Authenticate your sending domain: publish SPF, sign with DKIM and align them with your From domain."},
		"5.7.27": {Title: "SPF check did not pass for the sending domain",
			Action: "Fix SPF for your sending domain: include the help desk's mail servers in its SPF record."},
		"4.7.27": {Title: "SPF check did not pass for the sending domain",
			Action: "Fix SPF for your sending domain: include the help desk's mail servers in its SPF record."},
		"5.7.30": {Title: "DKIM check did not pass",
			Action: "Sign your outgoing mail with DKIM for your sending domain (a key Gmail can find and verify)."},
		"4.7.30": {Title: "DKIM check did not pass",
			Action: "Sign your outgoing mail with DKIM for your sending domain (a key Gmail can find and verify)."},
		"5.7.32": {Title: "The From header domain is not aligned with the SPF or DKIM domain",
			Action: "Align your From domain with the domain that SPF or DKIM authenticates (DMARC alignment)."},
		"4.7.32": {Title: "The From header domain is not aligned with the SPF or DKIM domain",
			Action: "Align your From domain with the domain that SPF or DKIM authenticates (DMARC alignment)."},
		"5.7.40": {Title: "No DMARC record for the sending domain",
			Action: "Publish a DMARC record (_dmarc.your-domain) for your sending domain."},
		"4.7.40": {Title: "No DMARC record for the sending domain",
			Action: "Publish a DMARC record (_dmarc.your-domain) for your sending domain."},
		"5.7.28": {Title: "Unusual rate of unsolicited mail from the sending IP or domain",
			Action: "Slow down and check what your help desk sends: Gmail sees a spam-like volume from you."},
		"4.7.28": {Title: "Unusual rate of unsolicited mail from the sending IP or domain",
			Action: "Slow down and check what your help desk sends: Gmail sees a spam-like volume from you."},
		"5.7.1": {Title: "The message was blocked: the sender or its content is suspicious, or policy refuses it",
			Action: "Read the diagnostic text: Gmail names the policy; check your sending domain's reputation and authentication."},
		"5.2.1": {Title: "The recipient's account is disabled or inactive",
			Action: "Ask the customer for another address: the Gmail account is not in use."},
	},
}

// meaningsByCode is providerMeanings keyed by provider, then by the code.
var meaningsByCode = func() map[string]map[Code]ProviderMeaning {
	by := make(map[string]map[Code]ProviderMeaning, len(providerMeanings))
	for p, ms := range providerMeanings {
		by[p] = make(map[Code]ProviderMeaning, len(ms))
		for text, m := range ms {
			by[p][MustParse(text)] = m
		}
	}
	return by
}()

var providerNames = map[string]string{"microsoft": "Microsoft 365", "google": "Gmail"}

// Providers lists the providers with meanings of their own, sorted.
var Providers = []string{"google", "microsoft"}

// MeaningAt returns what provider means by c, when it differs from or goes
// beyond the registry. provider is one of Providers.
func MeaningAt(provider string, c Code) (ProviderMeaning, bool) {
	m, ok := meaningsByCode[provider][c]
	if !ok {
		return ProviderMeaning{}, false
	}
	m.Provider, m.Name = provider, providerNames[provider]
	return m, true
}

// meant holds the codes some provider has a meaning of its own for.
var meant = func() map[Code]bool {
	m := map[Code]bool{}
	for _, ms := range meaningsByCode {
		for c := range ms {
			m[c] = true
		}
	}
	return m
}()

// HasMeaning reports whether any of Providers has a meaning of its own for
// c: when none has, MeaningAt reports false for every provider, and the
// provider of a bounce need not be found.
func HasMeaning(c Code) bool { return meant[c] }

// ProviderOf names the provider behind a reporting or remote server's host
// name ("mx.google.com", "*.protection.outlook.com") or a dialect name
// ("gmail", "office365"), or "" when it is none of Providers.
func ProviderOf(hosts ...string) string {
	for _, h := range hosts {
		h = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(h), "."))
		switch {
		case h == "":
		case h == "gmail" || h == "googleworkspace" || h == "google" ||
			hasHostSuffix(h, "google.com") || hasHostSuffix(h, "googlemail.com") || hasHostSuffix(h, "gmail.com"):
			return "google"
		case h == "office365" || h == "outlook" || h == "microsoft" ||
			hasHostSuffix(h, "outlook.com") || hasHostSuffix(h, "office365.com") || hasHostSuffix(h, "microsoft.com") ||
			hasHostSuffix(h, "hotmail.com") || hasHostSuffix(h, "onmicrosoft.com"):
			return "microsoft"
		}
	}
	return ""
}

// hasHostSuffix reports whether h is domain or a host name under it.
func hasHostSuffix(h, domain string) bool {
	return strings.HasSuffix(h, domain) && (len(h) == len(domain) || h[len(h)-len(domain)-1] == '.')
}
