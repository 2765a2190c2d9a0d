package dsn

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

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
	br := readerPool.Get().(*bufio.Reader)
	br.Reset(r)
	defer func() {
		br.Reset(nil)
		readerPool.Put(br)
	}()
	rep := &Report{}
	p := parser{rep: rep}
	var malformed []string
	var fields []header.Field
	for {
		skipBlank(br)
		if _, err := br.Peek(1); err != nil {
			break
		}
		var err error
		fields, err = header.ReadFields(br, fields[:0])
		for _, f := range fields {
			p.add(f.Key, f.Value)
		}
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
	p.flush()
	if len(rep.Fields) == 0 && len(rep.Recipients) == 0 {
		return rep, ErrNotDSN
	}
	if len(malformed) > 0 {
		return rep, fmt.Errorf("%w: %s", ErrMalformed, strings.Join(malformed, "; "))
	}
	return rep, nil
}

// readerPool recycles Parse's readers (4 KiB, as bufio.NewReader): every
// bounce has a report to parse. The fields Parse returns are copies.
var readerPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}

// ParseBytes is Parse for a body already in memory.
func ParseBytes(b []byte) (*Report, error) { return Parse(bytes.NewReader(b)) }

func skipBlank(br *bufio.Reader) {
	for {
		b, err := br.Peek(1)
		if err != nil {
			return
		}
		switch b[0] {
		case '\n', '\r':
			br.Discard(1)
		case ' ', '\t':
			// A line of blanks is a blank line too.
			line, err := br.Peek(256)
			if err != nil && len(line) == 0 {
				return
			}
			i := 0
			for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
				i++
			}
			if i < len(line) && line[i] != '\n' && line[i] != '\r' {
				// QUIRK: a continuation line with nothing to continue
				// (seen after stray blank lines): drop its leading blanks
				// so textproto does not reject the block.
				br.Discard(i)
				return
			}
			br.Discard(i)
		default:
			return
		}
	}
}

type parser struct {
	rep *Report
	cur *Recipient
	// factsFirst is set when the current block began with a field other
	// than an address (Action, Status, ...).
	factsFirst bool
}

// perRecipient are the fields that belong to a recipient's block.
var perRecipient = map[string]bool{
	"final-recipient": true, "original-recipient": true, "action": true, "status": true,
	"remote-mta": true, "diagnostic-code": true, "last-attempt-date": true, "final-log-id": true,
	"will-retry-until": true, "x-actual-recipient": true, "x-display-name": true,
	"x-supplementary-info": true,
}

// knownName returns the lower-case form of name when it is a field of
// perRecipient or perMessage, without allocating it; else name itself,
// which neither holds in any case.
func knownName(name string) string {
	var buf [32]byte
	if len(name) > len(buf) {
		return name // longer than any known name
	}
	b := buf[:len(name)]
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	if k, ok := knownNames[string(b)]; ok {
		return k
	}
	return name
}

// knownNames holds the names of perRecipient and perMessage.
var knownNames = func() map[string]string {
	m := map[string]string{}
	for k := range perRecipient {
		m[k] = k
	}
	for k := range perMessage {
		m[k] = k
	}
	return m
}()

// perMessage are the fields that belong to the message block.
var perMessage = map[string]bool{
	"reporting-mta": true, "received-from-mta": true, "arrival-date": true,
	"original-envelope-id": true, "dsn-gateway": true,
}

func (p *parser) add(name, value string) {
	key := knownName(name)
	value = strings.TrimSpace(value)
	switch {
	case perMessage[key] && (p.cur == nil || !p.rep.has(key)):
		// The first value of a repeated field counts, for the typed
		// fields as for Get.
		if !p.rep.has(key) {
			p.rep.set(key, value)
		}
		p.rep.Fields = append(p.rep.Fields, Field{name, value})
		return
	case !perRecipient[key]:
		if p.cur == nil {
			p.rep.Fields = append(p.rep.Fields, Field{name, value})
		} else {
			p.cur.Fields = append(p.cur.Fields, Field{name, value})
		}
		return
	}
	if p.cur == nil || p.startsNew(key) {
		p.flush()
		p.cur = &Recipient{}
		p.factsFirst = key != "final-recipient" && key != "original-recipient"
	}
	p.cur.set(key, value)
	p.cur.Fields = append(p.cur.Fields, Field{name, value})
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
func (p *parser) startsNew(key string) bool {
	c := p.cur
	begun := c.Action != "" || c.Status != "" || c.DiagnosticCode != ""
	switch key {
	case "final-recipient":
		return c.FinalRecipient != "" || begun && !p.factsFirst
	case "original-recipient":
		return c.OriginalRecipient != "" || begun && !p.factsFirst
	}
	return Get(c.Fields, key) != ""
}

func (p *parser) flush() {
	if p.cur != nil {
		p.rep.Recipients = append(p.rep.Recipients, *p.cur)
		p.cur = nil
	}
}

func (r *Report) has(key string) bool { return Get(r.Fields, key) != "" }

func (r *Report) set(key, v string) {
	switch key {
	case "reporting-mta":
		r.ReportingMTA = stripType(v)
	case "received-from-mta":
		r.ReceivedFromMTA = stripType(v)
	case "arrival-date":
		r.ArrivalDate = v
	case "original-envelope-id":
		r.OriginalEnvelopeID = v
	}
}

func (c *Recipient) set(key, v string) {
	switch key {
	case "final-recipient":
		c.FinalRecipient = Address(v)
	case "original-recipient":
		c.OriginalRecipient = Address(v)
	case "action":
		if f := strings.Fields(v); len(f) > 0 {
			c.Action = strings.ToLower(strings.TrimRight(f[0], ";,."))
		}
	case "status":
		c.Status = v
	case "remote-mta":
		c.RemoteMTA = stripType(v)
	case "diagnostic-code":
		typ, text, ok := strings.Cut(v, ";")
		if ok && isTypeName(typ) {
			c.DiagnosticType = strings.ToLower(strings.TrimSpace(typ))
			c.DiagnosticCode = strings.TrimSpace(text)
		} else {
			c.DiagnosticCode = v
		}
	case "last-attempt-date":
		c.LastAttemptDate = v
	case "will-retry-until":
		c.WillRetryUntil = v
	}
}

// stripType removes an RFC 3464 type prefix ("dns; mx.example.com").
func stripType(v string) string {
	if typ, rest, ok := strings.Cut(v, ";"); ok && isTypeName(typ) {
		v = rest
	}
	v = strings.TrimSpace(v)
	// "mx.example.com (192.0.2.1)" or "[192.0.2.1]" comments stay out.
	if i := strings.IndexAny(v, " \t"); i > 0 {
		v = v[:i]
	}
	// A fully qualified name's root dot ("mx.example.com.", as Gmail
	// writes its Remote-MTA) is not part of the host's name.
	return strings.TrimSuffix(strings.Trim(v, "[]<>"), ".")
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
	if i := strings.IndexAny(v, " \t"); i > 0 {
		v = v[:i]
	}
	return strings.Trim(v, "<>\"'")
}
