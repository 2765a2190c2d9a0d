// Package phrase finds which of a fixed list of phrases a text contains, in
// one pass over the text instead of one strings.Index per phrase. The
// recognisers of package dialect and the reason tables test a few dozen
// lowercase phrases against every line of every bounce; scanning once and
// looking up the two bytes at each position is several times cheaper.
//
// Matching is exact and byte-wise (strings.Contains semantics): callers
// lowercase the text and the phrases alike.
package phrase

import (
	"math/bits"
	"sort"
	"strings"
)

// Set is a fixed list of phrases, each at least two bytes long. A Set is
// safe for concurrent use.
//
// The phrases are indexed by their first two bytes, as pairKey folds
// them: a bitset of the pairs rules out most positions of a text with one
// test, and the rank of a pair's bit in the bitset (rank plus a
// population count) locates the phrases that start with it, without a
// map lookup.
//
// When every phrase is at least minSkip bytes long, a scan also skips
// ahead the way Wu and Manber's multi-pattern search does: the last two
// bytes of the window of the shortest phrase's length at a position say
// how far the next position that can start a match is (see skips).
type Set struct {
	phrases []string
	seen    [1 << 16 / 64]uint64 // a bit for every phrase's first two bytes' pairKey
	rank    [1 << 16 / 64]uint16 // bits set in seen before each word
	first   []uint16             // first[r]: start in byPair of the r-th pair present
	byPair  []uint16             // phrase indexes grouped by pair, ascending within a pair
	// next[j] is the pair of bytes after the first two of phrase
	// byPair[j] (see nextPair), lowercase: a scan with the skip table
	// tests it before comparing the phrase, which rules out most of the
	// phrases that share their first two bytes.
	next []uint16
	// heads[j] holds the first (up to) 16 bytes of phrase byPair[j] for
	// ScanFold with the skip table, as two words: a candidate's first 16
	// bytes are tested against them 8 at once (see head), which rules out
	// nearly every phrase that does not match, such as those that begin
	// "this is the " or "in reply to ", without comparing a byte.
	heads [][2]head
	min   int // the shortest phrase's length, at most 255
	// skip is the skip table of Scan, foldSkip that of ScanFold (see
	// foldHash); both nil when min < minSkip.
	skip, foldSkip *skips
	// foldAgain is how far ScanFold moves past a position it tried:
	// where the window's last pair next ends the first min bytes of a
	// phrase (see newAgain).
	foldAgain *skips
}

// minSkip is the shortest phrase length for which skipping pays: below it
// the skip table's lookup costs more than the positions it passes over
// (at 3 a window moves up to two bytes a lookup, and pays: the phrases
// of package dialect's hostIntros, "mx " among them, cost 4% fewer
// instructions; at 2 it moves one, and does not).
const minSkip = 3

// skips holds, for each hashed pair of bytes (pairHash), how far a window
// of min bytes that ends in the pair can move before a phrase can start
// in it: 0 when the pair ends the first min bytes of a phrase. Pairs that
// share a hash take the smallest distance, so a skip never passes a match.
type skips [1 << 12]uint8

// pairAt returns the bytes s[i] and s[i+1] as a little-endian word, which
// the compiler reads with one load.
func pairAt[T Text](s T, i int) uint32 { return uint32(s[i]) | uint32(s[i+1])<<8 }

// pairHash hashes a pair of bytes (pairAt) into an index of skips:
// (w + w>>7) mod 4096, which one multiply and one shift compute (w<<20 +
// w<<13, top 12 bits). For two ASCII bytes with their 0x20 bits set
// (foldHash), whose other 12 bits tell them apart, it is nearly one to
// one: 4066 of the 4096 such pairs hash apart.
func pairHash(w uint32) int { return int(w * (1<<20 + 1<<13) >> 20) }

// foldHash is pairHash for ScanFold: the bytes' 0x20 bits are set first,
// which makes an ASCII letter lowercase (and merges a few other bytes
// with others, which only makes some skips shorter), so that the text
// need not be lowercased to look a pair up.
func foldHash(w uint32) int { return pairHash(w | 0x2020) }

// newSkips returns the skip table of phrases whose shortest has min bytes,
// with their pairs hashed by hash.
func newSkips(phrases []string, min int, hash func(w uint32) int) *skips {
	return pairDistances(phrases, min, min-1, hash)
}

// pairDistances returns, for each hashed pair among the first pairs pairs
// of each phrase, its distance from the end of the phrase's first min
// bytes (min-1 for a pair found in none), the smallest where pairs share
// a hash.
func pairDistances(phrases []string, min, pairs int, hash func(w uint32) int) *skips {
	t := new(skips)
	for h := range t {
		t[h] = uint8(min - 1)
	}
	for _, p := range phrases {
		for j := 0; j < pairs; j++ {
			h, d := hash(pairAt(p, j)), uint8(min-2-j)
			t[h] = minU8(t[h], d)
		}
	}
	return t
}

// newAgain returns the table of how far a window of min bytes that ends
// in a pair whose skip is 0 can move once the position it stands at was
// tried: to where the pair stands earlier in the first min bytes of a
// phrase, or past the pair (min-1). Pairs that share a hash take the
// smallest distance.
func newAgain(phrases []string, min int, hash func(w uint32) int) *skips {
	return pairDistances(phrases, min, min-2, hash)
}

func minU8(a, b uint8) uint8 {
	if a < b {
		return a
	}
	return b
}

// New returns the Set of phrases. It panics on a phrase shorter than two
// bytes or with an ASCII capital letter (the skip scans compare lowercased
// bytes), or on more than 65535 phrases: sets are built once, from tables
// in the code.
func New(phrases ...string) *Set {
	if len(phrases) >= 1<<16 {
		panic("phrase: too many phrases")
	}
	s := &Set{phrases: phrases}
	order := make([]int, len(phrases))
	for i, p := range phrases {
		if len(p) < 2 {
			panic("phrase: phrase too short: " + p)
		}
		if strings.IndexFunc(p, func(r rune) bool { return 'A' <= r && r <= 'Z' }) >= 0 {
			panic("phrase: phrase not lowercase: " + p)
		}
		k := pairKey(p, 0)
		s.seen[k/64] |= 1 << (k % 64)
		order[i] = i
	}
	n := 0
	for w := range s.seen {
		s.rank[w] = uint16(n)
		n += bits.OnesCount64(s.seen[w])
	}
	sort.SliceStable(order, func(a, b int) bool { return pairKey(phrases[order[a]], 0) < pairKey(phrases[order[b]], 0) })
	s.first = make([]uint16, 0, n+1)
	prev := -1
	for j, i := range order {
		if k := int(pairKey(phrases[i], 0)); k != prev {
			s.first = append(s.first, uint16(j))
			prev = k
		}
		s.byPair = append(s.byPair, uint16(i))
	}
	s.first = append(s.first, uint16(len(order)))
	s.min = 255
	for _, p := range phrases {
		s.min = min(s.min, len(p))
	}
	if s.min >= minSkip {
		s.skip, s.foldSkip = newSkips(phrases, s.min, pairHash), newSkips(phrases, s.min, foldHash)
		s.foldAgain = newAgain(phrases, s.min, foldHash)
		s.next = make([]uint16, len(order))
		s.heads = make([][2]head, len(order))
		for j, i := range s.byPair {
			s.next[j] = nextPair(phrases[i], s.min, Lower)
			s.heads[j] = [2]head{newHead(phrases[i], 0), newHead(phrases[i], headLen)}
		}
	}
	return s
}

// nextPair returns the third and fourth bytes of s, mapped by lower, as
// the high and low byte of a pair; the fourth is 0 when m, the shortest
// phrase's length (at least minSkip, at most len(s)), is 3: a scan with
// the skip table reads no further than m bytes from a position before it
// has a candidate.
func nextPair[T Text](s T, m int, lower func(byte) byte) uint16 {
	k := uint16(lower(s[2])) << 8
	if m > 3 {
		k |= uint16(lower(s[3]))
	}
	return k
}

// head is (up to) 8 bytes of a phrase as a little-endian word
// (load8), to test 8 bytes of a text against at once with their ASCII
// letters lowercased: a word w of the text matches when
// (w|fold)&mask == key.
type head struct {
	key  uint64 // the phrase's bytes
	mask uint64 // 0xff for each byte of the phrase, 0 past its end
	// fold has 0x20 for each byte that is a lowercase letter: or-ing it
	// in makes the same letter in uppercase match, and nothing else.
	fold uint64
}

// headLen is the number of bytes a head holds.
const headLen = 8

// newHead returns the head of the bytes of phrase p from offset from on
// (none, which any word matches, past its end). An uppercase letter in p,
// which no byte of a text lowercased can match, gets a fold bit and its
// own value as key, which no byte or-ed with 0x20 equals.
func newHead(p string, from int) head {
	var h head
	for b := 0; b < min(len(p)-from, headLen); b++ {
		c := uint64(p[from+b])
		h.key |= c << (8 * b)
		h.mask |= 0xff << (8 * b)
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			h.fold |= 0x20 << (8 * b)
		}
	}
	return h
}

// load8 returns the first 8 bytes of s as a little-endian word.
func load8[T Text](s T) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// same returns its byte: the lower of nextPair for Scan, which does not
// fold the text.
func same(c byte) byte { return c }

// pairKey is the key of seen for the pair of bytes s[i], s[i+1]: the
// pair (pairAt) with its bytes' 0x20 bits set, as foldHash sets them, so
// that ScanFold looks a pair up without lowercasing it. Pairs that differ
// in more than case (such as "@@" and "“") share a key too: a scan
// compares a phrase's first bytes all the same.
func pairKey[T Text](s T, i int) uint16 { return uint16(pairAt(s, i) | 0x2020) }

// starting returns the indexes of the phrases that start with pair key k,
// whose bit in seen is set.
func (s *Set) starting(k uint16) []uint16 {
	w, b := k/64, k%64
	r := int(s.rank[w]) + bits.OnesCount64(s.seen[w]&(1<<b-1))
	return s.byPair[s.first[r]:s.first[r+1]]
}

// span returns the range of byPair (and next) of the phrases that start
// with pair key k, whose bit in seen is set.
func (s *Set) span(k uint16) (from, to int) {
	w, b := k/64, k%64
	r := int(s.rank[w]) + bits.OnesCount64(s.seen[w]&(1<<b-1))
	return int(s.first[r]), int(s.first[r+1])
}

// Phrase returns phrase i.
func (s *Set) Phrase(i int) string { return s.phrases[i] }

// Scan calls f for every match of a phrase in text, in order of position
// and, at one position, in the order of the list, until f returns false.
func (s *Set) Scan(text string, f func(at, i int) bool) {
	if s.skip != nil {
		s.scanSkip(text, f)
		return
	}
	if len(text) < 2 {
		return
	}
	for at := 0; at+1 < len(text); at++ {
		k := pairKey(text, at)
		if s.seen[k/64]&(1<<(k%64)) == 0 {
			continue
		}
		for _, i := range s.starting(k) {
			if strings.HasPrefix(text[at:], s.phrases[i]) && !f(at, int(i)) {
				return
			}
		}
	}
}

// ScanFold is Scan of text with its ASCII letters lowercased, without
// making the lowercase copy: offsets are those of text. The phrases must
// be lowercase.
//
// It is kept out of line: inlined into another package, its call of the
// generic scanFold made the caller's f escape, an allocation per call.
//
//go:noinline
func (s *Set) ScanFold(text string, f func(at, i int) bool) {
	if s.foldSkip != nil {
		scanFoldSkip(s, text, f) // one call less
		return
	}
	scanFold(s, text, f)
}

// Text is a text as a string or a byte slice.
type Text interface{ ~string | ~[]byte }

// ScanFoldText is s.ScanFold of either kind of text: a caller can build
// the text in a byte buffer it reuses.
func ScanFoldText[T Text](s *Set, text T, f func(at, i int) bool) { scanFold(s, text, f) }

// scanFold is ScanFold of either kind of text.
func scanFold[T Text](s *Set, text T, f func(at, i int) bool) {
	if s.skip != nil {
		scanFoldSkip(s, text, f)
		return
	}
	if len(text) < 2 {
		return
	}
	for at := 0; at+1 < len(text); at++ {
		k := pairKey(text, at)
		if s.seen[k/64]&(1<<(k%64)) == 0 {
			continue
		}
		for _, i := range s.starting(k) {
			if hasPrefixFold(text[at:], s.phrases[i]) && !f(at, int(i)) {
				return
			}
		}
	}
}

// scanSkip is Scan with the skip table: only positions whose window of
// min bytes ends in a pair that ends the first min bytes of a phrase are
// tried.
func (s *Set) scanSkip(text string, f func(at, i int) bool) {
	m, skip := s.min, s.skip
	_ = skip[0] // one nil check, not one a byte
	for at := 0; at+m <= len(text); {
		if d := skip[pairHash(pairAt(text, at+m-2))]; d > 0 {
			at += int(d)
			continue
		}
		if k := pairKey(text, at); s.seen[k/64]&(1<<(k%64)) != 0 {
			next := nextPair(text[at:], m, same)
			from, to := s.span(k)
			for j := from; j < to; j++ {
				if s.next[j] != next {
					continue
				}
				if i := s.byPair[j]; strings.HasPrefix(text[at:], s.phrases[i]) && !f(at, int(i)) {
					return
				}
			}
		}
		at++
	}
}

// scanFoldSkip is scanSkip of text with its ASCII letters lowercased.
func scanFoldSkip[T Text](s *Set, text T, f func(at, i int) bool) {
	m, skip, again := s.min, s.foldSkip, s.foldAgain
	_, _ = skip[0], again[0] // one nil check, not one a byte
	// p is where the last pair of the window of m bytes at p-m+2 stands.
	for p, end := m-2, len(text)-1; p < end; {
		h := foldHash(pairAt(text, p))
		d := skip[h]
		p += int(d)
		if d > 0 {
			continue
		}
		at := p - m + 2
		on := p + int(again[h]) // the next window to look at
		k := pairKey(text, at)
		if s.seen[k/64]&(1<<(k%64)) == 0 {
			p = on
			continue
		}
		from, to := s.span(k)
		if at+2*headLen > len(text) { // too near the end for two words
			next := nextPair(text[at:], m, Lower)
			for j := from; j < to; j++ {
				if s.next[j] != next {
					continue
				}
				if i := s.byPair[j]; hasPrefixFold(text[at:], s.phrases[i]) && !f(at, int(i)) {
					return
				}
			}
			p = on
			continue
		}
		w0, w1 := load8(text[at:]), load8(text[at+headLen:])
		for j := from; j < to; j++ {
			h := &s.heads[j]
			if (w0|h[0].fold)&h[0].mask != h[0].key || (w1|h[1].fold)&h[1].mask != h[1].key {
				continue
			}
			if i := s.byPair[j]; (len(s.phrases[i]) <= 2*headLen || hasPrefixFold(text[at+2*headLen:], s.phrases[i][2*headLen:])) && !f(at, int(i)) {
				return
			}
		}
		p = on
	}
}

// IndexFold is Index of text with its ASCII letters lowercased (see
// ScanFold).
func (s *Set) IndexFold(text string) (at, i int) {
	at, i = -1, -1
	s.ScanFold(text, func(a, j int) bool {
		at, i = a, j
		return false
	})
	return at, i
}

// Lower lowercases an ASCII letter and leaves every other byte alone.
func Lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// HasPrefixFold reports whether s, its ASCII letters lowercased, begins
// with p (which has no uppercase letters).
func HasPrefixFold(s, p string) bool { return hasPrefixFold(s, p) }

// hasPrefixFold is HasPrefixFold of either kind of text.
func hasPrefixFold[T Text](s T, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if Lower(s[i]) != p[i] {
			return false
		}
	}
	return true
}

// Index returns the offset of the leftmost match in text and the index of
// the phrase that matches there (the first in the list when several do),
// or -1, -1.
func (s *Set) Index(text string) (at, i int) {
	at, i = -1, -1
	s.Scan(text, func(a, j int) bool {
		at, i = a, j
		return false
	})
	return at, i
}

// Any reports whether text contains any of the phrases.
func (s *Set) Any(text string) bool {
	at, _ := s.Index(text)
	return at >= 0
}

// AnyFold is Any of text with its ASCII letters lowercased (see ScanFold).
func (s *Set) AnyFold(text string) bool {
	at, _ := s.IndexFold(text)
	return at >= 0
}

// Mark sets found[i] for every phrase i that text contains. found must
// hold Len() entries.
func (s *Set) Mark(text string, found []bool) {
	s.Scan(text, func(_, i int) bool {
		found[i] = true
		return true
	})
}

// IndexFold returns the offset of the first p (lowercase) in s with the
// ASCII letters of s lowercased, or -1: strings.Index(LowerASCII(s), p)
// without the lowercase copy.
func IndexFold(s, p string) int {
	if p == "" {
		return 0
	}
	// Candidates are where p's first byte stands in either case, found
	// with strings.IndexByte.
	c0, u0 := p[0], p[0]
	if c0 >= 'a' && c0 <= 'z' {
		u0 = c0 - 'a' + 'A'
	}
	next := func(c byte, off int) int {
		if i := strings.IndexByte(s[off:], c); i >= 0 {
			return off + i
		}
		return -1
	}
	lo, up := -2, -2 // the next candidate in each case at or after off; -1 for none, -2 not looked for
	if u0 == c0 {
		up = -1
	}
	for off := 0; off+len(p) <= len(s); {
		if lo != -1 && lo < off {
			lo = next(c0, off)
		}
		if up != -1 && up < off {
			up = next(u0, off)
		}
		i := lo
		if i < 0 || up >= 0 && up < i {
			i = up
		}
		if i < 0 {
			return -1
		}
		if HasPrefixFold(s[i:], p) {
			return i
		}
		off = i + 1
	}
	return -1
}

// ContainsFold reports whether s contains p (lowercase) with the ASCII
// letters of s lowercased, without making a lowercase copy of s.
func ContainsFold(s, p string) bool { return IndexFold(s, p) >= 0 }

// Folded reports whether s is non-empty printable ASCII with single spaces
// between words and none around them: what folding white space
// (strings.Fields, then joining with spaces) leaves as it is, so a caller
// that would fold s can take it as it stands.
func Folded(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == ' ' && s[i+1] == ' ' {
			return false
		}
	}
	return true
}

// AppendLower appends s in ASCII lowercase to dst (other bytes as they
// are), without making a string.
func AppendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		dst = append(dst, Lower(s[i]))
	}
	return dst
}
