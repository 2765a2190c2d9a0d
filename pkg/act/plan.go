package act

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/status"
	"github.com/bounce-tool/bounce/pkg/ticket"
)

// Marker starts the line of a note that names a group it reports:
// "bounce-group: 1a2b3c4d5e6f7a8b". A reader of the ticket (or a script)
// can tell from it which bounces are already on the ticket.
const Marker = "bounce-group: "

// Group is a failure group: the bounce records about one original message
// and one recipient (bounce.Record.Group).
type Group struct {
	// Key is the records' group key.
	Key string
	// Latest is the group's latest record: the later date wins, else the
	// record read later. Its class decides whether the group failed.
	Latest bounce.Record
	// Ticket is the group's ticket, nil when no record has one. A record
	// that knows the ticket's number fills it in for the others.
	Ticket *ticket.Ticket
	// Records counts the records of the group.
	Records int
	// Conflict is set when records of the group name different tickets:
	// the group is then unresolved.
	Conflict bool

	seq   int   // input order of Latest
	first int   // input order of the first record
	at    int64 // Latest's date as Unix nanoseconds, 0 when undated
}

// Failed reports whether the group's latest state is a failure
// (permanent or temporary).
func (g *Group) Failed() bool { return g.Latest.IsFailure() }

// Collector gathers bounce records into groups. The zero value is ready to
// use; it is not safe for concurrent use.
type Collector struct {
	groups  map[string]*Group
	changed map[string]bool // groups changed since the last Take
	seq     int
}

// Add adds a record; records of other kinds than bounce are ignored.
func (c *Collector) Add(r *bounce.Record) {
	if r.Kind != bounce.KindBounce {
		return
	}
	c.seq++
	key := r.Group
	if key == "" {
		key = bounce.GroupKey("none:", r.Recipient)
	}
	if c.groups == nil {
		c.groups = map[string]*Group{}
	}
	at := int64(0)
	if t, err := time.Parse(time.RFC3339, r.Date); err == nil {
		at = t.UnixNano()
	}
	g, ok := c.groups[key]
	if !ok {
		g = &Group{Key: key, first: c.seq}
		c.groups[key] = g
	}
	g.Records++
	if c.changed == nil {
		c.changed = map[string]bool{}
	}
	c.changed[key] = true
	if r.Ticket != nil {
		g.addTicket(r.Ticket)
	}
	if !ok || later(at, c.seq, g.at, g.seq) {
		g.Latest, g.seq, g.at = *r, c.seq, at
		g.Latest.Ticket = nil // the group's ticket is Ticket
	}
}

// later reports whether a record dated at (0: undated), read at seq,
// replaces the group's latest: unless both are dated and it is older, the
// record read later wins.
func later(at int64, seq int, curAt int64, curSeq int) bool {
	if at != 0 && curAt != 0 && at != curAt {
		return at > curAt
	}
	return seq > curSeq
}

// addTicket merges a record's ticket into the group's: the same ticket
// (system and encoded ID) may add its number; another ticket is a
// conflict.
func (g *Group) addTicket(t *ticket.Ticket) {
	if g.Ticket == nil {
		c := *t
		g.Ticket = &c
		return
	}
	cur := g.Ticket
	same := cur.System == t.System &&
		(cur.EncodedID == t.EncodedID || cur.EncodedID == "" || t.EncodedID == "") &&
		(cur.ID == t.ID || cur.ID == "" || t.ID == "")
	if !same {
		g.Conflict = true
		return
	}
	if cur.ID == "" && t.ID != "" {
		cur.ID = t.ID
	}
	if cur.EncodedID == "" && t.EncodedID != "" {
		cur.EncodedID = t.EncodedID
	}
}

// Groups returns the failed groups with a ticket, in the order their first
// record was read.
func (c *Collector) Groups() []*Group {
	return c.failed(func(string) bool { return true })
}

// Take returns the failed groups with a ticket that records added since
// the last Take (or since the start) changed, in the order their first
// record was read. A stream that never ends (bounce watch) is written in
// steps this way; the groups stay known, so that a later record of a group
// (the failure after a delay) still merges with the earlier ones.
func (c *Collector) Take() []*Group {
	out := c.failed(func(k string) bool { return c.changed[k] })
	clear(c.changed)
	return out
}

func (c *Collector) failed(keep func(string) bool) []*Group {
	var out []*Group
	for k, g := range c.groups {
		if g.Failed() && g.Ticket != nil && keep(k) {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b *Group) int { return a.first - b.first })
	return out
}

// Note is what is written onto one ticket: a private note reporting its
// groups not yet written, and tags.
type Note struct {
	// TicketID is the ticket the target writes to (Target.TicketID).
	TicketID string
	// Ticket is the ticket as found in the bounces.
	Ticket ticket.Ticket
	// Parts are the groups the note reports, each with its text.
	Parts []Part
	// Body is the note's text: the parts' texts, a blank line apart.
	Body string
	// Tags are the tags to add: bounce, bounce_permanent or
	// bounce_temporary, and bounce_<reason>.
	Tags []string
	// Reopen asks the target to reopen the ticket (set when a part is a
	// permanent failure and the Runner's Reopen is set).
	Reopen bool
}

// Part is one group of a note and the text reporting it.
type Part struct {
	Group *Group
	Text  string
}

// newNote builds the note reporting groups on ticket id.
func newNote(id string, t ticket.Ticket, groups []*Group, reopen bool) *Note {
	n := &Note{TicketID: id, Ticket: t}
	texts := make([]string, 0, len(groups))
	tags := []string{"bounce"}
	for _, g := range groups {
		text := GroupText(g)
		n.Parts = append(n.Parts, Part{Group: g, Text: text})
		texts = append(texts, text)
		tags = append(tags, Tags(&g.Latest)...)
		if reopen && g.Latest.Class == status.ClassPermanent {
			n.Reopen = true
		}
	}
	n.Body = strings.Join(texts, "\n\n")
	seen := map[string]bool{}
	for _, t := range tags {
		if !seen[t] {
			seen[t] = true
			n.Tags = append(n.Tags, t)
		}
	}
	return n
}

// Tags returns the tags of a failed record: bounce, bounce_permanent or
// bounce_temporary, and bounce_<reason> when the reason is known.
func Tags(r *bounce.Record) []string {
	tags := []string{"bounce"}
	switch r.Class {
	case status.ClassPermanent, status.ClassTemporary:
		tags = append(tags, "bounce_"+r.Class.String())
	}
	if tag := tagWord(r.Reason); tag != "" {
		tags = append(tags, "bounce_"+tag)
	}
	return tags
}

// tagWord keeps the letters, digits and underscores of s, in lower case.
func tagWord(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// maxDiagnostic bounds the server's words quoted in a note, in runes.
const maxDiagnostic = 500

// GroupText returns the text that reports a group on its ticket: what
// failed, the status and its title, the class, the reason, what to do, the
// reporting server, the date, the server's words (sanitised and cut) and
// the marker line.
func GroupText(g *Group) string {
	r := &g.Latest
	var b strings.Builder
	rcpt := clean(r.Recipient, 200)
	if rcpt == "" {
		rcpt = "the recipient"
	}
	switch r.Class {
	case status.ClassPermanent:
		fmt.Fprintf(&b, "Delivery failed: the reply on this ticket did not reach %s, and a retry will not help.\n", rcpt)
	default:
		fmt.Fprintf(&b, "Delivery delayed: the reply on this ticket has not reached %s yet; the mail server keeps trying.\n", rcpt)
	}
	line := func(label, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\n", label, v)
		}
	}
	line("Recipient", rcpt)
	var action string
	code := r.Status.String()
	if r.Status.IsZero() && r.ReplyCode != 0 {
		code = r.ReplyCode.String()
	}
	st := r.Status.String()
	if !r.Status.IsZero() {
		if title := status.Describe(r.Status); title != "" {
			st += " (" + title + ")"
		}
	}
	line("Status", st)
	if e, err := status.Explain(code); err == nil {
		action = e.Action
	}
	line("Class", classText(r.Class))
	line("Reason", clean(r.Reason, 40))
	line("What to do", action)
	line("Reporting server", clean(r.ReportingMTA, 200))
	line("Date", clean(r.Date, 40))
	if s := clean(r.Original.Subject, 200); s != "" {
		line("Subject", s)
	}
	line("Server said", clean(r.Diagnostic, maxDiagnostic))
	b.WriteString(Marker + g.Key)
	return b.String()
}

func classText(class status.Class) string {
	switch class {
	case status.ClassPermanent:
		return "permanent (a retry will not help)"
	case status.ClassTemporary:
		return "temporary (the sender retries; it may still get through)"
	}
	return class.String()
}

// clean makes s safe to quote in a note: control and format characters
// become spaces, runs of spaces one, invalid UTF-8 is dropped, and the
// text is cut to max runes with an ellipsis.
func clean(s string, max int) string {
	var b strings.Builder
	n, space := 0, false
	for len(s) > 0 {
		c, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if c == utf8.RuneError && size == 1 {
			continue
		}
		if unicode.IsSpace(c) || unicode.IsControl(c) || unicode.Is(unicode.Cf, c) {
			space = b.Len() > 0
			continue
		}
		need := 1
		if space {
			need = 2
		}
		if n+need > max {
			b.WriteString("…")
			break
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(c)
		n++
	}
	return b.String()
}
