package ticket

import (
	"slices"
	"strings"

	mimeheader "github.com/bounce-tool/bounce/pkg/header"
	"github.com/bounce-tool/bounce/pkg/parts"
	"github.com/bounce-tool/bounce/pkg/sign"
)

// Message is what Find looks at: the returned original of a bounce, and the
// bounce's own header for the one thing it may add.
type Message struct {
	// Header is the header of the returned original; the zero value when
	// the bounce returned none.
	Header mimeheader.Header
	// Body is the decoded text of the returned original (parts.Original.Body).
	Body string
	// Bounce is the header of the bounce (or auto-reply) itself. Only its
	// In-Reply-To and References are read, and only when Header has no
	// Message-ID: they then name the message that bounced; and, when no
	// original came back (Header is empty), the original's subject its
	// Subject quotes after a report's prefix ("Undeliverable: [#91] Order
	// update", sign.QuotedSubject). The bounce's addresses and prose are
	// never read.
	Bounce mimeheader.Header
}

// Finder finds the ticket a returned original belongs to. Build one with
// NewFinder; the nil *Finder knows the built-in help desks only. A Finder is
// safe for concurrent use.
type Finder struct {
	patterns []Pattern
	refMap   *Map
}

// Options configure a Finder.
type Options struct {
	// Patterns are the user's own ticket patterns, tried after the
	// references help desks put in headers and before subject tags.
	Patterns []Pattern
	// Map gives numeric ticket IDs for Message-IDs and encoded IDs; nil for
	// none.
	Map *Map
}

// NewFinder returns a Finder with opts.
func NewFinder(opts Options) *Finder {
	return &Finder{patterns: opts.Patterns, refMap: opts.Map}
}

// Find returns the ticket m belongs to, or nil when nothing credible links
// it to one. A wrong link is worse than none: see the package doc for what
// counts as evidence and in which order it is used.
func (f *Finder) Find(m Message) *Ticket {
	var view view
	v := &view
	v.init(m)
	t, ambiguous := zendesk(v)
	if ambiguous {
		return nil
	}
	// Called one by one rather than from a list of functions, so that the
	// view stays on the stack.
	if t == nil {
		t = helpScout(v)
	}
	if t == nil {
		t = rtHeader(v)
	}
	if t == nil {
		t = jiraMessageID(v)
	}
	if t == nil {
		t = glpiMessageID(v)
	}
	if t == nil && f != nil {
		t = f.custom(v)
	}
	if t == nil {
		t = subjectTag(v)
	}
	if f != nil && f.refMap != nil {
		t = f.refMap.apply(t, v)
	}
	return t
}

// view holds what Find reads from a Message, each part worked out once.
type view struct {
	m Message
	// msgID is the original's Message-ID without angle brackets.
	msgID string
	// refs are the Message-IDs the original refers to: In-Reply-To first,
	// then References from the last (the parent) to the first; then the
	// bounce's own, when msgID is empty.
	refs []string
	// subject is the original's decoded subject.
	subject     string
	subjectDone bool
	// desk is the help desk the original's header names (sign.HelpDesk).
	desk     string
	deskDone bool
}

// init sets v up to read m.
func (v *view) init(m Message) {
	*v = view{m: m}
	v.msgID = firstMsgID(m.Header.Get("Message-Id"))
	v.refs = threadIDs(nil, m.Header)
	if v.msgID == "" {
		v.refs = threadIDs(v.refs, m.Bounce)
	}
}

// helpDesk returns sign.HelpDesk of the original's header.
func (v *view) helpDesk() string {
	if !v.deskDone {
		v.deskDone = true
		v.desk = sign.HelpDesk(v.m.Header)
	}
	return v.desk
}

func (v *view) subjectText() string {
	if !v.subjectDone {
		v.subjectDone = true
		h, quoted := v.subjectHeader()
		s, err := h.Subject()
		if err != nil || s == "" {
			s = h.Get("Subject")
		}
		if quoted {
			s, _ = sign.QuotedSubject(s)
		}
		v.subject = strings.Join(strings.Fields(s), " ")
	}
	return v.subject
}

// subjectHeader returns the header whose Subject holds the original's
// subject: the original's own, or, when no original came back, the
// bounce's, which quotes it after a report's prefix (quoted).
func (v *view) subjectHeader() (h mimeheader.Header, quoted bool) {
	if v.m.Header.Len() == 0 {
		return v.m.Bounce, true
	}
	return v.m.Header, false
}

// hasPrefixedField reports whether the original's header has a field whose
// name starts with prefix (canonical case, e.g. "X-Zendesk-").
func (v *view) hasPrefixedField(prefix string) bool {
	for _, f := range v.m.Header.List() { // names as written: compared ignoring case
		if len(f.Key) >= len(prefix) && strings.EqualFold(f.Key[:len(prefix)], prefix) {
			return true
		}
	}
	return false
}

// threadIDs appends the Message-IDs of h's In-Reply-To and References,
// nearest first.
func threadIDs(dst []string, h mimeheader.Header) []string {
	dst = parts.AppendMsgIDs(dst, h.Get("In-Reply-To"))
	from := len(dst)
	dst = parts.AppendMsgIDs(dst, references(h))
	slices.Reverse(dst[from:])
	return dst
}

// references returns the values of h's References fields joined by
// spaces; the one value itself when there is one.
func references(h mimeheader.Header) string {
	first, n := "", 0
	for v := range h.All("References") {
		if n == 0 {
			first = v
		}
		n++
		if n > 1 {
			return strings.Join(h.Values("References"), " ")
		}
	}
	return first
}

func firstMsgID(s string) string {
	var buf [4]string
	if ids := parts.AppendMsgIDs(buf[:0], s); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// splitAddr splits a Message-ID or address at its last '@'.
func splitAddr(s string) (local, domain string, ok bool) {
	i := strings.LastIndexByte(s, '@')
	if i <= 0 || i == len(s)-1 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// hasLabel reports whether the domain has the label (case-insensitive):
// hasLabel("acme.zendesk.com", "zendesk").
func hasLabel(domain, label string) bool {
	for domain != "" {
		l := domain
		if i := strings.IndexByte(domain, '.'); i >= 0 {
			l, domain = domain[:i], domain[i+1:]
		} else {
			domain = ""
		}
		if len(l) == len(label) && strings.EqualFold(l, label) {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// trimZeros drops the leading zeros of a number ("0000123" -> "123"); "" for
// zero itself, which is no ticket.
func trimZeros(s string) string {
	return strings.TrimLeft(s, "0")
}

// lineAt returns the line of s around index i.
func lineAt(s string, i int) string {
	start := strings.LastIndexByte(s[:i], '\n') + 1
	end := strings.IndexByte(s[i:], '\n')
	if end < 0 {
		return s[start:]
	}
	return s[start : i+end]
}

// quoted reports whether a line is a quoted reply line ("> ..."), whose
// text another message wrote.
func quoted(line string) bool {
	return strings.HasPrefix(strings.TrimLeft(line, " \t"), ">")
}
