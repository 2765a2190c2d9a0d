package parts

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"mime"
	"strings"
	"sync"

	"github.com/bounce-tool/bounce/pkg/header"
	"github.com/emersion/go-message"
)

// entity is a MIME entity of a message in memory: its header, its content
// type, and its body as it stands in the message (before transfer
// decoding), followed by the error end (io.EOF, or the error a cut
// multipart part ends with).
//
// The walk used go-message's entities and multipart readers before: a
// 4 KiB buffered reader per multipart, every part header and body copied
// through it. The message is in memory already, so the walk now finds
// boundaries with bytes.Index in it (splitter below, a port of go-message's
// textproto.MultipartReader) and hands out slices; go-message still decodes
// transfer encodings and charsets, for the parts that need it (body).
type entity struct {
	// header is the entity's header; go-message is handed the two fields
	// it reads (hdr) only when it decodes the body.
	header header.Header
	mediaType
	raw []byte
	end error
	// off is where raw starts in the message's body, or -1 when raw is
	// not the body's bytes (a decoded part).
	off int
}

// arena holds the walker of one walk, the parts it visits, their header
// fields and their multipart splitters, in slices reused from message to
// message (arenas): a bounce has a handful of parts, each of which was two
// objects. Nothing the walk returns refers to them.
type arena struct {
	walker    walker
	fields    []header.Field
	parts     []entity
	splitters []splitter
	bytes     []byte // the splitters' boundary lines
}

var arenas = sync.Pool{New: func() any { return new(arena) }}

// maxArena bounds the parts and fields an arena keeps for reuse.
const maxArena = 1024

func getArena() *arena { return arenas.Get().(*arena) }

func putArena(a *arena) {
	if cap(a.fields) > maxArena || cap(a.parts) > maxArena || cap(a.splitters) > maxArena || cap(a.bytes) > maxArena*64 {
		return
	}
	clear(a.fields)
	clear(a.parts)
	clear(a.splitters)
	// The walker keeps its buffers, unless they grew too large.
	scratch, tbuf := a.walker.scratch, a.walker.tbuf
	if cap(scratch) > maxPooled {
		scratch = nil
	}
	if cap(tbuf) > maxPooled {
		tbuf = nil
	}
	a.walker = walker{scratch: scratch[:0], tbuf: tbuf[:0]}
	a.fields, a.parts, a.splitters, a.bytes = a.fields[:0], a.parts[:0], a.splitters[:0], a.bytes[:0]
	arenas.Put(a)
}

// entity returns the entity whose header is h and body raw, which ends
// with the error end; off is where raw starts in the message's body, or -1.
// It is held in a (a nil *arena allocates it). Its address stays valid when
// the arena grows: it then points into the previous array, which nothing
// else changes.
func (a *arena) entity(h header.Header, raw []byte, end error, off int) *entity {
	var e *entity
	if a == nil {
		e = new(entity)
	} else {
		a.parts = append(a.parts, entity{})
		e = &a.parts[len(a.parts)-1]
	}
	*e = entity{header: h, mediaType: contentType(h.Get("Content-Type")), raw: raw, end: end, off: off}
	return e
}

// hdr returns what go-message reads of the entity's header to decode its
// body (message.New) and to split its parts: its Content-Type and
// Content-Transfer-Encoding, the topmost of each as Get finds it (an empty
// field reads as a missing one).
func (e *entity) hdr() message.Header {
	var h message.Header
	for _, k := range [...]string{"Content-Type", "Content-Transfer-Encoding"} {
		if v := e.header.Get(k); v != "" {
			h.Add(k, v)
		}
	}
	return h
}

// paramDecoder decodes encoded words in Content-Type parameters as
// go-message does.
var paramDecoder = mime.WordDecoder{CharsetReader: func(cs string, in io.Reader) (io.Reader, error) {
	cs = strings.ToLower(cs)
	if cs == "utf-8" || cs == "us-ascii" {
		return in, nil
	}
	if message.CharsetReader != nil {
		return message.CharsetReader(cs, in)
	}
	return nil, fmt.Errorf("message: unhandled charset %q", cs)
}}

// plain reports whether the entity's body is its raw bytes: no transfer
// encoding to undo and no charset to convert (what message.New would do).
func (e *entity) plain() bool {
	switch e.encoding() {
	case "7bit", "8bit", "binary", "":
		return e.keepsCharset() || e.asciiCharset() && isText7bit(e.raw)
	}
	return false
}

// asciiCharset reports whether e is text in a charset that leaves 7-bit
// text as it is (asciiCompatible): such text needs no conversion, whatever
// message.New would set up for it.
func (e *entity) asciiCharset() bool {
	return e.hasCharset && len(e.typ) >= 5 && e.typ[:5] == "text/" && asciiCompatible(strings.ToLower(e.charset))
}

// asciiCompatible reports whether go-message/charset's decoder of cs
// (golang.org/x/text) turns 7-bit text without escapes into the same
// bytes: the ISO 8859 and Windows code pages, KOI8, and the Japanese,
// Chinese and Korean charsets whose first 128 codes are ASCII (ISO-2022-JP
// until its first escape). A charset it does not know leaves the bytes as
// they are too.
func asciiCompatible(cs string) bool {
	switch cs {
	case "iso-2022-jp", "shift_jis", "euc-jp", "euc-kr", "gb2312", "gbk", "big5", "koi8-r", "koi8-u":
		return true
	}
	return strings.HasPrefix(cs, "iso-8859-") || strings.HasPrefix(cs, "windows-125")
}

// isText7bit reports whether b holds only printable ASCII, tabs and line
// ends: no escape (ISO-2022), no shift code, no 8-bit byte.
func isText7bit(b []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		// Eight printable bytes pass at once; others, one at a time.
		if x := binary.LittleEndian.Uint64(b[i:]); ((x-0x20*ones)|(x+ones)|x)&highs != 0 && !text7bit(b[i:i+8]) {
			return false
		}
	}
	return text7bit(b[i:])
}

// text7bit is isText7bit a byte at a time.
func text7bit(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 || c > 0x7e) && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// encoding is the transfer encoding message.New undoes, in lower case: none
// for a multipart.
func (e *entity) encoding() string {
	if isMultipart(e.typ) {
		return ""
	}
	return lowerASCII(e.header.Get("Content-Transfer-Encoding"))
}

// keepsCharset reports whether message.New leaves the body's charset as it
// is: not text, no charset, or UTF-8 or US-ASCII.
func (e *entity) keepsCharset() bool {
	if len(e.typ) >= 5 && e.typ[:5] == "text/" {
		if e.hasCharset {
			switch lowerASCII(e.charset) {
			case "utf-8", "us-ascii":
			default:
				return false
			}
		}
	}
	return true
}

// body returns the entity's decoded body, as message.New decodes it.
func (e *entity) body() io.Reader {
	r := &sliceReader{b: e.raw, end: e.end}
	if e.plain() {
		return r
	}
	m, _ := message.New(e.hdr(), r)
	return m.Body
}

func isMultipart(typ string) bool { return len(typ) >= 10 && typ[:10] == "multipart/" }

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// sliceReader reads b, then returns end.
type sliceReader struct {
	b   []byte
	end error
}

func (r *sliceReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, r.end
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

// peekBufferSize is the buffer of go-message's multipart reader: a line
// before or between parts longer than that stops it.
const peekBufferSize = 4096

// splitter takes apart a multipart body in memory, part by part, as
// go-message's textproto.MultipartReader reads it from a stream (which is
// mime/multipart's reader): the same parts, bytes and errors.
type splitter struct {
	data      []byte
	pos       int
	end       error
	partsRead int
	base      int    // where data starts in the message's body, or -1
	text      string // data (its start) as a string, for header fields to slice, or ""
	arena     *arena // where the parts are kept, or nil

	nl               []byte // "\r\n" or "\n" (set after seeing first boundary line)
	nlDashBoundary   []byte // nl + "--boundary"
	dashBoundaryDash []byte // "--boundary--"
	dashBoundary     []byte // "--boundary"
	rare             int    // where dashBoundary's least common byte is (rarest)
}

// splitter returns the splitter of data, the body of a multipart with the
// given boundary that ends with the error end; base is where data starts in
// the message's body (or -1), text data's start as a string (or ""). It is
// held in a, as entity's entities are.
func (a *arena) splitter(data []byte, end error, boundary string, base int, text string) *splitter {
	var (
		sp *splitter
		b  []byte
	)
	if a == nil {
		sp, b = new(splitter), []byte("\r\n--"+boundary+"--")
	} else {
		a.splitters = append(a.splitters, splitter{})
		sp = &a.splitters[len(a.splitters)-1]
		start := len(a.bytes)
		a.bytes = append(append(append(a.bytes, "\r\n--"...), boundary...), "--"...)
		b = a.bytes[start:len(a.bytes):len(a.bytes)]
	}
	*sp = splitter{
		data:             data,
		end:              end,
		base:             base,
		text:             text,
		arena:            a,
		nl:               b[:2],
		nlDashBoundary:   b[:len(b)-2],
		dashBoundaryDash: b[2:],
		dashBoundary:     b[2 : len(b)-2],
		rare:             rarest(b[2 : len(b)-2]),
	}
	return sp
}

// readSlice is bufio.Reader.ReadSlice('\n') with go-message's buffer size.
func (r *splitter) readSlice() ([]byte, error) {
	rest := r.data[r.pos:]
	if len(rest) == 0 {
		return nil, r.end
	}
	i := bytes.IndexByte(rest, '\n')
	switch {
	case i >= 0 && i < peekBufferSize:
		r.pos += i + 1
		return rest[:i+1], nil
	case i < 0 && len(rest) < peekBufferSize:
		r.pos = len(r.data)
		return rest, r.end
	}
	r.pos += peekBufferSize
	return rest[:peekBufferSize], bufio.ErrBufferFull
}

// next returns the next part: io.EOF after the last one.
func (r *splitter) next() (*entity, error) {
	if string(r.dashBoundary) == "--" {
		return nil, fmt.Errorf("multipart: boundary is empty")
	}
	expectNewPart := false
	for {
		line, err := r.readSlice()
		if err == io.EOF && r.isFinalBoundary(line) {
			return nil, io.EOF
		}
		if err != nil {
			return nil, fmt.Errorf("multipart: NextPart: %v", err)
		}
		if r.isBoundaryDelimiterLine(line) {
			r.partsRead++
			var n int
			text := ""
			if r.pos < len(r.text) {
				text = r.text[r.pos:]
			}
			var fields []header.Field
			if r.arena != nil {
				// Appended to the walk's fields: the part's are the last.
				k := len(r.arena.fields)
				r.arena.fields, n, err = header.ReadFieldsIn(r.data[r.pos:], text, r.end, r.arena.fields)
				fields = r.arena.fields[k:len(r.arena.fields):len(r.arena.fields)]
			} else {
				fields, n, err = header.ReadFieldsIn(r.data[r.pos:], text, r.end, nil)
			}
			r.pos += n
			if err != nil {
				return nil, err
			}
			start := r.pos
			body, end := r.partBody()
			off := -1
			if r.base >= 0 {
				off = r.base + start
			}
			return r.arena.entity(header.Make(fields), body, end, off), nil
		}
		if r.isFinalBoundary(line) {
			return nil, io.EOF
		}
		if expectNewPart {
			return nil, fmt.Errorf("multipart: expecting a new Part; got line %q", string(line))
		}
		if r.partsRead == 0 {
			continue // the preamble
		}
		if bytes.Equal(line, r.nl) {
			expectNewPart = true
			continue
		}
		return nil, fmt.Errorf("multipart: unexpected line in Next(): %q", line)
	}
}

// partBody reads a part's body up to the next boundary (go-message's
// partReader, with all of the rest in view) and returns it with what reading
// on gives: io.EOF at a boundary, else the error that cut it.
func (r *splitter) partBody() ([]byte, error) {
	start, total := r.pos, int64(0)
	var readErr error
	for {
		n, err := scanUntilBoundary(r.data[r.pos:], r.dashBoundary, r.nlDashBoundary, len(r.nl)+r.rare, total, readErr)
		if n == 0 && err == nil {
			// The stream reader would read more: there is no more.
			readErr = r.end
			if readErr == io.EOF {
				readErr = io.ErrUnexpectedEOF
			}
			continue
		}
		r.pos += n
		total += int64(n)
		if err != nil {
			return r.data[start:r.pos], err
		}
	}
}

// scanUntilBoundary is go-message's (mime/multipart's): it returns the
// number of data bytes of buf before a boundary, and io.EOF when the part
// ends there. nlDashBoundary's least common byte is at rare (rarest).
func scanUntilBoundary(buf, dashBoundary, nlDashBoundary []byte, rare int, total int64, readErr error) (int, error) {
	if total == 0 {
		// At beginning of body, allow dashBoundary.
		if bytes.HasPrefix(buf, dashBoundary) {
			switch matchAfterPrefix(buf, dashBoundary, readErr) {
			case -1:
				return len(dashBoundary), nil
			case 0:
				return 0, nil
			case +1:
				return 0, io.EOF
			}
		}
		if bytes.HasPrefix(dashBoundary, buf) {
			return 0, readErr
		}
	}
	// Search for "\n--boundary".
	if i := indexRare(buf, nlDashBoundary, rare); i >= 0 {
		switch matchAfterPrefix(buf[i:], nlDashBoundary, readErr) {
		case -1:
			return i + len(nlDashBoundary), nil
		case 0:
			return i, nil
		case +1:
			return i, io.EOF
		}
	}
	if bytes.HasPrefix(nlDashBoundary, buf) {
		return 0, readErr
	}
	// Otherwise, anything up to the final \n is not part of the boundary
	// and so must be part of the body.
	i := bytes.LastIndexByte(buf, nlDashBoundary[0])
	if i >= 0 && bytes.HasPrefix(nlDashBoundary, buf[i:]) {
		return i, nil
	}
	return len(buf), readErr
}

// indexRare is bytes.Index(s, sep) that searches for sep[p], the least
// common of sep's bytes (rarest), rather than the first: the first of
// "\r\n--boundary" is at every line end, its boundary's bytes are rarer.
func indexRare(s, sep []byte, p int) int {
	n, c := len(sep), sep[p]
	for i := 0; i+n <= len(s); i++ {
		// sep at i has c at i+p: the next c from there.
		j := bytes.IndexByte(s[i+p:len(s)-n+p+1], c)
		if j < 0 {
			return -1
		}
		if i += j; bytes.Equal(s[i:i+n], sep) {
			return i
		}
	}
	return -1
}

// rarest returns the index of the least common byte of b in mail (by
// byteRank), the first of equals; 0 for an empty b.
func rarest(b []byte) int {
	p, low := 0, uint8(255)
	for i, c := range b {
		if r := byteRank[c]; r < low {
			if p, low = i, r; r == 0 {
				break // none rarer
			}
		}
	}
	return p
}

// byteRank ranks bytes by how often mail holds them, roughly (bytes
// counted in a mailbox of bounces): the most common highest, bytes not
// listed (controls, rare punctuation, non-ASCII) zero.
var byteRank = func() (t [256]uint8) {
	const common = " etaoinrsl\n\r.-0mp2:cd1uhgfxA345yb=T9DM86S;kEj7vCwRF/IPO\"BN<>LXU()Qz@GHJV+KY,WqZ_\t[]'#?!*&%$}"
	for i := 0; i < len(common); i++ {
		t[common[i]] = uint8(len(common) - i)
	}
	return t
}()

func matchAfterPrefix(buf, prefix []byte, readErr error) int {
	if len(buf) == len(prefix) {
		if readErr != nil {
			return +1
		}
		return 0
	}
	c := buf[len(prefix)]
	if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '-' {
		return +1
	}
	return -1
}

func (r *splitter) isFinalBoundary(line []byte) bool {
	if !bytes.HasPrefix(line, r.dashBoundaryDash) {
		return false
	}
	rest := skipLWSPChar(line[len(r.dashBoundaryDash):])
	return len(rest) == 0 || bytes.Equal(rest, r.nl)
}

func (r *splitter) isBoundaryDelimiterLine(line []byte) bool {
	if !bytes.HasPrefix(line, r.dashBoundary) {
		return false
	}
	rest := skipLWSPChar(line[len(r.dashBoundary):])
	// On the first part, see our lines are ending in \n instead of \r\n
	// and switch into that mode if so.
	if r.partsRead == 0 && len(rest) == 1 && rest[0] == '\n' {
		r.nl = r.nl[1:]
		r.nlDashBoundary = r.nlDashBoundary[1:]
	}
	return bytes.Equal(rest, r.nl)
}

func skipLWSPChar(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}
