package ticket

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// ErrPattern is wrapped by the errors NewPattern returns.
var ErrPattern = errors.New("ticket: bad pattern")

// The places a user Pattern can be matched in, which are also the Source
// it reports.
var patternPlaces = []string{SourceSubject, SourceMessageID, SourceReferences, SourceReplyTo, SourceBody}

// Pattern is a user's ticket pattern: a regular expression with a named
// group "id" that captures the ticket reference. A reference of digits
// becomes the ticket's ID (leading zeros dropped), anything else its
// EncodedID.
type Pattern struct {
	re     *regexp.Regexp
	id     int
	system string
	in     []string
}

// NewPattern compiles expr (Go regexp syntax, RE2) for the places in, which
// are "subject", "message-id", "references", "reply-to" and "body"; none
// means all of them, tried in that order. The found ticket names system
// ("custom" when empty). In the body, quoted reply lines ("> ...") are
// skipped.
func NewPattern(expr, system string, in ...string) (Pattern, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return Pattern{}, fmt.Errorf("%w `%s`: %v", ErrPattern, expr, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	p := Pattern{re: re, id: re.SubexpIndex("id"), system: system}
	if p.id < 0 {
		return Pattern{}, fmt.Errorf("%w `%s`: no named group (?P<id>...)", ErrPattern, expr)
	}
	if p.system == "" {
		p.system = Custom
	}
	if !validSystem(p.system) {
		return Pattern{}, fmt.Errorf("%w `%s`: system %q: want lowercase letters, digits and dashes", ErrPattern, expr, system)
	}
	for _, w := range in {
		if !slices.Contains(patternPlaces, w) {
			return Pattern{}, fmt.Errorf("%w `%s`: unknown place %q: want %s", ErrPattern, expr, w, strings.Join(patternPlaces, ", "))
		}
	}
	for _, w := range patternPlaces {
		if len(in) == 0 || slices.Contains(in, w) {
			p.in = append(p.in, w)
		}
	}
	return p, nil
}

// MustPattern is NewPattern that panics on error, for patterns fixed in code.
func MustPattern(expr, system string, in ...string) Pattern {
	p, err := NewPattern(expr, system, in...)
	if err != nil {
		panic(err)
	}
	return p
}

// String returns the pattern's regular expression.
func (p Pattern) String() string {
	if p.re == nil {
		return ""
	}
	return p.re.String()
}

func validSystem(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// custom tries the user's patterns, each in its places, in order.
func (f *Finder) custom(v *view) *Ticket {
	for i := range f.patterns {
		p := &f.patterns[i]
		if p.re == nil {
			continue
		}
		for _, place := range p.in {
			if ref := p.match(v, place); ref != "" {
				t := &Ticket{System: p.system, Source: place}
				if isDigits(ref) {
					t.ID = trimZeros(ref)
				} else {
					t.EncodedID = ref
				}
				if t.ID != "" || t.EncodedID != "" {
					return t
				}
			}
		}
	}
	return nil
}

// match returns what the id group captured in place, or "".
func (p *Pattern) match(v *view, place string) string {
	switch place {
	case SourceSubject:
		return p.find(v.subjectText())
	case SourceMessageID:
		return p.find(v.msgID)
	case SourceReferences:
		for _, r := range v.refs {
			if ref := p.find(r); ref != "" {
				return ref
			}
		}
	case SourceReplyTo:
		if ref := p.find(v.m.Header.Get("Reply-To")); ref != "" {
			return ref
		}
		return p.find(v.m.Header.Get("From"))
	case SourceBody:
		body := v.m.Body
		for _, m := range p.re.FindAllStringSubmatchIndex(body, maxBodyMatches) {
			if m[2*p.id] < 0 || quoted(lineAt(body, m[0])) {
				continue
			}
			if ref := reference(body[m[2*p.id]:m[2*p.id+1]]); ref != "" {
				return ref
			}
		}
	}
	return ""
}

// maxBodyMatches bounds the matches of one pattern looked at in a body.
const maxBodyMatches = 64

func (p *Pattern) find(s string) string {
	if s == "" {
		return ""
	}
	m := p.re.FindStringSubmatchIndex(s)
	if m == nil || m[2*p.id] < 0 {
		return ""
	}
	return reference(s[m[2*p.id]:m[2*p.id+1]])
}

// reference returns what a pattern captured as a ticket reference, or ""
// when it is empty, longer than 64 bytes or holds spaces or control
// characters: a pattern that captures prose has gone wrong.
func reference(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return ""
		}
	}
	return s
}
