package ticket

import (
	"strings"
	"testing"
)

func BenchmarkFind(b *testing.B) {
	acme := MustPattern(`\[ACME-(?P<id>\d+)\]`, "acme-desk")
	body := strings.Repeat("Thanks for your message; we will look into it shortly.\n", 200)
	cases := []struct {
		name, orig string
		f          *Finder
	}{
		{"zendesk", zendeskFull, nil},
		{"plain-8KB", "Message-ID: <a@b.example>\nSubject: Re: your order\n\n" + body, nil},
		{"plain-8KB-pattern", "Message-ID: <a@b.example>\nSubject: Re: your order\n\n" + body, NewFinder(Options{Patterns: []Pattern{acme}})},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			m := original(b, tc.orig, "")
			b.SetBytes(int64(len(tc.orig)))
			b.ReportAllocs()
			for b.Loop() {
				tc.f.Find(m)
			}
		})
	}
}
