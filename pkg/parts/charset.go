package parts

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"mime"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/bounce-tool/bounce/pkg/header"
	"github.com/emersion/go-message"
	"golang.org/x/text/encoding"
	"golang.org/x/text/transform"
)

// Charsets are converted with message.CharsetReader, which the program sets
// by importing github.com/emersion/go-message/charset (pkg/cli does). This
// package never imports it itself, so that a library user decides whether
// the ~1 MB of tables is worth it; without it, only UTF-8, US-ASCII and
// ISO-8859-1 are known and everything else is kept as valid runes, the rest
// replaced by U+FFFD.

// Decode returns b as UTF-8. charset is what b is declared in, or a hint
// (the charset the rest of the message declares), or "". It never fails
// and never returns invalid UTF-8. In order:
//
//  1. ISO-2022 escape sequences (ESC $ B ...) mean ISO-2022-JP, or the
//     ISO-2022 variant declared: Japanese mail sends it undeclared, even in
//     7-bit header fields and delivery-status parts.
//  2. Valid UTF-8 is taken as it is. RFC 6532 allows raw UTF-8 in header
//     fields, and a legacy charset almost never yields valid UTF-8 by
//     chance.
//  3. A known declared charset converts the bytes.
//  4. Otherwise the valid runes stay and the other bytes become U+FFFD.
func Decode(b []byte, charset string) string {
	cs := normalCharset(charset)
	if hasISO2022Escape(b) {
		if !strings.HasPrefix(cs, "iso-2022") {
			cs = "iso-2022-jp"
		}
		if s, ok := convert(b, cs); ok {
			return s
		}
	}
	if utf8.Valid(b) {
		return string(b)
	}
	if cs != "" && !isUndeclared(cs) {
		if s, ok := convert(b, cs); ok {
			return s
		}
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// DecodeHeader returns a header field value as UTF-8: raw 8-bit or
// ISO-2022 bytes are decoded as Decode does, with charset the declared
// charset of the part the field belongs to (or ""); then RFC 2047 encoded
// words are decoded. An encoded word in an unknown charset keeps its valid
// runes. It never fails and never returns invalid UTF-8.
func DecodeHeader(raw, charset string) string {
	s := raw
	if needsDecoding(s) {
		s = Decode([]byte(s), charset)
	}
	if strings.Contains(s, "=?") {
		dec := mime.WordDecoder{CharsetReader: func(word string, input io.Reader) (io.Reader, error) {
			return lenientCharsetReader(word, charset, input)
		}}
		if d, err := dec.DecodeHeader(s); err == nil {
			s = d
		}
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// lenientCharsetReader converts an encoded word's bytes to UTF-8 with
// message.CharsetReader, and falls back to Decode's guess for charsets it
// does not know, so that one odd word does not leave the whole field
// undecoded. hint is the charset of the part the field belongs to.
func lenientCharsetReader(word, hint string, input io.Reader) (io.Reader, error) {
	b, err := io.ReadAll(input)
	if err != nil {
		return nil, err
	}
	cs := normalCharset(word)
	if strings.HasPrefix(cs, "iso-2022") && has8bit(b) {
		// QUIRK: RFC 1468 makes ISO-2022-JP 7-bit, but Japanese mailers
		// label Shift_JIS bytes "=?ISO-2022-JP?B?...": take the part's
		// own charset, else Shift_JIS, for 8-bit bytes under a 7-bit name.
		cs = normalCharset(hint)
		if isUndeclared(cs) {
			cs = "shift_jis"
		}
	}
	return strings.NewReader(Decode(b, cs)), nil
}

func has8bit(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// convert decodes b from cs with message.CharsetReader.
func convert(b []byte, cs string) (string, bool) {
	if isUndeclared(cs) {
		return "", false
	}
	if cs == "iso-8859-1" || cs == "latin1" {
		return latin1(b), true
	}
	if message.CharsetReader == nil {
		return "", false
	}
	if mc := memCharsetOf(cs); mc != nil {
		box := getBuffer(&scratchPool)
		out, err := mc.decode(*box, b, io.EOF, math.MaxInt)
		defer putBuffer(&scratchPool, box, out)
		if err != nil && len(out) == 0 {
			return "", false
		}
		if utf8.Valid(out) {
			return string(out), true
		}
		return strings.ToValidUTF8(string(out), "\uFFFD"), true
	}
	r, err := message.CharsetReader(cs, bytes.NewReader(b))
	if err != nil || r == nil {
		return "", false
	}
	out, err := io.ReadAll(r)
	if err != nil && len(out) == 0 {
		return "", false
	}
	return strings.ToValidUTF8(string(out), "\uFFFD"), true
}

// knownCharset reports whether go-message decoded a part declared in cs,
// so that its body arrives as UTF-8 already.
func knownCharset(cs string) bool {
	cs = normalCharset(cs)
	if cs == "" || isUndeclared(cs) {
		return false
	}
	if message.CharsetReader == nil {
		return false
	}
	return charsetKnown(cs)
}

// knownCharsets remembers the answers of message.CharsetReader per
// charset name: asking means building a decoder (two 4 KiB buffers), for
// every text part of every message. The cache belongs to one
// message.CharsetReader and starts over when a program sets another.
var knownCharsets struct {
	sync.Mutex
	reader uintptr // the message.CharsetReader the answers are from
	known  map[string]bool
}

func charsetKnown(cs string) bool {
	fn := reflect.ValueOf(message.CharsetReader).Pointer()
	c := &knownCharsets
	c.Lock()
	if c.reader != fn || c.known == nil {
		c.reader, c.known = fn, map[string]bool{}
	}
	known, ok := c.known[cs]
	c.Unlock()
	if ok {
		return known
	}
	_, err := message.CharsetReader(cs, strings.NewReader(""))
	known = err == nil
	c.Lock()
	if c.reader == fn && len(c.known) < 256 {
		c.known[cs] = known
	}
	c.Unlock()
	return known
}

func latin1(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/4)
	for _, c := range b {
		sb.WriteRune(rune(c))
	}
	return sb.String()
}

func normalCharset(cs string) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(cs), `"'`))
}

// isUndeclared reports whether cs leaves the bytes as they are: UTF-8,
// ASCII (whose 8-bit bytes are a mistake to be guessed) or a name for
// "unknown".
func isUndeclared(cs string) bool {
	switch cs {
	case "", "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "x-unknown", "unknown-8bit", "default":
		return true
	}
	return false
}

// hasISO2022Escape reports whether b holds an ISO-2022 escape: ESC
// followed by '$', '(' or ')'. It reads b once, from one ESC to the next.
func hasISO2022Escape(b []byte) bool {
	for {
		i := bytes.IndexByte(b, 0x1b)
		if i < 0 || i+1 == len(b) {
			return false
		}
		switch b[i+1] {
		case '$', '(', ')':
			return true
		}
		b = b[i+1:]
	}
}

// needsDecoding reports whether a header value holds raw 8-bit bytes or
// ISO-2022 escapes.
func needsDecoding(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] == 0x1b {
			return true
		}
	}
	return false
}

// SubjectOf returns the decoded Subject of h: encoded words decoded, raw
// 8-bit and ISO-2022 bytes decoded by the charset h declares, else by hint
// (the charset the message around h declares), else guessed (DecodeHeader).
func SubjectOf(h header.Header, hint string) string {
	subject := h.Get("Subject")
	if !needsDecoding(subject) && !strings.Contains(subject, "=?") {
		return subject // ASCII, no charset to decode it by: DecodeHeader's answer
	}
	cs := hint
	if ct := contentType(h.Get("Content-Type")); ct.charset != "" {
		cs = ct.charset
	}
	return DecodeHeader(subject, cs)
}

// WholeCharsetReader wraps a charset reader function (message.CharsetReader,
// as go-message/charset sets it) so that the reader it returns also
// implements io.WriterTo. mime.WordDecoder, which net/mail and go-message
// decode encoded words with, copies a converted word with io.Copy: without
// WriterTo that allocates a 32 KiB buffer for every word of a few bytes.
// A program that imports go-message/charset sets, once at start:
//
//	message.CharsetReader = parts.WholeCharsetReader(message.CharsetReader)
//
// A nil f gives nil.
func WholeCharsetReader(f func(string, io.Reader) (io.Reader, error)) func(string, io.Reader) (io.Reader, error) {
	if f == nil {
		return nil
	}
	return func(charset string, input io.Reader) (io.Reader, error) {
		if mc := memCharsetFor(f, charset); mc != nil {
			// Converted in memory (CharsetEncoding): a word is a few
			// bytes, an x/text reader two 4 KiB buffers.
			b, rerr := io.ReadAll(input)
			end := io.EOF
			if rerr != nil {
				end = rerr
			}
			out, err := mc.decode(nil, b, end, math.MaxInt)
			return &errReader{Reader: bytes.NewReader(out), err: err}, nil
		}
		r, err := f(charset, input)
		if err != nil || r == nil {
			return r, err
		}
		if _, ok := r.(io.WriterTo); ok {
			return r, nil
		}
		return wholeReader{r}, nil
	}
}

// wholeReader is a reader whose WriteTo reads all of it into a buffer
// grown to its size (a word is a few bytes) and writes that once.
type wholeReader struct{ io.Reader }

// WriteTo writes what is left of r to w.
func (r wholeReader) WriteTo(w io.Writer) (int64, error) {
	b, err := io.ReadAll(r.Reader)
	n, werr := w.Write(b)
	if err == nil {
		err = werr
	}
	return int64(n), err
}

// CharsetEncoding, when not nil, returns the golang.org/x/text encoding
// that message.CharsetReader decodes a charset name (in lower case) with,
// or nil. Text in such a charset is then converted in memory, into a
// buffer the walk reuses: a table lookup per byte for the single-byte
// charsets (ISO 8859, Windows, KOI8, ...: an encoding with a DecodeByte
// method, as x/text's charmap.Charmap), one Transform call over the whole
// text for the others. Reading through message.CharsetReader costs an
// x/text reader with two 4 KiB buffers per part. An encoding is used only
// where it converts probes exactly as message.CharsetReader does (the same
// bytes, invalid ones as U+FFFD); else the reader is. Package
// parts/charsets sets it. WholeCharsetReader converts encoded words with it too.
var CharsetEncoding func(charset string) encoding.Encoding

// memCharset converts one charset to UTF-8 in memory: with table when the
// encoding decodes byte by byte, else with enc's decoder.
type memCharset struct {
	table *[256]rune
	enc   encoding.Encoding
}

// memCharsets remembers the converter of each charset name (nil: none),
// per charset reader it was checked against, for one CharsetEncoding.
var memCharsets struct {
	sync.Mutex
	lookup uintptr
	m      map[memKey]*memCharset
}

type memKey struct {
	reader uintptr
	cs     string
}

// memCharsetOf returns the converter of the charset cs (as
// message.CharsetReader is asked for it), or nil when there is none.
func memCharsetOf(cs string) *memCharset {
	return memCharsetFor(message.CharsetReader, cs)
}

// memCharsetFor is memCharsetOf checked against the charset reader f.
func memCharsetFor(f func(string, io.Reader) (io.Reader, error), cs string) *memCharset {
	if CharsetEncoding == nil || f == nil {
		return nil
	}
	k := memKey{reflect.ValueOf(f).Pointer(), cs}
	lp := reflect.ValueOf(CharsetEncoding).Pointer()
	c := &memCharsets
	c.Lock()
	if c.lookup != lp || c.m == nil {
		c.lookup, c.m = lp, map[memKey]*memCharset{}
	}
	mc, ok := c.m[k]
	c.Unlock()
	if ok {
		return mc
	}
	mc = newMemCharset(f, cs)
	c.Lock()
	if c.lookup == lp && len(c.m) < 256 {
		c.m[k] = mc
	}
	c.Unlock()
	return mc
}

// charsetProbes are what a converter must convert as message.CharsetReader
// does to be used: every byte, in both orders and each before an ASCII
// letter; ISO-2022-JP escapes and a sequence cut short; a text longer than
// the reader's 4 KiB buffers.
var charsetProbes = func() [][]byte {
	var up, down, pairs, long []byte
	for i := 0; i < 256; i++ {
		up = append(up, byte(i))
		down = append(down, byte(255-i))
		pairs = append(pairs, byte(i), 'A')
	}
	for i := 0; i < 10000; i++ {
		long = append(long, byte(i*7+i/256))
	}
	return [][]byte{up, down, pairs, long, []byte("a\x1b$B0!\x1b(Bb\x1b$B0"), []byte("\x82\xa0\xe3"), {}}
}()

func newMemCharset(f func(string, io.Reader) (io.Reader, error), cs string) *memCharset {
	enc := CharsetEncoding(cs)
	if enc == nil {
		return nil
	}
	mc := &memCharset{enc: enc}
	if t, ok := enc.(interface{ DecodeByte(byte) rune }); ok {
		mc.table = new([256]rune)
		for i := range mc.table {
			mc.table[i] = t.DecodeByte(byte(i))
		}
	}
	for _, p := range charsetProbes {
		r, err := f(cs, bytes.NewReader(p))
		if err != nil || r == nil {
			return nil
		}
		want, werr := io.ReadAll(r)
		got, gerr := mc.decode(nil, p, io.EOF, math.MaxInt)
		if !bytes.Equal(got, want) || fmt.Sprint(gerr) != fmt.Sprint(werr) {
			return nil
		}
	}
	return mc
}

// decode appends to dst src converted to UTF-8, up to limit bytes, as
// reading message.CharsetReader's reader over src, which ends with the
// error end, gives them (io.ReadAll of an io.LimitReader): the bytes, and
// the error reading ends with (nil for io.EOF, and when the limit stops
// it).
func (mc *memCharset) decode(dst, src []byte, end error, limit int) ([]byte, error) {
	final := end // the error reading ends with
	if mc.table != nil {
		for _, c := range src {
			if len(dst) >= limit {
				break
			}
			if r := mc.table[c]; r < utf8.RuneSelf {
				dst = append(dst, byte(r))
			} else {
				dst = utf8.AppendRune(dst, r)
			}
		}
	} else {
		// As transform.Reader does: the reader's error, else the
		// transformer's (an incomplete sequence at the end of input
		// other than io.EOF is dropped).
		d := mc.enc.NewDecoder()
		extra := 16 // room beyond the limit: a rune or two
		for len(dst) < limit {
			if cap(dst)-len(dst) < extra+64 {
				dst = slices.Grow(dst, max(len(src), extra+256))
			}
			room := dst[len(dst):cap(dst)]
			if n := limit - len(dst) + extra; n > 0 && n < len(room) {
				room = room[:n] // what the limit lets through
			}
			nDst, nSrc, err := d.Transform(room, src, end == io.EOF)
			dst, src = dst[:len(dst)+nDst], src[nSrc:]
			if err == transform.ErrShortDst {
				if nDst == 0 && nSrc == 0 {
					extra += 4096
				}
				continue
			}
			if err != nil && (end == nil || end == io.EOF) {
				final = err
			}
			break
		}
	}
	if len(dst) >= limit {
		return dst[:limit], nil
	}
	if final == io.EOF {
		final = nil
	}
	return dst, final
}

// errReader reads Reader, then returns err (when not nil) instead of
// io.EOF; WriteTo writes it whole.
type errReader struct {
	*bytes.Reader
	err error
}

func (r *errReader) Read(p []byte) (int, error) {
	n, err := r.Reader.Read(p)
	if err == io.EOF && r.err != nil {
		err = r.err
	}
	return n, err
}

// WriteTo writes what is left of r to w.
func (r *errReader) WriteTo(w io.Writer) (int64, error) {
	n, err := r.Reader.WriteTo(w)
	if err == nil {
		err = r.err
	}
	return n, err
}
