package phrase

import (
	"encoding/binary"
	"math/bits"
	"unicode"
	"unicode/utf8"
)

// The lowercase copies that texts are matched or keyed in: what
// strings.ToLower writes, made without its rune-by-rune Map, 8 ASCII bytes
// at a time.

// ones and highs are a 1 and a 0x80 in each byte of a word.
const ones, highs = 0x0101010101010101, 0x8080808080808080

// ToLower is strings.ToLower(s): s as it is when it is ASCII without an
// upper-case letter (tested 8 bytes at once), else lowercased by
// AppendToLower in a buffer on the stack (a long one on the heap) and
// copied once.
func ToLower(s string) string {
	if asciiLower(s) {
		return s
	}
	var buf [128]byte
	b := AppendToLower(buf[:0], s)
	if string(b) == s {
		return s
	}
	return string(b)
}

// asciiLower reports whether s is ASCII without an upper-case letter.
func asciiLower(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		if w&highs != 0 || (w+(0x80-'A')*ones)&^(w+(0x80-'Z'-1)*ones)&highs != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

// AppendToLower appends s lowercased to dst as strings.ToLower writes it
// (a byte that is not UTF-8 becomes U+FFFD), without the string: an ASCII
// text at once (appendLowerASCII), else its ASCII runs so and other runes
// by unicode.ToLower but those caseless takes (East Asia's scripts,
// lowercase Cyrillic, ...), which are copied. FuzzAppendToLower holds it to
// strings.ToLower. Unlike AppendLower, it lowercases every script.
func AppendToLower(dst []byte, s string) []byte {
	if b, ok := appendLowerASCII(dst, s); ok {
		return b
	}
	for s != "" {
		n := asciiPrefix(s)
		dst, _ = appendLowerASCII(dst, s[:n])
		s = s[n:]
		for s != "" && s[0] >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s)
			switch {
			case r == utf8.RuneError && size == 1:
				dst = utf8.AppendRune(dst, utf8.RuneError)
			case caseless(r):
				dst = append(dst, s[:size]...)
			default:
				dst = utf8.AppendRune(dst, unicode.ToLower(r))
			}
			s = s[size:]
		}
	}
	return dst
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

// asciiPrefix returns the length of the ASCII bytes s starts with, reading
// 8 bytes at once.
func asciiPrefix(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if w := binary.LittleEndian.Uint64([]byte(s[i : i+8])); w&highs != 0 {
			return i + bits.TrailingZeros64(w&highs)/8
		}
	}
	for ; i < len(s) && s[i] < utf8.RuneSelf; i++ {
	}
	return i
}

// appendLowerASCII appends s lowercased to dst when s is ASCII, and
// reports false, with dst as it came, when it is not. It copies s and
// lowercases 8 bytes at once: for a byte below 0x80, adding 0x80-'A' sets
// its high bit from 'A' up, adding 0x80-'Z'-1 from past 'Z', and a set high
// bit moved down to 0x20 makes an upper-case letter lower case.
func appendLowerASCII(dst []byte, s string) ([]byte, bool) {
	n := len(dst)
	b := append(dst, s...)
	t := b[n:]
	i := 0
	for ; i+8 <= len(t); i += 8 {
		w := binary.LittleEndian.Uint64(t[i:])
		if w&highs != 0 {
			return dst, false
		}
		upper := (w + (0x80-'A')*ones) &^ (w + (0x80-'Z'-1)*ones) & highs
		binary.LittleEndian.PutUint64(t[i:], w|upper>>2)
	}
	for ; i < len(t); i++ {
		c := t[i]
		if c >= utf8.RuneSelf {
			return dst, false
		}
		t[i] = Lower(c)
	}
	return b, true
}
