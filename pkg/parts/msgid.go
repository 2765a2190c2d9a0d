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
	return AppendMsgIDs(nil, v)
}

// AppendMsgIDs appends the identifiers MsgIDs(v) returns to dst and returns
// the extended slice: the same identifiers, at most 64 from v, without a
// slice of their own for a caller with room in dst.
func AppendMsgIDs(dst []string, v string) []string {
	start := len(dst)
	for len(dst)-start < maxIDs {
		i := strings.IndexByte(v, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(v[i:], '>')
		if j < 0 {
			break
		}
		if id := strings.TrimSpace(v[i+1 : i+j]); id != "" {
			dst = append(dst, id)
		}
		v = v[i+j+1:]
	}
	if len(dst) > start || strings.ContainsAny(v, "<>") {
		return dst
	}
	for w := range strings.FieldsSeq(stripComments(v)) {
		if len(dst)-start == maxIDs {
			break
		}
		dst = append(dst, w)
	}
	return dst
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
