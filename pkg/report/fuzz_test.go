package report

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzTicketURL: a template that parses only ever gives http(s) links to
// its own host, whatever the ticket number.
func FuzzTicketURL(f *testing.F) {
	f.Add("https://acme.zendesk.com/agent/tickets/{id}", "zendesk", "48213")
	f.Add("freshdesk=https://acme.freshdesk.com/a/tickets/{id}?x=1", "freshdesk", "1/../../x")
	f.Add("javascript:alert(1)//{id}", "", "1")
	f.Add("https://acme.example/{id}#frag", "rt", `1"><script>`)
	f.Fuzz(func(t *testing.T, tmpl, system, id string) {
		u, err := ParseTicketURL(tmpl)
		if err != nil {
			return
		}
		link := u.Link(TicketRef{System: system, ID: id})
		if link == "" {
			return
		}
		raw := tmpl
		if s, rest, ok := strings.Cut(tmpl, "="); ok && systemName(s) {
			raw = rest
		}
		want, _ := url.Parse(strings.Replace(raw, "{id}", "1", 1))
		got, err := url.Parse(link)
		if err != nil {
			t.Fatalf("link %q of template %q does not parse: %v", link, tmpl, err)
		}
		if got.Scheme != want.Scheme || got.Host != want.Host || (got.Scheme != "http" && got.Scheme != "https") {
			t.Fatalf("link %q of template %q for id %q leaves the template's host", link, tmpl, id)
		}
		if strings.ContainsAny(strings.TrimPrefix(link, raw[:strings.Index(raw, "{id}")]), "\"'<> ") {
			t.Fatalf("link %q carries markup", link)
		}
	})
}
