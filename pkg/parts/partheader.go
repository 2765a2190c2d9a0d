package parts

import (
	"bufio"
	"bytes"
	"io"
	"sync"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

// multipartReader returns the reader of e's parts with the header block of
// every part held to Options.MaxHeader and each of its fields (folded
// continuation lines included) to Options.MaxLine: go-message reads a
// part's header whole, so a 20 MB header inside one part would otherwise be
// held in memory, several times over. Bytes beyond a limit are dropped
// before go-message sees them, and the limit is reported as exceeded.
func (w *walker) multipartReader(e *message.Entity) message.MultipartReader {
	_, params, _ := e.Header.ContentType()
	if params["boundary"] == "" {
		return e.MultipartReader() // let go-message say what is wrong
	}
	br := limiterReaders.Get().(*bufio.Reader)
	br.Reset(e.Body)
	l := &partHeaderLimiter{br: br, dash: []byte("--" + params["boundary"]), atLineStart: true,
		maxHeader: w.opts.MaxHeader, maxField: w.opts.MaxLine, fail: w.fail}
	return &limitedMultipart{r: textproto.NewMultipartReader(l, params["boundary"]), l: l}
}

// splitter is multipartReader for the walk in memory: the splitter of e's
// parts, over e's bytes when no part header exceeds a limit (the limiter
// would pass them unchanged), else over what the limiter passes.
func (w *walker) splitter(e *entity) *splitter {
	boundary := e.boundary
	if !w.partHeadersOver(e) {
		return w.arena.splitter(e.raw, e.end, boundary, e.off, w.rawAt(e.off))
	}
	dash := []byte("--" + boundary)
	l := &partHeaderLimiter{br: bufio.NewReaderSize(&sliceReader{b: e.raw, end: e.end}, limiterBuffer), dash: dash, atLineStart: true,
		maxHeader: w.opts.MaxHeader, maxField: w.opts.MaxLine, fail: w.fail}
	data, err := io.ReadAll(l)
	if err == nil {
		err = io.EOF
	}
	return w.arena.splitter(data, err, boundary, -1, "")
}

// partHeadersOver is partHeadersOver of the multipart e, as the walk's
// limiter reads it: false without a boundary, where no limiter runs.
func (w *walker) partHeadersOver(e *entity) bool {
	if e.boundary == "" || len(e.raw) <= min(w.opts.MaxHeader, w.opts.MaxLine) {
		return false // no header block or field can be longer than e.raw
	}
	return partHeadersOver(e.raw, []byte("--"+e.boundary), w.opts.MaxHeader, w.opts.MaxLine, limiterBuffer)
}

// partHeadersOver reports whether partHeaderLimiter, reading data in
// pieces of at most chunk bytes (its buffer's size), would cut anything: a
// header block after a boundary line of more than maxHeader bytes, or a
// field of it (folded lines included) of more than maxField. It follows
// filter step by step without copying.
func partHeadersOver(data, dash []byte, maxHeader, maxField, chunk int) bool {
	atLineStart, inHeader, header, field := true, false, 0, 0
	for len(data) > 0 {
		if !inHeader && len(dash) <= chunk {
			// Outside a header block only a line that starts with dash
			// matters: skip to the next one. (Every piece the limiter
			// reads after a line end starts a line, and holds all of
			// dash if the line does.)
			i, from := -1, 0
			for {
				j := bytes.Index(data[from:], dash)
				if j < 0 {
					return false
				}
				if j += from; j == 0 && atLineStart || j > 0 && data[j-1] == '\n' {
					i = j
					break
				}
				from = j + 1
			}
			data, atLineStart = data[i:], true
		}
		n := len(data)
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			n = i + 1
		}
		c := data[:min(n, chunk)]
		data = data[len(c):]
		start, ends := atLineStart, c[len(c)-1] == '\n'
		atLineStart = ends
		if !inHeader {
			if start && bytes.HasPrefix(c, dash) {
				inHeader, header, field = true, 0, 0
			}
			continue
		}
		if start && (len(c) == 1 || len(c) == 2 && c[0] == '\r') && ends {
			inHeader = false // the blank line that ends the header block
			continue
		}
		if start && c[0] != ' ' && c[0] != '\t' {
			field = 0 // a new field
		}
		header += len(c)
		field += len(c)
		if header > maxHeader || field > maxField {
			return true
		}
	}
	return false
}

// limiterBuffer is the size of partHeaderLimiter's reader: the pieces it
// reads long lines in.
const limiterBuffer = 16 << 10

// limitedMultipart is message.MultipartReader over a partHeaderLimiter.
type limitedMultipart struct {
	r *textproto.MultipartReader
	l *partHeaderLimiter
}

func (m *limitedMultipart) NextPart() (*message.Entity, error) {
	p, err := m.r.NextPart()
	if err != nil {
		return nil, err
	}
	return message.New(message.Header{Header: p.Header}, p)
}

// Close hands the limiter's reader back for later multiparts to reuse:
// nothing may read from the parts after it.
func (m *limitedMultipart) Close() error {
	if m.l.br != nil {
		m.l.br.Reset(nil)
		limiterReaders.Put(m.l.br)
		m.l.br = nil
	}
	return nil
}

// limiterReaders recycles the limiters' readers: a returned original in
// several parts needs one, in most bounces of a batch.
var limiterReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, limiterBuffer) }}

// partHeaderLimiter passes a multipart body through, line by line, cutting
// the header block that follows each boundary line to maxHeader bytes and
// each field of it to maxField bytes. The body of a part is untouched.
type partHeaderLimiter struct {
	br                  *bufio.Reader
	dash                []byte // "--" and the boundary
	maxHeader, maxField int
	fail                func(error)

	atLineStart bool // the next chunk starts a line
	inHeader    bool // between a boundary line and the blank line after it
	open        bool // a cut line was passed on without its line end
	header      int  // bytes of the current header block so far
	field       int  // bytes of the current field so far
	failedSize  bool // the limits were reported (once each)
	failedField bool
	pending     []byte // what is to be handed out; valid until the next ReadSlice
	scratch     []byte
}

func (l *partHeaderLimiter) Read(p []byte) (int, error) {
	for len(l.pending) == 0 {
		chunk, err := l.br.ReadSlice('\n')
		if len(chunk) > 0 {
			l.pending = l.filter(chunk)
		}
		if err != nil && err != bufio.ErrBufferFull && len(l.pending) == 0 {
			return 0, err
		}
	}
	n := copy(p, l.pending)
	l.pending = l.pending[n:]
	return n, nil
}

// filter returns the part of chunk (a line, or a piece of a long one) that
// is passed on.
func (l *partHeaderLimiter) filter(chunk []byte) []byte {
	start := l.atLineStart
	ends := chunk[len(chunk)-1] == '\n'
	l.atLineStart = ends
	if !l.inHeader {
		if start && bytes.HasPrefix(chunk, l.dash) {
			l.inHeader, l.header, l.field = true, 0, 0
		}
		return chunk
	}
	if start && (len(chunk) == 1 || len(chunk) == 2 && chunk[0] == '\r') && ends {
		l.inHeader = false // the blank line that ends the header block
		return chunk
	}
	if start && chunk[0] != ' ' && chunk[0] != '\t' {
		l.field = 0 // a new field
	}
	keep := min(len(chunk), max(l.maxHeader-l.header, 0), max(l.maxField-l.field, 0))
	l.header += len(chunk)
	l.field += len(chunk)
	if keep == len(chunk) {
		l.open = !ends
		return chunk
	}
	if l.header > l.maxHeader && !l.failedSize {
		l.failedSize = true
		l.fail(&LimitError{Limit: LimitHeaderSize, Value: l.maxHeader})
	} else if l.field > l.maxField && !l.failedField {
		l.failedField = true
		l.fail(&LimitError{Limit: LimitLineLength, Value: l.maxField})
	}
	switch {
	case keep > 0:
		// A line cut short keeps its line end, so that the next line is
		// still read as a line.
		l.open = true
		l.scratch = append(l.scratch[:0], chunk[:keep]...)
	case l.open || !start:
		// The rest of a line already begun.
		l.scratch = l.scratch[:0]
	default:
		return nil // a whole line dropped
	}
	if ends && l.open {
		l.scratch = append(l.scratch, '\n')
		l.open = false
	}
	return l.scratch
}
