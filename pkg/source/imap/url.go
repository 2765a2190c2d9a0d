package imap

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Mailbox names one mailbox on a server, from an imap:// or imaps:// URL.
type Mailbox struct {
	TLS     bool   // imaps: TLS from the start
	User    string // the login name
	Host    string // host:port
	Name    string // the mailbox, "INBOX" by default
	hostRaw string // the host as written, for the redacted URL
}

// ParseURL reads an imap:// or imaps:// URL. A password in the URL is
// refused: secrets come from the environment, a file or a command, never
// from a command line that others can read.
func ParseURL(s string) (*Mailbox, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, errors.New("imap: not a mailbox URL (imaps://user@host/MAILBOX)")
	}
	m := &Mailbox{}
	switch strings.ToLower(u.Scheme) {
	case "imaps":
		m.TLS = true
	case "imap":
	default:
		return nil, fmt.Errorf("imap: %s: the scheme must be imap or imaps", Redact(s))
	}
	if u.User == nil || u.User.Username() == "" {
		return nil, fmt.Errorf("imap: %s: name the user (imaps://user@host/MAILBOX)", Redact(s))
	}
	if _, set := u.User.Password(); set {
		return nil, fmt.Errorf("imap: %s: a password in the URL is refused; set BOUNCE_IMAP_PASSWORD or use --password-file or --password-command", Redact(s))
	}
	m.User = u.User.Username()
	if u.Hostname() == "" {
		return nil, fmt.Errorf("imap: %s: no host", Redact(s))
	}
	port := u.Port()
	if port == "" {
		port = "143"
		if m.TLS {
			port = "993"
		}
	}
	m.hostRaw = u.Host
	m.Host = net.JoinHostPort(u.Hostname(), port)
	m.Name = strings.TrimPrefix(u.Path, "/")
	if m.Name == "" {
		m.Name = "INBOX"
	}
	return m, nil
}

// String is the mailbox's URL without any secret: the records' source.
func (m *Mailbox) String() string {
	scheme := "imap"
	if m.TLS {
		scheme = "imaps"
	}
	u := url.URL{Scheme: scheme, User: url.User(m.User), Host: m.hostRaw, Path: "/" + m.Name}
	return u.String()
}

// Redact returns s, a URL as a user wrote it, with any password replaced
// by "xxxxx", for error messages.
func Redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unreadable URL)"
	}
	return u.Redacted()
}
