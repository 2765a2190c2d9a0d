package reason

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A phrase is lowercase text looked for with strings.Contains. A '|' at
// either end asks for a word boundary there (not an ASCII letter or digit):
// "|spam" finds "spam" and "spamming" but not the end of "mcspam", "|rbl|"
// finds "rbl" but not "marble". Phrases in other scripts need no bars.

// has reports whether text contains phrase, honouring its word bars.
func has(text []byte, phrase string) bool { return indexPhrase(text, phrase) >= 0 }

// indexPhrase is the offset of the first match of phrase in text, or -1.
func indexPhrase(text []byte, phrase string) int {
	left := strings.HasPrefix(phrase, "|")
	right := len(phrase) > 1 && strings.HasSuffix(phrase, "|")
	p := phrase
	if left {
		p = p[1:]
	}
	if right {
		p = p[:len(p)-1]
	}
	if !left && !right {
		return index(text, p)
	}
	for off := 0; off < len(text); {
		i := index(text[off:], p)
		if i < 0 {
			return -1
		}
		i += off
		end := i + len(p)
		if (!left || i == 0 || !isWordByte(text[i-1])) && (!right || end == len(text) || !isWordByte(text[end])) {
			return i
		}
		off = i + 1
	}
	return -1
}

// index is strings.Index of a text in bytes, without a copy of either.
func index(text []byte, p string) int {
	if p == "" {
		return 0
	}
	for off := 0; off+len(p) <= len(text); off++ {
		i := bytes.IndexByte(text[off:len(text)-len(p)+1], p[0])
		if i < 0 {
			return -1
		}
		off += i
		if string(text[off:off+len(p)]) == p {
			return off
		}
	}
	return -1
}

// hasAny returns the first of phrases that text contains, or "".
func hasAny(text []byte, phrases []string) string {
	for _, p := range phrases {
		if has(text, p) {
			return p
		}
	}
	return ""
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// appendPlain appends lowercase text to dst as wording rules read it: URLs,
// email addresses, host names and SMTP codes blanked out and runs of white
// space folded to one space. So a "blocklist" in a help URL, "spam" in a
// host name or "userunknown" in a test address is not wording, and a
// sentence that a server broke over continuation lines ("... multiple
// 550-5.7.1 addresses in From: ...") reads whole again. lower may be dst's
// own bytes before its length: they are read, never written.
func appendPlain(dst, lower []byte) []byte {
	space := true // at the start, or after a space: drop further spaces
	run := 0      // dst takes lower's bytes from run to i as they are
	for i := 0; i < len(lower); {
		c := lower[i]
		if k := byteKinds[c]; k&kindSpace != 0 {
			if !space && c == ' ' {
				space = true // as it is
				i++
				continue
			}
			dst = append(dst, lower[run:i]...)
			if !space {
				dst = append(dst, ' ')
				space = true
			}
			i++
			run = i
			continue
		} else if k&kindSep != 0 {
			space = false
			i++
			continue
		}
		// The token's bytes, and whether one is a mark (hasMark).
		j, marks := i, uint8(0)
		for ; j < len(lower); j++ {
			k := byteKinds[lower[j]]
			if k&kindSep != 0 {
				break
			}
			marks |= k
		}
		if marks&kindMark == 0 || !maskableMarked(lower[i:j]) {
			space = false
		} else {
			dst = append(dst, lower[run:i]...)
			run = j
		}
		i = j
	}
	return append(dst, lower[run:]...)
}

// lowerWords appends text lowercased (strings.ToLower) and plain of that
// to buf, and returns the two.
func lowerWords(buf []byte, text string) (lower, words []byte) {
	buf = slices.Grow(buf, 2*len(text)) // the lowercase text and its words, at most as long
	b, ok := appendLowerASCII(buf, text)
	if !ok {
		b = appendLower(buf, text)
	}
	n := len(b)
	b = appendPlain(b, b[:n])
	return b[:n:n], b[n:]
}

// appendLower appends text lowercased to buf as strings.ToLower writes it
// (a byte that is not UTF-8 becomes U+FFFD), without the string: its ASCII
// runs by appendLowerASCII, other runes by unicode.ToLower but those
// caseless takes (East Asia's scripts, lowercase Cyrillic, ...), which are
// copied. FuzzLower holds it to strings.ToLower.
func appendLower(buf []byte, text string) []byte {
	for text != "" {
		n := asciiPrefix(text)
		buf, _ = appendLowerASCII(buf, text[:n])
		text = text[n:]
		for text != "" && text[0] >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(text)
			switch {
			case r == utf8.RuneError && size == 1:
				buf = utf8.AppendRune(buf, utf8.RuneError)
			case caseless(r):
				buf = append(buf, text[:size]...)
			default:
				buf = utf8.AppendRune(buf, unicode.ToLower(r))
			}
			text = text[size:]
		}
	}
	return buf
}

// caseless reports whether r is in one of caselessRanges, where no rune
// has a lowercase other than itself (TestCaseless).
func caseless(r rune) bool {
	for _, rg := range caselessRanges {
		if r < rg[0] {
			return false
		}
		if r < rg[1] {
			return true
		}
	}
	return false
}

// caselessRanges are the runes from the first to before the second of
// each pair, in order, that unicode.ToLower leaves as they are, and that
// reports' texts have often: Latin-1's signs, lowercase Greek and
// Cyrillic, the scripts from Hebrew to Myanmar, general punctuation, East
// Asia's scripts, Hangul, the fullwidth forms but A to Z, and U+FFFD.
var caselessRanges = [...][2]rune{
	{0x80, 0xC0}, {0x3AC, 0x3CF}, {0x430, 0x460}, {0x557, 0x10A0}, {0x2000, 0x2126},
	{0x2D00, 0xA640}, {0xA7F6, 0xFF21}, {0xFF3B, 0x10400},
}

// asciiPrefix returns the length of the ASCII bytes text starts with,
// reading 8 bytes at once.
func asciiPrefix(text string) int {
	const highs = 0x8080808080808080
	i := 0
	for ; i+8 <= len(text); i += 8 {
		if w := binary.LittleEndian.Uint64([]byte(text[i : i+8])); w&highs != 0 {
			return i + bits.TrailingZeros64(w&highs)/8
		}
	}
	for ; i < len(text) && text[i] < utf8.RuneSelf; i++ {
	}
	return i
}

// appendLowerASCII appends text lowercased to buf when text is ASCII, and
// reports false, with buf as it came, when it is not. It copies text and
// lowercases 8 bytes at once: for a byte below 0x80, adding 0x80-'A' sets
// its high bit from 'A' up, adding 0x80-'Z'-1 from past 'Z', and a set high
// bit moved down to 0x20 makes an upper-case letter lower case.
func appendLowerASCII(buf []byte, text string) ([]byte, bool) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	n := len(buf)
	b := append(buf, text...)
	s := b[n:]
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := binary.LittleEndian.Uint64(s[i:])
		if w&highs != 0 {
			return buf, false
		}
		upper := (w + (0x80-'A')*ones) &^ (w + (0x80-'Z'-1)*ones) & highs
		binary.LittleEndian.PutUint64(s[i:], w|upper>>2)
	}
	for ; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return buf, false
		}
		if 'A' <= c && c <= 'Z' {
			s[i] = c + 'a' - 'A'
		}
	}
	return b, true
}

// The kinds of bytes for plain (byteKinds): a byte that ends a token
// (kindSep: white space, brackets, quotes, ',' and ';'), white space
// (kindSpace, a separator too), and a mark (kindMark, see hasMark).
const (
	kindSep uint8 = 1 << iota
	kindSpace
	kindMark
)

// byteKinds holds the kinds of each byte value.
var byteKinds = func() (t [256]uint8) {
	for _, c := range []byte(" \t\n\r<>()[]\"',;") {
		t[c] |= kindSep
	}
	for _, c := range []byte(" \t\n\r") {
		t[c] |= kindSpace
	}
	for c := range 256 {
		if hasMark([]byte{byte(c)}) {
			t[c] |= kindMark
		}
	}
	return t
}()

// maskableMarked reports whether a token that has a mark (hasMark; a token
// without one is a word) is a URL, an email address, a host name or an SMTP
// code rather than a word.
func maskableMarked(tok []byte) bool {
	if isCode(tok) {
		return true
	}
	if bytes.Contains(tok, []byte("://")) || bytes.HasPrefix(tok, []byte("www.")) || bytes.IndexByte(tok, '@') >= 0 {
		return true
	}
	// A host name: two or more dot-separated labels with letters, the last
	// of at least two letters ("mx.example.com", not "e.g." or "5.1.1").
	t := tok
	for len(t) > 0 && (t[len(t)-1] == '.' || t[len(t)-1] == ':') {
		t = t[:len(t)-1]
	}
	dot := bytes.LastIndexByte(t, '.')
	if dot <= 0 || dot == len(t)-1 {
		return false
	}
	tld := t[dot+1:]
	if len(tld) < 2 {
		return false
	}
	for k := 0; k < len(tld); k++ {
		if tld[k] < 'a' || tld[k] > 'z' {
			return false
		}
	}
	for k := 0; k < dot; k++ {
		c := t[k]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// hasMark reports whether tok has a byte that every token maskableMarked takes
// has: a digit (a code), a dot (a host name, "www."), an '@' or a ':'
// ("://"). Words have none.
func hasMark(tok []byte) bool {
	for i := 0; i < len(tok); i++ {
		if c := tok[i]; c == '.' || c == '@' || c == ':' || c >= '0' && c <= '9' {
			return true
		}
	}
	return false
}

// isCode reports whether tok is an SMTP reply or enhanced status code, as
// servers write them: "550", "550-5.7.1", "5.1.1", "#5.4.4", "(#4.4.1)".
func isCode(tok []byte) bool {
	t := tok
	for len(t) > 0 && isCodeMark(t[0]) {
		t = t[1:]
	}
	for len(t) > 0 && isCodeMark(t[len(t)-1]) {
		t = t[:len(t)-1]
	}
	if len(t) == 0 {
		return false
	}
	digits := 0
	for k := 0; k < len(t); k++ {
		c := t[k]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' || c == '-':
		default:
			return false
		}
	}
	if c := t[0]; c != '2' && c != '4' && c != '5' {
		return false
	}
	return len(t) == 3 && digits == 3 || bytes.IndexByte(t, '.') > 0
}

// isCodeMark reports whether c is written around a code: '#', '(', ')',
// '.', ':' or '-'.
func isCodeMark(c byte) bool {
	return c == '#' || c == '(' || c == ')' || c == '.' || c == ':' || c == '-'
}
