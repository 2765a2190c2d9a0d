package bounce

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/bounce-tool/bounce/pkg/internal/phrase"

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
	var buf [256]byte
	var ref []byte // the group reference, then each record's key input
	for i := range recs {
		if t != nil {
			c := *t
			recs[i].Ticket = &c
		}
		if recs[i].Kind == KindBounce {
			if ref == nil {
				ref = appendGroupRef(buf[:0], m, recs[i].Original)
			}
			recs[i].Group = groupKey(ref, recs[i].Recipient)
		}
	}
	return recs
}

// appendGroupRef appends to dst the name of the message a bounce is about:
// "id:" and its Message-ID (from the returned original, attached or quoted
// in the bounce's text); else "id:" and the bounce's own In-Reply-To or last
// References entry (which name the message that bounced); else "orig:" and
// the returned original's From, To, Subject and Date; else "none:". The
// Message-ID is lowercased.
func appendGroupRef(dst []byte, m *parts.Message, orig Original) []byte {
	if orig.MessageID != "" {
		return phrase.AppendToLower(append(dst, "id:"...), orig.MessageID)
	}
	if id := lastMsgID(m.Header.Get("In-Reply-To")); id != "" {
		return phrase.AppendToLower(append(dst, "id:"...), id)
	}
	if id := lastMsgID(strings.Join(m.Header.Values("References"), " ")); id != "" {
		return phrase.AppendToLower(append(dst, "id:"...), id)
	}
	if orig != (Original{}) {
		dst = append(dst, "orig:"...)
		for i, v := range [...]string{orig.From, orig.To, orig.Subject, orig.Date} {
			if i > 0 {
				dst = append(dst, '\n')
			}
			dst = append(dst, v...)
		}
		return dst
	}
	return append(dst, "none:"...)
}

// lastMsgID returns the last message identifier of a header value without
// brackets, or "".
func lastMsgID(v string) string {
	var buf [16]string // References may hold many
	if ids := parts.AppendMsgIDs(buf[:0], v); len(ids) > 0 {
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
	return groupKey(append(buf[:0], ref...), recipient)
}

// groupKey is GroupKey of the ref in b. It appends to b, beyond its length.
func groupKey(b []byte, recipient string) string {
	b = phrase.AppendToLower(append(b, 0), recipient)
	sum := sha256.Sum256(b)
	var key [16]byte
	hex.Encode(key[:], sum[:8])
	return string(key[:])
}
