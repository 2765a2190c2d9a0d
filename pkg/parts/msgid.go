package parts

import "strings"

// maxIDs bounds how many identifiers MsgIDs returns from one field.
const maxIDs = 64

// MsgIDs returns the message identifiers of a header field value
// (Message-ID, In-Reply-To, References), without angle brackets, at most 64.
//
// QUIRK: RFC 5322 section 3.6.4 wants <id-left@id-right>, but auto-responders
// write bare identifiers, identifiers with spaces and trailing comments;
// go-message's MsgIDList rejects those. Take every <...>; failing that,
// every word.
func MsgIDs(v string) []string {
	var out []string
	for len(out) < maxIDs {
		i := strings.IndexByte(v, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(v[i:], '>')
		if j < 0 {
			break
		}
		if id := strings.TrimSpace(v[i+1 : i+j]); id != "" {
			out = append(out, id)
		}
		v = v[i+j+1:]
	}
	if out != nil || strings.ContainsAny(v, "<>") {
		return out
	}
	for _, w := range strings.Fields(stripComments(v)) {
		if len(out) == maxIDs {
			break
		}
		out = append(out, w)
	}
	return out
}

// stripComments removes RFC 5322 comments, "(...)", nested or not.
func stripComments(v string) string {
	if !strings.Contains(v, "(") {
		return v
	}
	var b strings.Builder
	depth := 0
	for _, r := range v {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}
