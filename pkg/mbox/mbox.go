package mbox

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"time"
)

// ErrNotMbox is returned by Reader.Next when the stream does not begin with a
// From_ line (after optional blank lines).
var ErrNotMbox = errors.New("mbox: stream does not start with a \"From \" line")

// Envelope is what the From_ line says about a message.
type Envelope struct {
	Sender string    // envelope sender ("MAILER-DAEMON", "ann@example.com"); "" if absent
	Date   time.Time // arrival date; zero if it did not parse
	Line   string    // the From_ line without "From " and the line end
}

// Reader reads the messages of an mbox stream one after another.
type Reader struct {
	br      *bufio.Reader
	env     Envelope
	cur     *messageReader
	started bool
	err     error
}

// bufferSize bounds the longest piece of a line Reader holds at once; longer
// lines are handed out in pieces.
const bufferSize = 64 << 10

// NewReader returns a Reader that reads from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(Newlines(r), bufferSize)}
}

// Next skips the rest of the current message and returns a reader for the
// next one, or io.EOF when there is none. The returned reader is valid until
// the following call to Next. On the first call Next returns ErrNotMbox if the
// stream does not start with a From_ line.
func (r *Reader) Next() (io.Reader, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.cur != nil {
		if _, err := io.Copy(io.Discard, r.cur); err != nil {
			r.err = err
			return nil, err
		}
		r.cur = nil
	}
	if !r.started {
		r.started = true
		if err := r.skipBlankLines(); err != nil {
			r.err = err
			return nil, err
		}
		if !r.atFromLine() {
			r.err = ErrNotMbox
			return nil, ErrNotMbox
		}
	}
	line, err := r.readFullLine()
	if len(line) == 0 && err != nil {
		r.err = err
		return nil, err
	}
	r.env = parseFromLine(line)
	r.cur = &messageReader{r: r, atStart: true}
	return r.cur, nil
}

// Envelope returns the From_ line facts of the message Next last returned.
func (r *Reader) Envelope() Envelope { return r.env }

func (r *Reader) skipBlankLines() error {
	for {
		b, err := r.br.Peek(1)
		if err != nil {
			return err
		}
		if b[0] != '\n' {
			return nil
		}
		r.br.Discard(1)
	}
}

func (r *Reader) atFromLine() bool {
	b, _ := r.br.Peek(5)
	return string(b) == "From "
}

// readFullLine reads one line, however long, keeping at most 4 KiB of it:
// the From_ line is only ever parsed, never handed on.
func (r *Reader) readFullLine() ([]byte, error) {
	var out []byte
	for {
		frag, err := r.br.ReadSlice('\n')
		if len(out) < 4096 {
			out = append(out, frag[:min(len(frag), 4096-len(out))]...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return out, err
	}
}

// messageReader hands out one message's lines, unescaped.
type messageReader struct {
	r       *Reader
	pending []byte // what is left of the current line
	atStart bool   // the next byte read from r.br starts a line
	blank   bool   // a blank line is held back: it may belong to the separator
	done    bool
}

func (m *messageReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(m.pending) > 0 {
			c := copy(p[n:], m.pending)
			m.pending = m.pending[c:]
			n += c
			continue
		}
		if m.done {
			break
		}
		if err := m.fill(); err != nil {
			m.done = true
			if err != io.EOF {
				m.r.err = err
				if n == 0 {
					return 0, err
				}
			}
		}
	}
	if n == 0 && m.done {
		return 0, io.EOF
	}
	return n, nil
}

var newline = []byte{'\n'}

// fill loads the next piece of the message into m.pending. It returns io.EOF
// at the end of the message.
func (m *messageReader) fill() error {
	br := m.r.br
	if m.blank {
		m.blank = false
		b, err := br.Peek(5)
		if string(b) == "From " || (len(b) == 0 && err == io.EOF) {
			// The blank line is the separator before the next From_ line,
			// or the one an mbox writer puts after the last message.
			return io.EOF
		}
		m.pending = newline
		return nil
	}
	line, err := br.ReadSlice('\n')
	startOfLine := m.atStart
	switch err {
	case nil:
		m.atStart = true
	case bufio.ErrBufferFull:
		m.atStart = false
		err = nil
	default:
		m.atStart = true
		if len(line) == 0 {
			return err
		}
		err = nil
	}
	if startOfLine {
		if len(line) == 1 && line[0] == '\n' {
			m.blank = true
			return m.fill()
		}
		if isEscapedFrom(line) {
			line = line[1:]
		}
	}
	m.pending = line
	return err
}

// isEscapedFrom reports whether line matches ">+From ".
func isEscapedFrom(line []byte) bool {
	i := 0
	for i < len(line) && line[i] == '>' {
		i++
	}
	return i > 0 && bytes.HasPrefix(line[i:], []byte("From "))
}

// dateLayouts are the From_ line dates seen in the wild: asctime (RFC 4155),
// asctime with a zone, and RFC 5322 dates.
var dateLayouts = []string{
	"Mon Jan _2 15:04:05 2006",
	"Mon Jan _2 15:04:05 -0700 2006",
	"Mon Jan _2 15:04:05 MST 2006",
	"Mon Jan _2 15:04 2006",
	"Mon, _2 Jan 2006 15:04:05 -0700",
	"Mon, _2 Jan 2006 15:04:05 -0700 (MST)",
}

func parseFromLine(line []byte) Envelope {
	s := strings.TrimRight(string(line), "\r\n")
	s = strings.TrimPrefix(s, "From ")
	env := Envelope{Line: s}
	s = strings.TrimLeft(s, " ")
	sender, rest, _ := strings.Cut(s, " ")
	env.Sender = sender
	rest = strings.Join(strings.Fields(rest), " ")
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, rest); err == nil {
			env.Date = t
			break
		}
	}
	return env
}
