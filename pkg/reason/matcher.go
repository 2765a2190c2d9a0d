package reason

import (
	"encoding/binary"
	"math/bits"
	"strings"
)

// A matcher finds the first rule of a table (in table order) any of whose
// phrases a text contains, in one pass over the text instead of one
// strings.Index per phrase.
//
// Many phrases of a table share their first bytes ("account is
// disabled", "account is suspended", ...), and the text holds those words
// too, so the first two bytes of a phrase say little. A matcher sorts the
// phrases into classes by length (see keyLens), and indexes each class by
// a hash of the first keyLen bytes its phrases all have: at a position of
// the text, a table of the phrases' first four bytes (quads) rules most
// positions out, and a class's bucket for the hash of the bytes there
// holds the few phrases that can start at it.
type matcher struct {
	rules []rule
	// quads has, at quadHash of the first four bytes of a phrase (or of
	// any four that begin with a shorter phrase), bit c set when class c
	// holds the phrase: at most positions of a text, the four bytes there
	// rule out every phrase at one test, where the first two bytes of a
	// phrase are too common in text to. Different bytes may share a hash:
	// the classes' buckets tell them apart.
	quads [1 << quadBits]uint8
	// classesOf has, for each first two bytes of a phrase, bit c set when
	// class c has phrases that start with them: quads for the last three
	// positions of a text, where four bytes do not fit.
	classesOf [1 << 16]uint8
	classes   [len(keyLens)]class
}

// keyLens are the key lengths of the classes, longest first: a phrase
// belongs to the first class whose key length it has.
var keyLens = [...]int{12, 8, 4, 2}

// bucketBits is the log2 of the number of buckets of a class.
const bucketBits = 10

// quadBits is the log2 of the number of entries of a matcher's quads.
const quadBits = 16

// quadHash hashes four bytes of text, the first in the low byte of x,
// into an index of a matcher's quads.
func quadHash(x uint32) uint32 { return (x * 0x9E3779B1) >> (32 - quadBits) }

// markQuads sets bits in quads at the hash of every four bytes that begin
// with p's first four, or with all of p when it is shorter.
func markQuads(quads *[1 << quadBits]uint8, p string, bits uint8) {
	n := min(len(p), 4)
	var x uint32
	for k := range n {
		x |= uint32(p[k]) << (8 * k)
	}
	for ext := uint32(0); ext < 1<<(8*(4-n)); ext++ {
		quads[quadHash(x|ext<<(8*n))] |= bits
	}
}

// A class indexes the phrases of at least keyLen bytes (and shorter than
// the previous class's) by the hash of their first keyLen bytes.
type class struct {
	keyLen  int
	start   [1<<bucketBits + 1]uint16
	entries []entry // by bucket, in table order within a bucket
}

type entry struct {
	rule        int
	ord         int // the phrase's place in the whole table
	text        string
	left, right bool // word boundary wanted before, after
}

func newMatcher(rules []rule) *matcher {
	m := &matcher{rules: rules}
	buckets := new([len(keyLens)][1 << bucketBits][]entry)
	ord := 0
	for ri, r := range rules {
		for _, p := range r.phrases {
			e := entry{rule: ri, ord: ord, text: p}
			ord++
			if strings.HasPrefix(e.text, "|") {
				e.left, e.text = true, e.text[1:]
			}
			if len(e.text) > 1 && strings.HasSuffix(e.text, "|") {
				e.right, e.text = true, e.text[:len(e.text)-1]
			}
			if len(e.text) < 2 {
				panic("reason: phrase too short: " + p)
			}
			c := 0
			for len(e.text) < keyLens[c] {
				c++
			}
			k := uint16(e.text[0])<<8 | uint16(e.text[1])
			m.classesOf[k] |= 1 << c
			markQuads(&m.quads, e.text, 1<<c)
			h := hashKey([]byte(e.text), 0, keyLens[c])
			buckets[c][h] = append(buckets[c][h], e)
		}
	}
	if ord >= 1<<16 {
		panic("reason: too many phrases")
	}
	for c := range m.classes {
		cl := &m.classes[c]
		cl.keyLen = keyLens[c]
		for h, es := range buckets[c] {
			cl.start[h] = uint16(len(cl.entries))
			cl.entries = append(cl.entries, es...)
		}
		cl.start[1<<bucketBits] = uint16(len(cl.entries))
	}
	return m
}

// hashKey hashes the n bytes of text at i (n one of keyLens) into a
// bucket.
func hashKey(text []byte, i, n int) int {
	var x uint64
	switch n {
	case 12:
		x = binary.LittleEndian.Uint64(text[i:]) ^ bits.RotateLeft64(uint64(binary.LittleEndian.Uint32(text[i+8:])), 29)
	case 8:
		x = binary.LittleEndian.Uint64(text[i:])
	case 4:
		x = uint64(binary.LittleEndian.Uint32(text[i:]))
	default:
		x = uint64(text[i])<<8 | uint64(text[i+1])
	}
	return int((x * 0x9E3779B97F4A7C15) >> (64 - bucketBits))
}

// firstPhrase returns the first rule (in table order) whose phrase text
// contains, and the phrase that matched: the rule's phrase that matches
// first in the text, or the first in table order of those that match at
// that position.
func (m *matcher) firstPhrase(text []byte) (rule, string, bool) {
	s := search{m: m, best: len(m.rules)}
	// A phrase can start at i only when the quads of the four bytes there
	// has its class. The last three positions, short of four bytes, go by
	// the first two alone (tail).
	last := len(text) - 4
	for i := 0; i <= last; i++ {
		if cs := m.quads[quadHash(binary.LittleEndian.Uint32(text[i:]))]; cs != 0 {
			if s.try(text, i, cs); s.best == 0 {
				return s.result()
			}
		}
	}
	s.tail(text, max(last+1, 0))
	return s.result()
}

// A matcherPair searches a text for the phrases of two matchers in one
// pass (firstPhrases): its quads hold the first's classes in the low
// bits, the second's above them, so that each position of the text costs
// one lookup for both.
type matcherPair struct {
	a, b  *matcher
	quads [1 << quadBits]uint8
}

func newMatcherPair(a, b *matcher) *matcherPair {
	if len(keyLens) > 4 {
		panic("reason: too many classes for a matcher pair")
	}
	p := &matcherPair{a: a, b: b}
	for h := range p.quads {
		p.quads[h] = a.quads[h] | b.quads[h]<<4
	}
	return p
}

// firstPhrases is the searches of firstPhrase of both matchers.
func (p *matcherPair) firstPhrases(text []byte) (sa, sb search) {
	sa, sb = search{m: p.a, best: len(p.a.rules)}, search{m: p.b, best: len(p.b.rules)}
	last := len(text) - 4
	for i := 0; i <= last; i++ {
		cs := p.quads[quadHash(binary.LittleEndian.Uint32(text[i:]))]
		if cs == 0 {
			continue
		}
		if cs&0xF != 0 {
			sa.try(text, i, cs&0xF)
		}
		if cs>>4 != 0 {
			sb.try(text, i, cs>>4)
		}
	}
	sa.tail(text, max(last+1, 0))
	sb.tail(text, max(last+1, 0))
	return sa, sb
}

// A search is a matcher's search of a text: the rule found so far
// (len(m.rules) while none) and its phrase.
type search struct {
	m      *matcher
	best   int
	phrase string
}

// try looks for the phrases of classes cs at i in text.
func (s *search) try(text []byte, i int, cs uint8) {
	if e := s.m.at(text, i, cs, s.best); e != nil {
		s.best, s.phrase = e.rule, e.text
	}
}

// tail tries the positions of text from i on by their first two bytes.
func (s *search) tail(text []byte, i int) {
	for ; i+1 < len(text); i++ {
		if cs := s.m.classesOf[uint16(text[i])<<8|uint16(text[i+1])]; cs != 0 {
			s.try(text, i, cs)
		}
	}
}

// result returns the rule found, its phrase, and whether there is one.
func (s *search) result() (rule, string, bool) {
	if s.best == len(s.m.rules) {
		return rule{}, "", false
	}
	return s.m.rules[s.best], s.phrase, true
}

// at returns the phrase of the lowest order in the table that stands at
// i in text, of a rule before best, or nil. cs are the classes that may
// have phrases starting at i (quads or classesOf says which).
func (m *matcher) at(text []byte, i int, cs uint8, best int) *entry {
	var at *entry
	for ; cs != 0; cs &= cs - 1 {
		cl := &m.classes[bits.TrailingZeros8(cs)]
		if i+cl.keyLen > len(text) {
			continue
		}
		h := hashKey(text, i, cl.keyLen)
		for j := cl.start[h]; j < cl.start[h+1]; j++ {
			e := &cl.entries[j]
			if e.rule >= best || at != nil && e.ord >= at.ord {
				break
			}
			if matchAt(text, i, e) {
				at = e
				break
			}
		}
	}
	return at
}

// matchAt reports whether e's phrase, with its word bars, stands at i in
// text.
func matchAt(text []byte, i int, e *entry) bool {
	end := i + len(e.text)
	if end > len(text) || string(text[i:end]) != e.text {
		return false
	}
	return !(e.left && i > 0 && isWordByte(text[i-1]) || e.right && end < len(text) && isWordByte(text[end]))
}
