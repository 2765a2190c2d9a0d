package sign

import (
	"strings"

	"unicode"

	"github.com/bounce-tool/bounce/pkg/internal/phrase"

	"github.com/emersion/go-message/mail"
)

// systemLocals are the local parts of the mail system's own addresses,
// with everything but letters removed and lowercased: MAILER-DAEMON,
// mailer_daemon, Mail.Daemon and mailer-daemon2 are all "mailerdaemon".
var systemLocals = []string{
	"mailerdaemon", "maildaemon", "mailerdeamon", "postmaster", "postoffice", "mdaemon", "doublebounce",
	"maildelivery", "mailsystem", "mailadmin", "mailadministrator", "daemon",
	"ndr",
}

// systemNames are display-name words of the mail system's own messages,
// lowercase: "Mail Delivery System", "Mail Delivery Subsystem",
// "Mail Administrator", "System Administrator" (Exchange 5.5 and 2000),
// "Postmaster".
var systemNames = []string{
	"mail delivery", "mailer-daemon", "mailer daemon", "mail-daemon", "mail administrator", "mail system",
	"system administrator", "postmaster", "delivery subsystem", "mail.delivery", "mail-delivery",
}

// systemNameSet indexes systemNames: a From field is searched for all of
// them in one pass.
var systemNameSet = phrase.New(systemNames...)

// MailSystemSearch are the words a mail server's SEARCH FROM (a substring
// match on the From field) finds the mail system's messages by: the
// server-side twin of FromMailSystem, for filtering a mailbox before
// fetching (IMAP --from-daemon).
var MailSystemSearch = []string{"mailer-daemon", "postmaster"}

// MailSystem reports whether an address (an addr-spec, or a bare local
// part as mbox From_ lines write MAILER-DAEMON) belongs to the mail system
// rather than to a person. Case, separators and digits in the local part
// do not matter; a plus tag does not count.
func MailSystem(addr string) bool {
	local := addr
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		local = addr[:i]
	}
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	var b [32]byte
	key := b[:0]
	for _, r := range local {
		if len(key) >= len(b) {
			return false
		}
		switch {
		case r >= 'a' && r <= 'z':
			key = append(key, byte(r))
		case r >= 'A' && r <= 'Z':
			key = append(key, byte(r)+'a'-'A')
		case r < 0x80 && !unicode.IsLetter(r):
		default:
			return false
		}
	}
	for _, l := range systemLocals {
		if string(key) == l {
			return true
		}
	}
	return false
}

// FromMailSystem reports whether a From field value names the mail system:
// its address does (MailSystem) or its display name does ("Mail Delivery
// System <x@y>"). Values net/mail refuses are read leniently. It makes no
// copy of the value: it runs on every message's header.
func FromMailSystem(from string) bool {
	if systemNameSet.AnyFold(from) {
		return true
	}
	return MailSystem(fromAddress(from))
}

// fromAddress returns the address of a From value as written: the last
// <...> that holds an @, else the first word with an @, else the value
// (an mbox From_ line's bare MAILER-DAEMON).
func fromAddress(v string) string {
	if i := strings.LastIndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 && strings.IndexByte(v[i:i+j], '@') > 0 {
			return v[i+1 : i+j]
		}
	}
	for _, w := range strings.Fields(v) {
		if strings.IndexByte(w, '@') > 0 {
			return strings.Trim(w, "<>()\",;")
		}
	}
	return strings.TrimSpace(v)
}

// Address returns the lowercased addr-spec of the first address of a header
// field value such as From, or "" when there is none.
//
// QUIRK: RFC 5322 section 3.4 forbids unquoted dots and brackets in display
// names, yet "Mail Delivery System <MAILER-DAEMON@mx.example>"-style values
// with such names, and bare addresses with trailing comments, arrive from
// mail systems and autoresponders. Take the last <...> with an @, else the
// first word with an @.
func Address(v string) string {
	if strings.TrimSpace(v) == "" {
		return ""
	}
	if l, err := mail.ParseAddressList(v); err == nil && len(l) > 0 {
		return strings.ToLower(l[0].Address)
	}
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

// NullSender reports whether a Return-Path value is the null reverse-path
// <> that RFC 5321 section 4.5.5 asks of delivery reports and RFC 3834 of
// auto-replies.
func NullSender(returnPath string) bool {
	return strings.Join(strings.Fields(returnPath), "") == "<>"
}

// NullEnvelopeSender reports whether an mbox From_ line's sender stands for
// the null reverse-path (RFC 5321 section 4.5.5), the sender of delivery
// reports and auto-replies: "<>", or MAILER-DAEMON, which local delivery
// agents (Postfix local, procmail) write there for it.
func NullEnvelopeSender(sender string) bool {
	s := strings.Join(strings.Fields(sender), "")
	return s == "<>" || strings.EqualFold(strings.Trim(s, "<>"), "mailer-daemon")
}
