package ticket

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	mimeheader "github.com/bounce-tool/bounce/pkg/header"
	"github.com/bounce-tool/bounce/pkg/parts"
)

// FuzzFind runs Find on arbitrary originals: no panic, and any ticket found
// has an ID or encoded ID, a known system and source, and an ID of digits.
func FuzzFind(f *testing.F) {
	for _, tc := range findTests {
		f.Add(tc.orig, tc.bounce)
	}
	files, _ := filepath.Glob("../../testdata/eml/*/*.eml")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		if m, _ := parts.Parse(strings.NewReader(string(data)), nil); m != nil && m.Original != nil {
			var b strings.Builder
			for k, v := range m.Original.Header.Fields() {
				b.WriteString(k + ": " + v + "\r\n")
			}
			b.WriteString("\r\n")
			f.Add(b.String()+m.Original.Body, "")
		}
	}
	finder := NewFinder(Options{})
	f.Fuzz(func(t *testing.T, orig, bounce string) {
		if len(orig)+len(bounce) > 1<<16 {
			t.Skip()
		}
		m := Message{Header: fuzzHeader(orig), Bounce: fuzzHeader(bounce)}
		if _, body, ok := strings.Cut(orig, "\n\n"); ok {
			m.Body = body
		}
		for _, fd := range []*Finder{nil, finder} {
			tk := fd.Find(m)
			if tk == nil {
				continue
			}
			if tk.ID == "" && tk.EncodedID == "" {
				t.Errorf("Find(%q) = %+v: neither ID nor encoded ID", orig, tk)
			}
			if tk.ID != "" && (!isDigits(tk.ID) || tk.ID[0] == '0') {
				t.Errorf("Find(%q) = %+v: ID is not a number without leading zeros", orig, tk)
			}
			if !slices.Contains(Systems, tk.System) {
				t.Errorf("Find(%q) = %+v: unknown system", orig, tk)
			}
			if !slices.Contains(Sources, tk.Source) {
				t.Errorf("Find(%q) = %+v: unknown source", orig, tk)
			}
		}
	})
}

func fuzzHeader(s string) mimeheader.Header {
	h, _ := mimeheader.Read(bufio.NewReader(strings.NewReader(s)))
	return h
}
