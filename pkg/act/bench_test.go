package act_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/bounce-tool/bounce/pkg/act"
	"github.com/bounce-tool/bounce/pkg/bounce"
)

// BenchmarkPlan measures grouping 10,000 records (a delay and a failure
// for each of 5,000 groups on 2,500 tickets) and planning their notes.
func BenchmarkPlan(b *testing.B) {
	recs := make([]bounce.Record, 0, 10000)
	for i := range 5000 {
		g, r, id := fmt.Sprintf("%016x", i), fmt.Sprintf("user%d@example.com", i), fmt.Sprint(10000+i/2)
		recs = append(recs, rec(g, r, "temporary", "2026-11-01T10:00:00Z", id), rec(g, r, "permanent", "2026-11-02T10:00:00Z", ""))
	}
	b.ReportAllocs()
	for b.Loop() {
		var c act.Collector
		for i := range recs {
			c.Add(&recs[i])
		}
		r := &act.Runner{Target: &act.Zendesk{}}
		sum, err := r.Run(context.Background(), c.Groups(), func(*act.Outcome) error { return nil })
		if err != nil || sum.Planned != 2500 {
			b.Fatalf("%+v %v", sum, err)
		}
	}
}
