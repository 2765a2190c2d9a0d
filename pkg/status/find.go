package status

import (
	"math/bits"
	"strings"
)

// Finding codes in prose. Servers write their codes into free text in many
// shapes: "550 5.1.1 <a@b>: user unknown", "550-5.7.26 ...", "#5.1.1",
// "(5.2.2)", "smtp; 554 5.0.0". Version numbers ("Postfix 2.5.5"), IPv4
// addresses ("192.0.2.5.1") and dates are what the scanner must not take.

// isBoundaryBefore reports whether b may stand right before a code.
func isBoundaryBefore(b byte) bool {
	switch b {
	case ' ', '\t', '\n', '\r', '#', '(', '[', '<', ':', ';', '=', '"', '\'', ',', '-', '/', '{':
		return true
	}
	return false
}

// isBoundaryAfter reports whether b may stand right after a code.
func isBoundaryAfter(b byte) bool {
	switch b {
	case ' ', '\t', '\n', '\r', ')', ']', '>', ':', ';', ',', '"', '\'', '-', '}', '/', '.':
		return true
	}
	return false
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// Match is one code found in a text, with its byte offsets.
type Match struct {
	Code  Code
	Start int // offset of the first digit
	End   int // offset just past the last digit
	// Reply is the SMTP reply code written right before the enhanced code
	// ("550 5.1.1", "550-5.1.1"), or zero.
	Reply ReplyCode
}

// FindAll returns the enhanced status codes in text in order of appearance,
// at most max of them (max <= 0 means no limit).
func FindAll(text string, max int) []Match { return AppendAll(nil, text, max) }

// AppendAll is FindAll appending to out, so that callers that keep
// nothing can pass a buffer on their stack. A code's class digit stands
// before a dot: the scan goes from dot to dot.
func AppendAll(out []Match, text string, max int) []Match {
	for i := 0; i+5 <= len(text); i++ {
		d := strings.IndexByte(text[i+1:], '.')
		if d < 0 {
			break
		}
		i += d // text[i+1] is the dot
		if i+5 > len(text) {
			break
		}
		c := text[i]
		if c != '2' && c != '4' && c != '5' {
			continue
		}
		if i > 0 && !isBoundaryBefore(text[i-1]) {
			continue
		}
		if text[i+1] != '.' {
			continue
		}
		m, ok := scanCode(text, i)
		if !ok {
			continue
		}
		out = append(out, m)
		if max > 0 && len(out) >= max {
			break
		}
		i = m.End - 1
	}
	return out
}

// scanCode reads class.subject.detail at text[i:].
func scanCode(text string, i int) (Match, bool) {
	j := i + 2
	sub, j, ok := scanNum(text, j)
	if !ok || j >= len(text) || text[j] != '.' {
		return Match{}, false
	}
	det, k, ok := scanNum(text, j+1)
	if !ok {
		return Match{}, false
	}
	if k < len(text) {
		// "5.1.1.1" is an IPv4 address, "5.1.1a" a token.
		if !isBoundaryAfter(text[k]) {
			return Match{}, false
		}
		if text[k] == '.' && k+1 < len(text) && isDigit(text[k+1]) {
			return Match{}, false
		}
	}
	// A dot before the class digit means we are inside a longer dotted number.
	if i > 0 && text[i-1] == '.' {
		return Match{}, false
	}
	if sub > 7 {
		// RFC 3463 and the IANA registry define subjects 0 to 7 only; larger
		// subjects are version numbers far more often than status codes.
		return Match{}, false
	}
	m := Match{Code: Code{Class: Class(text[i] - '0'), Subject: sub, Detail: det}, Start: i, End: k}
	// Look back for "550 " or "550-" right before the code, or "550-'"
	// when a relay quotes the remote server's reply.
	j = i
	if j >= 5 && (text[j-1] == '\'' || text[j-1] == '"') && (text[j-2] == ' ' || text[j-2] == '-') {
		j--
	}
	if j >= 4 && (text[j-1] == ' ' || text[j-1] == '-') {
		if r, ok := ParseReply(text[j-4 : j-1]); ok && (j == 4 || !isDigit(text[j-5])) {
			m.Reply = r
		}
	}
	return m, true
}

func scanNum(text string, j int) (int, int, bool) {
	n, start := 0, j
	for j < len(text) && isDigit(text[j]) {
		n = n*10 + int(text[j]-'0')
		j++
		if j-start > 3 {
			return 0, j, false
		}
	}
	return n, j, j > start
}

// Find returns the enhanced status code that best represents text: the first
// code written after an SMTP reply of the same class ("550 5.1.1"), else the
// first failure code (4.x.x or 5.x.x), else the first success code that
// follows a 2xx reply. It reports false when text holds no code.
func Find(text string) (Code, bool) {
	var buf [8]Match
	return Best(AppendAll(buf[:0], text, 32))
}

// Best is Find on the codes a text holds, found by AppendAll (at most 32
// of them for the same answer as Find): callers that need the matches too
// scan the text once.
func Best(ms []Match) (Code, bool) {
	for _, m := range ms {
		if m.Reply != 0 && m.Reply.Class() == m.Code.Class {
			return m.Code, true
		}
	}
	for _, m := range ms {
		if m.Code.Class != ClassSuccess {
			return m.Code, true
		}
	}
	for _, m := range ms {
		if m.Reply != 0 {
			return m.Code, true
		}
	}
	return Code{}, false
}

// FindReply returns the first SMTP reply code in text that stands as a reply:
// a 2xx, 4xx or 5xx number at the start of the text or after a separator,
// followed by a space, a hyphen or the end ("550 5.1.1", "said: 554-",
// "smtp; 421 "). A reply code right before an enhanced code of the same
// class wins over an earlier bare number. It reports false when there is none.
func FindReply(text string) (ReplyCode, bool) {
	var buf [8]Match
	for _, m := range AppendAll(buf[:0], text, 32) {
		if m.Reply != 0 && m.Reply.Class() == m.Code.Class {
			return m.Reply, true
		}
	}
	for i := 0; i+3 <= len(text); i++ {
		c := text[i]
		if c != '2' && c != '4' && c != '5' {
			continue
		}
		if i > 0 && !replyCanStartAt(text, i) {
			continue
		}
		r, ok := ParseReply(text[i : i+3])
		if !ok {
			continue
		}
		if i+3 < len(text) {
			n := text[i+3]
			if n != ' ' && n != '-' && n != '\n' && n != '\t' && n != ')' && n != ']' {
				i += 2
				continue
			}
			// "550-" must not be a date or range like "2013-10-16" or "450-500".
			if n == '-' && i+4 < len(text) && isDigit(text[i+4]) && (i+5 >= len(text) || text[i+5] != '.') {
				i += 2
				continue
			}
		}
		return r, true
	}
	return 0, false
}

// replyCanStartAt reports whether a bare three-digit number at text[i:] may
// be a reply code: it must open the text or a line, or follow a separator
// such as "said:", "smtp;" or "(" (spaces between are fine). "exceeds 500 KB"
// is not a reply.
func replyCanStartAt(text string, i int) bool {
	j := i - 1
	for j >= 0 && (text[j] == ' ' || text[j] == '\t') {
		j--
	}
	if j < 0 {
		return true
	}
	return isReplyOpen(text[j]) || text[j] == '\n' || text[j] == '\r'
}

func isReplyOpen(b byte) bool {
	switch b {
	case '(', '[', ':', ';', '=', '"', '\'', '<', '#':
		return true
	}
	return false
}

// replyPreference holds, per class, the reply codes FindReplyIn looks for,
// in the order it prefers them: the codes that say what went wrong with a
// recipient or a message (550, 552, 553, ...) before the catch-all ones
// (554 "transaction failed", 500-504 syntax and sequence errors), which a
// relay often puts in front of the remote server's own reply ("554
// <ann@example.com>... 550 Host unknown").
var replyPreference = [ClassPermanent + 1][]ReplyCode{
	ClassPermanent: {550, 552, 553, 551, 521, 525, 502, 520, 523, 524, 530, 533, 534, 535, 538, 555, 556, 554, 500, 501, 503, 504},
	ClassTemporary: {421, 450, 451, 452, 422, 430, 432, 453, 454, 455, 458, 459},
	ClassSuccess:   {211, 214, 220, 221, 235, 250, 251, 252, 253, 354},
}

// replySets holds the codes of replyPreference as sets, for FindReplyIn to
// pass over a class the text has none of.
var replySets = func() (s [ClassPermanent + 1]numberSet) {
	for c, rs := range replyPreference {
		for _, r := range rs {
			s[c].add(int(r))
		}
	}
	return s
}()

// unknownOrder is the order of the classes FindReplyIn looks in for
// ClassUnknown.
var unknownOrder = [...]Class{ClassPermanent, ClassTemporary, ClassSuccess}

// FindReplyIn returns the SMTP reply code a text carries for a failure or
// success of class cls: of the well-known reply codes of that class written
// in the text as a number of their own (not part of a longer number, a
// dotted code or an address), the one that comes first in a fixed order of
// preference (see replyPreference). With ClassUnknown, permanent codes are
// looked for first, then temporary, then success codes. It reports false
// when the text has none.
func FindReplyIn(text string, cls Class) (ReplyCode, bool) {
	if len(text) < 3 {
		return 0, false
	}
	if cls < 0 || cls > ClassPermanent {
		return 0, false
	}
	w := standingNumbers(text)
	order := unknownOrder[:]
	if cls != ClassUnknown {
		order = []Class{cls}
	}
	for _, c := range order {
		if !w.meets(&replySets[c]) {
			continue
		}
		for _, r := range replyPreference[c] {
			if w.has(int(r)) {
				return r, true
			}
		}
	}
	return 0, false
}

// numberSet is a set of the numbers 0 to 999.
type numberSet [1000/64 + 1]uint64

func (s *numberSet) add(n int)      { s[n/64] |= 1 << (n % 64) }
func (s *numberSet) has(n int) bool { return n >= 0 && n < 1000 && s[n/64]&(1<<(n%64)) != 0 }

// meets reports whether s and t have a number in common among the reply
// codes (200 to 599): the words of the sets that hold those.
func (s *numberSet) meets(t *numberSet) bool {
	var m uint64
	for i := 200 / 64; i <= 599/64; i++ {
		m |= s[i] & t[i]
	}
	return m != 0
}

// standingNumbers returns the three-digit numbers that stand in text as
// numbers of their own: not part of a longer number, a dotted code or a
// path (see isNumberPart). One pass finds them all, for every reply code
// FindReplyIn may ask about.
func standingNumbers(text string) (w numberSet) {
	for i := 0; i < len(text); i++ {
		if i = nextDigit(text, i); i == len(text) {
			break
		}
		j := i + 1
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		if j-i == 3 && (i == 0 || !isNumberPart(text[i-1])) && (j == len(text) || !isNumberPart(text[j])) {
			w.add(int(text[i]-'0')*100 + int(text[i+1]-'0')*10 + int(text[i+2]-'0'))
		}
		i = j
	}
	return
}

// nextDigit returns the offset of the first digit of text at i or after,
// or len(text). It tests 8 bytes at once: with the high bits cleared, adding
// 0x50 to a byte sets its high bit from '0' up, adding 0x46 from past '9'
// (no sum carries into the next byte), so that the lowest high bit left
// marks the first digit.
func nextDigit(text string, i int) int {
	const ones, highs, lows = 0x0101010101010101, 0x8080808080808080, 0x7f7f7f7f7f7f7f7f
	for ; i+8 <= len(text); i += 8 {
		w := load8(text[i:])
		w7 := w & lows
		if d := (w7 + 0x50*ones) &^ (w7 + 0x46*ones) &^ w & highs; d != 0 {
			return i + bits.TrailingZeros64(d)/8
		}
	}
	for ; i < len(text) && !isDigit(text[i]); i++ {
	}
	return i
}

// load8 returns the 8 bytes of s from its start, little-endian.
func load8(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// isNumberPart reports whether b continues a number, a dotted code or a
// path on either side of three digits.
func isNumberPart(b byte) bool { return isDigit(b) || b == '.' || b == '/' }
