package loop

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRecordJSON(t *testing.T) {
	tests := []struct {
		name string
		rec  Record
		want string
	}{
		{
			name: "zero",
			rec:  Record{},
			want: `{"source":"","index":0,"sender":"","date":"","automated":false,"signals":[],` +
				`"from_support_address":false,"outcome":"","outcome_reason":"","notify":false,"loop":null,"error":""}`,
		},
		{
			name: "full",
			rec: Record{
				Source: "-", Index: 3, Sender: "ann@alpha.example",
				Date:      time.Date(2026, 3, 2, 10, 4, 5, 0, time.FixedZone("", 3600)),
				Automated: true, Signals: []string{"auto-submitted", "precedence:bulk"}, Bulk: true,
				FromSupportAddress: true, Outcome: Suspended, OutcomeReason: "why", Notify: false, Loop: "L2",
			},
			want: `{"source":"-","index":3,"sender":"ann@alpha.example","date":"2026-03-02T10:04:05+01:00",` +
				`"automated":true,"signals":["auto-submitted","precedence:bulk"],"from_support_address":true,` +
				`"outcome":"suspended","outcome_reason":"why","notify":false,"loop":"L2","error":""}`,
		},
		{
			name: "unreadable",
			rec:  Record{Source: "a.mbox", Index: 7, Signals: []string{}, Error: "source: a.mbox: unexpected EOF"},
			want: `{"source":"a.mbox","index":7,"sender":"","date":"","automated":false,"signals":[],` +
				`"from_support_address":false,"outcome":"","outcome_reason":"","notify":false,"loop":null,` +
				`"error":"source: a.mbox: unexpected EOF"}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.rec)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("json.Marshal() = %s, want %s", b, tc.want)
			}
			var back Record
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			want := tc.rec
			if want.Signals == nil {
				want.Signals = []string{}
			}
			if diff := cmp.Diff(want, back); diff != "" {
				t.Errorf("round trip mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResultJSON(t *testing.T) {
	mb := &mailbox{t: t}
	mb.add("ann@alpha.example", "Auto: Printer", t0, "Auto-Submitted: auto-replied")
	mb.add("bob@beta.example", "Auto: Printer", t0.Add(time.Minute), "Auto-Submitted: auto-replied")
	got, err := json.Marshal(mb.analyze(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"records":[` +
		`{"source":"inbox.mbox","index":1,"sender":"ann@alpha.example","date":"2026-03-02T09:00:00Z","automated":true,"signals":["auto-submitted","autoreply-subject"],"from_support_address":false,"outcome":"accepted","outcome_reason":"1st update from this sender within 60 minutes (limit 20)","notify":true,"loop":null,"error":""},` +
		`{"source":"inbox.mbox","index":2,"sender":"bob@beta.example","date":"2026-03-02T09:01:00Z","automated":true,"signals":["auto-submitted","autoreply-subject"],"from_support_address":false,"outcome":"accepted","outcome_reason":"1st update from this sender within 60 minutes (limit 20)","notify":true,"loop":null,"error":""}],` +
		`"senders":[` +
		`{"sender":"ann@alpha.example","messages":1,"peak_per_hour":1,"accepted":1,"suspended":0,"rejected":0,"automated_share":1,"allowlisted":false},` +
		`{"sender":"bob@beta.example","messages":1,"peak_per_hour":1,"accepted":1,"suspended":0,"rejected":0,"automated_share":1,"allowlisted":false}],` +
		`"loops":[]}`
	if string(got) != want {
		t.Errorf("json.Marshal() = %s\nwant %s", got, want)
	}

	res, err := Analyze(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(res); string(b) != `{"records":[],"senders":[],"loops":[]}` {
		t.Errorf("json.Marshal(empty result) = %s", b)
	}
}

func TestLoopJSON(t *testing.T) {
	l := Loop{
		ID: "L1", Kind: PingPong, Members: []string{"a@x.example", "b@y.example"}, Thread: "[#42] printer",
		Messages: 6, First: t0, Last: t0.Add(10 * time.Minute),
	}
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"L1","kind":"ping-pong","members":["a@x.example","b@y.example"],"thread":"[#42] printer",` +
		`"messages":6,"first":"2026-03-02T09:00:00Z","last":"2026-03-02T09:10:00Z"}`
	if string(b) != want {
		t.Errorf("json.Marshal() = %s, want %s", b, want)
	}
	var back Loop
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(l, back); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	if b, _ := json.Marshal(Loop{}); string(b) != `{"id":"","kind":"","members":[],"thread":"","messages":0,"first":"","last":""}` {
		t.Errorf("json.Marshal(Loop{}) = %s", b)
	}
}

// TestJSONKeepsAngleBrackets checks that <, > and & are written as they are
// (docs/loops-json.md), by an encoder that does not escape HTML, as the
// command line's.
func TestJSONKeepsAngleBrackets(t *testing.T) {
	encode := func(v any) string {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	l := Loop{ID: "L1", Kind: PingPong, Members: []string{"a@x.example"}, Thread: "<root@id.example>"}
	if got := encode(l); !strings.Contains(got, `"thread":"<root@id.example>"`) {
		t.Errorf("Loop = %s, want the thread as it is", got)
	}
	r := Record{Source: "a&b.mbox", OutcomeReason: "<why>"}
	if got := encode(r); !strings.Contains(got, `"source":"a&b.mbox"`) || !strings.Contains(got, `"outcome_reason":"<why>"`) {
		t.Errorf("Record = %s, want < > & as they are", got)
	}
	res := Result{Records: []Record{r}, Senders: []SenderSummary{}, Loops: []Loop{l}}
	if got := encode(res); !strings.Contains(got, `"thread":"<root@id.example>"`) || !strings.Contains(got, `"outcome_reason":"<why>"`) {
		t.Errorf("Result = %s, want < > & as they are", got)
	}
	// The encoding stays a single line without its newline.
	if b, err := json.Marshal(l); err != nil || strings.Contains(string(b), "\n") {
		t.Errorf("json.Marshal(Loop) = %q, %v", b, err)
	}
}
