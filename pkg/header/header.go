// Package header reads a message header block (RFC 5322 section 2.2) with
// one allocation for the block's text instead of one per line: the fields'
// names and unfolded values are slices of that text, and canonical names of
// the usual fields come from a table.
//
// Read returns the fields that go-message's textproto.ReadHeader reads
// from the same bytes (the same names, values and errors, the same bytes
// consumed) as a Header, which answers Get, Values, Text, AddressList and
// the like as go-message's mail.Header does; ReadFields appends the fields
// as written to a slice, for a reader such as package dsn that keeps none.
//
// Why not textproto.ReadHeader: it copies every line into a fresh buffer
// (256 bytes at least), then the name and the value again; on a bounce
// mailbox that was a third of all bytes allocated. And why not its Header:
// an object per field, a map, and a canonical copy of every name looked up
// (docs/design.md, Performance).
package header

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"net/textproto"
	"slices"
	"strings"
	"sync"

	"github.com/bounce-tool/bounce/pkg/internal/phrase"
)

// Field is one header field: Key as written (blanks around it removed, not
// canonicalised), Value unfolded: its lines trimmed of blanks and joined by
// single spaces, as go-message does.
type Field struct {
	Key, Value string
}

// scanner holds what the readers reuse between calls: the raw block and
// the field offsets (ReadFields), the fields found in place (ReadFieldsIn),
// and the copy of names and values.
type scanner struct {
	raw   []byte
	marks []int // start of every field's first line in raw
	spans []span
	out   []byte
	ends  []int
}

// span is where a field stands in the bytes ReadFieldsIn reads: its name
// (trimmed) is b[key:keyEnd]; its value is b[value:end], trimmed when on
// one line, the folded lines as they stand (to unfold) when folded.
type span struct {
	key, keyEnd, value, end int
	folded                  bool
}

// maxPooled bounds the buffers a pooled scanner keeps.
const maxPooled = 256 << 10

var scanners = sync.Pool{New: func() any { return &scanner{raw: make([]byte, 0, 4096)} }}

// release hands sc back to the pool unless its buffers grew too large.
func (sc *scanner) release() {
	if cap(sc.raw) <= maxPooled && cap(sc.out) <= maxPooled {
		sc.raw, sc.marks, sc.spans, sc.out, sc.ends = sc.raw[:0], sc.marks[:0], sc.spans[:0], sc.out[:0], sc.ends[:0]
		scanners.Put(sc)
	}
}

// ReadFields reads a header block from br, through the blank line that ends
// it (or the end of input), and appends its fields to dst in order. It
// consumes exactly the bytes textproto.ReadHeader consumes and returns the
// same errors for the same input: a block starting with a blank, a line
// without a colon or a name with a byte outside '!'..'~' stops it with an
// error after the fields before. Fields with an empty name are skipped.
func ReadFields(br *bufio.Reader, dst []Field) ([]Field, error) {
	return readFields(bufLines{br}, dst)
}

// ReadFieldsIn is ReadFields on a header block at the start of b, as if
// read from a bufio.Reader over b whose reader returns end after b (io.EOF,
// or the error a truncated multipart part ends with). It also returns the
// number of bytes of b it consumed. text holds the start of b as a string
// (the same bytes) or "": when it holds the whole header block, names and
// values of one line are slices of text, not copies, and only folded values
// are copied. A shorter text is not used.
func ReadFieldsIn(b []byte, text string, end error, dst []Field) ([]Field, int, error) {
	src := byteLines{b: b, end: end} // on the stack: readFields alone needs it on the heap
	if src.startsBlank() {
		heap := &byteLines{b: b, end: end}
		dst, err := readFields(heap, dst)
		return dst, heap.pos, err
	}
	dst, _, err := scanFields(&src, text, dst, false)
	return dst, src.pos, err
}

// lines is where readFields reads lines from: a bufio.Reader or bytes in
// memory.
type lines interface {
	// startsBlank reports whether the next line starts with a blank,
	// without consuming it.
	startsBlank() bool
	// readLine appends the next line without its line end to dst, as
	// go-message's readLineSlice does with bufio.Reader.ReadLine.
	readLine(dst []byte) ([]byte, error)
	// continued is startsBlank as go-message's hasContinuationLine reads
	// it.
	continued() bool
}

// readFields reads the fields from br.
func readFields(br lines, dst []Field) ([]Field, error) {
	if br.startsBlank() {
		line, err := br.readLine(nil)
		if err != nil {
			return dst, err
		}
		return dst, fmt.Errorf("message: malformed MIME header initial line: %v", string(line))
	}
	if bl, ok := br.(bufLines); ok {
		if fields, ok, err := bl.scanBuffered(dst); ok {
			return fields, err
		}
	}
	sc := scanners.Get().(*scanner)
	defer sc.release()
	// raw holds the fields' lines as textproto holds them: without their
	// line ends, each followed by "\r\n".
	raw, marks := sc.raw[:0], sc.marks[:0]
	var readErr error
	for {
		start := len(raw)
		var err error
		raw, err = br.readLine(raw)
		if err != nil {
			// The end of input before a line ends the block; an error
			// within a line ends it with the error, without the line.
			if err != io.EOF || len(raw) > start {
				readErr = err
			}
			raw = raw[:start]
			break
		}
		if len(raw) == start {
			break // the blank line that ends the block
		}
		marks = append(marks, start)
		raw = append(raw, '\r', '\n')
		for br.continued() {
			if raw, err = br.readLine(raw); err != nil {
				break
			}
			raw = append(raw, '\r', '\n')
		}
		// textproto checks each field as it reads it, and stops there.
		key, err := checkField(raw[start:])
		if err != nil {
			readErr = err
			marks = marks[:len(marks)-1]
			raw = raw[:start]
			break
		}
		if len(key) == 0 {
			marks = marks[:len(marks)-1] // textproto skips a field without a name
			raw = raw[:start]
		}
	}
	sc.raw, sc.marks = raw, marks
	if len(marks) == 0 {
		return dst, readErr
	}
	dst = slices.Grow(dst, len(marks)) // a nil dst: one allocation of the fields' number
	// The names and unfolded values, one after the other, in one copy the
	// fields point into; ends holds where each name and value ends.
	out, ends := sc.out[:0], sc.ends[:0]
	for i, start := range marks {
		end := len(raw)
		if i+1 < len(marks) {
			end = marks[i+1]
		}
		kv := raw[start:end]
		colon := bytes.IndexByte(kv, ':') // checked above
		out = append(out, trim(kv[:colon])...)
		ends = append(ends, len(out))
		out = unfoldInto(out, kv[colon+1:])
		ends = append(ends, len(out))
	}
	sc.out, sc.ends = out, ends
	return appendCopied(dst, out, ends), readErr
}

// checkField checks a field's lines kv as textproto holds them (each
// followed by "\r\n") as textproto does, and returns its name, trimmed:
// an error when kv has no colon or the name a byte outside '!'..'~'.
func checkField(kv []byte) ([]byte, error) {
	colon := bytes.IndexByte(kv, ':')
	if colon < 0 {
		return nil, fmt.Errorf("message: malformed MIME header line: %v", string(kv))
	}
	key := trim(kv[:colon])
	if bad := badNameByte(key); bad >= 0 {
		return nil, fmt.Errorf("message: malformed MIME header key: %v", string(key))
	}
	return key, nil
}

// scanFields is readFields on bytes in memory, not starting with a blank:
// it finds the lines where they stand instead of copying them, and copies
// only what the fields keep that text (see ReadFieldsIn) does not hold.
// When partial, l.b is only the start of the input: a block that does not
// end within it (each line read followed by another byte, for the look at
// the next line's first) is not read, and scanFields reports false.
func scanFields(l *byteLines, text string, dst []Field, partial bool) ([]Field, bool, error) {
	sc := scanners.Get().(*scanner)
	defer sc.release()
	b, pos, spans := l.b, l.pos, sc.spans[:0]
	var readErr error
	for {
		if pos == len(b) {
			if partial {
				return dst, false, nil
			}
			// The end of input before a line ends the block, with the
			// error the input ends with.
			if l.end != io.EOF {
				readErr = l.end
			}
			break
		}
		start := pos
		// The usual line: a name of valid bytes right before the colon,
		// found in the same pass that checks it.
		colon := nameColon(b, pos)
		var lineEnd, next int
		if colon > start {
			// lineAt from the colon, by hand: it does not inline.
			lineEnd, next = len(b), len(b)
			if i := bytes.IndexByte(b[colon+1:], '\n'); i >= 0 {
				lineEnd, next = colon+1+i, colon+2+i
				if i > 0 && b[lineEnd-1] == '\r' {
					lineEnd--
				}
			}
		} else {
			lineEnd, next = lineAt(b, pos)
			if lineEnd == start {
				pos = next
				break // the blank line that ends the block
			}
		}
		pos = next
		folded := false
		for pos < len(b) && (b[pos] == ' ' || b[pos] == '\t') {
			pos = lineNext(b, pos)
			folded = true
		}
		if partial && pos == len(b) {
			return dst, false, nil
		}
		f := span{key: start, keyEnd: colon, folded: folded}
		if colon <= start {
			colon = bytes.IndexByte(b[start:lineEnd], ':')
			if colon < 0 {
				// No colon on the first line: an error either way, with the
				// lines as textproto holds them.
				_, readErr = checkField(rawLines(sc.raw[:0], b[start:pos]))
				break
			}
			colon += start
			f.key, f.keyEnd = trimBounds(b, start, colon)
			if bad := badNameByte(b[f.key:f.keyEnd]); bad >= 0 {
				readErr = fmt.Errorf("message: malformed MIME header key: %v", string(b[f.key:f.keyEnd]))
				break
			}
			if f.key == f.keyEnd {
				continue // textproto skips a field without a name
			}
		}
		if folded {
			f.value, f.end = colon+1, pos
		} else {
			f.value, f.end = trimBounds(b, colon+1, lineEnd)
		}
		spans = append(spans, f)
	}
	l.pos, sc.spans = pos, spans
	if len(spans) == 0 {
		return dst, true, readErr
	}
	dst = slices.Grow(dst, len(spans)) // a nil dst: one allocation of the fields' number
	if pos <= len(text) {
		return inText(dst, text, b, spans, sc), true, readErr
	}
	// The names and unfolded values, one after the other, in one copy the
	// fields point into; ends holds where each name and value ends.
	out, ends := sc.out[:0], sc.ends[:0]
	for _, f := range spans {
		out = append(out, b[f.key:f.keyEnd]...)
		ends = append(ends, len(out))
		if f.folded {
			out = unfoldLines(out, b[f.value:f.end])
		} else {
			out = append(out, b[f.value:f.end]...)
		}
		ends = append(ends, len(out))
	}
	sc.out, sc.ends = out, ends
	return appendCopied(dst, out, ends), true, readErr
}

// appendCopied appends the fields whose names and values stand one after
// the other in out, ends holding where each name and value ends, as
// slices of one copy of out.
func appendCopied(dst []Field, out []byte, ends []int) []Field {
	copied, from := string(out), 0
	for i := 0; i < len(ends); i += 2 {
		dst = append(dst, Field{Key: copied[from:ends[i]], Value: copied[ends[i]:ends[i+1]]})
		from = ends[i+1]
	}
	return dst
}

// inText appends the fields found at spans of b with names and one-line
// values sliced from text, which holds b as a string; folded values are
// unfolded into one copy.
func inText(dst []Field, text string, b []byte, spans []span, sc *scanner) []Field {
	out, ends := sc.out[:0], sc.ends[:0] // folded values: the field's index in dst, where its value ends in out
	for _, s := range spans {
		f := Field{Key: text[s.key:s.keyEnd]}
		if s.folded {
			out = unfoldLines(out, b[s.value:s.end])
			ends = append(ends, len(dst), len(out))
		} else {
			f.Value = text[s.value:s.end]
		}
		dst = append(dst, f)
	}
	sc.out, sc.ends = out, ends
	if len(ends) > 0 {
		folded, from := string(out), 0
		for k := 0; k < len(ends); k += 2 {
			dst[ends[k]].Value, from = folded[from:ends[k+1]], ends[k+1]
		}
	}
	return dst
}

// lineAt returns where the line at b[pos:] ends without its line end (a
// "\r" before the "\n" dropped, as bufio.Reader.ReadLine drops it) and
// where the next starts.
func lineAt(b []byte, pos int) (end, next int) {
	i := bytes.IndexByte(b[pos:], '\n')
	if i < 0 {
		return len(b), len(b) // the last line, without a line end
	}
	end, next = pos+i, pos+i+1
	if end > pos && b[end-1] == '\r' {
		end--
	}
	return end, next
}

// lineNext returns where the line after the one at b[pos:] starts.
func lineNext(b []byte, pos int) int {
	if i := bytes.IndexByte(b[pos:], '\n'); i >= 0 {
		return pos + i + 1
	}
	return len(b)
}

// nameColon returns the index of the colon that ends a field name at
// b[pos:] when the name is not empty and all its bytes are in '!'..'~'
// (trimmed and valid as it stands), or -1: the line is blank, has no
// colon, or its name needs trimming or is not valid. It passes over eight
// bytes at a time: the lowest byte its mask flags is the first that is a
// colon or outside '!'..'~' (a borrow or carry only ever starts at such a
// byte and runs upwards).
func nameColon(b []byte, pos int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := pos
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		y := x ^ ':'*ones
		if m := ((y-ones)&^y | (x-'!'*ones)&^x | (x + ones) | x) & highs; m != 0 {
			return colonAt(b, pos, i+bits.TrailingZeros64(m)>>3)
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == ':' || c < '!' || c > '~' {
			return colonAt(b, pos, i)
		}
	}
	return -1
}

// colonAt is nameColon's answer when b[i] is the first byte from pos that
// is a colon or outside '!'..'~'.
func colonAt(b []byte, pos, i int) int {
	if i > pos && b[i] == ':' {
		return i
	}
	return -1
}

// trimBounds returns the bounds of b[i:n] trimmed of spaces and tabs.
func trimBounds(b []byte, i, n int) (int, int) {
	for i < n && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	for n > i && (b[n-1] == ' ' || b[n-1] == '\t') {
		n--
	}
	return i, n
}

// rawLines appends the lines of b to dst as textproto holds them: without
// their line ends, each followed by "\r\n".
func rawLines(dst, b []byte) []byte {
	for pos := 0; pos < len(b); {
		end, next := lineAt(b, pos)
		dst = append(append(dst, b[pos:end]...), '\r', '\n')
		pos = next
	}
	return dst
}

// bufLines reads lines from a bufio.Reader.
type bufLines struct{ br *bufio.Reader }

func (l bufLines) startsBlank() bool {
	b, err := l.br.Peek(1)
	return err == nil && (b[0] == ' ' || b[0] == '\t')
}

// scanBuffered is scanFields on the bytes br holds buffered, when the
// block ends within them: it reads the fields and discards their bytes
// from br. It reports false, having read nothing, when the block goes on
// past them.
func (l bufLines) scanBuffered(dst []Field) ([]Field, bool, error) {
	b, _ := l.br.Peek(l.br.Buffered())
	src := &byteLines{b: b}
	fields, ok, err := scanFields(src, "", dst, true)
	if ok {
		l.br.Discard(src.pos)
	}
	return fields, ok, err
}

func (l bufLines) readLine(dst []byte) ([]byte, error) {
	for {
		b, more, err := l.br.ReadLine()
		dst = append(dst, b...)
		if err != nil || !more {
			return dst, err
		}
	}
}

func (l bufLines) continued() bool {
	c, err := l.br.ReadByte()
	if err != nil {
		return false
	}
	l.br.UnreadByte()
	return c == ' ' || c == '\t'
}

// byteLines reads lines from memory: b[pos:], then the error end.
type byteLines struct {
	b   []byte
	pos int
	end error
}

func (l *byteLines) startsBlank() bool {
	return l.pos < len(l.b) && (l.b[l.pos] == ' ' || l.b[l.pos] == '\t')
}

func (l *byteLines) readLine(dst []byte) ([]byte, error) {
	rest := l.b[l.pos:]
	if len(rest) == 0 {
		return dst, l.end
	}
	i := bytes.IndexByte(rest, '\n')
	if i < 0 {
		l.pos = len(l.b)
		return append(dst, rest...), nil // the last line, without a line end
	}
	l.pos += i + 1
	line := rest[:i]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return append(dst, line...), nil
}

func (l *byteLines) continued() bool { return l.startsBlank() }

// Read reads a header block from br as textproto.ReadHeader does and
// returns its fields, the same as the go-message header it reads. The
// fields are one allocation of their number, their names and values one
// copy of the block.
func Read(br *bufio.Reader) (Header, error) {
	fields, err := ReadFields(br, nil)
	return Make(fields), err
}

// ReadBytes is Read on a header block at the start of b, with text the
// start of b as a string or "" (see ReadFieldsIn); it also returns the
// number of bytes consumed. With text, the names and one-line values are
// slices of it.
func ReadBytes(b []byte, text string, end error) (Header, int, error) {
	fields, n, err := ReadFieldsIn(b, text, end, nil)
	return Make(fields), n, err
}

// common are the canonical names of the fields bounces and their originals
// carry most, looked up by their lower-case spelling so that a name written
// in another case costs no allocation.
var common = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"Received", "From", "To", "Cc", "Subject", "Date", "Message-Id", "Return-Path",
		"Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "Content-Description", "Mime-Version",
		"Reporting-Mta", "Final-Recipient", "Original-Recipient", "Action", "Status", "Remote-Mta",
		"Diagnostic-Code", "Last-Attempt-Date", "Arrival-Date", "Received-From-Mta", "X-Postfix-Queue-Id",
		"X-Postfix-Sender", "Will-Retry-Until", "Auto-Submitted", "In-Reply-To", "References", "Reply-To",
		"Sender", "X-Mailer", "Precedence", "Delivered-To", "Dkim-Signature", "Authentication-Results",
		"X-Failed-Recipients", "List-Unsubscribe", "Thread-Topic", "Thread-Index", "Content-Language",
		"X-Ms-Exchange-Message-Sentrepresentingtype", "Feedback-Type", "User-Agent", "Original-Mail-From",
		"Source-Ip", "Reported-Domain", "Version"} {
		m[strings.ToLower(k)] = k
	}
	return m
}()

// Canonical returns the canonical form of a field name, as
// textproto.CanonicalMIMEHeaderKey does: the name itself when it is
// canonical already, else from a table when it is a common one, so that
// neither costs an allocation.
func Canonical(k string) string {
	if isCanonical(k) {
		return k
	}
	if len(k) <= 64 {
		var buf [64]byte
		if v, ok := common[string(phrase.AppendLower(buf[:0], k))]; ok {
			return v
		}
	}
	return textproto.CanonicalMIMEHeaderKey(k)
}

// isCanonical reports whether textproto.CanonicalMIMEHeaderKey returns k
// unchanged: k is in canonical case, or holds a byte that is not a token
// character (such a name is left as it is).
func isCanonical(k string) bool {
	upper := true
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !isToken(c) {
			return true
		}
		if upper && 'a' <= c && c <= 'z' || !upper && 'A' <= c && c <= 'Z' {
			return false
		}
		upper = c == '-'
	}
	return true
}

// isToken reports whether c is a token character (RFC 7230 tchar), as
// net/textproto's validHeaderFieldByte does.
func isToken(c byte) bool { return tokens[c] }

var tokens = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			t[c] = true
		default:
			t[c] = strings.IndexByte("!#$%&'*+-.^_`|~", byte(c)) >= 0
		}
	}
	return t
}()

// unfoldInto appends go-message's value of a field to dst: every line of v
// (up to "\n", one "\r" before it dropped) trimmed of blanks, and the
// non-empty ones joined by single spaces.
func unfoldInto(dst, v []byte) []byte {
	first := true
	for len(v) > 0 {
		line := v
		if i := bytes.IndexByte(v, '\n'); i >= 0 {
			line, v = v[:i], v[i+1:]
		} else {
			v = nil
		}
		dst, first = appendUnfolded(dst, bytes.TrimSuffix(line, []byte("\r")), first)
	}
	return dst
}

// unfoldLines is unfoldInto on a folded value as it stands in the input:
// a "\r" is dropped only before a "\n", as bufio.Reader.ReadLine drops
// it, not at the end of input.
func unfoldLines(dst, v []byte) []byte {
	first := true
	for len(v) > 0 {
		// lineAt and appendUnfolded by hand: neither inlines.
		end, next := len(v), len(v)
		if i := bytes.IndexByte(v, '\n'); i >= 0 {
			end, next = i, i+1
			if i > 0 && v[i-1] == '\r' {
				end--
			}
		}
		if i, n := trimBounds(v, 0, end); i < n {
			if !first {
				dst = append(dst, ' ')
			}
			dst, first = append(dst, v[i:n]...), false
		}
		v = v[next:]
	}
	return dst
}

// appendUnfolded appends one line of a folded value to dst, trimmed of
// blanks and after a space unless it is the first non-empty one; an empty
// line adds nothing. It returns dst and whether the next line is first.
func appendUnfolded(dst, line []byte, first bool) ([]byte, bool) {
	line = trim(line)
	if len(line) == 0 {
		return dst, first
	}
	if !first {
		dst = append(dst, ' ')
	}
	return append(dst, line...), false
}

// badNameByte returns the index of the first byte of a field name outside
// '!'..'~', or -1 (a plain loop: slices.IndexFunc's call per byte was 2% of
// the CPU on a bounce mailbox).
func badNameByte(key []byte) int {
	for i, c := range key {
		if c < 33 || c > 126 {
			return i
		}
	}
	return -1
}

// trim removes the spaces and tabs around s.
func trim[S string | []byte](s S) S {
	i, n := 0, len(s)
	for i < n && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	for n > i && (s[n-1] == ' ' || s[n-1] == '\t') {
		n--
	}
	return s[i:n]
}
