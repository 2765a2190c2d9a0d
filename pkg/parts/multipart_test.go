package parts

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/emersion/go-message"
	gmtextproto "github.com/emersion/go-message/textproto"
)

// splitStream lists what go-message's multipart reader reads from body:
// every part's header fields and body (and the error that ended it), then
// the error that ended the parts.
func splitStream(body []byte, end error, boundary string) string {
	var b strings.Builder
	mr := gmtextproto.NewMultipartReader(io.MultiReader(bytes.NewReader(body), iotest.ErrReader(end)), boundary)
	for i := 0; i < 50; i++ {
		p, err := mr.NextPart()
		if err != nil {
			fmt.Fprintf(&b, "end: %v\n", err)
			break
		}
		for f := p.Header.Fields(); f.Next(); {
			fmt.Fprintf(&b, "%q: %q\n", f.Key(), f.Value())
		}
		data, err := io.ReadAll(p)
		fmt.Fprintf(&b, "body %q err %v\n", data, err)
	}
	return b.String()
}

// splitMemory is splitStream with the splitter.
func splitMemory(body []byte, end error, boundary string) string {
	var b strings.Builder
	mr := (*arena)(nil).splitter(body, end, boundary, -1, string(body))
	for i := 0; i < 50; i++ {
		p, err := mr.next()
		if err != nil {
			fmt.Fprintf(&b, "end: %v\n", err)
			break
		}
		for k, v := range p.header.Fields() {
			fmt.Fprintf(&b, "%q: %q\n", k, v)
		}
		data, err := io.ReadAll(&sliceReader{b: p.raw, end: p.end})
		if err == nil && p.end == io.EOF {
			err = nil
		}
		fmt.Fprintf(&b, "body %q err %v\n", data, err)
	}
	return b.String()
}

func checkSplit(t *testing.T, body []byte, boundary string) {
	t.Helper()
	for _, end := range []error{io.EOF, io.ErrUnexpectedEOF} {
		if got, want := splitMemory(body, end, boundary), splitStream(body, end, boundary); got != want {
			t.Errorf("split(%q, %q, %v):\n got %s\nwant %s", body, boundary, end, got, want)
		}
	}
}

func TestSplitterAsGoMessage(t *testing.T) {
	for _, c := range []struct{ body, boundary string }{
		{"--b\nA: 1\n\none\n--b\n\ntwo\n--b--\nepilogue", "b"},
		{"preamble\r\n--b\r\nA: 1\r\n\r\none\r\n--b--\r\n", "b"},
		{"--b\n\nno end", "b"},
		{"--b\n\nbody\n--b", "b"},
		{"--b  \n\nx\n--b--  \n", "b"},
		{"--b\nbad header\n\nx\n--b--\n", "b"},
		{"--b\n\nx\n--bc\n--b--\n", "b"},
		{"--b\n\nx\nstray\n--b--\n", "b"},
		{"--b\n\nx\n--b\n\n\n--b--\n", "b"},
		{"no parts at all\n", "b"},
		{"--b\n\nx\n--b--\n", ""},
		{strings.Repeat("x", 5000) + "\n--b\n\nx\n--b--\n", "b"},
		{"--b\n\n" + strings.Repeat("y", 9000) + "\n--b--\n", "b"},
	} {
		checkSplit(t, []byte(c.body), c.boundary)
	}
}

// FuzzSplitter: the splitter and go-message's multipart reader read the
// same parts, bodies and errors from any body.
func FuzzSplitter(f *testing.F) {
	f.Add([]byte("--b\nA: 1\n\none\n--b\n\ntwo\n--b--\n"), "b")
	f.Add([]byte("x\r\n--b\r\n\r\n--b--"), "b")
	f.Fuzz(func(t *testing.T, body []byte, boundary string) {
		if len(body) > 64<<10 || strings.ContainsAny(boundary, "\r\n") {
			t.Skip()
		}
		checkSplit(t, body, boundary)
	})
}

// TestContentTypeAsGoMessage: contentType reads a Content-Type value as
// go-message's Header.ContentType does, for the values in testdata and the
// corpus and for broken ones.
func TestContentTypeAsGoMessage(t *testing.T) {
	values := []string{"", "text/plain", "TEXT/Plain; Charset=UTF-8", "multipart/mixed; boundary=", "text/plain; charset",
		`text/plain; name="=?utf-8?B?w6kudHh0?="`, `text/plain; name="=?x-unknown?Q?a?="`, "multipart/report; boundary=\"a b\"; report-type=delivery-status",
		"text/plain;; charset=us-ascii", "application/octet-stream; name*=UTF-8''%E2%82%AC.txt", "garbage value"}
	for _, f := range sampleFiles() {
		b, _ := os.ReadFile(f)
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "content-type") {
				values = append(values, strings.TrimSpace(v))
			}
		}
	}
	for _, v := range values {
		checkContentType(t, v)
	}
}

// checkContentType checks contentType(v) against go-message's
// Header.ContentType.
func checkContentType(t *testing.T, v string) {
	t.Helper()
	var h gmtextproto.Header
	if v != "" {
		h.Add("Content-Type", v)
	}
	mh := message.Header{Header: h}
	wt, wp, _ := mh.ContentType()
	cs, hasCS := wp["charset"]
	want := mediaType{typ: wt, charset: cs, boundary: wp["boundary"], hasCharset: hasCS}
	if got := contentType(v); got != want {
		t.Errorf("contentType(%q) = %+v, want %+v", v, got, want)
	}
}

// TestContentType: contentType (and MediaType) read the usual and the odd
// values as go-message does.
func TestContentType(t *testing.T) {
	for _, v := range []string{
		"", "text/plain", "Text/Plain; Charset=UTF-8", "text/plain; charset=\"iso-2022-jp\"", "text/plain;charset=us-ascii;",
		"multipart/report; report-type=delivery-status;\tboundary=\"=_x\"", "text/plain; charset=utf-8; format=flowed",
		"message/delivery-status", "text", "text/", "/plain", "text/plain extra", "text/plain; charset", "text/plain; charset=",
		"text/plain; charset=\"\"", "text/plain; charset=a; charset=a", "text/plain; charset=a; CHARSET=b", "text/plain; ;",
		"text/plain;;", "text/plain; charset*=utf-8''x", "text/plain; charset=\"a\\\"b\"", "text/plain; charset==?utf-8?q?x?=",
		"text/plain; name=\"=?utf-8?q?x?=\"", "tëxt/plain", "text/plain; a=1; b=2; c=3; d=4; e=5",
		" text/plain ; charset = utf-8 ", "text/plain; charset=utf-8 x", "text/plain; charset=\"unclosed",
	} {
		checkContentType(t, v)
		if typ, cs := MediaType(v); typ != contentType(v).typ || cs != contentType(v).charset {
			t.Errorf("MediaType(%q) = %q, %q; contentType says %+v", v, typ, cs, contentType(v))
		}
	}
}

// FuzzContentType: contentType, its fast path included, reads any value as
// go-message (mime.ParseMediaType) does.
func FuzzContentType(f *testing.F) {
	for _, v := range []string{"text/plain", "TEXT/Plain; Charset=UTF-8", `multipart/report; boundary="a b"; report-type=delivery-status`,
		"text/plain;", "text/plain; charset=a; charset=a", "text/plain; charset=\"x\\\"y\"", "text ; charset = x ;",
		"text/plain; name*=UTF-8''%E2%82%AC.txt", "text/plain; charset=\"\"", "a/b; boundary=\"=?utf-8?q?x?=\""} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if strings.ContainsAny(v, "\r\n") {
			t.Skip() // header values are unfolded
		}
		checkContentType(t, v)
	})
}

// TestIndexRare: indexRare finds what bytes.Index finds, wherever sep's
// rarest byte stands.
func TestIndexRare(t *testing.T) {
	seps := []string{"\r\n--b_1", "\n--=_x", "\n--abc", "\r\n--XY/z.q", "ab"}
	texts := []string{"", "a", "\n--abc", "x\n--ab\n--abc", "\r\n--b_\r\n--b_1--", "\n-\n--=_\n--=_x\n--=_x",
		"ab", "aab", "\r\n--XY/z.\r\n--XY/z.q", "no sep at all here"}
	for _, sep := range seps {
		p := rarest([]byte(sep))
		for _, s := range texts {
			for _, text := range []string{s, s + sep, sep + s, s + sep + s + sep} {
				if got, want := indexRare([]byte(text), []byte(sep), p), bytes.Index([]byte(text), []byte(sep)); got != want {
					t.Errorf("indexRare(%q, %q) = %d, want %d", text, sep, got, want)
				}
			}
		}
	}
}

// TestIsText7bit: isText7bit, eight bytes at a time, answers as its byte
// loop does for every byte at every place in a line.
func TestIsText7bit(t *testing.T) {
	line := []byte("Final-Recipient: rfc822; user@example.org\r\n\tand more text\n")
	for c := 0; c < 256; c++ {
		for i := range line {
			b := bytes.Clone(line)
			b[i] = byte(c)
			if got, want := isText7bit(b), text7bit(b); got != want {
				t.Errorf("isText7bit with %#x at %d = %v, want %v", c, i, got, want)
			}
		}
	}
}
