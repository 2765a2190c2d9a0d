package status

import (
	"fmt"
	"strconv"
	"strings"
)

// Class is the first digit of an enhanced status code: whether the failure
// is permanent, temporary or not a failure at all.
type Class int

// The classes of RFC 3463 section 3.1. ClassUnknown is the zero value.
const (
	ClassUnknown   Class = 0
	ClassSuccess   Class = 2
	ClassTemporary Class = 4
	ClassPermanent Class = 5
)

// String returns the word the JSON records use: "success", "temporary",
// "permanent" or "unknown".
func (c Class) String() string {
	switch c {
	case ClassSuccess:
		return "success"
	case ClassTemporary:
		return "temporary"
	case ClassPermanent:
		return "permanent"
	}
	return "unknown"
}

// ParseClass is the inverse of Class.String. Unknown words give ClassUnknown.
func ParseClass(s string) Class {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "success":
		return ClassSuccess
	case "temporary":
		return ClassTemporary
	case "permanent":
		return ClassPermanent
	}
	return ClassUnknown
}

// Code is an RFC 3463 enhanced status code such as 5.1.1. The zero Code means
// "no code".
type Code struct {
	Class   Class
	Subject int
	Detail  int
}

// Parse parses an enhanced status code ("5.1.1", " 4.7.0 "). It accepts a
// class of 2, 4 or 5 and subject and detail of one to three digits, so codes
// outside the registry (5.7.515, 5.1.10) parse as given. It reports false for
// anything else.
func Parse(s string) (Code, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 5 {
		return Code{}, false
	}
	cls := s[0]
	if (cls != '2' && cls != '4' && cls != '5') || s[1] != '.' {
		return Code{}, false
	}
	rest := s[2:]
	dot := strings.IndexByte(rest, '.')
	if dot < 1 || dot > 3 {
		return Code{}, false
	}
	sub, ok := digits(rest[:dot])
	if !ok {
		return Code{}, false
	}
	det, ok := digits(rest[dot+1:])
	if !ok || len(rest)-dot-1 > 3 {
		return Code{}, false
	}
	return Code{Class: Class(cls - '0'), Subject: sub, Detail: det}, true
}

// MustParse is Parse for constants in tables; it panics on a bad code.
func MustParse(s string) Code {
	c, ok := Parse(s)
	if !ok {
		panic("status: bad code " + strconv.Quote(s))
	}
	return c
}

func digits(s string) (int, bool) {
	if s == "" || len(s) > 3 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// IsZero reports whether c is the zero Code (no code).
func (c Code) IsZero() bool { return c.Class == ClassUnknown }

// String formats c as class.subject.detail, or "" for the zero Code.
func (c Code) String() string {
	if c.IsZero() {
		return ""
	}
	var b [12]byte
	out := strconv.AppendInt(b[:0], int64(c.Class), 10)
	out = append(out, '.')
	out = strconv.AppendInt(out, int64(c.Subject), 10)
	out = append(out, '.')
	out = strconv.AppendInt(out, int64(c.Detail), 10)
	return string(out)
}

// Generic reports whether c says no more than its class: X.0.0. Exim and
// Courier write 5.0.0 for every failure, so a generic code is the first one to
// give way to a specific code found in the server's own words.
func (c Code) Generic() bool { return !c.IsZero() && c.Subject == 0 && c.Detail == 0 }

// Registered reports whether c's subject and detail appear in the IANA
// registry. 5.7.515 (Microsoft) is a valid code but not a registered one.
func (c Code) Registered() bool {
	if c.IsZero() {
		return false
	}
	_, ok := registry.details[[2]int{c.Subject, c.Detail}]
	return ok
}

// ReplyCode is an RFC 5321 three-digit SMTP reply code such as 550. The zero
// ReplyCode means "none".
type ReplyCode int

// ParseReply parses a three-digit reply code. The first digit must be 2 to 5,
// the second 0 to 5 (RFC 5321 section 4.2.1).
func ParseReply(s string) (ReplyCode, bool) {
	s = strings.TrimSpace(s)
	if len(s) != 3 {
		return 0, false
	}
	if s[0] < '2' || s[0] > '5' || s[1] < '0' || s[1] > '5' || s[2] < '0' || s[2] > '9' {
		return 0, false
	}
	return ReplyCode(int(s[0]-'0')*100 + int(s[1]-'0')*10 + int(s[2]-'0')), true
}

// String formats r as three digits, or "" for the zero ReplyCode.
func (r ReplyCode) String() string {
	if r == 0 {
		return ""
	}
	if r >= 100 && r < 1000 {
		return replyStrings[r-100]
	}
	return strconv.Itoa(int(r))
}

// replyStrings are the three-digit numbers as strings, so that formatting
// a reply code allocates nothing.
var replyStrings = func() (t [900]string) {
	for i := range t {
		t[i] = strconv.Itoa(100 + i)
	}
	return t
}()

// Class returns the class the reply code's first digit implies: 2xx success,
// 4xx temporary, 5xx permanent; 3xx (intermediate) is unknown.
func (r ReplyCode) Class() Class {
	switch r / 100 {
	case 2:
		return ClassSuccess
	case 4:
		return ClassTemporary
	case 5:
		return ClassPermanent
	}
	return ClassUnknown
}

// MarshalText encodes c as String does: "5.1.1", or "" for the zero Code.
func (c Code) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText decodes what MarshalText encodes; "" is the zero Code.
func (c *Code) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*c = Code{}
		return nil
	}
	v, ok := Parse(string(b))
	if !ok {
		return fmt.Errorf("status: not an enhanced status code: %q", b)
	}
	*c = v
	return nil
}

// MarshalText encodes r as String does: "550", or "" for none.
func (r ReplyCode) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText decodes what MarshalText encodes; "" is none.
func (r *ReplyCode) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*r = 0
		return nil
	}
	v, ok := ParseReply(string(b))
	if !ok {
		return fmt.Errorf("status: not an SMTP reply code: %q", b)
	}
	*r = v
	return nil
}

// MarshalText encodes c as String does.
func (c Class) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText decodes what MarshalText encodes (ParseClass); "" and
// unknown words are ClassUnknown.
func (c *Class) UnmarshalText(b []byte) error {
	*c = ParseClass(string(b))
	return nil
}
