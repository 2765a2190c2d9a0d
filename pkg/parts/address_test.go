package parts

import (
	"slices"
	"testing"

	"github.com/emersion/go-message/mail"
)

// checkAddrSpecs: what addrSpecs reads, net/mail (through go-message, as
// mail.Header.AddressList) reads the same.
func checkAddrSpecs(t *testing.T, v string) bool {
	t.Helper()
	got, ok := addrSpecs([]string{"kept"}, v)
	if got[0] != "kept" {
		t.Fatalf("addrSpecs(%q) dropped what dst held", v)
	}
	if !ok {
		if len(got) != 1 {
			t.Fatalf("addrSpecs(%q) = %q, false: want dst as it was", v, got)
		}
		return false
	}
	list, err := mail.ParseAddressList(v)
	if err != nil {
		t.Fatalf("addrSpecs(%q) = %q, but net/mail: %v", v, got[1:], err)
	}
	var want []string
	for _, a := range list {
		want = append(want, a.Address)
	}
	if !slices.Equal(got[1:], want) {
		t.Fatalf("addrSpecs(%q) = %q, net/mail %q", v, got[1:], want)
	}
	return true
}

var addressLists = []string{
	"ann@example.org", " Ann <ann@example.org> ", `"Doe, John" <john.doe@example.com>`, "a@b, c@d", "a@b,, c@d,",
	", a@b", "<a@b>", "Ann Lee <a@b>, <c@d>, e@f", "\"\" <a@b>", "\"q\"x <a@b>", "x\"q\" <a@b>", "Ann\t<a@b>",
	"Mailer-Daemon@mx.example.net (Mail Delivery System)", "Mail Delivery System. <x@y>", "=?utf-8?q?Ann?= <a@b>",
	"undisclosed-recipients:;", "a@b <c@d>", `"a b"@c`, "a@[1.2.3.4]", "a..b@c", ".a@b", "a.@b", "a@b.", "a@ b",
	"< a@b>", "<a@b >", "<a@b", "a@b>", "", " ", ",", "\"unclosed <a@b>", "\"esc\\\" <a@b>", "ann@exämple.org",
	"Änn <a@b>", "a@b\n", "a b c", "Ann <a@b> x", "a@b;c@d", "a=b <c@d>", "a@b=c", "Ann<a@b>", "x <a@b>,y <c@d>",
	"\"\x01\" <a@b>", "a@b, ", "!#$%&'*+-/=?^_`{|}~@x.y",
}

// TestAddrSpecs: addrSpecs reads plain lists as net/mail does, and leaves
// it the rest.
func TestAddrSpecs(t *testing.T) {
	plain := 0
	for _, v := range addressLists {
		if checkAddrSpecs(t, v) {
			plain++
		}
	}
	for _, v := range []string{"ann@example.org", " Ann <ann@example.org> ", `"Doe, John" <john.doe@example.com>`, "a@b,, c@d,"} {
		if _, ok := addrSpecs(nil, v); !ok {
			t.Errorf("addrSpecs(%q) left a plain list to net/mail", v)
		}
	}
	if plain == 0 {
		t.Error("no list read")
	}
}

// FuzzAddrSpecs: whatever addrSpecs reads, net/mail reads the same.
func FuzzAddrSpecs(f *testing.F) {
	for _, v := range addressLists {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		checkAddrSpecs(t, v)
	})
}
