package sign

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/internal/phrase"

	"github.com/bounce-tool/bounce/pkg/header"
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

// deskThirds marks the third bytes of the prefixes of helpDeskFields.
var deskThirds = func() (t [256]bool) {
	for _, f := range helpDeskFields {
		t[f.prefix[2]] = true
	}
	return t
}()

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
func HelpDesk(h header.Header) string {
	for _, field := range h.List() {
		k := field.Key // as written: compared ignoring case
		d := fieldDesk(k)
		if d == "" {
			continue
		}
		if (strings.EqualFold(k, "X-OTRS-Loop") || strings.EqualFold(k, "X-RT-Loop-Prevention")) && !Flagged(h, k) {
			continue
		}
		return d
	}
	for _, key := range [...]string{"X-Mailer", "User-Agent"} {
		if d := deskWord(h.Get(key)); d != "" {
			return d
		}
	}
	for _, k := range [...]string{"Managed-By", "X-Managed-By"} { // canonical: Get looks them up without a copy
		if strings.HasPrefix(h.Get(k), "RT ") {
			return RT
		}
	}
	if id := h.Get("Message-Id"); phrase.ContainsFold(id, "zendesk") {
		if at := strings.LastIndexByte(id, '@'); at >= 0 && hasLabel(strings.ToLower(strings.Trim(id[at+1:], "<> \t")), "zendesk") {
			return Zendesk
		}
	}
	return ""
}

// fieldDesk returns the help desk whose private fields have a name such
// as k, or "".
func fieldDesk(k string) string {
	// Every prefix starts with "x-" or "rt": most names fail here.
	if len(k) < 5 || k[0]|0x20 != 'x' && k[0]|0x20 != 'r' {
		return ""
	}
	// The third byte tells most prefixes apart: tested first, it spares
	// the comparisons of the many X- fields of other writers.
	c := phrase.Lower(k[2])
	if !deskThirds[c] {
		return ""
	}
	for _, f := range helpDeskFields {
		if f.prefix[2] == c && phrase.HasPrefixFold(k, f.prefix) {
			return f.desk
		}
	}
	return ""
}

// deskWord returns the help desk a product name in v names, as a whole
// word of letters (ASCII case ignored): "Zendesk Mailer", "Help Scout".
func deskWord(v string) string {
	isLetter := func(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
	prev := ""
	for i := 0; i < len(v); {
		if !isLetter(v[i]) {
			i++
			continue
		}
		j := i
		for j < len(v) && isLetter(v[j]) {
			j++
		}
		w := v[i:j]
		if strings.EqualFold(prev, "help") && strings.EqualFold(w, "scout") {
			return HelpScout
		}
		for _, d := range helpDeskWords {
			if len(w) == len(d.word) && strings.EqualFold(w, d.word) {
				return d.desk
			}
		}
		prev, i = w, j
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
