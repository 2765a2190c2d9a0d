package dsn

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/bounce-tool/bounce/pkg/header"
)

// ErrMalformed is matched by Parse's error when lines had to be skipped.
var ErrMalformed = errors.New("dsn: malformed delivery-status")

// ErrNotDSN is matched by Parse's error when the body holds no
// delivery-status field at all.
var ErrNotDSN = errors.New("dsn: no delivery-status fields")

// Field is one field as written, name in its original spelling.
type Field struct {
	Name  string
	Value string
}

// Report is a parsed delivery-status body.
type Report struct {
	ReportingMTA       string // "mx.example.com" (the "dns;" type removed)
	ReceivedFromMTA    string
	ArrivalDate        string // as written; see ParseDate
	OriginalEnvelopeID string
	// Fields holds every per-message field in order, standard ones included.
	Fields     []Field
	Recipients []Recipient
}

// Recipient is one per-recipient block.
type Recipient struct {
	FinalRecipient    string // addr-spec with the address type ("rfc822;") removed
	OriginalRecipient string
	Action            string // lowercase: failed, delayed, delivered, relayed, expanded
	Status            string // as written, e.g. "5.1.1" or "5.1.1 (user unknown)"
	RemoteMTA         string // host with the "dns;" type removed
	DiagnosticType    string // "smtp", "x-postfix", ... lowercase
	DiagnosticCode    string // the text after the type
	LastAttemptDate   string
	WillRetryUntil    string
	// Fields holds every field of the block in order, standard ones included.
	Fields []Field
}

// Get returns the first value of the named field in f (case-insensitive), or "".
func Get(fields []Field, name string) string {
	for _, f := range fields {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Parse reads a delivery-status body from r.
func Parse(r io.Reader) (*Report, error) {
	b, err := io.ReadAll(r)
	if err == nil {
		err = io.EOF
	}
	return parse(b, string(b), err)
}

// ParseBytes is Parse for a body already in memory.
func ParseBytes(b []byte) (*Report, error) { return parse(b, string(b), io.EOF) }

// parse parses b, whose reader returns end after it, with text b as a
// string: the names and values of the report are slices of text (folded
// values aside), its fields one allocation, its recipients another (none
// for a report of one recipient, which comes with the report).
func parse(b []byte, text string, end error) (*Report, error) {
	sc := scratches.Get().(*scratch)
	defer sc.release()
	var malformed []string
	fields := sc.fields[:0]
	for pos := 0; ; {
		pos = skipBlank(b, pos)
		if pos == len(b) {
			break
		}
		var n int
		var err error
		fields, n, err = header.ReadFieldsIn(b[pos:], text[pos:], end, fields)
		pos += n
		if err != nil {
			if err == io.EOF {
				break
			}
			// QUIRK: RFC 3464 section 2.1 allows only fields and blank
			// lines, but reports carry stray prose and broken folding
			// (for example lines starting with "----"). textproto stops
			// at such a line after consuming it; skip it and go on.
			if len(malformed) < 4 {
				malformed = append(malformed, err.Error())
			}
		}
	}
	sc.fields = fields
	p := parser{sc: sc, cur: -1}
	for _, f := range fields {
		p.add(f.Key, f.Value)
	}
	rep := p.report()
	if len(rep.Fields) == 0 && len(rep.Recipients) == 0 {
		return rep, ErrNotDSN
	}
	if len(malformed) > 0 {
		return rep, fmt.Errorf("%w: %s", ErrMalformed, strings.Join(malformed, "; "))
	}
	return rep, nil
}

// skipBlank returns where the next line at b[pos:] that is not blank
// starts, or len(b).
func skipBlank(b []byte, pos int) int {
	for pos < len(b) {
		switch b[pos] {
		case '\n', '\r':
			pos++
		case ' ', '\t':
			// A line of blanks is a blank line too.
			i := pos
			for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
				i++
			}
			if i < len(b) && b[i] != '\n' && b[i] != '\r' {
				// QUIRK: a continuation line with nothing to continue
				// (seen after stray blank lines): drop its leading blanks
				// so textproto does not reject the block.
				return i
			}
			pos = i
		default:
			return pos
		}
	}
	return pos
}

// scratch is what parse works in, kept for the next.
type scratch struct {
	fields []header.Field
	// marks holds, for each field added, its owner (-1 the report, else
	// the recipient's index) and its name.
	marks  []mark
	recips []Recipient
}

type mark struct {
	owner int
	name  fieldName
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

// release returns sc to scratches, without references into the report.
func (sc *scratch) release() {
	clear(sc.fields)
	clear(sc.recips)
	sc.fields, sc.marks, sc.recips = sc.fields[:0], sc.marks[:0], sc.recips[:0]
	scratches.Put(sc)
}

type parser struct {
	sc  *scratch
	rep Report
	cur int // the index of the current recipient in sc.recips, or -1
	// curFrom is the index in sc.marks of the current recipient's first
	// field.
	curFrom int
	// factsFirst is set when the current block began with a field other
	// than an address (Action, Status, ...).
	factsFirst bool
}

// fieldName is a field name that parse reads: one of perMessage and
// perRecipient, or other.
type fieldName uint8

const (
	other fieldName = iota
	// per message
	reportingMTA
	receivedFromMTA
	arrivalDate
	originalEnvelopeID
	dsnGateway
	// per recipient
	finalRecipient
	originalRecipient
	action
	status
	remoteMTA
	diagnosticCode
	lastAttemptDate
	finalLogID
	willRetryUntil
	xActualRecipient
	xDisplayName
	xSupplementaryInfo
)

func (n fieldName) perMessage() bool   { return reportingMTA <= n && n <= dsnGateway }
func (n fieldName) perRecipient() bool { return finalRecipient <= n }

// nameOf returns the fieldName of a field's name, ASCII case ignored.
func nameOf(name string) fieldName {
	var buf [32]byte
	if len(name) > len(buf) {
		return other // longer than any known name
	}
	// Lowercase 8 bytes at once (the bytes of buf past the name are
	// zeros): for a byte below 0x80, adding 0x80-'A' sets its high bit
	// from 'A' up, adding 0x80-'Z'-1 from past 'Z', and a set high bit
	// moved down to 0x20 makes an upper-case letter lower case. Every
	// known name is ASCII.
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	n := copy(buf[:], name)
	for i := 0; i < n; i += 8 {
		w := binary.LittleEndian.Uint64(buf[i:])
		if w&highs != 0 {
			return other
		}
		upper := (w + (0x80-'A')*ones) &^ (w + (0x80-'Z'-1)*ones) & highs
		binary.LittleEndian.PutUint64(buf[i:], w|upper>>2)
	}
	switch string(buf[:n]) {
	case "reporting-mta":
		return reportingMTA
	case "received-from-mta":
		return receivedFromMTA
	case "arrival-date":
		return arrivalDate
	case "original-envelope-id":
		return originalEnvelopeID
	case "dsn-gateway":
		return dsnGateway
	case "final-recipient":
		return finalRecipient
	case "original-recipient":
		return originalRecipient
	case "action":
		return action
	case "status":
		return status
	case "remote-mta":
		return remoteMTA
	case "diagnostic-code":
		return diagnosticCode
	case "last-attempt-date":
		return lastAttemptDate
	case "final-log-id":
		return finalLogID
	case "will-retry-until":
		return willRetryUntil
	case "x-actual-recipient":
		return xActualRecipient
	case "x-display-name":
		return xDisplayName
	case "x-supplementary-info":
		return xSupplementaryInfo
	}
	return other
}

func (p *parser) add(name, value string) {
	key := nameOf(name)
	value = strings.TrimSpace(value)
	switch {
	case key.perMessage() && (p.cur < 0 || !p.has(-1, 0, key)):
		// The first value of a repeated field counts, for the typed
		// fields as for Get.
		if !p.has(-1, 0, key) {
			p.rep.set(key, value)
		}
		p.keep(-1, key, value)
		return
	case !key.perRecipient():
		p.keep(p.cur, key, value)
		return
	}
	if p.cur < 0 || p.startsNew(key) {
		p.sc.recips = append(p.sc.recips, Recipient{})
		p.cur, p.curFrom = len(p.sc.recips)-1, len(p.sc.marks)
		p.factsFirst = key != finalRecipient && key != originalRecipient
	}
	p.sc.recips[p.cur].set(key, value)
	p.keep(p.cur, key, value)
}

// keep notes a field of owner (-1 the report); value replaces the field's
// in sc.fields, which add reads in order.
func (p *parser) keep(owner int, key fieldName, value string) {
	i := len(p.sc.marks)
	p.sc.fields[i].Value = value
	p.sc.marks = append(p.sc.marks, mark{owner: owner, name: key})
}

// has reports whether the first field named key of owner (-1 the report),
// from the mark from on, has a value, as Get(fields, key) != "" does.
func (p *parser) has(owner, from int, key fieldName) bool {
	for i, m := range p.sc.marks[from:] {
		if m.owner == owner && m.name == key {
			return p.sc.fields[from+i].Value != ""
		}
	}
	return false
}

// startsNew reports whether a recipient field begins a new recipient: the
// field repeats, or an address field follows a recipient whose delivery
// facts (Action, Status, Diagnostic-Code) have begun. Original-Recipient may
// come before or after Final-Recipient.
//
// QUIRK: RFC 3464 section 2.3 does not fix the order of the per-recipient
// fields, and some servers (Amazon SES, Facebook, several spam filters)
// write Action or Status before Final-Recipient. In a block that began with
// such a field, address fields join the block until one repeats.
func (p *parser) startsNew(key fieldName) bool {
	c := &p.sc.recips[p.cur]
	begun := c.Action != "" || c.Status != "" || c.DiagnosticCode != ""
	switch key {
	case finalRecipient:
		return c.FinalRecipient != "" || begun && !p.factsFirst
	case originalRecipient:
		return c.OriginalRecipient != "" || begun && !p.factsFirst
	}
	return p.has(p.cur, p.curFrom, key)
}

// report returns the report added: the fields in one allocation, the
// report's first, then each recipient's in order.
func (p *parser) report() *Report {
	sc := p.sc
	var rep *Report
	switch len(sc.recips) {
	case 0:
		rep = new(Report)
		*rep = p.rep
	case 1:
		one := &struct {
			rep Report
			r   [1]Recipient
		}{rep: p.rep, r: [1]Recipient{sc.recips[0]}}
		rep = &one.rep
		rep.Recipients = one.r[:]
	default:
		rep = new(Report)
		*rep = p.rep
		rep.Recipients = append([]Recipient(nil), sc.recips...)
	}
	if len(sc.marks) == 0 {
		return rep
	}
	all := make([]Field, 0, len(sc.marks))
	all = p.fieldsOf(all, -1)
	if len(all) > 0 {
		rep.Fields = all[:len(all):len(all)]
	}
	for i := range rep.Recipients {
		from := len(all)
		all = p.fieldsOf(all, i)
		rep.Recipients[i].Fields = all[from:len(all):len(all)]
	}
	return rep
}

// fieldsOf appends the fields of owner (-1 the report) to dst.
func (p *parser) fieldsOf(dst []Field, owner int) []Field {
	for i, m := range p.sc.marks {
		if m.owner == owner {
			f := p.sc.fields[i]
			dst = append(dst, Field{f.Key, f.Value})
		}
	}
	return dst
}

func (r *Report) set(key fieldName, v string) {
	switch key {
	case reportingMTA:
		r.ReportingMTA = stripType(v)
	case receivedFromMTA:
		r.ReceivedFromMTA = stripType(v)
	case arrivalDate:
		r.ArrivalDate = v
	case originalEnvelopeID:
		r.OriginalEnvelopeID = v
	}
}

func (c *Recipient) set(key fieldName, v string) {
	switch key {
	case finalRecipient:
		c.FinalRecipient = Address(v)
	case originalRecipient:
		c.OriginalRecipient = Address(v)
	case action:
		if w := firstWord(v); w != "" {
			c.Action = strings.ToLower(strings.TrimRight(w, ";,."))
		}
	case status:
		c.Status = v
	case remoteMTA:
		c.RemoteMTA = stripType(v)
	case diagnosticCode:
		typ, text, ok := strings.Cut(v, ";")
		if ok && isTypeName(typ) {
			c.DiagnosticType = strings.ToLower(strings.TrimSpace(typ))
			c.DiagnosticCode = strings.TrimSpace(text)
		} else {
			c.DiagnosticCode = v
		}
	case lastAttemptDate:
		c.LastAttemptDate = v
	case willRetryUntil:
		c.WillRetryUntil = v
	}
}

// firstWord is strings.Fields(v)[0], or "" when v has no word, without
// the slice of every word: an ASCII word after ASCII spaces is cut here,
// anything else is left to strings.Fields (which takes Unicode's spaces
// when v is not ASCII).
func firstWord(v string) string {
	i := 0
	for i < len(v) && asciiSpace(v[i]) {
		i++
	}
	j := i
	for j < len(v) && v[j] < utf8.RuneSelf && !asciiSpace(v[j]) {
		j++
	}
	if j < len(v) && v[j] >= utf8.RuneSelf {
		if f := strings.Fields(v); len(f) > 0 {
			return f[0]
		}
		return ""
	}
	return v[i:j]
}

// asciiSpace reports whether c is one of the ASCII spaces strings.Fields
// splits at.
func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// stripType removes an RFC 3464 type prefix ("dns; mx.example.com").
func stripType(v string) string {
	if typ, rest, ok := strings.Cut(v, ";"); ok && isTypeName(typ) {
		v = rest
	}
	v = strings.TrimSpace(v)
	// "mx.example.com (192.0.2.1)" or "[192.0.2.1]" comments stay out.
	if i := indexBlank(v); i > 0 {
		v = v[:i]
	}
	// A fully qualified name's root dot ("mx.example.com.", as Gmail
	// writes its Remote-MTA) is not part of the host's name.
	return strings.TrimSuffix(trimBytes(v, isBracket), ".")
}

// trimBytes is strings.Trim of the bytes is takes (ASCII), without the
// set strings.Trim makes at each call.
func trimBytes(v string, is func(byte) bool) string {
	for len(v) > 0 && is(v[0]) {
		v = v[1:]
	}
	for len(v) > 0 && is(v[len(v)-1]) {
		v = v[:len(v)-1]
	}
	return v
}

// isBracket reports whether c is one of the brackets stripType trims from
// a host: '[', ']', '<', '>'.
func isBracket(c byte) bool { return c == '[' || c == ']' || c == '<' || c == '>' }

// indexBlank is strings.IndexAny(v, " \t"), without the set made at each
// call.
func indexBlank(v string) int {
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' || v[i] == '\t' {
			return i
		}
	}
	return -1
}

func isTypeName(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// Address returns the addr-spec of an address field value
// ("rfc822; <Ann@Example.com>" gives "Ann@Example.com"). The address type is
// dropped; case is kept.
func Address(v string) string {
	if typ, rest, ok := strings.Cut(v, ";"); ok && isTypeName(typ) {
		v = rest
	}
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			v = v[i+1 : i+j]
		}
	}
	v = strings.TrimSpace(v)
	if i := indexBlank(v); i > 0 {
		v = v[:i]
	}
	return trimBytes(v, isAddressMark)
}

// isAddressMark reports whether c is one of the marks Address trims from
// an address: angle brackets, double quotes and apostrophes.
func isAddressMark(c byte) bool { return c == '<' || c == '>' || c == '"' || c == '\'' }
