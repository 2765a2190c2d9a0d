package parts

import (
	"bytes"
	"fmt"
	"os"
	"testing"
)

// sameHeaderRead checks that ReadHeaderBytes reads data as ReadHeaderLimit
// reads it from a bytes.Reader: the same fields in order, the same error
// and the same number of bytes taken before the body.
func sameHeaderRead(t *testing.T, name string, data []byte, max int) {
	t.Helper()
	rd := bytes.NewReader(data)
	want, br, werr := ReadHeaderLimit(rd, max)
	wantOff := int(rd.Size()) - rd.Len() - br.Buffered()
	ReleaseReader(br)
	got, off, gerr := ReadHeaderBytes(data, max)
	if fmt.Sprint(werr) != fmt.Sprint(gerr) {
		t.Fatalf("%s (max %d): error %v, ReadHeaderLimit says %v", name, max, gerr, werr)
	}
	if off != wantOff {
		t.Fatalf("%s (max %d): body at %d, ReadHeaderLimit leaves it at %d", name, max, off, wantOff)
	}
	if g, w := headerText(got), headerText(want); g != w {
		t.Fatalf("%s (max %d): fields\n%s\nReadHeaderLimit reads\n%s", name, max, g, w)
	}
}

// TestReadHeaderBytes compares the in-memory header reader with the
// buffered one on testdata, the shared corpus when present, and edge cases
// of the preamble and the size limit.
func TestReadHeaderBytes(t *testing.T) {
	for _, p := range sampleFiles() {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, max := range []int{0, 64, 300, len(data)} {
			sameHeaderRead(t, p, data, max)
		}
	}
	for _, s := range []string{
		"", "\n\n", "From a@b Mon Jan  1 00:00:00 2024\nFrom: x@y\n\nbody",
		" \r\nFrom x\nFrom y\nSubject: s\n\n", "From", "From x", "Subject: s", "Subject: s\n",
		"Subject: a\n folded\nbad line\nX: y\n\nbody", "Subject: exactly\n\n",
	} {
		for max := 1; max <= len(s)+2; max++ {
			sameHeaderRead(t, fmt.Sprintf("%q", s), []byte(s), max)
		}
	}
}

// FuzzReadHeaderBytes: ReadHeaderBytes agrees with ReadHeaderLimit on
// anything.
func FuzzReadHeaderBytes(f *testing.F) {
	seedMessages(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			t.Skip()
		}
		sameHeaderRead(t, "input", data, 0)
		sameHeaderRead(t, "input", data, 1+len(data)/2)
	})
}
