package parts

import (
	"bytes"
	"io"
	"mime"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/bounce-tool/bounce/pkg/header"
	"github.com/emersion/go-message"
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

func hasISO2022Escape(b []byte) bool {
	return bytes.Contains(b, []byte("\x1b$")) || bytes.Contains(b, []byte("\x1b(")) ||
		bytes.Contains(b, []byte("\x1b)"))
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
	cs := hint
	if ct := contentType(h.Get("Content-Type")); ct.charset != "" {
		cs = ct.charset
	}
	return DecodeHeader(h.Get("Subject"), cs)
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
