package sign

import (
	"strings"

	"github.com/emersion/go-message/mail"
)

// The help desks HelpDesk names; the same words as package ticket's
// systems.
const (
	Zendesk   = "zendesk"
	Freshdesk = "freshdesk"
	HelpScout = "helpscout"
	OTRS      = "otrs" // OTRS and Znuny
	Zammad    = "zammad"
	RT        = "rt" // Request Tracker
	OSTicket  = "osticket"
)

// helpDeskFields are the private header field prefixes of each help desk,
// lowercase, in the order HelpDesk tries them.
var helpDeskFields = []struct{ prefix, desk string }{
	{"x-zendesk-", Zendesk},
	{"x-rt-loop-prevention", RT}, {"rt-originator", RT}, {"x-rt-originator", RT}, {"rt-ticket", RT}, {"x-rt-ticket", RT},
	{"x-zammad", Zammad},
	{"x-otrs", OTRS}, {"x-znuny", OTRS},
	{"x-osticket", OSTicket},
	{"x-freshdesk", Freshdesk},
	{"x-helpscout-", HelpScout},
}

// helpDeskWords are the product names that, as a word of X-Mailer or
// User-Agent, name a help desk.
var helpDeskWords = []struct{ word, desk string }{
	{"zendesk", Zendesk}, {"freshdesk", Freshdesk}, {"helpscout", HelpScout}, {"otrs", OTRS},
	{"znuny", OTRS}, {"zammad", Zammad}, {"osticket", OSTicket},
}

// HelpDesk returns the help desk that wrote a message, by the marks in its
// header: the desk's private fields (X-Zendesk-*, RT-Ticket, X-OTRS-*,
// ...), its name as a word of X-Mailer or User-Agent ("Zendesk Mailer",
// "Help Scout"), "Managed-BY: RT", or a Message-ID in a zendesk domain. It
// returns "" for mail no help desk wrote. The loop-prevention fields
// (X-OTRS-Loop, X-RT-Loop-Prevention) are marks only when they are on: "no",
// which people's replies to OTRS can carry, is no mark.
func HelpDesk(h mail.Header) string {
	fields := h.Fields()
	for fields.Next() {
		k := strings.ToLower(fields.Key())
		if (k == "x-otrs-loop" || k == "x-rt-loop-prevention") && !Flagged(h, fields.Key()) {
			continue
		}
		for _, f := range helpDeskFields {
			if strings.HasPrefix(k, f.prefix) {
				return f.desk
			}
		}
	}
	for _, key := range [...]string{"X-Mailer", "User-Agent"} {
		words := strings.FieldsFunc(strings.ToLower(h.Get(key)), func(r rune) bool {
			return !(r >= 'a' && r <= 'z')
		})
		for i, w := range words {
			if w == "help" && i+1 < len(words) && words[i+1] == "scout" {
				return HelpScout
			}
			for _, d := range helpDeskWords {
				if w == d.word {
					return d.desk
				}
			}
		}
	}
	for _, k := range [...]string{"Managed-BY", "X-Managed-BY"} {
		if strings.HasPrefix(h.Get(k), "RT ") {
			return RT
		}
	}
	if id := strings.ToLower(h.Get("Message-Id")); strings.Contains(id, "zendesk") {
		if at := strings.LastIndexByte(id, '@'); at >= 0 && hasLabel(strings.Trim(id[at+1:], "<> \t"), "zendesk") {
			return Zendesk
		}
	}
	return ""
}

// hasLabel reports whether a domain has label as one of its dot-separated
// labels.
func hasLabel(domain, label string) bool {
	for _, l := range strings.Split(domain, ".") {
		if l == label {
			return true
		}
	}
	return false
}
