package dialect

import (
	mathbits "math/bits"
	"strconv"
	"strings"
	"sync"

	"github.com/bounce-tool/bounce/pkg/dsn"
	"github.com/bounce-tool/bounce/pkg/internal/phrase"
)

// prepared is what every recogniser needs from an Input, computed once.
type prepared struct {
	text string // Text with LF line ends
	// report is the part of text before the returned original: readers
	// fold case themselves, no lowercase copy is made.
	report string
	std    *Result // the delivery-status reports, read; nil when none
	// The Subject, lowercase, and the signs found in the From and
	// Received fields (fromSigns, receivedSigns), read on first use.
	subject        lazy
	from, received bits
	// Computed on first use: the phrases of the recognisers' text()
	// matches that the report contains (see textSigns), the addresses
	// that are not recipients by their place (senderSet), and the report's
	// prose taken apart (prose reads it, complete reads it again).
	detected bits
	senders  map[string]bool
	reading  *reading
	returned *Returned // the returned original, found on first use
	delay    tristate  // whether the report says the delivery goes on (delayed)
	// matched is the first sign a recogniser's Detect matched (see
	// note); Extract clears it before each recogniser.
	matched matchedSign
	heads   heads // the fields of headNames, read on first use
	// sesEvent is the SES notification in text, nil when none, read on
	// first use (sesRead).
	sesEvent *sesEvent
	sesRead  bool
}

// matchedSign is a sign a Detect matched: what it tests ("header
// X-MC-System", "text") and the phrase it looked for, "" for none.
type matchedSign struct{ what, sub string }

// appendWords appends the sign in words: what, then sub quoted when not
// empty (`text "..."`).
func (m matchedSign) appendWords(b []byte) []byte {
	b = append(b, m.what...)
	if m.sub != "" {
		b = appendQuote(append(b, ' '), m.sub)
	}
	return b
}

// appendQuote is strconv.AppendQuote, without its look at each character
// when s is printable ASCII that needs no escape (as a sign's phrase
// usually is).
func appendQuote(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, s)
		}
	}
	return append(append(append(b, '"'), s...), '"')
}

// work is memory that one Extract works in and a later one reuses
// (workPool): the report's prose taken apart and the sender set. None of
// it outlives Extract: a Result holds strings of the text, not of these.
type work struct {
	reading reading
	senders map[string]bool
	fold    []byte // a text with its white space folded (commandsOf)
	// facts are what the texts asked about lately say (see facts);
	// nextFact is the entry the next new text takes, factsUsed the
	// number of entries taken (the ones facts looks through).
	facts               [factsKept]textFacts
	nextFact, factsUsed int
}

// workPool recycles the work of finished Extracts.
var workPool = sync.Pool{New: func() any { return &work{senders: map[string]bool{}} }}

// maxWork bounds the lines, candidates and senders of a work that is kept
// for reuse: the arrays of a huge report go to the collector.
const maxWork = 4096

// work returns in's work, taken from workPool on first use.
func (in *Input) work() *work {
	if in.w == nil {
		in.w = workPool.Get().(*work)
	}
	return in.w
}

// release returns in's work to workPool, and forgets what was made in it
// (the prose read, the sender set): what asks for them after Extract
// makes them anew.
func (in *Input) release() {
	w := in.w
	if w == nil {
		return
	}
	in.w = nil
	in.p.reading, in.p.senders = nil, nil
	r := &w.reading
	if cap(r.lines) > maxWork || cap(r.cands) > maxWork || cap(r.addrs) > maxWork || len(w.senders) > maxWork {
		return
	}
	clear(r.lines) // the strings of the text, for the collector
	clear(r.cands)
	clear(r.addrs)
	*r = reading{lines: r.lines[:0], cands: r.cands[:0], addrs: r.addrs[:0]}
	clear(w.senders)
	clear(w.facts[:w.factsUsed])
	w.nextFact, w.factsUsed = 0, 0
	if cap(w.fold) > maxWork {
		w.fold = nil
	}
	workPool.Put(w)
}

// tristate is a yes or no computed on first use.
type tristate uint8

const (
	unknown tristate = iota
	no
	yes
)

// known returns the tristate of b.
func known(b bool) tristate {
	if b {
		return yes
	}
	return no
}

// note keeps the first sign that matched while a Detect runs, for
// Result.Why; it returns ok so that the helpers can return it.
func (in *Input) note(ok bool, what, sub string) bool {
	if ok {
		in.noteMatch(what, sub)
	}
	return ok
}

// noteMatch keeps a sign that matched, unless one did before it.
func (in *Input) noteMatch(what, sub string) {
	if in.prep().matched.what == "" {
		in.p.matched = matchedSign{what, sub}
	}
}

// lazy is a string computed on first use (once).
type lazy struct {
	s    string
	made bool
}

// bits are the bits of a signSet found in a field, once read.
type bits struct {
	found uint64
	read  bool
}

// once returns cache's string, computing it with f on first use.
func once(cache *lazy, f func() string) string {
	if !cache.made {
		cache.s, cache.made = f(), true
	}
	return cache.s
}

// prep returns the prepared view of in, computing it on first use. It is
// small enough to inline: the recognisers ask for it many times a message.
func (in *Input) prep() *prepared {
	if !in.prepped {
		in.makePrep()
	}
	return &in.p
}

// makePrep computes the prepared view of in.
func (in *Input) makePrep() {
	p := &in.p
	in.prepped = true
	p.text = lineEnds(in.Text)
	p.report = p.text[:CutOriginal(p.text)]
	p.std = in.fromReports(in.Reports)
	if p.std == nil {
		p.std = in.embeddedReport(p.report)
	}
}

// reportStarts open delivery-status fields written into a text part;
// reportStartSet indexes them.
var (
	reportStarts   = []string{"reporting-mta:", "final-recipient:", "original-recipient:"}
	reportStartSet = phrase.New(reportStarts...)
)

// embeddedReport reads delivery-status fields that a server wrote into its
// text ("Technical report:" followed by Reporting-MTA, Final-Recipient, ...)
// instead of a message/delivery-status part; nil when there are none.
func (in *Input) embeddedReport(text string) *Result {
	start := -1 // the first field at the start of a line
	reportStartSet.ScanFold(text, func(at, _ int) bool {
		if at == 0 || text[at-1] == '\n' {
			start = at
			return false
		}
		return true
	})
	if start < 0 {
		return nil
	}
	body := text[start:]
	if cut := CutOriginal(body); cut > 0 {
		body = body[:cut]
	}
	rep, err := dsn.ParseBytes([]byte(body))
	if err != nil && rep == nil {
		return nil
	}
	return in.fromReports([]*dsn.Report{rep})
}

// maxHeads bounds the names that heads keeps the values of.
const maxHeads = 32

// headNames are the field names the recognisers' header tests ask about
// (registered by headIndex as the table is built); fields reads their
// topmost values in one pass over the bounce's header.
var (
	headNames []string
	// headSlots are, per name length < 64 and first byte (folded: c|0x20&31),
	// the bits of the names that may match.
	headSlots [64][32]uint32
)

// headSlot returns the place of a name or key in headSlots.
func headSlot(name string) (n, c int) { return len(name), int(name[0]|0x20) & 31 }

// headIndex registers name, a field name of token bytes, and returns its
// place in heads.
func headIndex(name string) int {
	for i, n := range headNames {
		if n == name {
			return i
		}
	}
	if len(headNames) == maxHeads || name == "" || len(name) >= len(headSlots) {
		panic("dialect: header test not kept: " + name)
	}
	for i := 0; i < len(name); i++ {
		if !isTokenByte(name[i]) {
			panic("dialect: header test of a name that is not a token: " + name)
		}
	}
	headNames = append(headNames, name)
	n, c := headSlot(name)
	headSlots[n][c] |= 1 << (len(headNames) - 1)
	return len(headNames) - 1
}

// heads are where the topmost fields of headNames stand in the bounce's
// header, read in one pass on first use.
type heads struct {
	// at are the places of the fields in the header's list, plus one (0
	// for none): kept small, since every Input holds them. A header of
	// more fields than they can hold is asked with Get and Has instead.
	at      [maxHeads]uint8
	present uint32 // the bits of the names present
	read    bool
	tooMany bool // the header has more fields than at can hold
}

// fields returns where headNames' fields stand in the bounce's header.
// A field matches a name as header.Header.Get matches it: of the same
// length, equal but for the case of ASCII letters (a registered name is
// all token bytes, so a key with another byte never matches by folding).
func (in *Input) fields() *heads {
	if h := &in.p.heads; h.read {
		return h
	}
	return in.readFields()
}

// readFields is fields on first use.
func (in *Input) readFields() *heads {
	h := &in.p.heads
	h.read = true
	if in.Message == nil {
		return h
	}
	fs := in.Message.Header.List()
	if len(fs) >= 1<<8-1 {
		h.tooMany = true
		return h
	}
	for at, f := range fs {
		if f.Key == "" || len(f.Key) >= len(headSlots) {
			continue
		}
		n, c := headSlot(f.Key)
		for m := headSlots[n][c] &^ h.present; m != 0; m &= m - 1 {
			i := mathbits.TrailingZeros32(m)
			if equalLetterFold(f.Key, headNames[i]) {
				h.at[i] = uint8(at + 1)
				h.present |= 1 << i
			}
		}
	}
	return h
}

// equalLetterFold reports whether a and b, of the same length, are equal
// but for the case of ASCII letters.
func equalLetterFold(a, b string) bool {
	for i := 0; i < len(b); i++ {
		if c, d := a[i], b[i]; c != d && (c|0x20 != d|0x20 || c|0x20 < 'a' || c|0x20 > 'z') {
			return false
		}
	}
	return true
}

// isTokenByte reports whether c may stand in a field name's token.
func isTokenByte(c byte) bool {
	return 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// head returns the topmost value of headNames[i] in the bounce's header,
// and whether there is such a field.
func (in *Input) head(i int) (string, bool) {
	h := in.fields()
	if h.tooMany {
		return in.header(headNames[i]), in.hasHeader(headNames[i])
	}
	if h.present&(1<<i) == 0 {
		return "", false
	}
	return in.Message.Header.List()[h.at[i]-1].Value, true
}

// header returns the first value of a field of the bounce's own header, or "".
func (in *Input) header(name string) string {
	if in.Message == nil {
		return ""
	}
	return in.Message.Header.Get(name)
}

// hasHeader reports whether the bounce's header has the field.
func (in *Input) hasHeader(name string) bool {
	return in.Message != nil && in.Message.Header.Has(name)
}

// subject returns the bounce's Subject, decoded when it can be, lowercase.
func (in *Input) subject() string {
	return once(&in.prep().subject, func() string {
		if in.Message == nil {
			return ""
		}
		s, err := in.Message.Header.Subject()
		if err != nil || s == "" {
			s = in.Message.Header.Get("Subject")
		}
		return strings.ToLower(s)
	})
}

// reportingMTA returns the Reporting-MTA of the first report, or "".
func (in *Input) reportingMTA() string {
	for _, r := range in.Reports {
		if r != nil && r.ReportingMTA != "" {
			return r.ReportingMTA
		}
	}
	return ""
}

// diagnosticTypes returns the Diagnostic-Code types of all report
// recipients, lowercase, joined by spaces ("smtp x-postfix").
func (in *Input) diagnosticTypes() string {
	var b strings.Builder
	for _, r := range in.Reports {
		if r == nil {
			continue
		}
		for _, rc := range r.Recipients {
			b.WriteString(rc.DiagnosticType)
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// reportField returns the first value of a per-message report field.
func (in *Input) reportField(name string) string {
	for _, r := range in.Reports {
		if r == nil {
			continue
		}
		if v := dsn.Get(r.Fields, name); v != "" {
			return v
		}
	}
	return ""
}

// lineEnds turns CRLF and lone CR line ends into LF.
func lineEnds(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	// One copy, of the size it ends up: each CR becomes LF, and the LF
	// after it, if any, goes.
	var b strings.Builder
	b.Grow(len(s) - strings.Count(s, "\r\n"))
	for {
		i := strings.IndexByte(s, '\r')
		if i < 0 {
			break
		}
		b.WriteString(s[:i])
		b.WriteByte('\n')
		if i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		s = s[i+1:]
	}
	b.WriteString(s)
	return b.String()
}

// LowerASCII lowercases ASCII letters only, so that byte offsets in the
// result are those of s. strings.ToLower does not keep them: invalid UTF-8
// becomes U+FFFD and some letters change length (the Kelvin sign K, 3
// bytes, becomes k, 1 byte), so an offset found in its result can cut the
// original in the wrong place or beyond its end.
func LowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
