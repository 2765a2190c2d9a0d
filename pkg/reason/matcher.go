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
// the text, a bitset of the phrases' first two bytes rules most positions
// out, and a class's bucket for the hash of the bytes there holds the few
// phrases that can start at it.
type matcher struct {
	rules   []rule
	seen    [1 << 16 / 64]uint64 // bit set for every phrase's first two bytes
	classes [len(keyLens)]class
}

// keyLens are the key lengths of the classes, longest first: a phrase
// belongs to the first class whose key length it has.
var keyLens = [...]int{12, 8, 4, 2}

// bucketBits is the log2 of the number of buckets of a class.
const bucketBits = 10

// A class indexes the phrases of at least keyLen bytes (and shorter than
// the previous class's) by the hash of their first keyLen bytes.
type class struct {
	keyLen  int
	seen    [1 << 16 / 64]uint64 // the first two bytes of the class's phrases
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
	buckets := make([][len(keyLens)][1 << bucketBits][]entry, 1)
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
			m.seen[k/64] |= 1 << (k % 64)
			m.classes[c].seen[k/64] |= 1 << (k % 64)
			h := hashKey([]byte(e.text), 0, keyLens[c])
			buckets[0][c][h] = append(buckets[0][c][h], e)
		}
	}
	if ord >= 1<<16 {
		panic("reason: too many phrases")
	}
	for c := range m.classes {
		cl := &m.classes[c]
		cl.keyLen = keyLens[c]
		for h, es := range buckets[0][c] {
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

// first returns the first rule whose phrase text contains.
func (m *matcher) first(text []byte) (rule, bool) {
	r, _, ok := m.firstPhrase(text)
	return r, ok
}

// firstPhrase is first, and also returns the phrase that matched: the
// rule's phrase that matches first in the text, or the first in table
// order of those that match at that position.
func (m *matcher) firstPhrase(text []byte) (rule, string, bool) {
	best, phrase := len(m.rules), ""
	for i := 0; i+1 < len(text) && best > 0; i++ {
		k := uint16(text[i])<<8 | uint16(text[i+1])
		if m.seen[k/64]&(1<<(k%64)) == 0 {
			continue
		}
		// The phrase of the lowest order that matches at i, of a rule
		// before best.
		var at *entry
		for c := range m.classes {
			cl := &m.classes[c]
			if cl.seen[k/64]&(1<<(k%64)) == 0 || i+cl.keyLen > len(text) {
				continue
			}
			h := hashKey(text, i, cl.keyLen)
			es := cl.entries[cl.start[h]:cl.start[h+1]]
			for j := range es {
				e := &es[j]
				if e.rule >= best || at != nil && e.ord >= at.ord {
					break
				}
				if matchAt(text, i, e) {
					at = e
					break
				}
			}
		}
		if at != nil {
			best, phrase = at.rule, at.text
		}
	}
	if best == len(m.rules) {
		return rule{}, "", false
	}
	return m.rules[best], phrase, true
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
