package bounce

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"unicode/utf8"

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
		return appendLower(append(dst, "id:"...), orig.MessageID)
	}
	if id := lastMsgID(m.Header.Get("In-Reply-To")); id != "" {
		return appendLower(append(dst, "id:"...), id)
	}
	if id := lastMsgID(strings.Join(m.Header.Values("References"), " ")); id != "" {
		return appendLower(append(dst, "id:"...), id)
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
	b = appendLower(append(b, 0), recipient)
	sum := sha256.Sum256(b)
	var key [16]byte
	hex.Encode(key[:], sum[:8])
	return string(key[:])
}

// lower is strings.ToLower(s): s as it is when it is ASCII without an
// upper-case letter, else lowercased by appendLower in a buffer on the
// stack (a long one on the heap) and copied once.
func lower(s string) string {
	if asciiLower(s) {
		return s
	}
	var buf [128]byte
	b := appendLower(buf[:0], s)
	if string(b) == s {
		return s
	}
	return string(b)
}

// asciiLower reports whether s is ASCII without an upper-case letter,
// testing 8 bytes at once as appendLower does.
func asciiLower(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := load8(s[i:])
		if w&highs != 0 || (w+(0x80-'A')*ones)&^(w+(0x80-'Z'-1)*ones)&highs != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

// appendLower appends strings.ToLower(s) to dst, without the string when s
// is ASCII: it copies s and lowercases 8 bytes at once. For a byte below
// 0x80, adding 0x80-'A' sets its high bit from 'A' up, adding 0x80-'Z'-1
// from past 'Z', and a set high bit moved down to 0x20 makes an upper-case
// letter lower case.
func appendLower(dst []byte, s string) []byte {
	n := len(dst)
	b := append(dst, s...)
	t := b[n:]
	i := 0
	for ; i+8 <= len(t); i += 8 {
		w := binary.LittleEndian.Uint64(t[i:])
		if w&highs != 0 {
			return append(dst, strings.ToLower(s)...)
		}
		upper := (w + (0x80-'A')*ones) &^ (w + (0x80-'Z'-1)*ones) & highs
		binary.LittleEndian.PutUint64(t[i:], w|upper>>2)
	}
	for ; i < len(t); i++ {
		c := t[i]
		if c >= utf8.RuneSelf {
			return append(dst, strings.ToLower(s)...)
		}
		t[i] = phrase.Lower(c)
	}
	return b
}
