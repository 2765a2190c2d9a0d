package loop

import (
	"fmt"
	"testing"
	"time"
)

// benchMailbox mixes ordinary mail, auto-replies in a ping-pong, a rotating
// sender and bulk mail, n messages in all, one every ten seconds.
func benchMailbox(b *testing.B, n int) []Message {
	mb := &mailbox{t: b}
	for i := range n {
		at := t0.Add(time.Duration(i) * 10 * time.Second)
		switch i % 4 {
		case 0:
			mb.add(fmt.Sprintf("customer%d@example.org", i%997), fmt.Sprintf("Question %d", i), at)
		case 1:
			mb.add([]string{"ann@alpha.example", "bob@beta.example"}[i/4%2], "Automatic reply: Printer", at, autoReply...)
		case 2:
			mb.add(fmt.Sprintf("bounce-%x@lists.example", i), fmt.Sprintf("Re: [#%d] Invoice", i/400), at, "Return-Path: <>")
		default:
			mb.add("news@shop.example", "Deals", at, "Precedence: bulk", "List-Unsubscribe: <mailto:u@shop.example>")
		}
	}
	return mb.msgs
}

func BenchmarkAnalyzer(b *testing.B) {
	for _, n := range []int{1000, 20000} {
		msgs := benchMailbox(b, n)
		b.Run(fmt.Sprintf("messages=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				a, err := NewAnalyzer(nil)
				if err != nil {
					b.Fatal(err)
				}
				for _, m := range msgs {
					a.Add(m)
				}
				_ = a.Result()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/message")
		})
	}
}

func BenchmarkSignals(b *testing.B) {
	msgs := benchMailbox(b, 4)
	b.ReportAllocs()
	for b.Loop() {
		for _, m := range msgs {
			_ = Signals(m.Header, "")
		}
	}
}
