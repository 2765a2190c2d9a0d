package dsn

// The parser as it was before reports were parsed in memory, kept to
// compare the new one with (FuzzParseSame).

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/bounce-tool/bounce/pkg/header"
)

// Parse reads a delivery-status body from r.
func oldParse(r io.Reader) (*Report, error) {
	br := oldReaderPool.Get().(*bufio.Reader)
	br.Reset(r)
	defer func() {
		br.Reset(nil)
		oldReaderPool.Put(br)
	}()
	rep := &Report{}
	p := oldParser{rep: rep}
	var malformed []string
	var fields []header.Field
	for {
		oldSkipBlank(br)
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

// oldReaderPool recycles Parse's readers (4 KiB, as bufio.NewReader): every
// bounce has a report to parse. The fields Parse returns are copies.
var oldReaderPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}

func oldSkipBlank(br *bufio.Reader) {
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

type oldParser struct {
	rep *Report
	cur *Recipient
	// factsFirst is set when the current block began with a field other
	// than an address (Action, Status, ...).
	factsFirst bool
}

// oldPerRecipient are the fields that belong to a recipient's block.
var oldPerRecipient = map[string]bool{
	"final-recipient": true, "original-recipient": true, "action": true, "status": true,
	"remote-mta": true, "diagnostic-code": true, "last-attempt-date": true, "final-log-id": true,
	"will-retry-until": true, "x-actual-recipient": true, "x-display-name": true,
	"x-supplementary-info": true,
}

// knownName returns the lower-case form of name when it is a field of
// oldPerRecipient or oldPerMessage, without allocating it; else name itself,
// which neither holds in any case.
func oldKnownName(name string) string {
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
	if k, ok := oldKnownNames[string(b)]; ok {
		return k
	}
	return name
}

// oldKnownNames holds the names of oldPerRecipient and oldPerMessage.
var oldKnownNames = func() map[string]string {
	m := map[string]string{}
	for k := range oldPerRecipient {
		m[k] = k
	}
	for k := range oldPerMessage {
		m[k] = k
	}
	return m
}()

// oldPerMessage are the fields that belong to the message block.
var oldPerMessage = map[string]bool{
	"reporting-mta": true, "received-from-mta": true, "arrival-date": true,
	"original-envelope-id": true, "dsn-gateway": true,
}

func (p *oldParser) add(name, value string) {
	key := oldKnownName(name)
	value = strings.TrimSpace(value)
	switch {
	case oldPerMessage[key] && (p.cur == nil || !p.rep.oldHas(key)):
		// The first value of a repeated field counts, for the typed
		// fields as for Get.
		if !p.rep.oldHas(key) {
			p.rep.oldSet(key, value)
		}
		p.rep.Fields = append(p.rep.Fields, Field{name, value})
		return
	case !oldPerRecipient[key]:
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
	p.cur.oldSet(key, value)
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
func (p *oldParser) startsNew(key string) bool {
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

func (p *oldParser) flush() {
	if p.cur != nil {
		p.rep.Recipients = append(p.rep.Recipients, *p.cur)
		p.cur = nil
	}
}

func (r *Report) oldHas(key string) bool { return Get(r.Fields, key) != "" }

func (r *Report) oldSet(key, v string) {
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

func (c *Recipient) oldSet(key, v string) {
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

// checkSame fails t when Parse and ParseBytes differ from the old parser
// on s.
func checkSame(t *testing.T, s string) {
	t.Helper()
	want, wantErr := oldParse(strings.NewReader(s))
	for _, got := range []func() (*Report, error){
		func() (*Report, error) { return ParseBytes([]byte(s)) },
		func() (*Report, error) { return Parse(iotest.HalfReader(strings.NewReader(s))) },
	} {
		rep, err := got()
		if !reflect.DeepEqual(rep, want) {
			t.Fatalf("%q:\n got %+v\nwant %+v", s, rep, want)
		}
		if fmt.Sprint(err) != fmt.Sprint(wantErr) || errors.Is(err, ErrNotDSN) != errors.Is(wantErr, ErrNotDSN) ||
			errors.Is(err, ErrMalformed) != errors.Is(wantErr, ErrMalformed) {
			t.Fatalf("%q: error %v, want %v", s, err, wantErr)
		}
	}
}

var sameSeeds = []string{
	"Final-Recipient: rfc822; a@b\nAction: \vFAILED; x\nAction: fa\u00a0iled\nAction: \u0085failed\nAction: failed\u2028x\nAction: \xffx\n",
	"Final-Recipient: rfc822; a@b\nAction: failed\nStatus: 5.1.1\n",
	" \n\t\nFinal-Recipient:\n\n: x\n",
	"Reporting-MTA: dns; a\n\nAction: failed\nReporting-MTA: dns; b\nFinal-Recipient: rfc822; x@y\nAction: delayed\nX-Other: 1\n",
	"Action: failed\nStatus: 5.0.0\nFinal-Recipient: rfc822; a@b\nOriginal-Recipient: rfc822; c@d\nFinal-Recipient: rfc822; e@f\n",
	"Reporting-MTA: dns; a\r\n\r\nFinal-Recipient: rfc822;\r\n  <a@b>\r\nDiagnostic-Code: smtp; 550\r\n  no such user\r\n----\r\nStatus: 5.1.1\r\n",
	"   x: y\nno colon here\n\n\nFinal-Recipient: a\nFinal-Log-ID: 1\nFinal-Log-ID: 2\n",
	"Reporting-MTA:\nReporting-MTA: dns; x\n",
	"Received-From-MTA: dns; [1.2.3.4]\nArrival-Date: now\nOriginal-Envelope-Id: e\nDSN-Gateway: g\n\nRemote-MTA: dns; mx.example.com.\nLast-Attempt-Date: d\nWill-Retry-Until: w\n",
	"X-Actual-Recipient: a\nX-Actual-Recipient: b\nStatus: 4.0.0\nACTION: Delayed;\n",
	"Final-Recipient: a\n" + strings.Repeat("X-Long: "+strings.Repeat("y", 100)+"\n", 60) + "Action: failed\n",
}

func TestParseSame(t *testing.T) {
	for _, s := range sameSeeds {
		checkSame(t, s)
	}
	files, _ := filepath.Glob("../../testdata/eml/*/*.eml")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkSame(t, string(b))
		if i := strings.Index(string(b), "Reporting-MTA"); i >= 0 {
			checkSame(t, string(b[i:]))
		}
	}
}

// FuzzParseSame: Parse and ParseBytes give what the old parser gave.
func FuzzParseSame(f *testing.F) {
	for _, s := range sameSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 1<<16 {
			t.Skip()
		}
		checkSame(t, s)
	})
}
