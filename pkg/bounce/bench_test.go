package bounce

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/bounce-tool/bounce/pkg/source"
)

// readAll reads the files matching pattern, skipping the benchmark when
// there are none.
func readAll(b testing.TB, pattern string) [][]byte {
	b.Helper()
	files, _ := filepath.Glob(pattern)
	var msgs [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		msgs = append(msgs, data)
	}
	if len(msgs) == 0 {
		b.Skipf("no files match %s", pattern)
	}
	return msgs
}

// benchAnalyze analyses every message of msgs once per iteration and
// reports bytes per second, messages per second, and the bytes and objects
// allocated per message (B/msg, allocs/msg: deterministic, unlike time on a
// shared machine, so that a regression shows in them first).
func benchAnalyze(b *testing.B, msgs [][]byte) {
	size := 0
	for _, m := range msgs {
		size += len(m)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, m := range msgs {
			// As a batch analyses them: messages in memory, from package
			// source.
			if recs := AnalyzeMessage(&source.Message{Data: m}, nil); len(recs) == 0 {
				b.Fatal("no record")
			}
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	n := float64(b.N * len(msgs))
	b.ReportMetric(n/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/n, "B/msg")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/msg")
}

// BenchmarkAnalyze measures Analyze on the bounces under testdata, on the
// shared corpus of real bounces when it is present (../shared/corpus), and
// on ordinary mail, which the header sniff should pass over cheaply even
// when it carries large attachments.
func BenchmarkAnalyze(b *testing.B) {
	b.Run("testdata", func(b *testing.B) {
		benchAnalyze(b, readAll(b, "../../testdata/eml/*/*.eml"))
	})
	b.Run("corpus", func(b *testing.B) {
		dir := os.Getenv("BOUNCE_CORPUS")
		if dir == "" {
			dir = "../../../shared/corpus/sisimai"
		}
		benchAnalyze(b, readAll(b, filepath.Join(dir, "eml", "*.eml")))
	})
	b.Run("ordinary", func(b *testing.B) {
		benchAnalyze(b, ordinaryMail(40))
	})
}

// TestOrdinaryMailIsSniffed: ordinary mail is recognised from its header
// alone: its body, here a 4 MB attachment, is neither decoded nor read
// beyond the reader's buffer.
func TestOrdinaryMailIsSniffed(t *testing.T) {
	line := "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFIvRmlsdGVyIC9GbGF0ZU\n" // base64, 72 columns
	msg := []byte("From: Customer <customer@example.net>\nTo: support@example.com\nSubject: Invoice\n" +
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"mix\"\n\n--mix\nContent-Type: text/plain\n\n" +
		"The invoice is attached.\n--mix\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n" +
		strings.Repeat(line, (4<<20)/len(line)) + "--mix--\n")
	r := bytes.NewReader(msg)
	Analyze(r, nil) // warm the pools
	r.Reset(msg)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	recs := Analyze(r, nil)
	runtime.ReadMemStats(&after)
	if len(recs) != 1 || recs[0].Kind != KindOther {
		t.Fatalf("Analyze(ordinary mail) = %+v, want one record of kind other", recs)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 32<<10 {
		t.Errorf("Analyze of a %d-byte ordinary message allocated %d bytes, want under 32 KiB", len(msg), got)
	}
	if read := len(msg) - r.Len(); read > 64<<10 {
		t.Errorf("Analyze read %d bytes of a %d-byte ordinary message, want the header only (one buffer)", read, len(msg))
	}
}

// ordinaryMail returns n customer messages: plain text, HTML alternatives
// and messages with a 200 KB base64 attachment.
func ordinaryMail(n int) [][]byte {
	attachment := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("%PDF-1.4 binary \x00\x01\x02"), 10_000))
	var out [][]byte
	for i := 0; i < n; i++ {
		var sb strings.Builder
		fmt.Fprintf(&sb, "Return-Path: <customer%d@example.net>\nReceived: from mx.example.net (mx.example.net [198.51.100.7])\n"+
			"\tby mail.example.com (Postfix) with ESMTPS id Q%08d\n\tfor <support@example.com>; Mon, 2 Sep 2024 10:00:00 +0000\n"+
			"From: Customer %d <customer%d@example.net>\nTo: support@example.com\nSubject: Question about my order %d\n"+
			"Date: Mon, 2 Sep 2024 10:00:00 +0000\nMessage-ID: <m%d@example.net>\nMIME-Version: 1.0\n", i, i, i, i, i, i)
		switch i % 4 {
		case 0, 1:
			sb.WriteString("Content-Type: text/plain; charset=utf-8\n\n")
			sb.WriteString(strings.Repeat("Hello, my order has not arrived yet, could you please check the shipping status?\n", 20))
		case 2:
			sb.WriteString("Content-Type: multipart/alternative; boundary=\"alt\"\n\n--alt\nContent-Type: text/plain; charset=utf-8\n\n" +
				"Please reset my password.\n--alt\nContent-Type: text/html; charset=utf-8\n\n<p>Please reset my password.</p>\n--alt--\n")
		case 3:
			sb.WriteString("Content-Type: multipart/mixed; boundary=\"mix\"\n\n--mix\nContent-Type: text/plain; charset=utf-8\n\n" +
				"The invoice is attached.\n--mix\nContent-Type: application/pdf; name=\"invoice.pdf\"\nContent-Transfer-Encoding: base64\n\n")
			for a := attachment; len(a) > 0; {
				k := min(76, len(a))
				sb.WriteString(a[:k] + "\n")
				a = a[k:]
			}
			sb.WriteString("--mix--\n")
		}
		out = append(out, []byte(sb.String()))
	}
	return out
}
