package parts

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/bounce-tool/bounce/pkg/header"
	"github.com/emersion/go-message"
)

// ErrMalformed is wrapped by the errors Parse returns when it had to stop
// early or skip something broken; the Message is still usable.
var ErrMalformed = errors.New("parts: malformed message")

// The names of the limits, as LimitError.Limit and the record field
// `truncated` spell them.
const (
	LimitHeaderSize = "header-size" // bytes of a header block (Options.MaxHeader)
	LimitDepth      = "depth"       // MIME nesting depth (Options.MaxDepth)
	LimitParts      = "parts"       // MIME parts visited (Options.MaxParts)
	LimitTextSize   = "text-size"   // bytes of decoded text per part (Options.MaxText)
	LimitReportSize = "report-size" // bytes of one report part (Options.MaxReport)
	LimitLineLength = "line-length" // bytes of one text line (Options.MaxLine)
)

// LimitError says which limit a message exceeded. Parse keeps what it read
// before the limit.
type LimitError struct {
	Limit string // one of the Limit* names
	Value int    // the limit's value
}

// Error says which limit was exceeded.
func (e *LimitError) Error() string {
	return fmt.Sprintf("parts: %s limit of %d exceeded", e.Limit, e.Value)
}

// Exceeded returns the names of the limits err reports (it may join several
// errors), sorted and without repeats; nil when there are none.
func Exceeded(err error) []string {
	var names []string
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
		case *LimitError:
			if !slices.Contains(names, e.Limit) {
				names = append(names, e.Limit)
			}
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	slices.Sort(names)
	return names
}

// Options bounds the work Parse does on one message. A nil *Options or zero
// fields mean the defaults.
type Options struct {
	MaxDepth     int // MIME nesting depth, default 16
	MaxParts     int // MIME parts visited, default 1000
	MaxText      int // bytes of decoded text kept per part, default 1 MiB
	MaxOriginal  int // bytes of the returned original's body kept, default 64 KiB
	MaxHeader    int // bytes of one header block, default 1 MiB
	MaxRawText   int // bytes of the raw top-level body kept as a fallback, default 256 KiB
	MaxReport    int // bytes of one report part (delivery-status, feedback), default 1 MiB
	MaxLine      int // bytes of one line of text; longer lines are cut, default 64 KiB
	SkipOriginal bool

	nested bool // walking a returned report (Original.Report): walk no deeper
}

func (o *Options) withDefaults() Options {
	var d Options
	if o != nil {
		d = *o
	}
	def := func(v *int, n int) {
		if *v <= 0 {
			*v = n
		}
	}
	def(&d.MaxDepth, 16)
	def(&d.MaxParts, 1000)
	def(&d.MaxText, 1<<20)
	def(&d.MaxOriginal, 64<<10)
	def(&d.MaxHeader, 1<<20)
	def(&d.MaxRawText, 256<<10)
	def(&d.MaxReport, 1<<20)
	def(&d.MaxLine, 64<<10)
	return d
}

// Text is a human-readable part, decoded to UTF-8.
type Text struct {
	Type string // "text/plain", "text/html" (converted to plain text), ...
	Body string
}

// Original is the returned copy of the message that bounced.
type Original struct {
	// Header is the returned message's header: a header.Header, which
	// answers Get, Values, Text, AddressList and the like as go-message's
	// mail.Header does, without its map (see package header).
	Header header.Header
	// HeadersOnly is true when only the header came back
	// (text/rfc822-headers, or a message/rfc822 part with an empty body).
	HeadersOnly bool
	// Body is the start of the original's text, decoded, for finding
	// ticket references. It is empty when SkipOriginal is set.
	Body string
	// Type is the content type the original came in.
	Type string
	// Report is the returned message taken apart, when it is itself a
	// delivery report (multipart/report): a bounce returned inside a
	// bounce, or forwarded as an attachment. Its own returned message is
	// not walked further. Nil otherwise.
	Report *Message
}

// Message is a message taken apart.
type Message struct {
	// Header is the top-level header: a header.Header, which answers
	// Get, Values, Text, AddressList and the like as go-message's
	// mail.Header does, without its map (see package header).
	Header   header.Header
	Texts    []Text    // text parts outside the returned original, in order
	Reports  [][]byte  // bodies of delivery-status parts (RFC 3464, RFC 6533)
	Feedback [][]byte  // bodies of feedback-report parts (RFC 5965)
	Original *Original // the returned message; nil when none is attached
	// Raw is the start of the top-level body as it was read, before MIME
	// decoding: the fallback text when the MIME structure is broken.
	Raw string
	// Types lists the content types of all parts visited, in order.
	Types []string
	// Charset is the first charset the message declares other than
	// US-ASCII (the top-level header's, else its first text part's), or
	// "": the best guess for its undeclared 8-bit and ISO-2022 bytes
	// (header fields, delivery-status parts). See Decode.
	Charset string
	joined  struct { // Text's result for the first n texts
		text string
		n    int
	}
}

// Text returns all texts joined by blank lines.
func (m *Message) Text() string {
	switch len(m.Texts) {
	case 0:
		return ""
	case 1:
		return m.Texts[0].Body
	}
	// Several stages read the text; join it once (again only if Texts
	// grew since).
	if m.joined.n == len(m.Texts) {
		return m.joined.text
	}
	var b strings.Builder
	for i, t := range m.Texts {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(t.Body)
	}
	m.joined.text, m.joined.n = b.String(), len(m.Texts)
	return m.joined.text
}

// ReadHeaderLimit reads the header block at the start of r, at most max
// bytes of it (max <= 0 means the default of Options.MaxHeader), and returns
// it with a reader positioned at the body. A larger header block gives a
// *LimitError (LimitHeaderSize) and the fields read before the limit.
func ReadHeaderLimit(r io.Reader, max int) (header.Header, *bufio.Reader, error) {
	if max <= 0 {
		max = (*Options)(nil).withDefaults().MaxHeader
	}
	lr := &limitedReader{r: r, n: int64(max)}
	br := headerReaders.Get().(*bufio.Reader)
	br.Reset(lr)
	h, err := ReadHeader(br)
	if lr.n <= 0 && br.Buffered() == 0 {
		// The header block took every byte the limit allowed.
		return h, br, &LimitError{Limit: LimitHeaderSize, Value: max}
	}
	lr.n = math.MaxInt64
	return h, br, err
}

// ReadHeaderBytes is ReadHeaderLimit on a message in memory: the same
// header, error and limit as ReadHeaderLimit(bytes.NewReader(data), max)
// gives, read where data stands instead of through a buffered reader. It
// also returns how many bytes of data the header block (and the preamble
// before it) took: the body starts there.
func ReadHeaderBytes(data []byte, max int) (header.Header, int, error) {
	if max <= 0 {
		max = (*Options)(nil).withDefaults().MaxHeader
	}
	window := data[:min(len(data), max)] // what the limited reader lets through
	i := preambleLen(window)
	h, n, err := header.ReadBytes(window[i:], "", io.EOF)
	if i+n == max {
		// The header block took every byte the limit allowed.
		return h, i + n, &LimitError{Limit: LimitHeaderSize, Value: max}
	}
	if err != nil {
		return h, i + n, fmt.Errorf("%w: header: %w", ErrMalformed, err)
	}
	return h, i + n, nil
}

// preambleLen is how many bytes at the start of b skipPreamble passes
// over.
func preambleLen(b []byte) int {
	i := 0
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			i++
			continue
		}
		if !bytes.HasPrefix(b[i:], []byte("From ")) {
			return i
		}
		if j := bytes.IndexByte(b[i:], '\n'); j >= 0 {
			i += j + 1
		} else {
			i = len(b)
		}
	}
	return i
}

// headerReaders recycles ReadHeaderLimit's 16 KiB readers: a batch reads
// millions of messages, and a fresh buffer for each costs allocation and
// garbage collection.
var headerReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 16<<10) }}

// ReleaseReader hands back a reader that ReadHeaderLimit returned, for
// later calls to reuse, once nothing reads from it any more. Nothing that
// ParseBody returns refers to the reader's buffer (header fields and texts
// are copies). Not calling it is fine.
func ReleaseReader(br *bufio.Reader) {
	br.Reset(nil)
	headerReaders.Put(br)
}

// limitedReader is io.LimitedReader whose limit can be lifted once the
// header is read (as go-message does in ReadWithOptions).
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// ReadHeader reads the header block at the start of br. It is the cheap first
// look at a message: the body stays unread in br. White space and blank
// lines before the first field, and an mbox "From " line there, are passed
// over (skipPreamble).
func ReadHeader(br *bufio.Reader) (header.Header, error) {
	skipPreamble(br)
	h, err := header.Read(br)
	if err != nil {
		return h, fmt.Errorf("%w: header: %w", ErrMalformed, err)
	}
	return h, nil
}

// Parse reads a whole message from r and takes it apart.
func Parse(r io.Reader, opts *Options) (*Message, error) {
	br := bufio.NewReader(r)
	h, err := ReadHeader(br)
	m, err2 := ParseBody(h, br, opts)
	return m, errors.Join(err, err2)
}

// ParseBody takes apart a message whose header was already read with
// ReadHeader; body holds the rest. It reads the body into memory (a buffer
// it reuses) and takes it apart there: see ParseBytes.
func ParseBody(h header.Header, body io.Reader, opts *Options) (*Message, error) {
	box := getBuffer(&rawPool)
	buf, rerr := readUpTo(*box, body, math.MaxInt64)
	defer func() { putBuffer(&rawPool, box, buf) }()
	end := io.EOF
	if rerr != nil {
		end = rerr
	}
	return parseBytes(h, buf, end, opts)
}

// ParseBytes takes apart a message whose header was already read, body
// being the rest of the message in memory. The walk finds the parts in body
// without copying it and decodes only what the Message holds; nothing it
// returns refers to body.
func ParseBytes(h header.Header, body []byte, opts *Options) (*Message, error) {
	return parseBytes(h, body, io.EOF, opts)
}

// withRoom is a Message with room for what most bounces hold: up to four
// content types, one text, one report and the returned message.
// newMessage allocates it as one object instead of one for the Message,
// one for the Original and one or more for each slice appended to.
type withRoom struct {
	msg      Message
	types    [4]string
	texts    [1]Text
	reports  [1][]byte
	original Original // the walker's to fill in and point msg.Original to
}

// newMessage returns room for an empty Message with header h, its
// slices pointing to their first room.
func newMessage(h header.Header) *withRoom {
	r := &withRoom{msg: Message{Header: h}}
	r.msg.Types, r.msg.Texts, r.msg.Reports = r.types[:0], r.texts[:0], r.reports[:0]
	return r
}

// parseBytes is ParseBytes of a body that ends with the error end (io.EOF
// unless reading it failed).
func parseBytes(h header.Header, body []byte, end error, opts *Options) (*Message, error) {
	o := opts.withDefaults()
	room := newMessage(h)
	m := &room.msg
	// Raw: the start of the body (files of saved bounces hold a second
	// message in the epilogue after the closing boundary).
	raw := string(body[:min(len(body), o.MaxRawText)])
	rawValid := utf8.ValidString(raw)
	m.Raw = raw
	if !rawValid {
		m.Raw = strings.ToValidUTF8(raw, "\uFFFD")
	}
	a := getArena()
	defer putArena(a)
	w := &a.walker // with the buffers of the arena's last walk
	*w = walker{opts: o, msg: m, room: room, raw: raw, rawValid: rawValid, scratch: w.scratch[:0], tbuf: w.tbuf[:0], arena: a}
	if w.scratch == nil {
		w.scratch = make([]byte, 0, 16<<10)
	}
	w.walk(a.entity(h, body, end, 0), 0) // notes the top-level header's charset first
	return m, w.err()
}

type walker struct {
	opts Options
	msg  *Message
	room *withRoom // msg's room (newMessage)
	// raw is the start of the message's body as a string (Raw's copy):
	// texts that need no decoding are slices of it, not copies.
	raw      string
	rawValid bool // raw is valid UTF-8
	parts    int
	errs     []error
	// scratch is the buffer parts are read into before they are decoded
	// to strings: one buffer for the whole walk instead of a growing
	// io.ReadAll per part. tbuf holds a part's bytes with the transfer
	// encoding undone, before their charset is converted (converted).
	// Both stay with the arena for its next walk.
	scratch, tbuf []byte
	arena         *arena // the parts of the walk
}

func (w *walker) err() error { return errors.Join(w.errs...) }

// rawAt returns the message's body from off on as a string, within Raw's
// copy, or "" when off is not in it (-1: not the body's bytes).
func (w *walker) rawAt(off int) string {
	if off < 0 || off >= len(w.raw) {
		return ""
	}
	return w.raw[off:]
}

func (w *walker) fail(err error) {
	if len(w.errs) < 8 {
		w.errs = append(w.errs, err)
	}
}

func (w *walker) walk(e *entity, depth int) {
	w.parts++
	if w.parts > w.opts.MaxParts {
		if w.parts == w.opts.MaxParts+1 {
			w.fail(&LimitError{Limit: LimitParts, Value: w.opts.MaxParts})
		}
		return
	}
	if depth > w.opts.MaxDepth {
		w.fail(&LimitError{Limit: LimitDepth, Value: w.opts.MaxDepth})
		return
	}
	typ := e.typ
	if depth == 0 {
		w.msg.noteCharset(e.charset) // the top-level header's, whatever its type
	}
	if typ == "" {
		typ = "text/plain"
	}
	w.msg.Types = append(w.msg.Types, typ)
	if strings.HasPrefix(typ, "text/") {
		w.msg.noteCharset(e.charset)
	}
	switch {
	case strings.HasPrefix(typ, "multipart/"):
		w.walkMultipart(e, typ, depth)
	case typ == "message/delivery-status" || typ == "message/global-delivery-status":
		b := w.readAll(e, w.opts.MaxReport, LimitReportSize)
		w.msg.Reports = append(w.msg.Reports, b)
	case typ == "message/feedback-report":
		w.msg.Feedback = append(w.msg.Feedback, w.readAll(e, w.opts.MaxReport, LimitReportSize))
	case typ == "message/rfc822" || typ == "message/global" || typ == "message/partial-rfc822":
		w.original(e, typ, false, depth)
	case typ == "text/rfc822-headers" || typ == "message/rfc822-headers" || typ == "message/global-headers":
		w.original(e, typ, true, depth)
	case strings.HasPrefix(typ, "text/"):
		body := w.readText(e, typ)
		if strings.TrimSpace(body) != "" {
			w.msg.Texts = append(w.msg.Texts, Text{Type: typ, Body: body})
		}
	default:
		// attachments (images, archives, ...) are not read
	}
}

func (w *walker) walkMultipart(e *entity, typ string, depth int) {
	mr := w.splitter(e)
	alternative := typ == "multipart/alternative"
	// Of the alternatives, plain text is what servers write for people:
	// the first plain one (or one without a type) is kept, else the first
	// one. Every alternative is read, for the stream to go on, but the
	// others are not decoded: the first is held raw, in case no plain one
	// follows.
	var (
		best      *Text
		fallback  []byte // the first alternative's bytes while no plain one came
		fbType    string
		fbCharset string
		fbCS      string // the message's charset when it was read (see textOf)
	)
	for {
		p, err := mr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			w.fail(fmt.Errorf("%w: %s: %v", ErrMalformed, typ, err))
			break
		}
		if alternative {
			t := p.typ
			if strings.HasPrefix(t, "text/") || t == "" {
				w.parts++
				if w.parts > w.opts.MaxParts {
					w.fail(&LimitError{Limit: LimitParts, Value: w.opts.MaxParts})
					break
				}
				w.msg.Types = append(w.msg.Types, t)
				w.msg.noteCharset(p.charset)
				switch {
				case best == nil && (t == "text/plain" || t == ""):
					best = &Text{Type: t, Body: w.readText(p, t)}
				case best == nil && fallback == nil:
					fallback = append([]byte{}, w.readLines(p)...)
					fbType, fbCharset, fbCS = t, p.charset, w.msg.Charset
				default:
					w.readLines(p) // for the limits it may exceed
				}
				continue
			}
		}
		w.walk(p, depth+1)
		if w.parts > w.opts.MaxParts {
			break
		}
	}
	if best == nil && fallback != nil {
		best = &Text{Type: fbType, Body: textBody(fbType, fbCharset, fallback, fbCS)}
	}
	if best != nil && strings.TrimSpace(best.Body) != "" {
		w.msg.Texts = append(w.msg.Texts, *best)
	}
}

// original records the returned message and reads the start of its text.
func (w *walker) original(e *entity, typ string, headersOnly bool, depth int) {
	data, end := w.originalBytes(e)
	i := 0
	for i < len(data) && (data[i] == '\n' || data[i] == '\r') {
		i++ // blank lines before the header
	}
	text := "" // data as a string, when it stands in Raw's copy
	if e.off >= 0 && e.plain() {
		text = w.rawAt(e.off + i)
	}
	h, n, err := header.ReadBytes(data[i:], text, end)
	if err != nil {
		// QUIRK: RFC 3462 section 3 expects a clean header block, but many
		// servers return headers cut short or with a stray non-header line.
		// Keep the fields read before the bad line (textproto returns them).
		w.fail(fmt.Errorf("%w: returned header: %v", ErrMalformed, err))
	}
	rest := data[i+n:]
	if w.msg.Original != nil {
		// A second returned message (rare): keep the first, it is the one
		// the report is about.
		return
	}
	o := &w.room.original
	*o = Original{Header: h, Type: typ, HeadersOnly: headersOnly}
	w.msg.Original = o
	if w.opts.SkipOriginal {
		if !headersOnly {
			o.HeadersOnly = blank(rest)
		}
		return
	}
	// QUIRK: RFC 6522 says a text/rfc822-headers part holds the header
	// only, but OpenSMTPD returns the whole failed message under that
	// label; its text is read like that of a message/rfc822 part.
	off := -1
	if e.off >= 0 && e.plain() {
		off = e.off + i + n
	}
	inner := w.arena.entity(h, rest, end, off) // its content type read once, for both uses
	report := false
	if inner.typ == "multipart/report" && !w.opts.nested {
		// A report returned inside this one: walk it as a message of its
		// own, from the same bytes as its text below.
		innerOpts := w.opts
		innerOpts.nested = true
		o.Report, _ = parseBytes(o.Header, rest, io.EOF, &innerOpts)
		report, inner.end = true, io.EOF
	}
	text, blankRest := w.originalBody(inner, depth+1)
	o.Body = text
	o.HeadersOnly = o.Body == "" && (report || blankRest)
}

// originalBytes returns the returned message's bytes that original reads
// (at most MaxHeader + 4 MaxOriginal, decoded) and what reading on gives.
func (w *walker) originalBytes(e *entity) ([]byte, error) {
	limit := w.opts.MaxHeader + w.opts.MaxOriginal*4
	if e.plain() {
		if len(e.raw) >= limit {
			return e.raw[:limit], io.EOF
		}
		return e.raw, e.end
	}
	data, err := readUpTo(nil, e.body(), int64(limit))
	if err != nil {
		return data, err
	}
	return data, io.EOF
}

// originalBody returns the text of the returned message's body (see
// originalText), and whether what it left unread is blank.
func (w *walker) originalBody(e *entity, depth int) (string, bool) {
	if isMultipart(e.typ) || !e.plain() {
		var b strings.Builder
		parts := w.parts
		if originalInMemory && w.originalParts(e, &b, depth, false) && b.Len() > 0 {
			return b.String(), false
		}
		// No text, or a part header beyond a limit: what is left unread
		// and what the limits say are go-message's stream reader's to
		// tell.
		w.parts = parts
		br := getReader(&sliceReader{b: e.raw, end: e.end})
		defer putReader(br)
		inner, _ := message.New(e.hdr(), br)
		b.Reset()
		w.originalText(inner, &b, depth, false)
		return b.String(), b.Len() == 0 && bodyIsEmpty(br)
	}
	// originalText of a single part whose bytes are its text.
	if depth > w.opts.MaxDepth {
		return "", blank(e.raw)
	}
	w.parts++
	if w.parts > w.opts.MaxParts || (e.typ != "" && !strings.HasPrefix(e.typ, "text/")) {
		return "", blank(e.raw)
	}
	data := e.raw[:min(len(e.raw), w.opts.MaxOriginal)]
	s, ok := w.inRaw(e, e.typ, data)
	if !ok {
		s = textBody(e.typ, e.charset, data, w.msg.Charset)
	}
	return s, s == "" && blank(e.raw[len(data):])
}

// blank reports whether b holds only blanks and line ends (bodyIsEmpty of
// bytes in memory).
func blank(b []byte) bool {
	for _, c := range b {
		if c != '\n' && c != '\r' && c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// originalInMemory turns originalParts on; tests turn it off to compare.
var originalInMemory = true

// originalParts is originalText over the message in memory: the splitter
// finds the parts, and only the text parts are read and decoded (go-message
// reads every part's header and sets up the decoding of its body). It
// reports false where its text could differ from originalText's: a part
// header beyond a limit, which the limiter cuts as the stream is read.
func (w *walker) originalParts(e *entity, b *strings.Builder, depth int, afterPlain bool) bool {
	if b.Len() >= w.opts.MaxOriginal || depth > w.opts.MaxDepth {
		return true
	}
	w.parts++
	if w.parts > w.opts.MaxParts {
		return true
	}
	switch {
	case isMultipart(e.typ):
		if w.partHeadersOver(e) {
			return false
		}
		sp := w.arena.splitter(e.raw, e.end, e.boundary, e.off, w.rawAt(e.off))
		alternative, plain := e.typ == "multipart/alternative", false
		for b.Len() < w.opts.MaxOriginal {
			p, err := sp.next()
			if err != nil || !p.decodable() {
				return true // where go-message's NextPart fails
			}
			if !w.originalParts(p, b, depth+1, plain) {
				return false
			}
			plain = plain || alternative && p.typ == "text/plain"
		}
	case afterPlain && e.typ == "text/html":
		// The same text as the plain alternative before it: not read.
	case strings.HasPrefix(e.typ, "text/"):
		max := w.opts.MaxOriginal - b.Len()
		var data []byte
		switch {
		case e.plain():
			data = e.raw[:min(len(e.raw), max)]
		case e.encoding() == "quoted-printable" && (e.keepsCharset() || e.asciiCharset()):
			data, _ = decodeQP(w.scratch[:0], e.raw, e.end, max)
			data = data[:min(len(data), max)]
			w.scratch = data[:0]
			if e.keepsCharset() || isText7bit(data) {
				break
			}
			fallthrough
		default:
			var ok bool
			if data, _, ok = w.converted(e, max); !ok {
				data, _ = readUpTo(w.scratch[:0], e.body(), int64(max))
			}
			w.scratch = data[:0]
		}
		s := textBody(e.typ, e.charset, data, w.msg.Charset)
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(s)
	}
	return true
}

// decodable reports whether message.New takes a part without an error:
// its transfer encoding is one go-message knows and, for text, so is its
// charset.
func (e *entity) decodable() bool {
	if isMultipart(e.typ) {
		return true
	}
	switch e.encoding() {
	case "quoted-printable", "base64", "7bit", "8bit", "binary", "":
	default:
		return false
	}
	if !strings.HasPrefix(e.typ, "text/") || !e.hasCharset {
		return true
	}
	cs := strings.ToLower(e.charset)
	if cs == "utf-8" || cs == "us-ascii" {
		return true
	}
	return message.CharsetReader != nil && charsetKnown(cs)
}

// originalText appends the text parts of the returned message to b, up to
// MaxOriginal bytes. Other parts are not decoded, and neither is an HTML
// alternative after a plain one (afterPlain): it says the same.
func (w *walker) originalText(e *message.Entity, b *strings.Builder, depth int, afterPlain bool) {
	if b.Len() >= w.opts.MaxOriginal || depth > w.opts.MaxDepth {
		return
	}
	w.parts++
	if w.parts > w.opts.MaxParts {
		return
	}
	typ, params, _ := e.Header.ContentType()
	switch {
	case strings.HasPrefix(typ, "multipart/"):
		mr := w.multipartReader(e)
		if mr == nil {
			return
		}
		defer mr.Close()
		alternative, plain := typ == "multipart/alternative", false
		for b.Len() < w.opts.MaxOriginal {
			p, err := mr.NextPart()
			if err != nil {
				return
			}
			w.originalText(p, b, depth+1, plain)
			pt, _, _ := p.Header.ContentType()
			plain = plain || alternative && pt == "text/plain"
		}
	case afterPlain && typ == "text/html":
	case typ == "" || strings.HasPrefix(typ, "text/"):
		max := w.opts.MaxOriginal - b.Len()
		data, _ := readUpTo(w.scratch[:0], e.Body, int64(max))
		w.scratch = data[:0]
		s := textBody(typ, params["charset"], data, w.msg.Charset)
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(s)
	}
}

// readText reads a text part of type typ.
func (w *walker) readText(e *entity, typ string) string {
	data := w.readLines(e)
	if s, ok := w.inRaw(e, typ, data); ok {
		return s
	}
	return textBody(typ, e.charset, data, w.msg.Charset)
}

// inRaw returns textBody of data without copying it, when data is the start
// of e's body as it stands in the message (within Raw's copy) and is its own
// text: UTF-8 without ISO-2022 escapes, not HTML.
func (w *walker) inRaw(e *entity, typ string, data []byte) (string, bool) {
	if e.off < 0 || len(data) == 0 || &data[0] != &e.raw[0] || typ == "text/html" ||
		e.off+len(data) > len(w.raw) || !w.validIn(e.off, len(data), data) || hasISO2022Escape(data) {
		return "", false
	}
	return w.raw[e.off : e.off+len(data)], true
}

// validIn reports whether data, which stands in raw at off, is valid UTF-8:
// when raw is, whether data starts and ends at the start of a rune (or
// raw's end), without reading it again.
func (w *walker) validIn(off, n int, data []byte) bool {
	if !w.rawValid {
		return utf8.Valid(data)
	}
	return runeStart(w.raw, off) && runeStart(w.raw, off+n)
}

// runeStart reports whether s[i:] starts with a whole rune (or is empty),
// s being valid UTF-8: s[i] is not a continuation byte.
func runeStart(s string, i int) bool { return i == len(s) || utf8.RuneStart(s[i]) }

// readLines reads a text part's bytes (at most MaxText, lines cut at
// MaxLine): they are valid until the next read.
func (w *walker) readLines(e *entity) []byte {
	data := w.read(e, w.opts.MaxText, LimitTextSize)
	if len(data) > w.opts.MaxLine {
		// cutLines works in place: not in the message.
		data = append(w.scratch[:0], data...)
		w.scratch = data[:0]
	}
	return w.cutLines(data)
}

// textBody is the text of a part of type typ (HTML converted to plain
// text); see textOf.
func textBody(typ, charset string, data []byte, msgCharset string) string {
	s := textOf(charset, data, msgCharset)
	if typ == "text/html" {
		s = HTMLText(s)
	}
	return s
}

// textOf returns a text part's body as UTF-8; charset is the part's
// declared charset, msgCharset the charset the message declared
// before it. go-message has converted a body in a charset it knows; any
// other body arrives as sent and is decoded here: by its declared charset,
// else the message's, else guessed (Decode).
func textOf(cs string, data []byte, msgCharset string) string {
	if knownCharset(cs) {
		return validUTF8(string(data))
	}
	if normalCharset(cs) == "" || isUndeclared(normalCharset(cs)) {
		cs = msgCharset
	}
	return Decode(data, cs)
}

// noteCharset remembers the first charset other than US-ASCII that a
// header declares; charset is its Content-Type's charset parameter.
func (m *Message) noteCharset(charset string) {
	if m.Charset != "" {
		return
	}
	if cs := normalCharset(charset); cs != "" && cs != "us-ascii" && cs != "ascii" {
		m.Charset = cs
	}
}

// cutLines shortens every line of data longer than MaxLine to MaxLine bytes
// (in place), so that no recogniser ever scans a hostile 50 MB line.
func (w *walker) cutLines(data []byte) []byte {
	max := w.opts.MaxLine
	if len(data) <= max {
		return data
	}
	out, start, cut := data[:0], 0, false
	for start < len(data) {
		end := bytes.IndexByte(data[start:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += start + 1
		}
		line := data[start:end]
		if len(line) > max {
			cut = true
			nl := line[len(line)-1] == '\n'
			line = line[:max]
			if nl {
				line = append(line, '\n') // in place: the cut freed the room
			}
		}
		out = append(out, line...)
		start = end
	}
	if cut {
		w.fail(&LimitError{Limit: LimitLineLength, Value: max})
	}
	return out
}

// converted is readUpTo(w.scratch[:0], e.body(), limit) done in memory for
// a text part in a charset that message.New converts and memCharsetOf
// knows: the transfer encoding undone into w.tbuf, the text converted into
// w.scratch. ok is false for any other part, which e.body() then reads.
func (w *walker) converted(e *entity, limit int) (data []byte, err error, ok bool) {
	if !e.hasCharset || e.keepsCharset() || !strings.HasPrefix(e.typ, "text/") {
		return nil, nil, false
	}
	enc := e.encoding()
	switch enc {
	case "7bit", "8bit", "binary", "", "quoted-printable", "base64":
	default:
		return nil, nil, false // go-message's reader says what it does
	}
	mc := memCharsetOf(strings.ToLower(e.charset))
	if mc == nil {
		return nil, nil, false
	}
	in, end := e.raw, e.end // the bytes to convert, and what reading on gives
	if enc == "quoted-printable" || enc == "base64" {
		if enc == "quoted-printable" {
			in, err = decodeQP(w.tbuf[:0], e.raw, e.end, math.MaxInt)
		} else {
			var h message.Header
			h.Set("Content-Transfer-Encoding", enc)
			m, _ := message.New(h, &sliceReader{b: e.raw, end: e.end})
			in, err = readUpTo(w.tbuf[:0], m.Body, math.MaxInt64)
		}
		w.tbuf, end = in[:0], io.EOF
		if err != nil {
			end = err
		}
	}
	data, err = mc.decode(w.scratch[:0], in, end, limit)
	return data, err, true
}

// readAll reads at most max bytes of e's body and discards the rest.
func (w *walker) readAll(e *entity, max int, limit string) []byte {
	return append([]byte{}, w.read(e, max, limit)...)
}

// read is readAll without the copy: the bytes are the message's own when
// e's body needs no decoding, else in the walker's scratch buffer; they are
// valid until the next read.
func (w *walker) read(e *entity, max int, limit string) []byte {
	if e.plain() {
		data := e.raw
		if len(data) > max {
			w.fail(&LimitError{Limit: limit, Value: max})
			return data[:max]
		}
		if e.end != io.EOF {
			w.fail(fmt.Errorf("%w: %v", ErrMalformed, e.end))
		}
		return data
	}
	var (
		data []byte
		err  error
		r    io.Reader
	)
	qp := e.encoding() == "quoted-printable" && (e.keepsCharset() || e.asciiCharset())
	if qp {
		// Decoded in memory, as go-message's reader would decode it.
		data, err = decodeQP(w.scratch[:0], e.raw, e.end, max+1)
		// 7-bit text is its own conversion; 8-bit text is converted
		// by go-message.
		qp = e.keepsCharset() || isText7bit(data)
	}
	if !qp {
		var ok bool
		if data, err, ok = w.converted(e, max+1); !ok {
			r = e.body()
			data, err = readUpTo(w.scratch[:0], r, int64(max)+1)
		}
	}
	w.scratch = data[:0]
	if err != nil {
		w.fail(fmt.Errorf("%w: %v", ErrMalformed, err))
	}
	if len(data) > max {
		data = data[:max]
		w.fail(&LimitError{Limit: limit, Value: max})
		if r != nil {
			io.Copy(io.Discard, r)
		}
	}
	return data
}

func bodyIsEmpty(br *bufio.Reader) bool {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return true
		}
		if b != '\n' && b != '\r' && b != ' ' && b != '\t' {
			return false
		}
	}
}

func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// readUpTo appends to b what r holds, up to n bytes: io.ReadAll of an
// io.LimitReader, into a buffer the caller reuses.
func readUpTo(b []byte, r io.Reader, n int64) ([]byte, error) {
	for int64(len(b)) < n {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		k, err := r.Read(b[len(b):min(int64(cap(b)), n)])
		b = b[:len(b)+k]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
	return b, nil
}

// Buffers and readers are recycled between messages: a batch takes apart
// millions of them, and fresh buffers cost allocation and garbage
// collection. maxPooled bounds what is kept, so that one huge part does
// not pin its buffer.
const maxPooled = 2 << 20

var (
	// scratchPool holds convert's buffers, rawPool the buffers ParseBody
	// reads bodies into: two pools, so that each gets back a buffer of the
	// size it grew before. (The walker's own buffers stay in its arena.)
	scratchPool, rawPool sync.Pool
	readerPool           = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}
)

// getBuffer returns a pooled buffer, empty, in the box it is pooled in;
// putBuffer hands back the box with b, what the buffer grew to. The pool
// holds boxes (pointers): a slice put in it as it is would be copied to a
// new object each time.
func getBuffer(p *sync.Pool) *[]byte {
	if box, ok := p.Get().(*[]byte); ok {
		*box = (*box)[:0]
		return box
	}
	b := make([]byte, 0, 16<<10)
	return &b
}

func putBuffer(p *sync.Pool, box *[]byte, b []byte) {
	if cap(b) <= maxPooled {
		*box = b[:0]
		p.Put(box)
	}
}

// getReader returns a pooled bufio.Reader (4 KiB, like bufio.NewReader)
// reading r; putReader hands it back once nothing reads from it.
func getReader(r io.Reader) *bufio.Reader {
	br := readerPool.Get().(*bufio.Reader)
	br.Reset(r)
	return br
}

func putReader(br *bufio.Reader) {
	br.Reset(nil)
	readerPool.Put(br)
}

// skipPreamble reads past what may stand before a message's first header
// field: white space, blank lines, and mbox "From " lines (which have no
// colon after their first word, unlike a "From:" field).
//
// QUIRK: RFC 5322 section 2.1 starts a message with its header fields, but
// messages saved from mail clients and web mail keep the mbox From_ line,
// and hand-made ones start with a blank line.
func skipPreamble(br *bufio.Reader) {
	for {
		b, err := br.Peek(1)
		if err != nil {
			return
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			br.Discard(1)
			continue
		}
		if b, _ := br.Peek(5); string(b) != "From " {
			return
		}
		for {
			_, err := br.ReadSlice('\n')
			if err != bufio.ErrBufferFull {
				break
			}
		}
	}
}
