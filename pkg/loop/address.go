package loop

import (
	"strings"
	"unicode"

	"github.com/emersion/go-message/mail"
)

// fromAddress returns the lowercased addr-spec of the first From address,
// or "" when there is none.
func fromAddress(h mail.Header) string {
	v := h.Get("From")
	if strings.TrimSpace(v) == "" {
		return ""
	}
	if l, err := mail.ParseAddressList(v); err == nil && len(l) > 0 {
		return strings.ToLower(l[0].Address)
	}
	return lenientAddress(v)
}

// lenientAddress extracts an addr-spec from a header value that
// net/mail refuses.
//
// QUIRK: RFC 5322 section 3.4 forbids unquoted dots and brackets in display
// names, yet "Mail Delivery System <MAILER-DAEMON@mx.example>"-style values
// with such names, and bare addresses with trailing comments, arrive from
// autoresponders. Take the last <...> with an @, else the first word with an @.
func lenientAddress(v string) string {
	if i := strings.LastIndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			if a := strings.TrimSpace(v[i+1 : i+j]); strings.Contains(a, "@") {
				return strings.ToLower(a)
			}
		}
	}
	for _, w := range strings.FieldsFunc(v, func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == ';' || r == '<' || r == '>' || r == '(' || r == ')' || r == '"'
	}) {
		if strings.Contains(w, "@") {
			return strings.ToLower(w)
		}
	}
	return ""
}

// envelopeAddress normalises an mbox envelope sender: lowercased, without
// angle brackets. "<>" (the null reverse-path) gives "".
func envelopeAddress(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "<")
	s = strings.TrimSuffix(s, ">")
	return strings.ToLower(strings.TrimSpace(s))
}

// splitAddress splits an address at its last @. An address without @ has
// only a local part.
func splitAddress(addr string) (local, domain string) {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return addr, ""
	}
	return addr[:i], addr[i+1:]
}

// stripTag removes a plus-address tag: support+id123@acme.example becomes
// support@acme.example. A local part that starts with + keeps it.
func stripTag(addr string) string {
	local, domain := splitAddress(addr)
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	if domain == "" {
		return local
	}
	return local + "@" + domain
}

// localTokens splits a local part into its runs of letters, lowercased, so
// that no_reply, no-reply, NoReply2 and no.reply compare alike.
func localTokens(local string) []string {
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	return strings.FieldsFunc(strings.ToLower(local), func(r rune) bool {
		return !unicode.IsLetter(r)
	})
}

// noReplyWords are the no-reply local parts with separators removed.
var noReplyWords = [...]string{"noreply", "donotreply", "dontreply", "noreplies"}

// isNoReply reports whether an address's local part says that replies are
// unwelcome. The words must stand alone between separators or digits:
// no-reply-billing@ and notifications.noreply@ match, noreplyallowed@ and
// reply@ don't.
func isNoReply(addr string) bool {
	local, _ := splitAddress(addr)
	toks := localTokens(local)
	for i := range toks {
		joined := ""
		for j := i; j < len(toks) && j < i+3; j++ {
			joined += toks[j]
			for _, w := range noReplyWords {
				if joined == w {
					return true
				}
			}
		}
	}
	return false
}

// isMailerDaemon reports whether an address belongs to a mail system rather
// than a person: MAILER-DAEMON, mailer_daemon, postmaster, mail-daemon.
func isMailerDaemon(addr string) bool {
	local, _ := splitAddress(addr)
	switch strings.Join(localTokens(local), "") {
	case "mailerdaemon", "maildaemon", "postmaster":
		return true
	}
	return false
}
