package verify

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Length limits of RFC 5321 section 4.5.3.1, in octets.
const (
	maxLocalLen   = 64  // section 4.5.3.1.1
	maxDomainLen  = 253 // 255 octets on the wire (4.5.3.1.2) less the length octets of a name
	maxLabelLen   = 63  // RFC 1035 section 2.3.4
	maxAddressLen = 254 // a 256-octet path (4.5.3.1.3) less the angle brackets
)

// ErrSyntax is the error that ParseAddress wraps for every address it
// rejects; test for it with errors.Is.
var ErrSyntax = errors.New("verify: bad address syntax")

// syntaxError returns an error that wraps ErrSyntax with a detail.
func syntaxError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrSyntax, fmt.Sprintf(format, args...))
}

// Address is an email address that passed the syntax check of ParseAddress.
type Address struct {
	// Local is the local part as written, with its quotes if it was quoted.
	// It may hold UTF-8 (RFC 6531).
	Local string
	// Domain is the domain as written, which may hold Unicode, or the
	// address literal with its brackets.
	Domain string
	// ASCIIDomain is Domain in lower-case ASCII form, with internationalized
	// labels converted to A-labels (xn--...). For an address literal it is
	// the literal as written.
	ASCIIDomain string
	// IP is the address of an address literal, and the zero Addr when the
	// domain is a name.
	IP netip.Addr
}

// String returns the address as written.
func (a Address) String() string { return a.Local + "@" + a.Domain }

// ASCII returns the address with the domain in ASCII form. The local part is
// unchanged, so it is pure ASCII only when UTF8 reports false.
func (a Address) ASCII() string { return a.Local + "@" + a.ASCIIDomain }

// UTF8 reports whether the local part holds non-ASCII characters, which a
// server accepts only with the SMTPUTF8 extension (RFC 6531).
func (a Address) UTF8() bool { return !isASCII(a.Local) }

// ParseAddress checks s against the addr-spec syntax of RFC 5322 and RFC 5321
// (with the UTF-8 extension of RFC 6531) and splits it. The domain is
// converted to ASCII with the IDNA Lookup profile. Errors wrap ErrSyntax.
// ParseAddress accepts the bare address only: no display name, no angle
// brackets, no comments and no surrounding spaces.
func ParseAddress(s string) (Address, error) {
	if s == "" {
		return Address{}, syntaxError("empty address")
	}
	if !utf8.ValidString(s) {
		return Address{}, syntaxError("not valid UTF-8")
	}
	if strings.HasPrefix(s, "<") && strings.HasSuffix(s, ">") {
		return Address{}, syntaxError("angle brackets around the address")
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return Address{}, syntaxError("missing @")
	}
	a := Address{Local: s[:at], Domain: s[at+1:]}
	if err := checkLocal(a.Local); err != nil {
		return Address{}, err
	}
	if err := a.parseDomain(); err != nil {
		return Address{}, err
	}
	if n := len(a.ASCII()); n > maxAddressLen {
		return Address{}, syntaxError("address is %d octets long, more than %d", n, maxAddressLen)
	}
	return a, nil
}

// checkLocal checks a local part: a dot-atom or a quoted string.
func checkLocal(local string) error {
	switch {
	case local == "":
		return syntaxError("empty local part")
	case len(local) > maxLocalLen:
		return syntaxError("local part is %d octets long, more than %d", len(local), maxLocalLen)
	case local[0] == '"':
		return checkQuoted(local)
	}
	for atom := range strings.SplitSeq(local, ".") {
		if atom == "" {
			return syntaxError("local part has a leading, trailing or double dot")
		}
		for _, r := range atom {
			if !isAtext(r) {
				return syntaxError("character %q not allowed in an unquoted local part", r)
			}
		}
	}
	return nil
}

// checkQuoted checks a quoted-string local part (RFC 5321 Quoted-string,
// with UTF-8 in qtext as RFC 6531 allows).
func checkQuoted(local string) error {
	if len(local) < 2 || local[len(local)-1] != '"' {
		return syntaxError("unterminated quoted local part")
	}
	inner := local[1 : len(local)-1]
	for i := 0; i < len(inner); i++ {
		c := inner[i]
		switch {
		case c == '\\':
			// quoted-pairSMTP = %d92 %d32-126
			if i+1 >= len(inner) || inner[i+1] < 32 || inner[i+1] > 126 {
				return syntaxError("bad backslash escape in quoted local part")
			}
			i++
		case c == '"':
			return syntaxError("unescaped quote inside quoted local part")
		case c >= 0x80:
			// UTF8-non-ascii; validity was checked for the whole address.
		case c < 32 || c == 127:
			return syntaxError("control character in quoted local part")
		}
	}
	return nil
}

// isAtext reports whether r may appear in an atom: RFC 5322 atext plus the
// UTF8-non-ascii of RFC 6531.
func isAtext(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	case r >= 0x80:
		return r != utf8.RuneError
	}
	return strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)
}

// parseDomain checks a.Domain and fills in ASCIIDomain and IP.
func (a *Address) parseDomain() error {
	d := a.Domain
	if d == "" {
		return syntaxError("empty domain")
	}
	if d[0] == '[' {
		return a.parseLiteral()
	}
	for label := range strings.SplitSeq(d, ".") {
		if label == "" {
			return syntaxError("domain has a leading, trailing or double dot")
		}
	}
	ascii, err := idna.Lookup.ToASCII(d)
	if err != nil {
		return syntaxError("bad domain %q: %v", d, strings.TrimPrefix(err.Error(), "idna: "))
	}
	if len(ascii) > maxDomainLen {
		return syntaxError("domain is %d octets long, more than %d", len(ascii), maxDomainLen)
	}
	labels := strings.Split(ascii, ".")
	for _, label := range labels {
		switch {
		case label == "":
			// IDNA maps some Unicode dots (U+3002 ...) to '.'.
			return syntaxError("domain has a leading, trailing or double dot")
		case len(label) > maxLabelLen:
			return syntaxError("domain label is %d octets long, more than %d", len(label), maxLabelLen)
		case !isLDH(label):
			return syntaxError("domain label %q is not letters, digits and hyphens", label)
		}
	}
	// Judgement: no top-level domain is all digits (RFC 3696 section 2), so
	// user@192.0.2.1 is an IP address missing its brackets, not a domain.
	if tld := labels[len(labels)-1]; strings.Trim(tld, "0123456789") == "" {
		return syntaxError("numeric top-level domain (an IP address needs brackets: [192.0.2.1])")
	}
	a.ASCIIDomain = ascii
	return nil
}

// parseLiteral checks an address literal: [IPv4] or [IPv6:...].
func (a *Address) parseLiteral() error {
	d := a.Domain
	if len(d) < 2 || d[len(d)-1] != ']' {
		return syntaxError("unterminated address literal")
	}
	inner := d[1 : len(d)-1]
	var ip netip.Addr
	var err error
	if len(inner) >= 5 && strings.EqualFold(inner[:5], "IPv6:") {
		ip, err = netip.ParseAddr(inner[5:])
		if err == nil && (!ip.Is6() || ip.Is4In6() || ip.Zone() != "") {
			err = errors.New("not a plain IPv6 address")
		}
	} else {
		ip, err = netip.ParseAddr(inner)
		if err == nil && !ip.Is4() {
			err = errors.New("IPv6 literals need the IPv6: tag")
		}
	}
	if err != nil {
		return syntaxError("bad address literal %s: %v", d, err)
	}
	a.IP = ip
	a.ASCIIDomain = d
	return nil
}

// isLDH reports whether s is letters, digits and hyphens only.
func isLDH(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// isASCII reports whether s is 7-bit.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
