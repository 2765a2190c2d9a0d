package dialect

import (
	"strings"
)

// commands maps the words servers use about SMTP stages to the command.
var commands = []struct{ phrase, command string }{
	{"in reply to rcpt to", "RCPT"}, {"rcpt to", "RCPT"}, {"in reply to end of data", "DATA"},
	{"end of data", "DATA"}, {"in reply to data", "DATA"}, {"after data", "DATA"},
	{"in reply to mail from", "MAIL"}, {"mail from", "MAIL"}, {"in reply to helo", "HELO"},
	{"in reply to ehlo", "EHLO"}, {"ehlo", "EHLO"}, {"helo", "HELO"}, {"starttls", "STARTTLS"},
	{"after initial connection", "CONN"}, {"while connected", "CONN"}, {"in reply to auth", "AUTH"},
	{"after rcpt", "RCPT"}, {"after mail", "MAIL"},
}

// FindCommand returns the SMTP command a text says the failure happened at
// (RCPT, DATA, MAIL, HELO, EHLO, STARTTLS, AUTH, CONN), or "".
func FindCommand(text string) string {
	if text == "" {
		return ""
	}
	lower := strings.ToLower(text)
	for _, c := range commands {
		if strings.Contains(lower, c.phrase) {
			return c.command
		}
	}
	return ""
}

// hostIntros are the phrases servers put before the remote host's name.
var hostIntros = []string{"host ", "remote host ", "server ", "mx ", "connect to ", "from "}

// FindRemoteHost returns the first host name a text gives as the remote
// server ("host mx.example.com[192.0.2.1] said:"), or "".
func FindRemoteHost(text string) string {
	lower := strings.ToLower(text)
	for _, intro := range hostIntros {
		off := 0
		for {
			i := strings.Index(lower[off:], intro)
			if i < 0 {
				break
			}
			i += off + len(intro)
			off = i
			if h := hostAt(text[i:]); h != "" {
				return h
			}
		}
	}
	return ""
}

// hostAt returns the domain name at the start of s, when it looks like one.
func hostAt(s string) string {
	end := 0
	for end < len(s) {
		c := s[end]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' {
			end++
			continue
		}
		break
	}
	h := strings.Trim(s[:end], ".")
	if strings.Count(h, ".") < 1 || len(h) < 4 {
		return ""
	}
	// Names only: an IPv4 address is not a host name here.
	if strings.Trim(h, "0123456789.") == "" {
		return ""
	}
	return strings.ToLower(h)
}
