package dialect

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bounce-tool/bounce/pkg/parts"
)

// BenchmarkExtract reads every testdata bounce.
func BenchmarkExtract(b *testing.B) {
	files, _ := filepath.Glob("../../testdata/eml/*/*.eml")
	var msgs []string
	size := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		msgs = append(msgs, string(data))
		size += len(data)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, m := range msgs {
			Extract(input(b, m))
		}
	}
}

// BenchmarkManyRecipients reads a bounce that lists thousands of
// recipients: the work must grow with the size, not its square.
func BenchmarkManyRecipients(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("From: MAILER-DAEMON@mx.example.com\nSubject: failure notice\nContent-Type: text/plain\n\n" +
		"The following addresses failed:\n\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&sb, "<user%d@example.net>: 550 5.1.1 unknown [%d.example.org]\n\n", i, i)
	}
	msg := sb.String()
	b.SetBytes(int64(len(msg)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := Extract(input(b, msg)); res == nil || len(res.Recipients) != 5000 {
			b.Fatalf("got %v recipients", res)
		}
	}
}

// BenchmarkExtractCorpus runs NewInput and Extract on the shared corpus of
// real bounces (../shared/corpus, or $BOUNCE_CORPUS), taken apart once:
// the cost of package dialect alone, per message.
func BenchmarkExtractCorpus(b *testing.B) {
	dir := os.Getenv("BOUNCE_CORPUS")
	if dir == "" {
		dir = "../../../shared/corpus/sisimai"
	}
	files, _ := filepath.Glob(filepath.Join(dir, "eml", "*.eml"))
	if len(files) == 0 {
		b.Skip("no corpus")
	}
	var msgs []*parts.Message
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		if m, _ := parts.Parse(strings.NewReader(string(data)), nil); m != nil {
			msgs = append(msgs, m)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, m := range msgs {
			Extract(NewInput(m))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(msgs)), "ns/msg")
}
