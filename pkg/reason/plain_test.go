package reason

import (
	"bytes"
	"strings"
	"testing"
)

// tokenPlain is appendPlain appending token by token, as it did before it
// copied runs of tokens at once: FuzzPlain holds the two together.
func tokenPlain(dst, lower []byte) []byte {
	space := true // at the start, or after a space: drop further spaces
	for i := 0; i < len(lower); {
		c := lower[i]
		if k := byteKinds[c]; k&kindSpace != 0 {
			if !space {
				dst = append(dst, ' ')
				space = true
			}
			i++
			continue
		} else if k&kindSep != 0 {
			dst = append(dst, c)
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
			dst = append(dst, lower[i:j]...)
			space = false
		}
		i = j
	}
	return dst
}

// FuzzPlain: appendPlain writes what tokenPlain writes, on a fresh buffer
// and on the buffer that holds the text (as lowerWords calls it); byPair
// finds in it what byPairAll finds.
func FuzzPlain(f *testing.F) {
	for _, tc := range classifyTests {
		f.Add(tc.f.Diagnostic)
	}
	f.Add("das postfach des empfängers ist voll. the domain name (x.example) does not appear to be registered")
	f.Add("550 5.1.1 <a@example.com>: recipient address rejected: user unknown in virtual mailbox table")
	f.Add("  two  spaces  and\ttabs\n\nlines  see https://x.example/y   www.example.com mx.example.jp. (#5.4.4)")
	f.Fuzz(func(t *testing.T, text string) {
		lower := []byte(strings.ToLower(text))
		want := tokenPlain(nil, lower)
		if got := appendPlain(nil, lower); string(got) != string(want) {
			t.Fatalf("appendPlain(%q) = %q, token by token %q", lower, got, want)
		}
		r, ev := byPair(want)
		if wr, wev := byPairAll(want); r != wr || ev != wev {
			t.Fatalf("byPair(%q) = %q %q, looking for every thing %q %q", want, r, ev, wr, wev)
		}
		buf := append(make([]byte, 0, 2*len(lower)), lower...)
		if got := appendPlain(buf, buf); string(got[len(lower):]) != string(want) {
			t.Fatalf("appendPlain(%q) on its own buffer = %q, token by token %q", lower, got[len(lower):], want)
		}
	})
}

// byPairAll is byPair looking for every pair's things, without pairsIn:
// FuzzPlain holds the two together.
func byPairAll(words []byte) (string, string) {
	for _, p := range pairs {
		for _, t := range p.things {
			for off := 0; ; {
				i := index(words[off:], t)
				if i < 0 {
					break
				}
				i += off
				off = i + len(t)
				end := min(len(words), off+p.within)
				window := words[off:end]
				if s := bytes.IndexAny(window, ".;!?\n"); s >= 0 && !bytes.HasPrefix(window[s:], []byte(".example")) {
					window = window[:s]
				}
				for _, w := range p.wrong {
					bound := strings.HasSuffix(w, "|")
					w = strings.TrimSuffix(w, "|")
					j := index(window, w)
					if j < 0 {
						continue
					}
					if bound && j+len(w) < len(window) && isWordByte(window[j+len(w)]) {
						continue
					}
					return p.reason, string(words[i : off+j+len(w)])
				}
			}
		}
	}
	return "", ""
}
