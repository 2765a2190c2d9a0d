package reason

import (
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
// and on the buffer that holds the text (as lowerWords calls it).
func FuzzPlain(f *testing.F) {
	for _, tc := range classifyTests {
		f.Add(tc.f.Diagnostic)
	}
	f.Add("550 5.1.1 <a@example.com>: recipient address rejected: user unknown in virtual mailbox table")
	f.Add("  two  spaces  and\ttabs\n\nlines  see https://x.example/y   www.example.com mx.example.jp. (#5.4.4)")
	f.Fuzz(func(t *testing.T, text string) {
		lower := []byte(strings.ToLower(text))
		want := tokenPlain(nil, lower)
		if got := appendPlain(nil, lower); string(got) != string(want) {
			t.Fatalf("appendPlain(%q) = %q, token by token %q", lower, got, want)
		}
		buf := append(make([]byte, 0, 2*len(lower)), lower...)
		if got := appendPlain(buf, buf); string(got[len(lower):]) != string(want) {
			t.Fatalf("appendPlain(%q) on its own buffer = %q, token by token %q", lower, got[len(lower):], want)
		}
	})
}
