package bounce

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	_ "github.com/emersion/go-message/charset"
)

// FuzzAnalyze: any input gives at least one record of a known kind, every
// string field is valid UTF-8, and a bounce record always has a reason.
func FuzzAnalyze(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/eml/*/*.eml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(""))
	f.Add([]byte("From: MAILER-DAEMON@x\nContent-Type: multipart/report; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\nAction: failed\n"))
	kinds := map[string]bool{KindBounce: true, KindFeedback: true, KindAutoreply: true, KindOther: true, KindError: true}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			t.Skip()
		}
		recs := Analyze(bytes.NewReader(data), nil)
		if len(recs) == 0 {
			t.Fatal("no record")
		}
		for _, r := range recs {
			if !kinds[r.Kind] {
				t.Fatalf("unknown kind %q", r.Kind)
			}
			if r.Kind == KindBounce && r.Reason == "" {
				t.Fatalf("bounce record without a reason: %+v", r)
			}
			b, err := json.Marshal(r)
			if err != nil || !utf8.Valid(b) {
				t.Fatalf("record does not encode to valid UTF-8 JSON: %v", err)
			}
			var fields map[string]any
			json.Unmarshal(b, &fields)
			for k, v := range fields {
				if s, ok := v.(string); ok && !utf8.ValidString(s) {
					t.Fatalf("field %s is not valid UTF-8: %q", k, s)
				}
			}
		}
	})
}
