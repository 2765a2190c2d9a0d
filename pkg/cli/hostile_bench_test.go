package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bounce-tool/bounce/pkg/bounce"
)

// BenchmarkHostile pins the cost of the hostile shapes of issue 17, end to
// end (read, analyse, encode NDJSON), so that a quadratic path in a new
// recogniser or in the MIME walk shows as a jump here. It reports the
// NDJSON bytes written per message as out-B/op: the output bound.
//
//	go test ./pkg/cli -run '^$' -bench Hostile -benchtime 3x
func BenchmarkHostile(b *testing.B) {
	for _, bc := range []struct {
		name string
		gen  func() []byte
	}{
		{"blow-up-DSN-2000x300KB", func() []byte { return blowUpDSN(2000, 300<<10) }},
		{"ARF-20000-recipients", func() []byte { return bigARF(20000, 200<<10) }},
		{"prose-12MB-100k-addresses", func() []byte { return proseNotice(100000, 12<<20) }},
		{"part-header-20MB", func() []byte { return bigPartHeader(20 << 20) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "m.eml")
			data := bc.gen()
			if err := os.WriteFile(path, data, 0o644); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			out := 0
			for b.Loop() {
				ios, _, stdout, _ := TestIOStreams()
				if code := Run(context.Background(), NewRootCmd(ios, "bench", "bench"), ios,
					[]string{"inspect", "--format", "ndjson", path}); code != 0 {
					b.Fatalf("exit %d", code)
				}
				out = stdout.Len()
			}
			b.ReportMetric(float64(out), "out-B/op")
		})
	}
}

// TestPreEncodedBounded: a message's records are encoded ahead only up to
// maxPreEncoded; beyond it the sink writes them as it encodes them, with
// the same bytes.
func TestPreEncodedBounded(t *testing.T) {
	recs := make([]bounce.Record, 1000)
	for i := range recs {
		recs[i] = bounce.Record{Source: "m.eml", Index: 1, Kind: bounce.KindBounce, Recipient: fmt.Sprintf("u%d@example.net", i),
			Diagnostic: strings.Repeat("d", bounce.MaxFieldBytes)}
	}
	if enc := encodeRecords(recs); enc != nil {
		t.Fatalf("%d bytes encoded ahead, bound %d", len(*enc), maxPreEncoded)
	}
	small := encodeRecords(recs[:2])
	if small == nil {
		t.Fatal("two records not encoded ahead")
	}
	ios, _, out, _ := TestIOStreams()
	sink := newRecordSink("ndjson", ios, false)
	if err := sink.Write(recs[:2]); err != nil {
		t.Fatal(err)
	}
	sink.Close()
	if out.String() != string(*small) {
		t.Errorf("sink wrote %q, encoded ahead %q", out.String(), *small)
	}
}
