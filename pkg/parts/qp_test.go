package parts

import (
	"bytes"
	"fmt"
	"io"
	"mime/quotedprintable"
	"os"
	"strings"
	"testing"
	"testing/iotest"
)

// qpStream is what readUpTo reads from mime/quotedprintable over src.
func qpStream(src []byte, end error, limit int) string {
	out, err := readUpTo(nil, quotedprintable.NewReader(io.MultiReader(bytes.NewReader(src), iotest.ErrReader(end))), int64(limit))
	return fmt.Sprintf("%q %v", out, err)
}

func checkQP(t *testing.T, src []byte, limit int) {
	t.Helper()
	for _, end := range []error{io.EOF, io.ErrUnexpectedEOF} {
		out, err := decodeQP(nil, src, end, limit)
		if got, want := fmt.Sprintf("%q %v", out, err), qpStream(src, end, limit); got != want {
			t.Errorf("decodeQP(%q, %v, %d) = %s, want %s", src, end, limit, got, want)
		}
	}
}

func TestDecodeQPAsStdlib(t *testing.T) {
	for _, s := range []string{"", "plain", "caf=C3=A9\n", "soft=\nbreak\r\n", "trail   \nx", "=", "a=", "=4", "=4g rest",
		"=\r\n", "bad = after\n", "= \n", "x=  \t\r\nmore", "ctl\x01", "hi\x80\xff", "=zz", "a=\n", "end=\r",
		strings.Repeat("a", 5000) + "\nrest", strings.Repeat("b", 4095) + "\n", strings.Repeat("c", 4096) + "\n", strings.Repeat("d", 4096)} {
		for _, limit := range []int{1, 3, 4096, 1 << 20} {
			checkQP(t, []byte(s), limit)
		}
	}
}

// FuzzDecodeQP: decodeQP reads what mime/quotedprintable reads.
func FuzzDecodeQP(f *testing.F) {
	f.Add([]byte("caf=C3=A9 soft=\nbreak\r\n=4g"), 64)
	f.Fuzz(func(t *testing.T, src []byte, limit int) {
		if len(src) > 64<<10 {
			t.Skip()
		}
		checkQP(t, src, 1+(limit&0xffff)%(len(src)+2))
	})
}

// BenchmarkDecodeQP decodes the messages under testdata as if they were
// quoted-printable text: mostly plain lines, some escapes.
func BenchmarkDecodeQP(b *testing.B) {
	var srcs [][]byte
	for _, p := range sampleFiles() {
		if data, err := os.ReadFile(p); err == nil {
			srcs = append(srcs, data)
		}
	}
	var dst []byte
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range srcs {
			dst, _ = decodeQP(dst[:0], src, io.EOF, 1<<20)
		}
	}
}
