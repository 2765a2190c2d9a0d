package parts

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// attachment returns a base64 body part of about n bytes, in 76-column lines.
func attachment(n int) string {
	chunk := []byte("%PDF-1.4 \x00\x01\x02\x03 binary stream ")
	raw := bytes.Repeat(chunk, n/len(chunk)+1)[:n]
	enc := base64.StdEncoding.EncodeToString(raw)
	var b strings.Builder
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\n")
	return b.String()
}

// bounceWithAttachment is a delivery report whose returned original carries
// a PDF of n bytes; with top set, the PDF is also attached to the report
// itself.
func bounceWithAttachment(n int, top bool) []byte {
	pdf := attachment(n)
	var b strings.Builder
	b.WriteString("From: MAILER-DAEMON@mx.example.com\nTo: support@example.org\nSubject: Undelivered Mail Returned to Sender\n" +
		"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\n\n" +
		"--r\nContent-Type: text/plain\n\nI'm sorry to have to inform you that your message could not be delivered.\n\n" +
		"<kim@example.net>: host mx.example.net[192.0.2.7] said: 550 5.1.1 User unknown\n\n" +
		"--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n" +
		"Final-Recipient: rfc822; kim@example.net\nAction: failed\nStatus: 5.1.1\n\n")
	if top {
		b.WriteString("--r\nContent-Type: application/pdf; name=\"scan.pdf\"\nContent-Transfer-Encoding: base64\n\n" + pdf)
	}
	b.WriteString("--r\nContent-Type: message/rfc822\n\nFrom: support@example.org\nTo: kim@example.net\n" +
		"Subject: Your invoice [#4711]\nMessage-ID: <m1@example.org>\nMIME-Version: 1.0\n" +
		"Content-Type: multipart/mixed; boundary=\"o\"\n\n--o\nContent-Type: text/plain\n\nThe invoice is attached.\n" +
		"--o\nContent-Type: application/pdf; name=\"invoice.pdf\"\nContent-Transfer-Encoding: base64\n\n" + pdf +
		"--o--\n\n--r--\n")
	return []byte(b.String())
}

// TestAttachmentsAreNotDecoded: the walk reads past attachments, in the
// report and in the returned original, without decoding them. Decoding an
// 8 MB attachment would allocate at least as much; passing it allocates
// little more than Raw (MaxRawText) and the buffers the walk reuses.
func TestAttachmentsAreNotDecoded(t *testing.T) {
	const size = 8 << 20
	msg := bounceWithAttachment(size, true)
	// The message in memory, as a batch holds it: Parse of a stream reads
	// the body into memory first.
	head, body, _ := bytes.Cut(msg, []byte("\n\n"))
	h, err := ReadHeader(bufio.NewReader(bytes.NewReader(append(head, '\n', '\n'))))
	if err != nil {
		t.Fatal(err)
	}
	ParseBytes(h, body, nil) // warm the pools
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m, err := ParseBytes(h, body, nil)
	runtime.ReadMemStats(&after)
	if err != nil || m.Original == nil || !strings.Contains(m.Original.Body, "invoice is attached") {
		t.Fatalf("Parse = %+v, %v; want the original and its text", m, err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > size/2 {
		t.Errorf("Parse of a message with two %d-byte attachments allocated %d bytes, want under %d", size, got, size/2)
	}
}

// BenchmarkParse takes apart the bounces under testdata, and a bounce that
// carries a 2 MB attachment in its returned original and another in the
// report: the walk must pass over both at the speed of a scan.
func BenchmarkParse(b *testing.B) {
	files, _ := filepath.Glob("../../testdata/eml/*/*.eml")
	var msgs [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		msgs = append(msgs, data)
	}
	for _, bc := range []struct {
		name string
		msgs [][]byte
	}{
		{"testdata", msgs},
		{"attachments", [][]byte{bounceWithAttachment(2<<20, true)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			size := 0
			for _, m := range bc.msgs {
				size += len(m)
			}
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				for _, m := range bc.msgs {
					Parse(bytes.NewReader(m), nil)
				}
			}
		})
	}
}
