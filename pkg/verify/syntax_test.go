package verify

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

var parseAddressTests = []struct {
	in    string
	local string
	ascii string // ASCIIDomain; "" when the address is bad
}{
	{in: "user@example.com", local: "user", ascii: "example.com"},
	{in: "User.Name+tag@Example.COM", local: "User.Name+tag", ascii: "example.com"},
	{in: "user@bücher.example", local: "user", ascii: "xn--bcher-kva.example"},
	{in: "user@BÜCHER.example", local: "user", ascii: "xn--bcher-kva.example"},
	{in: "user@xn--bcher-kva.example", local: "user", ascii: "xn--bcher-kva.example"},
	{in: "user@例え.テスト", local: "user", ascii: "xn--r8jz45g.xn--zckzah"},
	{in: "josé@example.com", local: "josé", ascii: "example.com"},
	{in: "用户@例子.广告", local: "用户", ascii: "xn--fsqu00a.xn--4rr70v"},
	{in: `"john doe"@example.com`, local: `"john doe"`, ascii: "example.com"},
	{in: `"john@doe"@example.com`, local: `"john@doe"`, ascii: "example.com"},
	{in: `"a\"b"@example.com`, local: `"a\"b"`, ascii: "example.com"},
	{in: `""@example.com`, local: `""`, ascii: "example.com"},
	{in: "!#$%&'*+-/=?^_`{|}~@example.com", local: "!#$%&'*+-/=?^_`{|}~", ascii: "example.com"},
	{in: "user@[192.0.2.1]", local: "user", ascii: "[192.0.2.1]"},
	{in: "user@[IPv6:2001:db8::1]", local: "user", ascii: "[IPv6:2001:db8::1]"},
	{in: "postmaster@localhost", local: "postmaster", ascii: "localhost"},
	{in: "a@a-b.example", local: "a", ascii: "a-b.example"},
	{in: strings.Repeat("a", 64) + "@example.com", local: strings.Repeat("a", 64), ascii: "example.com"},

	{in: ""},
	{in: "user"},
	{in: "user@"},
	{in: "@example.com"},
	{in: "<user@example.com>"},
	{in: "John <user@example.com>"},
	{in: " user@example.com"},
	{in: "user@example.com "},
	{in: "user@@example.com"},
	{in: "us er@example.com"},
	{in: "user.@example.com"},
	{in: ".user@example.com"},
	{in: "us..er@example.com"},
	{in: "us(er)@example.com"},
	{in: `"unterminated@example.com`},
	{in: `"a"b"@example.com`},
	{in: "\"a\x00b\"@example.com"},
	{in: "\"a\nb\"@example.com"},
	{in: "user@example.com."},
	{in: "user@.example.com"},
	{in: "user@exa..mple.com"},
	{in: "user@exa_mple.com"},
	{in: "user@-example.com"},
	{in: "user@example-.com"},
	{in: "user@exa mple.com"},
	{in: "user@192.0.2.1"},
	{in: "user@[192.0.2.1"},
	{in: "user@[192.0.2.256]"},
	{in: "user@[2001:db8::1]"},
	{in: "user@[IPv6:192.0.2.1]"},
	{in: "user@[tag:content]"},
	{in: "user@xn--zz.example"},
	{in: "user@example.com\xff"},
	{in: strings.Repeat("a", 65) + "@example.com"},
	{in: "user@" + strings.Repeat("a", 64) + ".com"},
	{in: "user@" + strings.Repeat(strings.Repeat("a", 63)+".", 4) + "com"},
	{in: strings.Repeat("a", 64) + "@" + strings.Repeat(strings.Repeat("a", 60)+".", 3) + "example.com"},
}

func TestParseAddress(t *testing.T) {
	for _, tc := range parseAddressTests {
		t.Run(tc.in, func(t *testing.T) {
			a, err := ParseAddress(tc.in)
			if tc.ascii == "" {
				if err == nil {
					t.Fatalf("ParseAddress(%q) = %+v, want an error", tc.in, a)
				}
				if !errors.Is(err, ErrSyntax) || !strings.HasPrefix(err.Error(), "verify: ") {
					t.Errorf("ParseAddress(%q) error = %q, want one wrapping ErrSyntax", tc.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseAddress(%q) error = %v", tc.in, err)
			}
			if a.Local != tc.local {
				t.Errorf("ParseAddress(%q).Local = %q, want %q", tc.in, a.Local, tc.local)
			}
			if a.ASCIIDomain != tc.ascii {
				t.Errorf("ParseAddress(%q).ASCIIDomain = %q, want %q", tc.in, a.ASCIIDomain, tc.ascii)
			}
			if a.String() != tc.in {
				t.Errorf("ParseAddress(%q).String() = %q, want the input", tc.in, a.String())
			}
		})
	}
}

func TestAddressLiteralIP(t *testing.T) {
	a, err := ParseAddress("user@[IPv6:2001:db8::1]")
	if err != nil {
		t.Fatal(err)
	}
	if got := a.IP.String(); got != "2001:db8::1" {
		t.Errorf("ParseAddress(IPv6 literal).IP = %s, want 2001:db8::1", got)
	}
	if a, _ := ParseAddress("user@example.com"); a.IP.IsValid() {
		t.Errorf("ParseAddress(user@example.com).IP = %s, want none", a.IP)
	}
}

func FuzzParseAddress(f *testing.F) {
	for _, tc := range parseAddressTests {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAddress(s)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("ParseAddress(%q) error %v does not wrap ErrSyntax", s, err)
			}
			return
		}
		if a.String() != s {
			t.Fatalf("ParseAddress(%q).String() = %q", s, a.String())
		}
		if !utf8.ValidString(s) || len(a.Local) > maxLocalLen || len(a.ASCII()) > maxAddressLen {
			t.Fatalf("ParseAddress(%q) accepted an address over the limits", s)
		}
		if !isASCII(a.ASCIIDomain) || len(a.ASCIIDomain) > maxDomainLen+2 {
			t.Fatalf("ParseAddress(%q).ASCIIDomain = %q, not short ASCII", s, a.ASCIIDomain)
		}
		if strings.ContainsAny(a.ASCII(), "\r\n") {
			t.Fatalf("ParseAddress(%q) accepted a line break", s)
		}
		// The ASCII form is a valid address with the same ASCII domain.
		b, err := ParseAddress(a.ASCII())
		if err != nil {
			t.Fatalf("ParseAddress(%q) ok, but its ASCII form %q fails: %v", s, a.ASCII(), err)
		}
		if b.ASCIIDomain != a.ASCIIDomain {
			t.Fatalf("ASCIIDomain of %q = %q, of its ASCII form %q", s, a.ASCIIDomain, b.ASCIIDomain)
		}
	})
}
