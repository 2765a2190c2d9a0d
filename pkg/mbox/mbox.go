package mbox

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/bounce-tool/bounce/pkg/internal/datename"
	"github.com/bounce-tool/bounce/pkg/internal/phrase"
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
	src     io.Reader // LF line ends
	buf     []byte    // the window; unread bytes are buf[r:w]
	r, w    int
	eof     bool  // src is exhausted
	err     error // sticky read error other than io.EOF
	env     Envelope
	cur     *messageReader
	started bool
	line    []byte        // scratch: the From_ line being read
	msg     messageReader // what cur points to: one per Reader, as each is valid until the next
}

// bufferSize is the window Reader scans; lines longer than it are handed out
// in pieces.
const bufferSize = 256 << 10

// lookahead is how many bytes must be in the window before a line start is
// judged: enough for a blank line and a whole From_ line, or a run of ">"
// before "From ".
const lookahead = 256

// IsFromLine reports whether line (or the start of a stream) begins with a
// From_ line: "From ", a sender and a date with a time of day, as every mbox
// writer puts there ("From MAILER-DAEMON Thu Sep 18 17:54:04 2008"). A body
// line such as "From here on we agree" is not one, even after a blank line:
// that is how writers that do not escape bodies (mboxcl, some exports) still
// split correctly.
func IsFromLine(line []byte) bool {
	if !bytes.HasPrefix(line, []byte("From ")) {
		return false
	}
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	line = line[:min(len(line), lookahead)]
	rest := bytes.TrimLeft(line[5:], " ")
	if len(rest) == 0 || bytes.IndexByte(rest, ' ') < 0 {
		return false // no sender, or nothing after it
	}
	// A time of day: d:dd or dd:dd.
	for i := 1; i+2 < len(rest); i++ {
		if rest[i] == ':' && isDigit(rest[i-1]) && isDigit(rest[i+1]) && isDigit(rest[i+2]) {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// NewReader returns a Reader that reads from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{src: Newlines(r), buf: make([]byte, bufferSize)}
}

// Reset makes r read the mbox stream src from its start, as NewReader(src)
// would, keeping its buffers: reading many mbox files one after another
// then takes no new window for each.
func (r *Reader) Reset(src io.Reader) {
	*r = Reader{src: Newlines(src), buf: r.buf, line: r.line[:0]}
}

// fill reads more of the stream into the window, keeping the unread bytes.
func (r *Reader) fill() {
	if r.eof {
		return
	}
	if r.r > 0 {
		n := copy(r.buf, r.buf[r.r:r.w])
		r.r, r.w = 0, n
	}
	for r.w < len(r.buf) {
		n, err := r.src.Read(r.buf[r.w:])
		r.w += n
		if err != nil {
			r.eof = true
			if err != io.EOF {
				r.err = err
			}
			return
		}
		if n > 0 {
			return
		}
	}
}

// want makes sure at least n unread bytes are in the window, if the stream
// has them, and returns the unread bytes.
func (r *Reader) want(n int) []byte {
	for r.w-r.r < n && !r.eof {
		r.fill()
	}
	return r.buf[r.r:r.w]
}

// Next skips the rest of the current message and returns a reader for the
// next one, or io.EOF when there is none. The returned reader is valid until
// the following call to Next. On the first call Next returns ErrNotMbox if the
// stream does not start with a From_ line.
func (r *Reader) Next() (io.Reader, error) {
	if r.cur != nil {
		if _, err := io.Copy(io.Discard, r.cur); err != nil {
			return nil, err
		}
		r.cur = nil
	}
	if !r.started {
		r.started = true
		for {
			data := r.want(1)
			if len(data) == 0 || data[0] != '\n' {
				break
			}
			r.r++
		}
		if !IsFromLine(r.want(lookahead)) {
			if r.err != nil {
				return nil, r.err
			}
			if r.w == r.r {
				return nil, io.EOF
			}
			return nil, ErrNotMbox
		}
	}
	if len(r.want(1)) == 0 {
		if r.err != nil {
			return nil, r.err
		}
		return nil, io.EOF
	}
	r.line = r.readLine(r.line[:0])
	r.env = parseFromLine(r.line)
	r.msg = messageReader{r: r, atStart: true}
	r.cur = &r.msg
	return r.cur, nil
}

// readLine consumes one line and appends at most its first 4 KiB to out
// (the From_ line is only parsed, never handed on).
func (r *Reader) readLine(out []byte) []byte {
	for {
		data := r.want(1)
		if len(data) == 0 {
			return out
		}
		i := bytes.IndexByte(data, '\n')
		end := len(data)
		if i >= 0 {
			end = i + 1
		}
		if len(out) < 4096 {
			out = append(out, data[:min(end, 4096-len(out))]...)
		}
		r.r += end
		if i >= 0 {
			return out
		}
	}
}

// Envelope returns the From_ line facts of the message Next last returned.
func (r *Reader) Envelope() Envelope { return r.env }

// messageReader hands out one message's bytes, unescaped.
type messageReader struct {
	r       *Reader
	atStart bool // the next unread byte starts a line
	done    bool
}

func (m *messageReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && !m.done {
		r := m.r
		data := r.want(lookahead)
		if len(data) == 0 {
			m.done = true
			break
		}
		if m.atStart {
			if data[0] == '\n' && (IsFromLine(data[1:]) || len(data) == 1 && r.eof) {
				// The blank line before the next From_ line, or the one an
				// mbox writer puts after the last message: the separator.
				r.r++
				m.done = true
				break
			}
			if data[0] == '>' && isEscapedFrom(data) {
				r.r++ // drop one '>' of ">From ", ">>From ", ...
				data = data[1:]
			}
		}
		// Copy up to the next line start that needs a look: one that begins
		// with '\n' (a blank line) or '>' (an escaped From_), or up to where
		// the lookahead is no longer in the window.
		limit := len(data)
		if !r.eof {
			limit -= lookahead
		}
		end := scanPlain(data, max(limit, 1))
		c := copy(p[n:], data[:end])
		n += c
		r.r += c
		m.atStart = c > 0 && data[c-1] == '\n'
	}
	if n == 0 && m.done {
		if m.r.err != nil {
			return 0, m.r.err
		}
		return 0, io.EOF
	}
	return n, nil
}

// scanPlain returns how many bytes of data can be copied as they are: up to
// the first line start before limit (after the first byte) that needs a
// look — a blank line before "From ", a run of '>' before "From ", or the
// blank line that ends the data — or else through the line that reaches
// limit. It searches for "From " rather than stopping at every line.
func scanPlain(data []byte, limit int) int {
	cut, stop := limit, len(data)
	if i := bytes.IndexByte(data[limit-1:], '\n'); i >= 0 {
		cut = limit + i
		stop = cut // no hit past cut can have a line start before limit
	}
	for off := 0; off <= stop; {
		i := bytes.Index(data[off:min(stop+len("From "), len(data))], []byte("From "))
		if i < 0 {
			break
		}
		h := off + i
		off = h + 1
		s := h - 1 // the line start that decides: a blank line, or the start of a '>' run
		for s >= 0 && data[s] == '>' {
			s--
		}
		switch {
		case s == h-1 && s >= 1 && data[s] == '\n' && data[s-1] == '\n':
		case s < h-1 && s >= 0 && data[s] == '\n':
			s++
		default:
			continue
		}
		if s >= limit {
			break
		}
		return s
	}
	if n := len(data); n >= 2 && n-1 < limit && data[n-1] == '\n' && data[n-2] == '\n' {
		return n - 1 // the blank line an mbox writer puts after the last message
	}
	return cut
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
	if !phrase.Folded(rest) {
		rest = strings.Join(strings.Fields(rest), " ")
	}
	env.Date = parseDate(rest)
	return env
}

// parseDate parses a From_ line date in one of dateLayouts, or returns the
// zero time.
func parseDate(s string) time.Time {
	if t, ok := parseAsctime(s); ok {
		return t
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// parseAsctime is time.Parse of the first layout, "Mon Jan _2 15:04:05
// 2006", for the way nearly every From_ line writes it: three-letter
// names in their usual case, a two-digit hour and single spaces. It
// reports false for anything else, which time.Parse then reads; where it
// reports true, time.Parse gives the same time (FuzzParseAsctime).
func parseAsctime(s string) (time.Time, bool) {
	// "Thu Sep 18 17:54:04 2008", or "Thu Sep 8 17:54:04 2008": d is the
	// day's number of digits.
	d := len(s) - 22
	if d != 1 && d != 2 || s[3] != ' ' || s[7] != ' ' {
		return time.Time{}, false
	}
	day, clock := s[8:8+d], s[8+d:]
	// clock is " 17:54:04 2008".
	if clock[0] != ' ' || clock[3] != ':' || clock[6] != ':' || clock[9] != ' ' || !datename.Weekday(s[:3]) {
		return time.Time{}, false
	}
	m := datename.Month(s[4:7])
	dd, okD := digits(day)
	hour, okH := digits(clock[1:3])
	minute, okM := digits(clock[4:6])
	sec, okS := digits(clock[7:9])
	year, okY := digits(clock[10:14])
	if m == 0 || !(okD && okH && okM && okS && okY) ||
		dd < 1 || dd > datename.DaysIn(m, year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, m, dd, hour, minute, sec, 0, time.UTC), true
}

// digits returns the number the decimal digits s write, and false when
// s holds another byte.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}
