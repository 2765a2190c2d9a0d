package report

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// TicketURL turns ticket numbers into links to the help desk, from a
// template such as "https://acme.zendesk.com/agent/tickets/{id}". The zero
// TicketURL links nothing.
type TicketURL struct {
	prefix, suffix string
}

// ParseTicketURL checks a ticket URL template: an absolute http or https
// URL with a host and exactly one "{id}", which the ticket number replaces.
// "" gives the zero TicketURL.
func ParseTicketURL(tmpl string) (TicketURL, error) {
	if tmpl == "" {
		return TicketURL{}, nil
	}
	if strings.Count(tmpl, "{id}") != 1 {
		return TicketURL{}, fmt.Errorf("ticket URL %q: want exactly one {id}, where the ticket number goes", tmpl)
	}
	u, err := url.Parse(strings.Replace(tmpl, "{id}", "1", 1))
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return TicketURL{}, fmt.Errorf("ticket URL %q: %v", tmpl, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil {
		return TicketURL{}, fmt.Errorf("ticket URL %q: want an http:// or https:// URL with a host and no user, such as https://acme.zendesk.com/agent/tickets/{id}", tmpl)
	}
	if strings.ContainsAny(tmpl, " \t\r\n\"'<>\\`") {
		return TicketURL{}, fmt.Errorf("ticket URL %q: spaces, quotes, backslashes and angle brackets must be percent-encoded", tmpl)
	}
	prefix, suffix, _ := strings.Cut(tmpl, "{id}")
	return TicketURL{prefix: prefix, suffix: suffix}, nil
}

// Link returns the URL of the ticket, or "" when t has no link: the zero
// TicketURL, or a ticket without a number. The number is data from a
// message: one of more than 64 characters or other than letters, digits,
// '-', '_' and '.' gets no link, and it is percent-encoded all the same.
func (t TicketURL) Link(ref TicketRef) string {
	if t.prefix == "" || !plainID(ref.ID) {
		return ""
	}
	return t.prefix + url.PathEscape(ref.ID) + t.suffix
}

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

// IsZero reports whether t links nothing.
func (t TicketURL) IsZero() bool { return t.prefix == "" }
