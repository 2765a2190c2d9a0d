package report

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// TicketURL turns ticket numbers into links to the help desk, from
// templates such as "https://acme.zendesk.com/agent/tickets/{id}", one for
// every system or one per system. The zero TicketURL links nothing.
type TicketURL struct {
	any      *urlTemplate            // for the systems without their own
	bySystem map[string]*urlTemplate // by ticket system
}

type urlTemplate struct{ prefix, suffix string }

// ParseTicketURL reads ticket URL templates. Each is an absolute http or
// https URL with a host and exactly one "{id}", which the ticket number
// replaces; "system=URL" (such as "freshdesk=https://acme.freshdesk.com/a/tickets/{id}")
// makes it the URL of that system's tickets only, and a template without a
// system serves the others. No templates give the zero TicketURL.
func ParseTicketURL(templates ...string) (TicketURL, error) {
	var t TicketURL
	for _, tmpl := range templates {
		system, raw := "", tmpl
		if s, rest, ok := strings.Cut(tmpl, "="); ok && systemName(s) {
			system, raw = s, rest
		}
		u, err := parseTemplate(raw)
		if err != nil {
			return TicketURL{}, fmt.Errorf("ticket URL %q: %v", tmpl, err)
		}
		if system == "" {
			if t.any != nil {
				return TicketURL{}, fmt.Errorf("ticket URL %q: a second URL for all systems; prefix it with the system it is for, such as freshdesk=%s", tmpl, raw)
			}
			t.any = u
			continue
		}
		if t.bySystem == nil {
			t.bySystem = map[string]*urlTemplate{}
		}
		if t.bySystem[system] != nil {
			return TicketURL{}, fmt.Errorf("ticket URL %q: a second URL for system %s", tmpl, system)
		}
		t.bySystem[system] = u
	}
	return t, nil
}

func parseTemplate(tmpl string) (*urlTemplate, error) {
	if strings.Count(tmpl, "{id}") != 1 {
		return nil, errors.New("want exactly one {id}, where the ticket number goes")
	}
	u, err := url.Parse(strings.Replace(tmpl, "{id}", "1", 1))
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil {
		return nil, errors.New("want an http:// or https:// URL with a host and no user, such as https://acme.zendesk.com/agent/tickets/{id}")
	}
	if strings.ContainsAny(tmpl, " \t\r\n\"'<>\\`") {
		return nil, errors.New("spaces, quotes, backslashes and angle brackets must be percent-encoded")
	}
	prefix, suffix, _ := strings.Cut(tmpl, "{id}")
	if _, rest, _ := strings.Cut(prefix, "://"); !strings.ContainsAny(rest, "/?#") {
		return nil, errors.New("{id} must come after the host, in the path or the query")
	}
	return &urlTemplate{prefix: prefix, suffix: suffix}, nil
}

// systemName reports whether s is a ticket system's name: lowercase
// letters, digits, '-' and '_'.
func systemName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Link returns the URL of the ticket, or "" when it has none: no template
// for its system, or no number. The number is data from a message: one of
// more than 64 characters or other than letters, digits, '-', '_' and '.'
// gets no link, and it is percent-encoded all the same.
func (t TicketURL) Link(ref TicketRef) string {
	u := t.bySystem[ref.System]
	if u == nil {
		u = t.any
	}
	if u == nil || !plainID(ref.ID) {
		return ""
	}
	return u.prefix + url.PathEscape(ref.ID) + u.suffix
}

// IsZero reports whether t links nothing.
func (t TicketURL) IsZero() bool { return t.any == nil && len(t.bySystem) == 0 }

func plainID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
