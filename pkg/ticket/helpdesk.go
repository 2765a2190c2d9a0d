package ticket

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/sign"
)

// helpScout reads Help Scout's reply Message-IDs,
// <reply-123-456-789@helpscout.net>: the first number is the conversation.
func helpScout(v *view) *Ticket {
	if id := helpScoutMsgID(v.msgID); id != "" {
		return &Ticket{ID: id, System: HelpScout, Source: SourceMessageID}
	}
	for _, ref := range v.refs {
		if id := helpScoutMsgID(ref); id != "" {
			return &Ticket{ID: id, System: HelpScout, Source: SourceReferences}
		}
	}
	return nil
}

func helpScoutMsgID(msgID string) string {
	local, domain, ok := splitAddr(msgID)
	if !ok || !hasLabel(domain, "helpscout") || !strings.HasPrefix(strings.ToLower(local), "reply-") {
		return ""
	}
	num, _, _ := strings.Cut(local[len("reply-"):], "-")
	if !isDigits(num) {
		return ""
	}
	return trimZeros(num)
}

// rtHeader reads Request Tracker's RT-Ticket field ("rt.example.com #123"),
// which RT adds to all its mail.
func rtHeader(v *view) *Ticket {
	// The keys in canonical form: Get then need not make it.
	for _, k := range [...]string{"Rt-Ticket", "X-Rt-Ticket"} {
		if name, id, ok := rtTag(strings.TrimSpace(v.m.Header.Get(k))); ok && name != "" {
			return &Ticket{ID: id, System: RT, Source: SourceHeader}
		}
	}
	return nil
}

// rtTag parses "name #123".
func rtTag(s string) (name, id string, ok bool) {
	name, num, found := strings.Cut(s, " #")
	name = strings.TrimSpace(name)
	if !found || name == "" || strings.ContainsAny(name, " \t[]#") || !isDigits(num) || trimZeros(num) == "" {
		return "", "", false
	}
	return name, trimZeros(num), true
}

// rtMarks reports whether the original's header says Request Tracker sent
// it (its loop-prevention, originator or Managed-BY fields).
func rtMarks(v *view) bool { return v.helpDesk() == sign.RT }

// jiraMessageID reads Jira's notification Message-IDs,
// <JIRA.10042.1700000000000.1234.1700000000001@Atlassian.JIRA>: the first
// number is the issue's numeric ID. The issue key comes from the subject
// tag when there is one.
func jiraMessageID(v *view) *Ticket {
	id, source := jiraMsgID(v.msgID), SourceMessageID
	if id == "" {
		for _, ref := range v.refs {
			if id = jiraMsgID(ref); id != "" {
				source = SourceReferences
				break
			}
		}
	}
	if id == "" {
		return nil
	}
	t := &Ticket{ID: id, System: Jira, Source: source}
	if key := jiraSubjectKey(v.subjectText()); key != "" {
		t.EncodedID, t.Source = key, SourceSubject
	}
	return t
}

func jiraMsgID(msgID string) string {
	local, domain, ok := splitAddr(msgID)
	if !ok || !strings.EqualFold(domain, "Atlassian.JIRA") || !strings.HasPrefix(local, "JIRA.") {
		return ""
	}
	num, _, _ := strings.Cut(local[len("JIRA."):], ".")
	if !isDigits(num) {
		return ""
	}
	return trimZeros(num)
}

// jiraSubjectKey returns the issue key of a Jira notification subject,
// "[JIRA] (SD-123) Printer on fire".
func jiraSubjectKey(subject string) string {
	i := strings.Index(subject, "[JIRA]")
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(subject[i+len("[JIRA]"):], " ")
	if !strings.HasPrefix(rest, "(") {
		return ""
	}
	key, _, ok := strings.Cut(rest[1:], ")")
	if !ok || !isIssueKey(key) {
		return ""
	}
	return key
}

// isIssueKey reports whether s is a Jira issue key: an upper-case project
// key (a letter, then letters, digits or _), a dash and a number.
func isIssueKey(s string) bool {
	proj, num, ok := strings.Cut(s, "-")
	if !ok || len(proj) < 1 || len(proj) > 20 || !isDigits(num) || trimZeros(num) == "" {
		return false
	}
	if proj[0] < 'A' || proj[0] > 'Z' {
		return false
	}
	for i := 1; i < len(proj); i++ {
		c := proj[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// glpiMessageID reads GLPI's notification Message-IDs,
// <GLPI_5f3a...-Ticket-123.1700000000.987654@glpi.example.com>.
func glpiMessageID(v *view) *Ticket {
	if id := glpiMsgID(v.msgID); id != "" {
		return &Ticket{ID: id, System: GLPI, Source: SourceMessageID}
	}
	for _, ref := range v.refs {
		if id := glpiMsgID(ref); id != "" {
			return &Ticket{ID: id, System: GLPI, Source: SourceReferences}
		}
	}
	return nil
}

func glpiMsgID(msgID string) string {
	local, _, ok := splitAddr(msgID)
	if !ok || !strings.HasPrefix(local, "GLPI") {
		return ""
	}
	i := strings.Index(local, "-Ticket-")
	if i < 0 {
		return ""
	}
	num := digitsAt(local, i+len("-Ticket-"))
	if end := i + len("-Ticket-") + len(num); num == "" || end < len(local) && local[end] != '.' {
		return ""
	}
	return trimZeros(num)
}

// subjectTag reads the ticket tags help desks put in the subjects they
// send. A bare number is never a ticket; only these bracketed tags are:
//
//	[Ticket#2024010110000011]  OTRS, Znuny, Zammad (system zammad when X-Zammad-* fields are present)
//	[rt.example.com #123]      Request Tracker (a name with a dot, or any name with RT's header fields)
//	[JIRA] (SD-123)            Jira Service Management (the key is the encoded ID)
//	[GLPI #0000123]            GLPI
//	[#123]                     Freshdesk or osTicket (osticket when X-Mailer or X-osTicket-* says so; else freshdesk)
//
// The subject is the help desk's own: the original is the mail it sent (or,
// when none came back, its subject as the bounce's Subject quotes it). The
// first tag in this order wins.
func subjectTag(v *view) *Ticket {
	h, _ := v.subjectHeader()
	if raw := h.Get("Subject"); !strings.Contains(raw, "[") && !strings.Contains(raw, "=?") {
		return nil // no tag, and no encoded word to hide one: not worth decoding
	}
	s := v.subjectText()
	if !strings.Contains(s, "[") {
		return nil
	}
	if id := bracketNumber(s, "[Ticket#"); id != "" {
		sys := OTRS
		if v.hasPrefixedField("X-Zammad") {
			sys = Zammad
		}
		return &Ticket{ID: id, System: sys, Source: SourceSubject}
	}
	if id := rtSubject(s, rtMarks(v)); id != "" {
		return &Ticket{ID: id, System: RT, Source: SourceSubject}
	}
	if key := jiraSubjectKey(s); key != "" {
		return &Ticket{EncodedID: key, System: Jira, Source: SourceSubject}
	}
	if id := bracketNumber(s, "[GLPI #"); id != "" {
		return &Ticket{ID: id, System: GLPI, Source: SourceSubject}
	}
	if id := bracketNumber(s, "[#"); id != "" {
		sys := Freshdesk
		if v.helpDesk() == sign.OSTicket {
			sys = OSTicket
		}
		return &Ticket{ID: id, System: sys, Source: SourceSubject}
	}
	return nil
}

// bracketNumber returns the number of the first "<open>123]" in s (open is
// "[Ticket#", "[#", ...), without leading zeros.
func bracketNumber(s, open string) string {
	for i := 0; ; {
		j := strings.Index(s[i:], open)
		if j < 0 {
			return ""
		}
		i += j + len(open)
		num := digitsAt(s, i)
		if num != "" && i+len(num) < len(s) && s[i+len(num)] == ']' && trimZeros(num) != "" {
			return trimZeros(num)
		}
	}
}

// rtSubject returns the ticket number of an RT subject tag "[name #123]". The
// name must look like a host name (rt.example.com), unless the header shows
// RT sent the message: "[Note #12]" is someone's text.
func rtSubject(s string, marked bool) string {
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '[')
		if j < 0 {
			return ""
		}
		i += j + 1
		end := strings.IndexByte(s[i:], ']')
		if end < 0 {
			return ""
		}
		if name, id, ok := rtTag(s[i : i+end]); ok && (marked || hostLike(name)) &&
			!strings.EqualFold(name, "GLPI") && !strings.HasPrefix(name, "Ticket") {
			return id
		}
	}
}

// hostLike reports whether s looks like a host name: letters, digits, dots
// and dashes, with a letter and an inner dot.
func hostLike(s string) bool {
	dot, letter := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if i == 0 || i == len(s)-1 || s[i-1] == '.' {
				return false
			}
			dot = true
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letter = true
		case c >= '0' && c <= '9' || c == '-':
		default:
			return false
		}
	}
	return dot && letter
}
