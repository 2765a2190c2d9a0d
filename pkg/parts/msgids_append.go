package parts

import "strings"

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
