package dialect

import (
	"testing"

	mimeheader "github.com/bounce-tool/bounce/pkg/header"
	"github.com/bounce-tool/bounce/pkg/parts"
)

// TestHeadsMatchGet checks that the one pass over the header (fields)
// answers as header.Header.Get and Has do for every registered name.
func TestHeadsMatchGet(t *testing.T) {
	keys := []string{"x-mailer", "X-MAILER", "X-Mailer", "X_Mailer", "X-Mailer ", "from", "FROM", "Message-ID",
		"message-id", "Content-Type", "X-Failed-Recipients", "x-failed-recipientS", "X-Mc-System", "X-MC-System",
		"X-M\xc3\xa9iler", "X-Mailer\x00", "Subject", "x-zohomail", "X-ZOHOMAIL", "x-ms-exchange-message-is-ndr",
		"X-MS-Exchange-CrossTenant-Id", "x-dsncontext", "Received", "X-\x8bailer", "X-mailer", "8-Mailer", "8-MAILER", "", "\xd8-Mailer"}
	for n := 0; n < 210; n++ {
		var fs []mimeheader.Field
		count := n % 13
		if n >= 200 { // more fields than heads keeps the places of
			count = 250 + n
		}
		for j := 0; j < count; j++ {
			k := keys[(n*7+j*5+j*j)%len(keys)]
			fs = append(fs, mimeheader.Field{Key: k, Value: k + " value " + string(rune('a'+j))})
		}
		h := mimeheader.Make(fs)
		in := &Input{Message: &parts.Message{Header: h}}
		for i, name := range headNames {
			v, ok := in.head(i)
			if want, wantOK := h.Get(name), h.Has(name); v != want || ok != wantOK {
				t.Errorf("fields %v: head(%q) = %q, %v; Get, Has = %q, %v", fs, name, v, ok, want, wantOK)
			}
		}
	}
	if v, ok := (&Input{}).head(0); v != "" || ok {
		t.Errorf("head of no message = %q, %v", v, ok)
	}
}
