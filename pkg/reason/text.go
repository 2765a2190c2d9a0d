package reason

import (
	"bytes"
	"slices"
	"strings"

	"github.com/bounce-tool/bounce/pkg/internal/phrase"
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
	b := phrase.AppendToLower(buf, text)
	n := len(b)
	b = appendPlain(b, b[:n])
	return b[:n:n], b[n:]
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
