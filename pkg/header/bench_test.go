package header

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkReadBytes reads the header of every message under testdata and
// the shared corpus: through a bufio.Reader, and in memory with and
// without the text as a string.
func BenchmarkReadBytes(b *testing.B) {
	files, _ := filepath.Glob("../../testdata/eml/*/*.eml")
	more, _ := filepath.Glob("../../../shared/corpus/sisimai/eml/*.eml")
	var msgs [][]byte
	for _, f := range append(files, more...) {
		if data, err := os.ReadFile(f); err == nil {
			msgs = append(msgs, data)
		}
	}
	if len(msgs) == 0 {
		b.Skip("no test messages")
	}
	texts := make([]string, len(msgs))
	for i, m := range msgs {
		texts[i] = string(m)
	}
	br := bufio.NewReader(nil)
	b.Run("bufio", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, m := range msgs {
				br.Reset(bytes.NewReader(m))
				Read(br)
			}
		}
	})
	for _, mode := range []string{"copy", "text"} {
		b.Run(mode, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for i, m := range msgs {
					text := ""
					if mode == "text" {
						text = texts[i]
					}
					ReadBytes(m, text, io.EOF)
				}
			}
		})
	}
}

// BenchmarkGet looks up names a bounce's reader asks for in a header of
// the usual size: present, absent, and in another case.
func BenchmarkGet(b *testing.B) {
	h, _ := Read(bufio.NewReader(strings.NewReader("Return-Path: <>\nReceived: a\nReceived: b\nReceived: c\n" +
		"DKIM-Signature: x\nAuthentication-Results: y\nFrom: MAILER-DAEMON@example.com\nTo: a@example.org\n" +
		"Subject: Undelivered Mail\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nMessage-ID: <a@b>\nMIME-Version: 1.0\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=x\nAuto-Submitted: auto-replied\n\n")))
	names := []string{"Subject", "Content-Type", "X-Failed-Recipients", "message-id", "From", "In-Reply-To", "Auto-Submitted"}
	for b.Loop() {
		for _, k := range names {
			h.Get(k)
		}
	}
}
