// Command benchmbox writes a mixed mbox for benchmarks: the bounces under
// testdata (and, when given, a corpus folder such as ../shared/corpus) mixed
// with generated ordinary mail, until the output reaches the requested size.
//
// The mix: the bounces in turn (sorted by path), each followed by -ordinary
// customer messages (default 3): of every four, two are plain text (10 to
// 50 lines), one is multipart/alternative (text and HTML) and one carries a
// base64 PDF of 50 to 450 KB. So a quarter of the messages are bounces but
// nearly all the bytes are attachments, as in a mailbox export; with
// -ordinary 0 the mbox holds bounces only, as a bounce mailbox does.
//
//	go run ./cmd/benchmbox -size 200 -corpus ../shared/corpus/sisimai > /tmp/bench.mbox
//	go run ./cmd/benchmbox -size 50 -ordinary 0 -corpus ../shared/corpus/sisimai > /tmp/bounces.mbox
//
// The output is deterministic for a given set of inputs and flags.
package main

import (
	"bufio"
	"encoding/base64"
	"flag"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	sizeMB := flag.Int("size", 200, "size of the mbox to write, in MB (10^6 bytes)")
	corpus := flag.String("corpus", "", "another folder of .eml files to mix in (optional)")
	testdata := flag.String("testdata", "testdata", "the repository's testdata folder")
	ordinary := flag.Int("ordinary", 3, "ordinary messages written after each bounce")
	flag.Parse()
	bounces := collect(*testdata)
	if *corpus != "" {
		bounces = append(bounces, collect(*corpus)...)
	}
	if len(bounces) == 0 {
		fmt.Fprintln(os.Stderr, "benchmbox: no .eml files found")
		os.Exit(1)
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	rng := rand.New(rand.NewSource(1))
	limit := int64(*sizeMB) * 1_000_000
	var written int64
	for i := 0; written < limit; i++ {
		b := bounces[i%len(bounces)]
		written += writeMessage(w, "MAILER-DAEMON", b)
		for j := 0; j < *ordinary && written < limit; j++ {
			written += writeMessage(w, "customer@example.net", ordinaryMail(rng, i*(*ordinary)+j))
		}
	}
}

// collect reads every .eml below dir, in sorted order.
func collect(dir string) [][]byte {
	var paths []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".eml") {
			paths = append(paths, p)
		}
		return nil
	})
	sort.Strings(paths)
	var out [][]byte
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			out = append(out, b)
		}
	}
	return out
}

// writeMessage writes msg as an mboxrd member: LF line ends, ">From " escaping.
func writeMessage(w *bufio.Writer, sender string, msg []byte) int64 {
	s := strings.ReplaceAll(strings.ReplaceAll(string(msg), "\r\n", "\n"), "\r", "\n")
	if strings.HasPrefix(s, "From ") {
		// A saved message that keeps its own From_ line: ours replaces it.
		_, s, _ = strings.Cut(s, "\n")
	}
	var n int64
	k, _ := fmt.Fprintf(w, "From %s Thu Sep 18 17:54:04 2008\n", sender)
	n += int64(k)
	for _, line := range strings.SplitAfter(s, "\n") {
		t := strings.TrimLeft(line, ">")
		if strings.HasPrefix(t, "From ") {
			w.WriteByte('>')
			n++
		}
		k, _ := w.WriteString(line)
		n += int64(k)
	}
	if !strings.HasSuffix(s, "\n") {
		w.WriteByte('\n')
		n++
	}
	w.WriteByte('\n')
	return n + 1
}

var words = strings.Fields(`the invoice order account password reset shipping delivery question support
ticket please thanks regards update status refund product help team customer service request issue
attached screenshot problem login error browser mobile app payment card subscription renewal`)

func sentence(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[rng.Intn(len(words))])
	}
	return b.String()
}

// ordinaryMail is a customer message: plain, HTML, or with an attachment.
func ordinaryMail(rng *rand.Rand, n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "Return-Path: <customer%d@example.net>\n", n%997)
	fmt.Fprintf(&b, "Received: from mx.example.net (mx.example.net [198.51.100.%d])\n\tby mail.example.com (Postfix) with ESMTPS id Q%08d\n\tfor <support@example.com>; Mon, 2 Sep 2024 10:%02d:00 +0000\n", n%250, n, n%60)
	fmt.Fprintf(&b, "From: Customer %d <customer%d@example.net>\nTo: support@example.com\n", n, n%997)
	fmt.Fprintf(&b, "Subject: %s\nDate: Mon, 2 Sep 2024 10:%02d:00 +0000\n", sentence(rng, 5), n%60)
	fmt.Fprintf(&b, "Message-ID: <m%d.%d@example.net>\nMIME-Version: 1.0\n", n, rng.Int())
	switch n % 4 {
	case 0, 1:
		b.WriteString("Content-Type: text/plain; charset=utf-8\n\n")
		for i := 0; i < 10+rng.Intn(40); i++ {
			b.WriteString(sentence(rng, 12) + "\n")
		}
	case 2:
		b.WriteString("Content-Type: multipart/alternative; boundary=\"alt\"\n\n--alt\nContent-Type: text/plain; charset=utf-8\n\n")
		body := sentence(rng, 200)
		b.WriteString(body + "\n--alt\nContent-Type: text/html; charset=utf-8\n\n<html><body><p>" + body + "</p></body></html>\n--alt--\n")
	case 3:
		b.WriteString("Content-Type: multipart/mixed; boundary=\"mix\"\n\n--mix\nContent-Type: text/plain; charset=utf-8\n\n")
		b.WriteString(sentence(rng, 40) + "\n--mix\nContent-Type: application/pdf; name=\"scan.pdf\"\nContent-Transfer-Encoding: base64\n\n")
		raw := make([]byte, 50_000+rng.Intn(400_000))
		rng.Read(raw)
		enc := base64.StdEncoding.EncodeToString(raw)
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\n")
			enc = enc[76:]
		}
		b.WriteString(enc + "\n--mix--\n")
	}
	return []byte(b.String())
}
