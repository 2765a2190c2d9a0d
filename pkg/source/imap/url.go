package imap

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Mailbox is a parsed mailbox URL.
type Mailbox struct {
	TLS     bool   // imaps: TLS from the first byte; imap: STARTTLS
	User    string // the login name
	Host    string
	Port    string
	Name    string // the mailbox, "INBOX" when the URL names none
	Display string // the URL without credentials: the records' source
}

// Addr is host:port.
func (m *Mailbox) Addr() string { return net.JoinHostPort(m.Host, m.Port) }

// IsURL reports whether name is an IMAP mailbox URL (imap:// or imaps://).
func IsURL(name string) bool {
	l := strings.ToLower(name)
	return strings.HasPrefix(l, "imap://") || strings.HasPrefix(l, "imaps://")
}

// ParseURL parses imaps://user@host[:port]/MAILBOX or imap://... A password
// in the URL is refused, and the error does not repeat it.
func ParseURL(raw string) (*Mailbox, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("imap: not a mailbox URL %q: want imaps://user@host[:port]/MAILBOX", redactURL(raw))
	}
	m := &Mailbox{Name: "INBOX"}
	switch strings.ToLower(u.Scheme) {
	case "imaps":
		m.TLS, m.Port = true, "993"
	case "imap":
		m.Port = "143"
	default:
		return nil, fmt.Errorf("imap: not a mailbox URL %q: want imaps://user@host[:port]/MAILBOX", redactURL(raw))
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			return nil, fmt.Errorf("imap: %s: a password in the URL is not accepted (it would show in process lists and shell history): "+
				"use BOUNCE_IMAP_PASSWORD, --password-file or --password-command", redactURL(raw))
		}
		m.User = u.User.Username()
	}
	if m.User == "" {
		return nil, fmt.Errorf("imap: %s: no user name: want imaps://user@host[:port]/MAILBOX", redactURL(raw))
	}
	m.Host = u.Hostname()
	if m.Host == "" {
		return nil, fmt.Errorf("imap: %s: no host", redactURL(raw))
	}
	if p := u.Port(); p != "" {
		m.Port = p
	}
	if name := strings.TrimPrefix(u.Path, "/"); name != "" {
		m.Name = name
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("imap: %s: a mailbox URL has no query or fragment", redactURL(raw))
	}
	disp := url.URL{Scheme: strings.ToLower(u.Scheme), User: url.User(m.User), Host: u.Host, Path: "/" + m.Name}
	m.Display = disp.String()
	return m, nil
}

// redactURL drops the password of a URL that has one, for error messages.
func redactURL(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	host := rest
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		host = rest[:i]
	}
	at := strings.LastIndexByte(host, '@')
	if at < 0 {
		return raw
	}
	userinfo := host[:at]
	if user, _, has := strings.Cut(userinfo, ":"); has {
		return scheme + "://" + user + ":REDACTED" + rest[at:]
	}
	return raw
}
