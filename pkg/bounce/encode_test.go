package bounce

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bounce-tool/bounce/pkg/status"
	"github.com/bounce-tool/bounce/pkg/ticket"
)

// viaEncodingJSON is the record as encoding/json writes its wire form with
// HTML escaping off: what AppendJSON must write.
func viaEncodingJSON(t testing.TB, r *Record) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := Encode(enc, r); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// checkAppendJSON compares AppendJSON with encoding/json on r, and
// json.Marshal (which HTML-escapes what MarshalJSON returns) with
// encoding/json's own HTML escaping of the wire form.
func checkAppendJSON(t testing.TB, r *Record) {
	t.Helper()
	want := viaEncodingJSON(t, r)
	prefix := []byte("x")
	got := AppendJSON(prefix, r)
	if !bytes.Equal(got[1:], want) || got[0] != 'x' {
		t.Fatalf("AppendJSON(%+v)\n got %s\nwant %s", r, got[1:], want)
	}
	var html bytes.Buffer
	if err := json.NewEncoder(&html).Encode(r.wire()); err != nil {
		t.Fatal(err)
	}
	m, err := json.Marshal(r)
	if err != nil || !bytes.Equal(m, bytes.TrimSuffix(html.Bytes(), []byte("\n"))) {
		t.Fatalf("json.Marshal(%+v) = %s, %v\nwant %s", r, m, err, html.Bytes())
	}
	if !json.Valid(got[1:]) {
		t.Fatalf("AppendJSON wrote invalid JSON: %s", got[1:])
	}
}

// jsonTexts are strings with everything encoding/json escapes or keeps.
var jsonTexts = []string{
	"", "a", "user@example.com", `quote " and \ backslash`, "<a@b> & co", "\x00\x01\x07\x08\x0c\x1f\x7f",
	"tab\tnew\nline\rcr", "caf\u00e9 \u65e5\u672c", "\u2028line\u2029para\u2027\u202a", "bad \xff\xfe utf-8 \xe2\x80",
	"\xed\xa0\x80 surrogate", "\U0001F600 emoji", "\ufffd replacement", strings.Repeat("long ", 300),
}

func randText(rng *rand.Rand) string {
	if rng.IntN(3) == 0 {
		return jsonTexts[rng.IntN(len(jsonTexts))]
	}
	b := make([]byte, rng.IntN(40))
	for i := range b {
		switch rng.IntN(4) {
		case 0:
			b[i] = byte(rng.IntN(256))
		case 1:
			b[i] = byte(rng.IntN(0x20))
		default:
			b[i] = byte('a' + rng.IntN(26))
		}
	}
	return string(b)
}

func randRecord(rng *rand.Rand) Record {
	s := func() string { return randText(rng) }
	r := Record{Source: s(), Index: rng.IntN(1<<20) - 5, Kind: s(), Recipient: s(), OriginalRecipient: s(), Action: s(),
		StatusSource: s(), Diagnostic: s(), Reason: s(), ReportingMTA: s(), RemoteMTA: s(), SMTPCommand: s(), Date: s(),
		MTA: s(), Original: Original{s(), s(), s(), s(), s()}, Group: s(), Error: s(), Blocklist: s(), Auth: s(),
		FeedbackType: s(), Why: Why{s(), s(), s()}, UIDValidity: rng.Uint32(), Truncated: s(), Path: s(),
		StatusTitle: s(), Advice: s()}
	if rng.IntN(2) == 0 {
		r.Kind = KindBounce
	}
	if rng.IntN(4) > 0 {
		r.Status = status.Code{Class: status.Class([]int{2, 4, 5}[rng.IntN(3)]), Subject: rng.IntN(1000), Detail: rng.IntN(1000)}
	}
	r.Class = status.Class(rng.IntN(6))
	if rng.IntN(3) > 0 {
		r.ReplyCode = status.ReplyCode(rng.IntN(1200))
	}
	if rng.IntN(2) == 0 {
		r.Ticket = &ticket.Ticket{ID: s(), EncodedID: s(), System: s(), Source: s()}
	}
	return r
}

// TestAppendJSON: AppendJSON writes the bytes encoding/json writes, on
// random records and on the records of the test messages.
func TestAppendJSON(t *testing.T) {
	checkAppendJSON(t, &Record{})
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		r := randRecord(rng)
		checkAppendJSON(t, &r)
	}
	for _, m := range readAll(t, "../../testdata/eml/*/*.eml") {
		for _, r := range Analyze(bytes.NewReader(m), nil) {
			checkAppendJSON(t, &r)
		}
	}
}

// FuzzAppendJSON: AppendJSON and encoding/json write the same bytes for
// any record.
func FuzzAppendJSON(f *testing.F) {
	for i, s := range jsonTexts {
		f.Add(s, jsonTexts[(i+1)%len(jsonTexts)], i*37, uint32(i), 5, i, i*3, 550, i%2 == 0)
	}
	f.Fuzz(func(t *testing.T, a, b string, index int, uid uint32, cls, sub, det, reply int, withTicket bool) {
		r := Record{Source: a, Index: index, Kind: b, Recipient: a + b, OriginalRecipient: b, Action: a,
			StatusSource: b, Diagnostic: a, Reason: b, ReportingMTA: a, RemoteMTA: b, SMTPCommand: a, Date: b, MTA: a,
			Original: Original{b, a, b, a, b}, Group: a, Error: b, Blocklist: a, Auth: b, FeedbackType: a,
			Why: Why{b, a, b}, UIDValidity: uid, Truncated: a, Path: b, StatusTitle: a, Advice: b,
			Status: status.Code{Class: status.Class(cls), Subject: sub, Detail: det}, Class: status.Class(cls),
			ReplyCode: status.ReplyCode(reply)}
		if withTicket {
			r.Ticket = &ticket.Ticket{ID: b, EncodedID: a, System: b, Source: a}
		}
		checkAppendJSON(t, &r)
	})
}

// TestPlain8: plain8 says what jsonPlain says of each of the 8 bytes, for
// every byte value at every place among plain bytes and next to a special
// one.
func TestPlain8(t *testing.T) {
	for _, fill := range []byte{'a', '~', ' ', '"', 0x1f, 0x80} {
		for at := range 8 {
			for b := range 256 {
				s := []byte(strings.Repeat(string(fill), 8))
				s[at] = byte(b)
				want := true
				for _, c := range s {
					want = want && c < utf8.RuneSelf && jsonPlain[c]
				}
				if got := plain8(load8(string(s))); got != want {
					t.Fatalf("plain8(%q) = %v, want %v", s, got, want)
				}
			}
		}
	}
}

// TestPlainPrefix: plainPrefix returns a start of a text that jsonPlain
// takes, all of it exactly when jsonPlain takes every byte, for texts of
// every length to 40 with a special byte at any place.
func TestPlainPrefix(t *testing.T) {
	for n := range 41 {
		for at := -1; at < n; at++ {
			for _, c := range []byte{'"', '\\', 0x1f, 0x80, 0xff, ' ', '~'} {
				s := []byte(strings.Repeat("a", n))
				if at >= 0 {
					s[at] = c
				}
				plain := len(s) // the first byte jsonPlain does not take
				for i, b := range s {
					if b >= utf8.RuneSelf || !jsonPlain[b] {
						plain = i
						break
					}
				}
				if got := plainPrefix(string(s)); got > plain || (got == len(s)) != (plain == len(s)) {
					t.Fatalf("plainPrefix(%q) = %d, the first special byte at %d", s, got, plain)
				}
			}
		}
	}
}
