package header

import (
	"bufio"
	"fmt"
	"io"
	netmail "net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"
	gmtextproto "github.com/emersion/go-message/textproto"
)

// describe writes what a reader of go-message's header sees: every field's
// name and value in order, Get, Values, Has and Text of every name (as
// written, canonical and in upper case), the error and the bytes left
// unread.
func describe(h gmtextproto.Header, err error, br *bufio.Reader) string {
	var b strings.Builder
	mh := message.Header{Header: h}
	for f := h.Fields(); f.Next(); {
		fmt.Fprintf(&b, "%q: %q\n", f.Key(), f.Value())
		describeName(&b, f.Key(), h.Get, h.Values, h.Has, mh.Text)
	}
	ml := mail.Header{Header: mh}
	describeParsed(&b, ml.AddressList, ml.Date, mh.ContentType)
	rest, _ := io.ReadAll(br)
	fmt.Fprintf(&b, "len %d err %v rest %q", h.Len(), err, rest)
	return b.String()
}

// describeOurs is describe of a Header.
func describeOurs(h Header, err error, br *bufio.Reader) string {
	var b strings.Builder
	for k, v := range h.Fields() {
		fmt.Fprintf(&b, "%q: %q\n", k, v)
		describeName(&b, k, h.Get, h.Values, h.Has, h.Text)
	}
	describeParsed(&b, h.AddressList, h.Date, h.ContentType)
	rest, _ := io.ReadAll(br)
	fmt.Fprintf(&b, "len %d err %v rest %q", h.Len(), err, rest)
	return b.String()
}

// describeParsed writes what a header's parsing methods answer.
func describeParsed(b *strings.Builder, addresses func(string) ([]*netmail.Address, error), date func() (time.Time, error),
	contentType func() (string, map[string]string, error)) {
	for _, k := range []string{"From", "to"} {
		l, err := addresses(k)
		fmt.Fprintf(b, "AddressList(%s) %d %v:", k, len(l), err)
		for _, a := range l {
			fmt.Fprintf(b, " %q %q", a.Name, a.Address)
		}
		b.WriteString("\n")
	}
	d, err := date()
	fmt.Fprintf(b, "Date %v %v\n", d, err)
	t, params, err := contentType()
	fmt.Fprintf(b, "ContentType %q %v %v\n", t, params, err)
}

// describeName writes what a header answers for the name k and variants of
// it.
func describeName(b *strings.Builder, k string, get func(string) string, values func(string) []string,
	has func(string) bool, text func(string) (string, error)) {
	for _, name := range []string{k, strings.ToLower(k), strings.ToUpper(k), "X-" + k} {
		t, err := text(name)
		fmt.Fprintf(b, "  %q: Get %q Values %q Has %v Text %q %v\n", name, get(name), values(name), has(name), t, err)
	}
}

// same checks that Read and go-message's ReadHeader agree on input, with
// a reader buffer of size bytes.
func same(t *testing.T, input string, size int) {
	t.Helper()
	br1 := bufio.NewReaderSize(strings.NewReader(input), size)
	h1, err1 := gmtextproto.ReadHeader(br1)
	want := describe(h1, err1, br1)
	br2 := bufio.NewReaderSize(strings.NewReader(input), size)
	h2, err2 := Read(br2)
	if got := describeOurs(h2, err2, br2); got != want {
		t.Errorf("Read(%q) with a %d-byte buffer:\n got %s\nwant %s", input, size, got, want)
	}
	if size != 4096 {
		return
	}
	// ReadBytes, with the input ending in io.EOF and in another error.
	for _, end := range []error{io.EOF, io.ErrUnexpectedEOF} {
		br1 := bufio.NewReaderSize(io.MultiReader(strings.NewReader(input), iotest.ErrReader(end)), size)
		h1, err1 := gmtextproto.ReadHeader(br1)
		want := describe(h1, err1, br1)
		for _, text := range []string{"", input, input[:len(input)/2]} {
			h2, n, err2 := ReadBytes([]byte(input), text, end)
			if got := describeOurs(h2, err2, bufio.NewReader(strings.NewReader(input[n:]))); got != want {
				t.Errorf("ReadBytes(%q, %d bytes of text, %v):\n got %s\nwant %s", input, len(text), end, got, want)
			}
		}
	}
}

func TestReadAsGoMessage(t *testing.T) {
	for _, in := range []string{
		"",
		"\n",
		"\r\nbody",
		"Subject: hello\n\nbody",
		"subject: hello\r\nX-Foo:bar  \r\n\r\nbody",
		"Subject: one\n two\n\tthree \n\nbody",
		"Subject:\n  only\n\nbody",
		"Subject: a\n  \n b\n\n",
		"Received: one\nReceived: two\nreceived: three\n\n",
		" leading: blank\nA: b\n\n",
		"no colon here\nA: b\n\n",
		"A: b\nno colon\n\n",
		"Bad Key: x\n\n",
		": empty key\nA: b\n\n",
		"A: b\r\r\nB: c\r\n\r\n",
		"A: b\rc\n\n",
		"A: no end",
		"A: b\n c",
		"A: b\n\r",
		"A: b\n\rX",
		"Content-Type: text/plain;\n charset=\"utf-8\"\nMIME-Version: 1.0\nmessage-id: <x@y>\n\nbody",
		"A: " + strings.Repeat("x", 40) + "\n" + "B: " + strings.Repeat("y", 15) + "\r\n\n",
		"Subject: =?utf-8?q?caf=C3=A9?=\nSUBJECT: second\nX-(Odd): a\nx-(odd): b\nX-(ODD): c\n\n",
		"To: =?iso-8859-1?q?J=F6rg?= <j@example.com>, b@example.com\nFrom: =?x-unknown?q?a?= <a@b.example>\n" +
			"Subject: =?koi8-r?b?8NLJ18XU?= x\nX-Bad: =?utf-8?q?broken\nX-Unknown: =?x-unknown?q?a?=\n" +
			"Date: Mon, 02 Jan 2006 15:04:05 -0700\nContent-Type: text/plain; name=\"=?utf-8?q?a=C3=A9?=\"; charset=koi8-r\n\n",
		"Content-Type: text/plain; charset\nDate: yesterday\nFrom: not an address\n\n",
		"MESSAGE-ID: <a@b>\nmessage-id: <c@d>\nX-a_b: 1\nx-A_B: 2\nReceived: a\nX: y\nreceived: b\n\n",
	} {
		for _, size := range []int{16, 4096} {
			same(t, in, size)
		}
	}
	// Without a charset reader, encoded words in other charsets than
	// UTF-8, US-ASCII and ISO-8859-1 do not decode.
	defer func(r func(string, io.Reader) (io.Reader, error)) { message.CharsetReader = r }(message.CharsetReader)
	message.CharsetReader = nil
	same(t, "Subject: =?koi8-r?b?8NLJ18XU?= x\nTo: =?koi8-r?b?8NLJ18XU?= <a@b.example>\n\n", 4096)
}

// TestReadCorpus compares Read with go-message on the headers of every
// message under testdata and, when present, the shared corpus.
func TestReadCorpus(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/eml/*/*.eml")
	more, _ := filepath.Glob("../../../shared/corpus/sisimai/eml/*.eml")
	files = append(files, more...)
	if len(files) == 0 {
		t.Skip("no test messages")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		same(t, string(b), 4096)
		same(t, string(b), 64)
	}
}

func TestCanonical(t *testing.T) {
	for _, k := range []string{"content-type", "CONTENT-TYPE", "Content-Type", "x-weird_key", "message-id", "X-FOO-bar", "a b",
		"x-(odd)", "X-(Odd)", "received", "Received", "rECEIVED", "1-a", "-a", "a--b", "Dkim-Signature", "DKIM-Signature", "ü-x", ""} {
		if got, want := Canonical(k), textproto.CanonicalMIMEHeaderKey(k); got != want {
			t.Errorf("Canonical(%q) = %q, want %q", k, got, want)
		}
	}
}

// FuzzRead: Read and go-message's ReadHeader read the same fields, errors
// and bytes from any input.
func FuzzRead(f *testing.F) {
	f.Add("Subject: one\n two\n\nbody", 16)
	f.Add("A: b\r\r\nno colon\n", 4096)
	f.Fuzz(func(t *testing.T, input string, size int) {
		if size < 16 || size > 8192 {
			size = 16 + (size&0xfff)%4096
		}
		same(t, input, size)
	})
}

// TestEditAsGoMessage: Add, Set and Del change a header as they change
// go-message's (Add puts the field on top).
func TestEditAsGoMessage(t *testing.T) {
	input := "Received: one\nSubject: s\nreceived: two\nX-(Odd): a\n\n"
	gh, _ := gmtextproto.ReadHeader(bufio.NewReader(strings.NewReader(input)))
	h, _ := Read(bufio.NewReader(strings.NewReader(input)))
	shared := h // shares the fields: edits must not show through
	before := describeOurs(shared, nil, bufio.NewReader(strings.NewReader("")))
	for _, op := range []struct{ do, k, v string }{
		{"add", "received", "three"}, {"add", "X-New", "n"}, {"set", "SUBJECT", "t"}, {"del", "Received", ""},
		{"del", "x-(odd)", ""}, {"set", "x-(Odd)", "b"}, {"add", "a b", "c"}, {"del", "Missing", ""},
	} {
		switch op.do {
		case "add":
			gh.Add(op.k, op.v)
			h.Add(op.k, op.v)
		case "set":
			gh.Set(op.k, op.v)
			h.Set(op.k, op.v)
		case "del":
			gh.Del(op.k)
			h.Del(op.k)
		}
		empty := func() *bufio.Reader { return bufio.NewReader(strings.NewReader("")) }
		if got, want := describeOurs(h, nil, empty()), describe(gh, nil, empty()); got != want {
			t.Fatalf("after %s %q %q:\n got %s\nwant %s", op.do, op.k, op.v, got, want)
		}
	}
	if after := describeOurs(shared, nil, bufio.NewReader(strings.NewReader(""))); after != before {
		t.Errorf("a copy of the header changed with it:\n%s\nwas\n%s", after, before)
	}
}

// TestGetAllocs: looking a field up costs no allocation, whatever the case
// of the name.
func TestGetAllocs(t *testing.T) {
	h, _ := Read(bufio.NewReader(strings.NewReader("Received: a\nDKIM-Signature: x\nMessage-ID: <a@b>\nSubject: s\n\n")))
	for _, k := range []string{"Subject", "subject", "Message-Id", "dkim-signature", "X-Missing"} {
		if n := testing.AllocsPerRun(100, func() { h.Get(k); h.Has(k) }); n != 0 {
			t.Errorf("Get(%q): %v allocations", k, n)
		}
	}
}
