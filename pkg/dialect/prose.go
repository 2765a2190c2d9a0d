package dialect

import (
	"bytes"
	"slices"
	"strings"

	"github.com/bounce-tool/bounce/pkg/internal/phrase"
	"github.com/bounce-tool/bounce/pkg/sign"
	"github.com/bounce-tool/bounce/pkg/status"
)

// The prose reader: what every human-readable bounce has in common. Servers
// name the failed recipients in a list introduced by a phrase ("The
// following address(es) failed:"), or at the start of a line ("<ann@x>:",
// "550 <ann@x>... User unknown"), or after a word that makes them the
// recipient ("RCPT TO:<ann@x>", "delivering your mail to <ann@x>"). The
// server's words about a recipient follow its address, or stand in a
// paragraph of their own that carries an SMTP reply or a status code.

// role is what an address is on its line.
type role int

const (
	roleOther     role = iota // somewhere in a sentence
	roleSender                // after "from", "sender", "MAIL FROM:"
	roleLead                  // the first thing on the line
	roleRecipient             // after "to", "RCPT TO:", "recipient", ...
)

// senderWords end the text before an address that is a sender, lowercase.
var senderWords = []string{"from:", "from", "sender:", "sender", "return-path:", "reply-to:", "errors-to:",
	"mailfrom=", "envelope-from", "expanded from:", "by", "sent by", "return path:", "originator:"}

// recipientWords end the text before an address that is a recipient.
var recipientWords = []string{"to:", "to", "rcpt to:", "recipient:", "recipient", "recipients:", "address:",
	"address", "addressee:", "user:", "user", "mailbox:", "mailbox", "for", "deliver to", "delivered to",
	"delivery to", "account:", "account", "destination:", "mail to", "message to", "rcpt:", "email:",
	"e-mail:", "original-recipient:", "final-recipient:", "rfc822;", "receiver:", "recipient address:"}

// addrRole tells what the address a is on the line, ASCII case ignored.
func addrRole(line string, a addrAt) role {
	before := strings.TrimRight(line[:a.start], " \t<\"'([")
	if hasSuffixFold(before, "smtp:") {
		// "Recipient: [SMTP:ann@example.com]", "dda:SMTP=": the address
		// type a gateway writes before the address.
		before = strings.TrimRight(before[:len(before)-len("smtp:")], " \t<\"'([")
	}
	for _, w := range senderWords {
		if hasSuffixFold(before, w) && wordStart(before, len(before)-len(w)) {
			return roleSender
		}
	}
	if leadPrefix(before) {
		return roleLead
	}
	for _, w := range recipientWords {
		if hasSuffixFold(before, w) && wordStart(before, len(before)-len(w)) {
			return roleRecipient
		}
	}
	return roleOther
}

// wordStart reports whether offset i in s begins a word, ASCII case
// ignored.
func wordStart(s string, i int) bool {
	return i <= 0 || !inWord(phrase.Lower(s[i-1]))
}

// inWord reports whether c, a lowercase byte, continues a word.
func inWord(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// leadPrefix reports whether the text before an address holds nothing but
// bullets, quote marks and SMTP codes ("", "  * ", "<<< 550", "550 5.1.1").
func leadPrefix(before string) bool {
	for f, rest := nextField(before); f != ""; f, rest = nextField(rest) {
		if isPunct(f) {
			continue
		}
		f = strings.TrimRight(f, "-:")
		if _, ok := status.ParseReply(f); ok && len(f) == 3 {
			continue
		}
		if _, ok := status.Parse(strings.Trim(f, "#()")); ok {
			continue
		}
		return false
	}
	return true
}

// nextField returns the first of the fields strings.Fields splits s into,
// or "" when there is none, and the text after it.
func nextField(s string) (field, rest string) {
	i := 0
	for i < len(s) {
		size, sp := spaceAt(s, i)
		if !sp {
			break
		}
		i += size
	}
	j := wordEnd(s, i)
	return s[i:j], s[j:]
}

// isPunct reports whether s is made of bullets and punctuation only.
func isPunct(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("*-•>#:.()[]<|+=~・●■◆→", r) {
			return false
		}
	}
	return true
}

// proseLine is one line of the report.
type proseLine struct {
	text    string
	start   int32 // offset of text in the report (and of its lowercase twin)
	blank   bool
	heading bool // a dashed section heading or a reason heading
	dashed  bool // a dashed section heading
	list    bool // introduces a list of recipients
	// The candidates of the line start at cands[cand0]; named is set when
	// one of them is a recipient by its place (candidate.named), lead when
	// one of those starts the line (roleLead).
	cand0       int32
	named, lead bool
	// The addresses of the line are reading.addrs[addr0:addr1].
	addr0, addr1 int32
}

// candidate is an address found in a recipient's place.
type candidate struct {
	addr   string // as written
	key    string // lowercase
	line   int
	role   role
	inList bool // inside a list of recipients
	// named: a recipient by its place (strong) that is neither a sender
	// of the prose nor one of the addresses read excludes.
	named bool
	next  int // index in cands of the next candidate with the same key; 0 for none
	// ev is the evidence about key, kept on the key's first candidate
	// once asked for (said).
	ev   string
	said bool
}

// reading is the prose of one report taken apart.
type reading struct {
	report  string // the text the lines are of
	lines   []proseLine
	cands   []candidate
	byKey   map[string]int  // index in cands of each address's first candidate; nil when there are few (see link)
	senders map[string]bool // addresses in a sender's place; nil when none
	hasList bool
	// Computed on first use: the paragraphs of the report that carry
	// codes or follow a reason heading, and the summary of the notice.
	// The evidence about each address asked about (prose and complete
	// ask about the same ones) is kept on its first candidate.
	globals   []string
	summaryOf *string
	addrs     []addrAt // the addresses of every line (proseLine.addr0), found once for read and bare
}

// read splits a report text into lines and finds the addresses in it,
// into r, in the arrays r had. Addresses in exclude (the original's
// senders) are not recipients by their place alone.
func (r *reading) read(report string, exclude map[string]bool) {
	*r = reading{report: report, lines: r.lines[:0], cands: r.cands[:0], addrs: r.addrs[:0]}
	n := strings.Count(report, "\n") + 1
	r.lines = slices.Grow(r.lines, n)[:n]
	for i, start := 0, 0; i < n; i++ {
		end := strings.IndexByte(report[start:], '\n')
		if end < 0 {
			end = len(report) - start
		}
		end += start
		t := report[start:end]
		pl := proseLine{text: t, start: int32(start), blank: strings.TrimSpace(t) == ""}
		start = end + 1
		if !pl.blank {
			pl.list = listMarkerSet.AnyFold(t) && !notListMarkerSet.AnyFold(t)
			pl.dashed = sectionHeading(t)
			pl.heading = pl.dashed || reasonHeading(t)
		}
		r.lines[i] = pl
	}
	// A line underlined with "=====" or "-----" is a heading too.
	for i := 1; i < len(r.lines); i++ {
		if r.lines[i].blank || r.lines[i-1].blank {
			continue
		}
		if t := strings.TrimSpace(r.lines[i].text); len(t) >= 4 && underline(t[0]) && strings.Trim(t, "=-_") == "" {
			r.lines[i-1].dashed, r.lines[i-1].heading = true, true
			r.lines[i].dashed, r.lines[i].heading = true, true
		}
	}
	inList := false
	for i := range r.lines {
		pl := &r.lines[i]
		switch {
		case pl.list:
			inList, r.hasList = true, true
		case pl.heading:
			inList = false
		}
		if strings.IndexByte(pl.text, '@') < 0 {
			continue
		}
		// QUIRK: RFC 2045 section 6.7 soft line breaks left undecoded (a
		// part whose Content-Transfer-Encoding got lost) split an address
		// over two lines; the second half is not at the start of a line.
		softBreak := i > 0 && strings.HasSuffix(r.lines[i-1].text, "=")
		pl.cand0 = int32(len(r.cands))
		pl.addr0 = int32(len(r.addrs))
		r.addrs = appendAddrs(r.addrs, pl.text)
		pl.addr1 = int32(len(r.addrs))
		for _, a := range r.addrs[pl.addr0:pl.addr1] {
			rl := addrRole(pl.text, a)
			if softBreak && rl == roleLead && a.start < 2 {
				rl = roleOther
			}
			key := LowerASCII(a.addr)
			if rl == roleSender {
				if r.senders == nil {
					r.senders = map[string]bool{}
				}
				r.senders[key] = true
				continue
			}
			r.cands = append(r.cands, candidate{addr: a.addr, key: key, line: i, role: rl, inList: inList})
		}
	}
	r.link()
	for i := range r.cands {
		c := &r.cands[i]
		if c.strong() && !r.senders[c.key] && !exclude[c.key] {
			c.named = true
			pl := &r.lines[c.line]
			pl.named = true
			pl.lead = pl.lead || c.role == roleLead
		}
	}
}

// fewCands bounds the candidates whose keys are looked for one by one
// (first); above it, byKey indexes them.
const fewCands = 16

// link chains the candidates with the same key (candidate.next) and, when
// there are many, indexes the first of each key in byKey.
func (r *reading) link() {
	if len(r.cands) > fewCands {
		r.byKey = make(map[string]int, len(r.cands))
		for i := len(r.cands) - 1; i >= 0; i-- {
			c := &r.cands[i]
			c.next = r.byKey[c.key] // 0, none, when absent
			r.byKey[c.key] = i
		}
		return
	}
	for i := range r.cands {
		for j := i + 1; j < len(r.cands); j++ {
			if r.cands[j].key == r.cands[i].key {
				r.cands[i].next = j
				break
			}
		}
	}
}

// first returns the index in cands of the first candidate with key, or -1.
func (r *reading) first(key string) int {
	if r.byKey != nil {
		if i, ok := r.byKey[key]; ok {
			return i
		}
		return -1
	}
	for i := range r.cands {
		if r.cands[i].key == key {
			return i
		}
	}
	return -1
}

// after returns the index of the candidate after cands[i] with the same
// key, or -1.
func (r *reading) after(i int) int {
	if n := r.cands[i].next; n > 0 {
		return n
	}
	return -1
}

// underline reports whether c is a byte a line that underlines a heading
// is made of.
func underline(c byte) bool { return c == '=' || c == '-' || c == '_' }

// reasonHeading reports whether a line is a short heading that introduces
// the server's words ("because:", "Technical details of permanent failure:").
func reasonHeading(line string) bool {
	t := strings.TrimSpace(line)
	if len(t) > 70 || !strings.HasSuffix(t, ":") {
		return false
	}
	// A marker that starts the line, or any in a short line.
	found := false
	reasonMarkerSet.ScanFold(t, func(at, _ int) bool {
		found = at == 0 || len(t) < 50
		return !found
	})
	return found
}

// strong reports whether a candidate is a recipient by its place.
func (c candidate) strong() bool { return c.role == roleLead || c.role == roleRecipient }

// recipients chooses the failed recipients: the strong candidates inside
// lists when there are lists, else the strong candidates anywhere, else any
// address that has an SMTP reply or a status code beside it.
func (r *reading) recipients(exclude map[string]bool) []candidate {
	pick := func(ok func(c candidate) bool) []candidate {
		var out []candidate
		seen := map[string]bool{}
		for _, c := range r.cands {
			if seen[c.key] || r.senders[c.key] || !ok(c) {
				continue
			}
			seen[c.key] = true
			out = append(out, c)
		}
		return out
	}
	if r.hasList {
		if out := pick(func(c candidate) bool { return c.inList && c.strong() && !sign.MailSystem(c.key) }); len(out) > 0 {
			return out
		}
	}
	if out := pick(func(c candidate) bool {
		return c.strong() && !sign.MailSystem(c.key) && !exclude[c.key]
	}); len(out) > 0 {
		return out
	}
	return pick(func(c candidate) bool {
		return !sign.MailSystem(c.key) && !exclude[c.key] && hasCode(r.blockText(c.line, c.key))
	})
}

// candidateLine reports whether line i names a recipient by its place.
func (r *reading) candidateLine(i int) bool { return r.lines[i].named }

// otherLine reports whether line i names a recipient other than key by its
// place.
func (r *reading) otherLine(i int, key string) bool {
	if !r.lines[i].named {
		return false
	}
	for _, c := range r.cands[r.lines[i].cand0:] {
		if c.line != i {
			break
		}
		if c.named && c.key != key {
			return true
		}
	}
	return false
}

// block returns the lines that belong to the address key on line i: that
// line and those after it up to a blank line, a dashed heading, a list, or
// another recipient's line. An address alone on its line may take the
// paragraph after one blank line. A line indented deeper than line i that
// does not start with an address continues the server's words even when it
// names someone ("... or report details to abuse@example.com", a reply
// Postfix wrapped).
func (r *reading) block(i int, key string) (from, to int) {
	from, to = i, i+1
	if r.fieldLine(i) {
		// A summary line stands alone, but a recipient's field takes
		// the fields that give its reason ("Recipient: [SMTP:ann@x]",
		// "Reason: ...").
		for to < len(r.lines) && to-from < 8 && (reasonField(r.lines[to].text) || transcriptLine(r.lines[to].text)) {
			to++
		}
		return from, to
	}
	skipped := false
	for to < len(r.lines) && to-from < 12 {
		pl := r.lines[to]
		if pl.blank {
			if skipped || !r.bare(i) || to+1 >= len(r.lines) || r.lines[to+1].blank || r.lines[to+1].dashed ||
				r.lines[to+1].list || r.otherLine(to+1, key) || r.separator(to+1) {
				break
			}
			skipped = true
			to++
			continue
		}
		if pl.dashed || pl.list || r.otherLine(to, key) && !r.continues(from, to) || r.separator(to) {
			break
		}
		to++
	}
	return from, to
}

// continues reports whether line j, inside the block that starts at line
// i, is a continuation of it: indented deeper, not led by an address.
func (r *reading) continues(i, j int) bool {
	return !r.lines[j].lead && indent(r.lines[j].text) > indent(r.lines[i].text)
}

// indent is the width of a line's leading white space.
func indent(s string) int {
	return len(s) - len(strings.TrimLeft(s, " \t"))
}

// separator reports whether line i is a rule of dashes or equals signs
// that ends a section ("-----...-----" after Courier's list of recipients).
func (r *reading) separator(i int) bool {
	t := strings.TrimSpace(r.lines[i].text)
	return len(t) >= 4 && strings.Trim(t, "-=_") == ""
}

// fieldLine reports whether line i is one of a list of "Name: value"
// lines ("RCPT TO: ann@example.com" in a summary of the message): such a
// line stands alone.
func (r *reading) fieldLine(i int) bool {
	t := strings.TrimSpace(r.lines[i].text)
	c := strings.IndexByte(t, ':')
	if c <= 0 || c > 20 || strings.IndexByte(t[:c], '@') >= 0 {
		return false
	}
	near := func(j int) bool {
		if j < 0 || j >= len(r.lines) {
			return false
		}
		u := strings.TrimSpace(r.lines[j].text)
		k := strings.IndexByte(u, ':')
		return k > 0 && k <= 20 && !strings.ContainsAny(u[:k], "@<")
	}
	return near(i-1) || near(i+1)
}

// reasonFields are the names of the fields that give a recipient's
// reason in a list of "Name: value" lines, lowercase.
var reasonFields = []string{"reason", "diagnostic", "error", "status", "remote host said", "motivo", "grund",
	"fehler", "raison", "erreur", "reden", "fout", "errore", "causa", "理由", "原因"}

// transcriptLine reports whether a line is part of an SMTP session
// transcript (">>> RCPT TO:<ann@x>", "<<< 550 5.1.1 ...") or a bare reply
// ("550 5.1.1 User unknown"): the server's words about the recipient whose
// field line it follows.
func transcriptLine(line string) bool {
	t := strings.TrimSpace(line)
	if strings.HasPrefix(t, ">>>") || strings.HasPrefix(t, "<<<") {
		return true
	}
	if len(t) >= 4 && (t[3] == ' ' || t[3] == '-') {
		_, ok := status.ParseReply(t[:3])
		return ok
	}
	return false
}

// reasonField reports whether a line is a field that gives a reason
// ("Reason: ...").
func reasonField(line string) bool {
	k, _, ok := strings.Cut(strings.TrimSpace(line), ":")
	if !ok {
		return false
	}
	for _, f := range reasonFields {
		if len(k) == len(f) && phrase.HasPrefixFold(k, f) {
			return true
		}
	}
	return false
}

// bare reports whether line i holds nothing but an address and punctuation.
func (r *reading) bare(i int) bool {
	pl := &r.lines[i]
	// The line with the first occurrence of each address taken out in
	// turn (strings.Replace(t, addr, "", 1)), in a buffer of its own.
	var buf [256]byte
	b := append(buf[:0], pl.text...)
	for _, a := range r.addrs[pl.addr0:pl.addr1] {
		if j := indexIn(b, a.addr); j >= 0 {
			b = append(b[:j], b[j+len(a.addr):]...)
		}
	}
	for _, c := range b {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			return false
		}
	}
	return true
}

// indexIn is strings.Index(string(b), s) without the copy.
func indexIn(b []byte, s string) int {
	if s == "" {
		return 0
	}
	for off := 0; off+len(s) <= len(b); {
		j := bytes.IndexByte(b[off:], s[0])
		if j < 0 {
			return -1
		}
		j += off
		if j+len(s) <= len(b) && string(b[j:j+len(s)]) == s {
			return j
		}
		off = j + 1
	}
	return -1
}

func (r *reading) blockText(i int, key string) string {
	from, to := r.block(i, key)
	return r.join(from, to)
}

func (r *reading) join(from, to int) string {
	for from < to && r.lines[from].blank {
		from++
	}
	for to > from && r.lines[to-1].blank {
		to--
	}
	if from == to {
		return ""
	}
	gap := false
	for j := from; j < to && !gap; j++ {
		gap = r.lines[j].blank
	}
	if !gap {
		// Lines next to each other are a piece of the report as it is.
		last := r.lines[to-1]
		return r.report[r.lines[from].start : int(last.start)+len(last.text)]
	}
	var b strings.Builder
	for j := from; j < to; j++ {
		if r.lines[j].blank {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(r.lines[j].text)
	}
	return b.String()
}

// evidence returns the server's words about one recipient: the blocks of
// the lines that name it; when they carry no SMTP reply and no status code,
// the paragraphs of the report that do (or that follow a reason heading).
func (r *reading) evidence(key string) string {
	i := r.first(key)
	if i < 0 {
		return r.makeEvidence(key, i) // named nowhere: what the notice says as a whole
	}
	if c := &r.cands[i]; !c.said {
		c.ev, c.said = r.makeEvidence(key, i), true
	}
	return r.cands[i].ev
}

// makeEvidence is evidence of key, whose first candidate is cands[first]
// (-1 for none).
func (r *reading) makeEvidence(key string, first int) string {
	listed := false
	for i := first; i >= 0; i = r.after(i) {
		c := r.cands[i]
		listed = listed || c.inList && c.strong()
	}
	// The blocks of the lines, each once, joined by line breaks; one
	// block is a piece of the report as it is.
	var spans [4][2]int
	used := spans[:0] // the blocks taken
	ev, n := "", 0
	var b strings.Builder
	for i := first; i >= 0; i = r.after(i) {
		c := r.cands[i]
		if listed && !c.inList && r.fieldLine(c.line) {
			// A summary line ("To: ann@example.com") says nothing
			// about a recipient the report lists.
			continue
		}
		from, to := r.block(c.line, key)
		if within(used, from) {
			continue
		}
		used = append(used, [2]int{from, to})
		part := r.join(from, to)
		switch n++; n {
		case 1:
			ev = part
			continue
		case 2:
			b.WriteString(ev)
		}
		b.WriteByte('\n')
		b.WriteString(part)
	}
	if n > 1 {
		ev = b.String()
	}
	coded, bare := hasCode(ev), bareText(ev, key)
	if !coded || bare {
		if more := r.withGlobals(ev); len(more) != len(ev) {
			ev = more
			coded, bare = hasCode(ev), bareText(ev, key)
		}
	}
	switch {
	case bare:
		// Nothing is said about the recipient in particular: the
		// notice as a whole is the server's word.
		if s := r.summary(); s != "" {
			if ev != "" {
				ev += "\n"
			}
			ev += s
		}
	case !coded && len(r.global()) == 0 && r.alone(key):
		// The only recipient of a notice, with no code and no
		// paragraph that gives a reason: the paragraph after its
		// lines ("There was an error delivering your mail to <ann@x>."
		// and then "Could not deliver for the last 432000 seconds.")
		// or the lines above them ("Our content checker found virus:
		// ..." above the list) may say why.
		if p := r.following(key); p != "" {
			ev += "\n" + p
		}
		if p := r.preamble(key); p != "" {
			ev += "\n" + p
		}
	}
	return ev
}

// withGlobals returns ev followed by the paragraphs of global that it
// does not contain yet, each on lines of its own.
func (r *reading) withGlobals(ev string) string {
	cur := ev
	var b strings.Builder
	for _, g := range r.global() {
		if strings.Contains(cur, g) {
			continue
		}
		if b.Len() == 0 {
			b.WriteString(ev)
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(g)
		cur = b.String()
	}
	return cur
}

// within reports whether line i is inside one of the spans of lines
// [from, to).
func within(spans [][2]int, i int) bool {
	for _, s := range spans {
		if i >= s[0] && i < s[1] {
			return true
		}
	}
	return false
}

// shortNotice bounds the lines above a notice's only recipient that stand
// for its words when they give no reason (preamble).
const shortNotice = 600

// summaryMax bounds the text summary puts into a diagnostic.
const summaryMax = 1000

// summary returns the report's lines that say something (not headings, not
// bare addresses), joined, at most summaryMax bytes.
func (r *reading) summary() string {
	if r.summaryOf == nil {
		s := r.makeSummary()
		r.summaryOf = &s
	}
	return *r.summaryOf
}

func (r *reading) makeSummary() string {
	var b strings.Builder
	for i, pl := range r.lines {
		if pl.blank || pl.dashed || r.bare(i) {
			continue
		}
		t := strings.TrimSpace(pl.text)
		if strings.Trim(t, "-=_*#~ ") == "" {
			continue
		}
		if !addLine(&b, t, summaryMax) {
			break
		}
	}
	return b.String()
}

// preamble returns the lines of the report above the first line that
// names key, joined, without blank lines, headings, list introductions and
// lines that hold nothing but an address; "" when they are longer than
// shortNotice.
func (r *reading) preamble(key string) string {
	first := r.first(key)
	if first < 0 {
		return ""
	}
	var b strings.Builder
	for i := 0; i < r.cands[first].line; i++ {
		pl := r.lines[i]
		if pl.blank || pl.heading || pl.list || r.bare(i) {
			continue
		}
		if !addLine(&b, pl.text, shortNotice) {
			return ""
		}
	}
	return b.String()
}

// addLine adds a trimmed line to b, on a line of its own; it reports false,
// adding nothing, when b would pass max bytes.
func addLine(b *strings.Builder, line string, max int) bool {
	t := strings.TrimSpace(line)
	if b.Len()+len(t)+1 > max {
		return false
	}
	if b.Len() > 0 {
		b.WriteByte('\n')
	}
	b.WriteString(t)
	return true
}

// following returns the paragraph that comes after the block of the first
// line that names key, past one blank line: not a heading, a rule, a list
// or another recipient's line, at most shortNotice bytes; else "", also
// when the block took a paragraph past a blank line already.
func (r *reading) following(key string) string {
	first := r.first(key)
	if first < 0 {
		return ""
	}
	from, to := r.block(r.cands[first].line, key)
	for j := from; j < to; j++ {
		if r.lines[j].blank {
			return "" // the block took the paragraph after the address already
		}
	}
	if to < len(r.lines) && r.lines[to].blank {
		to++
	}
	var b strings.Builder
	for j := to; j < len(r.lines); j++ {
		pl := r.lines[j]
		if pl.blank || pl.heading || pl.list || r.separator(j) || r.candidateLine(j) {
			break
		}
		if !addLine(&b, pl.text, shortNotice) {
			return ""
		}
	}
	return b.String()
}

// alone reports whether key is the only address the prose names in a
// recipient's place.
func (r *reading) alone(key string) bool {
	for _, c := range r.cands {
		if c.named && c.key != key {
			return false
		}
	}
	return true
}

// names reports whether the prose names the address anywhere.
func (r *reading) names(key string) bool {
	return r.first(key) >= 0 || r.senders[key]
}

// bareText reports whether ev says nothing but the address key
// (lowercase): fewer than 8 ASCII letters are left once every occurrence of
// key is taken out, ASCII case ignored. It counts rather than makes the
// copy without key.
func bareText(ev, key string) bool {
	// The letters of an occurrence are those of key: the letters
	// between the occurrences are counted, until there are 8.
	left := 8
	for key != "" {
		i := phrase.IndexFold(ev, key)
		if i < 0 {
			break
		}
		if left -= asciiLetters(ev[:i]); left <= 0 {
			return false
		}
		ev = ev[i+len(key):]
	}
	return !hasLetters(ev, left)
}

// hasLetters reports whether s has at least n ASCII letters.
func hasLetters(s string, n int) bool {
	for i := 0; i < len(s) && n > 0; i++ {
		if c := s[i] | 0x20; c >= 'a' && c <= 'z' {
			n--
		}
	}
	return n <= 0
}

// asciiLetters counts the ASCII letters of s.
func asciiLetters(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c >= 'a' && c <= 'z' {
			n++
		}
	}
	return n
}

// global returns the paragraphs of the report that carry an SMTP reply or a
// status code and name no recipient; when there are none, the paragraphs
// that follow a reason heading.
func (r *reading) global() []string {
	if r.globals == nil {
		r.globals = r.makeGlobal()
		if r.globals == nil {
			r.globals = []string{}
		}
	}
	return r.globals
}

func (r *reading) makeGlobal() []string {
	var coded, reasoned []string
	afterReason := false
	for from := 0; from < len(r.lines); {
		for from < len(r.lines) && r.lines[from].blank {
			from++
		}
		to := from
		for to < len(r.lines) && !r.lines[to].blank {
			to++
		}
		if from >= len(r.lines) {
			break
		}
		owned := false
		for j := from; j < to; j++ {
			if r.candidateLine(j) {
				owned = true
			}
		}
		text := r.join(from, to)
		lastHeading := r.lines[to-1].heading
		if !owned {
			switch {
			case hasCode(text):
				coded = append(coded, text)
			case afterReason || r.lines[from].heading && to-from > 1:
				reasoned = append(reasoned, text)
			}
		}
		afterReason = lastHeading && !r.lines[to-1].list
		from = to
	}
	if len(coded) > 0 {
		return first(coded, 4)
	}
	return first(reasoned, 2)
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// hasCode reports whether text holds an enhanced status code or an SMTP
// reply code.
func hasCode(text string) bool {
	if _, ok := status.Find(text); ok {
		return true
	}
	_, ok := status.FindReplyIn(text, status.ClassUnknown)
	return ok
}

// delayWords say that a report is about a delay, not a failure.
var delayWords = []string{"will continue trying", "will keep trying", "delivery is delayed", "has been delayed",
	"not yet been delivered", "still trying", "will retry", "delivery delayed", "temporarily deferred",
	"message still undelivered", "this is a warning", "delay notification", "warning: could not send",
	"will continue to try", "has not been delivered for", "have not been delivered for", "will be retried",
	"will be attempted again", "temporary delivery error", "temporary delivery failure", "warning message only",
	"delivery attempts will continue", "remain in the queue", "will try again", "warning only",
	"will be retried until", "delivered for more than",
	// de, fr, es, it, pt, nl
	"versucht es weiterhin", "wird weiterhin versucht", "noch nicht zugestellt", "verzögert",
	"nouvelles tentatives", "continuera d'essayer", "pas encore été remis", "retardé",
	"seguirá intentando", "sigue intentando", "todavía no ha podido ser entregado", "retrasado",
	"continuerà a tentare", "non ancora recapitato", "ritardato",
	"continuará tentando", "ainda não foi entregue", "atrasad",
	"blijft proberen", "nog niet afgeleverd", "vertraagd",
	// ja, ru, zh
	"配信が遅れて", "配送が遅れて", "配信が遅延", "配送が遅延", "再送を試みます", "доставка задерживается",
	"будут продолжены", "投递延迟", "将继续尝试"}

// delayWordSet indexes delayWords.
var delayWordSet = phrase.New(delayWords...)

// prose reads the recipients of a report from its prose. Unless sure (the
// server is known), it wants more than an address in a recipient's place:
// a list of recipients, a returned original, or the server's codes. It
// reports weak when it found the recipients by an SMTP code beside them
// only, not by their place.
func prose(in *Input, sure bool) (res *Result, weak bool) {
	p := in.prep()
	if strings.TrimSpace(p.report) == "" {
		return nil, false
	}
	exclude := in.senderSet()
	rd := in.prose()
	cands := rd.recipients(exclude)
	// X-Failed-Recipients names the recipients for certain; the prose
	// still has the words about them. When the prose names other
	// addresses (an alias, the address before a rewrite), its recipients
	// lend their words in order.
	var named []candidate
	if xfr := in.failedRecipients(); len(xfr) > 0 {
		for _, a := range xfr {
			named = append(named, candidate{addr: a, key: LowerASCII(a)})
		}
	}
	if len(named) == 0 && (len(cands) == 0 || !sure && !in.looksLikeBounce(rd.hasList)) {
		return nil, false
	}
	action := in.proseAction()
	res = &Result{}
	list := cands
	if len(named) > 0 {
		list = named
	}
	for i, c := range list {
		key := c.key
		if len(named) > 0 && !rd.names(c.key) && len(cands) == len(named) {
			key = cands[i].key
		}
		res.Recipients = append(res.Recipients, in.wordsOf(c.addr, action, rd.evidence(key)))
	}
	weak = len(named) == 0 && !cands[0].strong()
	return res, weak
}
