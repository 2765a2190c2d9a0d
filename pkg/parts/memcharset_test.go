package parts

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/emersion/go-message"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// testLookup is package charsets' Lookup (which imports this package) for
// the charset names the tests use: ianaindex, then htmlindex.
func testLookup(name string) encoding.Encoding {
	enc, err := ianaindex.MIME.Encoding(name)
	if enc == nil {
		enc, err = htmlindex.Get(name)
	}
	if err != nil {
		return nil
	}
	return enc
}

// testCharsets are charsets of every kind: single-byte tables, multi-byte,
// stateful, UTF-16, and names nothing knows.
var testCharsets = []string{"iso-8859-1", "iso-8859-2", "iso-8859-7", "iso-8859-15", "windows-1250", "windows-1251",
	"windows-1252", "windows-1256", "koi8-r", "koi8-u", "ibm866", "macintosh", "windows-874", "shift_jis", "euc-jp",
	"iso-2022-jp", "euc-kr", "gb2312", "gbk", "gb18030", "big5", "utf-16", "utf-16le", "utf-16be", "x-bogus", "hz-gb-2312"}

// withLookup runs f with CharsetEncoding set to lookup.
func withLookup(lookup func(string) encoding.Encoding, f func()) {
	defer func(old func(string) encoding.Encoding) { CharsetEncoding = old }(CharsetEncoding)
	CharsetEncoding = lookup
	f()
}

// sameConversion checks that memCharsetOf(cs) converts in as
// message.CharsetReader's reader over in, ended by end, read up to limit
// bytes, gives it (what walker.read did).
func sameConversion(t *testing.T, cs string, in []byte, end error, limit int) {
	t.Helper()
	mc := memCharsetOf(cs)
	if mc == nil {
		return
	}
	r, err := message.CharsetReader(cs, &sliceReader{b: in, end: end})
	if err != nil {
		t.Fatalf("%s: %v", cs, err)
	}
	want, werr := readUpTo(nil, r, int64(limit))
	got, gerr := mc.decode([]byte("x")[:0], in, end, limit)
	if !bytes.Equal(got, want) || fmt.Sprint(gerr) != fmt.Sprint(werr) {
		t.Fatalf("%s, %q, %v, limit %d: got %q, %v; the reader gives %q, %v", cs, in, end, limit, got, gerr, want, werr)
	}
}

// TestMemCharset: text converted in memory is what go-message's charset
// reader gives, for every kind of charset, random bytes, texts ending in
// an error, and limits; the usual charsets are converted in memory.
func TestMemCharset(t *testing.T) {
	withLookup(testLookup, func() {
		for _, cs := range []string{"iso-8859-1", "windows-1252", "koi8-r", "shift_jis", "iso-2022-jp", "euc-kr", "big5", "gb18030"} {
			if memCharsetOf(cs) == nil {
				t.Errorf("%s is not converted in memory", cs)
			}
		}
		if mc := memCharsetOf("windows-1251"); mc == nil || mc.table == nil {
			t.Errorf("windows-1251 is not converted with a table")
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for _, cs := range testCharsets {
			for i := 0; i < 200; i++ {
				in := make([]byte, rng.IntN(9000))
				for j := range in {
					in[j] = byte(rng.IntN(256))
					if rng.IntN(2) == 0 {
						in[j] = byte(rng.IntN(128))
					}
				}
				for _, end := range []error{io.EOF, io.ErrUnexpectedEOF} {
					for _, limit := range []int{math.MaxInt, 1 + rng.IntN(len(in)+10), len(in)} {
						sameConversion(t, cs, in, end, limit)
					}
				}
			}
		}
	})
}

// FuzzMemCharset: for any bytes, charset, end and limit, text converted in
// memory is what go-message's charset reader gives.
func FuzzMemCharset(f *testing.F) {
	f.Add([]byte("a\x1b$B0!\x1b(Bb"), uint8(15), false, 100)
	f.Add([]byte("\x82\xa0\xe3"), uint8(13), true, 2)
	f.Fuzz(func(t *testing.T, in []byte, which uint8, cut bool, limit int) {
		end := io.EOF
		if cut {
			end = io.ErrUnexpectedEOF
		}
		if limit <= 0 {
			limit = math.MaxInt
		}
		withLookup(testLookup, func() {
			sameConversion(t, testCharsets[int(which)%len(testCharsets)], in, end, limit)
		})
	})
}

// convertedBothWays takes data apart with and without CharsetEncoding and
// reports how the two differ.
func convertedBothWays(data []byte, opts *Options) string {
	var want, got *Message
	var werr, gerr error
	withLookup(nil, func() { want, werr = Parse(bytes.NewReader(data), opts) })
	withLookup(testLookup, func() { got, gerr = Parse(bytes.NewReader(data), opts) })
	if d := cmp.Diff(summary(want), summary(got)); d != "" {
		return d
	}
	if fmt.Sprint(werr) != fmt.Sprint(gerr) {
		return fmt.Sprintf("error %v, want %v", gerr, werr)
	}
	return ""
}

// FuzzWalkConverts: any message comes out of the walk the same with
// CharsetEncoding as without.
func FuzzWalkConverts(f *testing.F) {
	seedMessages(f)
	f.Add([]byte("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=koi8-r\n" +
		"Content-Transfer-Encoding: base64\n\n8NLJ18XU\n--b\nContent-Type: text/plain; charset=shift_jis\n\n\x82\xa0\x82\n--b--\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 256<<10 {
			t.Skip()
		}
		if d := convertedBothWays(data, &Options{MaxParts: 20, MaxDepth: 6, MaxText: 300, MaxOriginal: 512, MaxLine: 100, MaxHeader: 600}); d != "" {
			t.Errorf("converted in memory differs (-want +got):\n%s", d)
		}
	})
}

// TestWalkConvertsAsGoMessage: messages whose text parts are in other
// charsets than UTF-8 (base64, quoted-printable, 8-bit; cut short; over the
// text limit) come out of the walk the same with CharsetEncoding as
// without, for testdata and the corpus too.
func TestWalkConvertsAsGoMessage(t *testing.T) {
	var inputs [][]byte
	for _, f := range sampleFiles() {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, data)
	}
	part := func(cs, cte, body string) string {
		return "--b\nContent-Type: text/plain; charset=" + cs + "\nContent-Transfer-Encoding: " + cte + "\n\n" + body + "\n"
	}
	for _, cs := range testCharsets {
		inputs = append(inputs, []byte("Content-Type: multipart/mixed; boundary=b\n\n"+
			part(cs, "base64", "RW1wZuRuZ2VyIHVuYmVrYW5udA==")+part(cs, "base64", "RW1w!!ZuRu")+
			part(cs, "quoted-printable", "Empf=E4nger=\n unbekannt =82=A0")+part(cs, "8bit", "Empf\xe4nger \x1b$B0!\x1b(B")+
			"--b\nContent-Type: message/rfc822\n\nSubject: x\nContent-Type: text/html; charset="+cs+
			"\nContent-Transfer-Encoding: quoted-printable\n\n<p>Empf=E4nger</p>\n"+part(cs, "7bit", "\xe4 cut")))
	}
	for _, data := range inputs {
		for _, opts := range []*Options{nil, {MaxText: 7, MaxOriginal: 5, MaxLine: 4}} {
			if d := convertedBothWays(data, opts); d != "" {
				t.Errorf("%.60q %+v: converted in memory differs (-want +got):\n%s", data, opts, d)
			}
		}
	}
	withLookup(testLookup, func() {
		if got := Decode([]byte("Empf\xe4nger"), "windows-1252"); got != "Empfänger" {
			t.Errorf("Decode = %q", got)
		}
	})
}

// TestWholeCharsetReaderInMemory: encoded words converted in memory by
// WholeCharsetReader's reader are what the charset reader gives.
func TestWholeCharsetReaderInMemory(t *testing.T) {
	inner := message.CharsetReader
	rng := rand.New(rand.NewPCG(3, 4))
	for _, cs := range testCharsets {
		for i := 0; i < 50; i++ {
			in := make([]byte, rng.IntN(40))
			for j := range in {
				in[j] = byte(rng.IntN(256))
			}
			var got []byte
			var gerr error
			withLookup(testLookup, func() {
				r, err := WholeCharsetReader(inner)(cs, bytes.NewReader(in))
				if err == nil {
					got, gerr = io.ReadAll(r)
				} else {
					gerr = err
				}
			})
			var want []byte
			r, werr := inner(cs, bytes.NewReader(in))
			if werr == nil {
				want, werr = io.ReadAll(r)
			}
			if !bytes.Equal(got, want) || fmt.Sprint(gerr) != fmt.Sprint(werr) {
				t.Fatalf("%s %q: got %q, %v; want %q, %v", cs, in, got, gerr, want, werr)
			}
		}
	}
}
