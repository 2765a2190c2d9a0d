package bounce

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/bounce-tool/bounce/pkg/dialect"
	"github.com/bounce-tool/bounce/pkg/parts"
	"github.com/bounce-tool/bounce/pkg/ticket"
)

// link fills the ticket of every record of one message, from the original it
// returns, and the group of its bounce records.
func link(recs []Record, m *parts.Message, r dialect.Returned, f *ticket.Finder) []Record {
	in := ticket.Message{Bounce: m.Header}
	if r.OK {
		in.Header, in.Body = r.Header, r.Body
	}
	t := f.Find(in)
	ref := ""
	for i := range recs {
		if t != nil {
			c := *t
			recs[i].Ticket = &c
		}
		if recs[i].Kind == KindBounce {
			if ref == "" {
				ref = groupRef(m, recs[i].Original)
			}
			recs[i].Group = GroupKey(ref, recs[i].Recipient)
		}
	}
	return recs
}

// groupRef names the message a bounce is about: "id:" and its Message-ID
// (from the returned original, attached or quoted in the bounce's text);
// else "id:" and the bounce's own In-Reply-To or last References entry
// (which name the message that bounced); else "orig:" and the returned
// original's From, To, Subject and Date; else "none:".
func groupRef(m *parts.Message, orig Original) string {
	if orig.MessageID != "" {
		return "id:" + strings.ToLower(orig.MessageID)
	}
	if id := lastMsgID(m.Header.Get("In-Reply-To")); id != "" {
		return "id:" + strings.ToLower(id)
	}
	if id := lastMsgID(strings.Join(m.Header.Values("References"), " ")); id != "" {
		return "id:" + strings.ToLower(id)
	}
	if orig != (Original{}) {
		return "orig:" + strings.Join([]string{orig.From, orig.To, orig.Subject, orig.Date}, "\n")
	}
	return "none:"
}

// lastMsgID returns the last message identifier of a header value without
// brackets, or "".
func lastMsgID(v string) string {
	if ids := parts.MsgIDs(v); len(ids) > 0 {
		return clean(ids[len(ids)-1])
	}
	return ""
}

// GroupKey derives the group of a bounce record from ref, which names the
// original message (see Record.Group and docs/json.md), and the recipient:
// the first 16 hex digits of the SHA-256 of ref, a zero byte and the
// lowercased recipient. When nothing names the original (ref "none:"), the
// bounces to one recipient share a group.
func GroupKey(ref, recipient string) string {
	var buf [256]byte
	b := append(buf[:0], ref...)
	b = append(b, 0)
	if isLowerASCII(recipient) {
		b = append(b, recipient...)
	} else {
		b = append(b, strings.ToLower(recipient)...)
	}
	sum := sha256.Sum256(b)
	var key [16]byte
	hex.Encode(key[:], sum[:8])
	return string(key[:])
}

// isLowerASCII reports whether s is ASCII without upper-case letters: its
// own strings.ToLower.
func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}
