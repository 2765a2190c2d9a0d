package reason

import (
	"fmt"
	"math/bits"
	"strings"
	"testing"
)

// An oldMatcher is the matcher before keyed classes, kept to test the new one against. It finds the first rule of a table (in table order) any of whose
// phrases a text contains, in one pass over the text instead of one
// strings.Index per phrase: phrases are indexed by their first two bytes,
// and a bitset of those pairs skips the positions no phrase starts at. The
// rank of a pair's bit in the bitset locates its phrases without a map
// lookup (as in package phrase).
type oldMatcher struct {
	rules   []rule
	seen    [1 << 16 / 64]uint64 // bit set for every phrase's first two bytes
	rank    [1 << 16 / 64]int32  // bits set in seen before each word
	firsts  []int32              // firsts[r]: start in entries of the r-th pair present
	entries []oldEntry           // phrases grouped by first two bytes, in table order within a pair
}

type oldEntry struct {
	rule        int
	text        string
	left, right bool // word boundary wanted before, after
}

func newOldMatcher(rules []rule) *oldMatcher {
	m := &oldMatcher{rules: rules}
	start := map[uint16][]oldEntry{}
	for ri, r := range rules {
		for _, p := range r.phrases {
			e := oldEntry{rule: ri, text: p}
			if strings.HasPrefix(e.text, "|") {
				e.left, e.text = true, e.text[1:]
			}
			if len(e.text) > 1 && strings.HasSuffix(e.text, "|") {
				e.right, e.text = true, e.text[:len(e.text)-1]
			}
			if len(e.text) < 2 {
				panic("reason: phrase too short: " + p)
			}
			k := oldPair(e.text, 0)
			m.seen[k/64] |= 1 << (k % 64)
			start[k] = append(start[k], e)
		}
	}
	n := int32(0)
	for w := range m.seen {
		m.rank[w] = n
		n += int32(bits.OnesCount64(m.seen[w]))
	}
	for k := 0; k < 1<<16; k++ {
		if m.seen[k/64]&(1<<(k%64)) != 0 {
			m.firsts = append(m.firsts, int32(len(m.entries)))
			m.entries = append(m.entries, start[uint16(k)]...)
		}
	}
	m.firsts = append(m.firsts, int32(len(m.entries)))
	return m
}

// starting returns the phrases that start with pair k, whose bit in seen
// is set, in table order.
func (m *oldMatcher) starting(k uint16) []oldEntry {
	w, b := k/64, k%64
	r := m.rank[w] + int32(bits.OnesCount64(m.seen[w]&(1<<b-1)))
	return m.entries[m.firsts[r]:m.firsts[r+1]]
}

func oldPair(s string, i int) uint16 { return uint16(s[i])<<8 | uint16(s[i+1]) }

// firstPhrase is first, and also returns the phrase that matched.
func (m *oldMatcher) firstPhrase(text []byte) (rule, string, bool) {
	best, phrase := len(m.rules), ""
	for i := 0; i+1 < len(text) && best > 0; i++ {
		k := uint16(text[i])<<8 | uint16(text[i+1])
		if m.seen[k/64]&(1<<(k%64)) == 0 {
			continue
		}
		es := m.starting(k)
		for j := range es {
			e := &es[j]
			if e.rule >= best {
				break
			}
			// The first two bytes match (the pair); the third, when the
			// phrase has one, mostly does not.
			if len(e.text) > 2 && (i+2 >= len(text) || text[i+2] != e.text[2]) || i+len(e.text) > len(text) ||
				string(text[i:i+len(e.text)]) != e.text {
				continue
			}
			end := i + len(e.text)
			if e.left && i > 0 && isWordByte(text[i-1]) || e.right && end < len(text) && isWordByte(text[end]) {
				continue
			}
			best, phrase = e.rule, e.text
			break
		}
	}
	if best == len(m.rules) {
		return rule{}, "", false
	}
	return m.rules[best], phrase, true
}

// matcherTables are the tables built into matchers, with their old
// matchers.
var matcherTables = func() (ts []struct {
	name string
	new  *matcher
	old  *oldMatcher
}) {
	for _, m := range []*matcher{blocklistNames, providerTokens, decisiveMatcher, secondaryMatcher} {
		ts = append(ts, struct {
			name string
			new  *matcher
			old  *oldMatcher
		}{m.rules[0].reason, m, newOldMatcher(m.rules)})
	}
	return ts
}()

// FuzzMatcher checks that every table's matcher finds the rule and the
// phrase the old matcher finds, in the text as it is, lowercased, and as
// its words (plain).
func FuzzMatcher(f *testing.F) {
	for _, tc := range classifyTests {
		f.Add(tc.f.Diagnostic)
	}
	for _, t := range matcherTables {
		for _, r := range t.new.rules {
			for _, p := range r.phrases {
				f.Add("x " + strings.Trim(p, "|") + " and " + p)
			}
		}
	}
	f.Add("mailbox is full: account is disabled; rbl listed, over quota")
	f.Fuzz(func(t *testing.T, text string) {
		lower, words := lowerWords(nil, text)
		for _, b := range [][]byte{[]byte(text), lower, words} {
			for _, m := range matcherTables {
				r, p, ok := m.new.firstPhrase(b)
				or, op, ook := m.old.firstPhrase(b)
				if ok != ook || r.reason != or.reason || p != op || fmt.Sprint(r.phrases) != fmt.Sprint(or.phrases) {
					t.Fatalf("%s matcher on %q: %q %q %v, old %q %q %v", m.name, b, r.reason, p, ok, or.reason, op, ook)
				}
			}
			// The pass for two matchers finds what each finds alone.
			sa, sb := listsAndTokens.firstPhrases(b)
			for _, c := range []struct {
				s *search
				m *matcher
			}{{&sa, blocklistNames}, {&sb, providerTokens}} {
				r, p, ok := c.s.result()
				wr, wp, wok := c.m.firstPhrase(b)
				if ok != wok || r.reason != wr.reason || p != wp {
					t.Fatalf("firstPhrases on %q: %q %q %v, firstPhrase %q %q %v", b, r.reason, p, ok, wr.reason, wp, wok)
				}
			}
		}
	})
}
