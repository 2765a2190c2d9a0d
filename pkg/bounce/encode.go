package bounce

import (
	"strconv"
	"unicode/utf8"

	"github.com/bounce-tool/bounce/pkg/status"
)

// AppendJSON appends r to dst as the record contract's JSON object, without
// a line end, and returns the extended slice. It writes the bytes that
// encoding/json writes for the record with HTML escaping off (what
// MarshalJSON returns, what Encode writes to an encoder made with
// SetEscapeHTML(false), less its "\n"): the fields in Record's order, every
// one present, strings escaped as encoding/json escapes them (invalid UTF-8
// as \ufffd, U+2028 and U+2029 as \u2028 and \u2029, "<", ">" and "&" as
// they are). Unlike encoding/json it takes no reflection and allocates
// nothing beyond the growth of dst, so that the sinks of a large mbox can
// encode into one buffer per worker.
func AppendJSON(dst []byte, r *Record) []byte {
	dst = appendField(dst, `{"source":"`, r.Source)
	dst = append(dst, `,"index":`...)
	dst = strconv.AppendInt(dst, int64(r.Index), 10)
	dst = appendField(dst, `,"kind":"`, r.Kind)
	dst = appendField(dst, `,"recipient":"`, r.Recipient)
	dst = appendField(dst, `,"original_recipient":"`, r.OriginalRecipient)
	dst = appendField(dst, `,"action":"`, r.Action)
	dst = append(dst, `,"status":"`...)
	dst = appendCode(dst, r.Status)
	dst = appendField(dst, `","status_source":"`, r.StatusSource)
	dst = appendField(dst, `,"class":"`, r.ClassText())
	dst = appendField(dst, `,"reply_code":"`, r.ReplyCode.String())
	dst = appendField(dst, `,"diagnostic":"`, r.Diagnostic)
	dst = appendField(dst, `,"reason":"`, r.Reason)
	dst = appendField(dst, `,"reporting_mta":"`, r.ReportingMTA)
	dst = appendField(dst, `,"remote_mta":"`, r.RemoteMTA)
	dst = appendField(dst, `,"smtp_command":"`, r.SMTPCommand)
	dst = appendField(dst, `,"date":"`, r.Date)
	dst = appendField(dst, `,"mta":"`, r.MTA)
	dst = appendField(dst, `,"original":{"message_id":"`, r.Original.MessageID)
	dst = appendField(dst, `,"from":"`, r.Original.From)
	dst = appendField(dst, `,"to":"`, r.Original.To)
	dst = appendField(dst, `,"subject":"`, r.Original.Subject)
	dst = appendField(dst, `,"date":"`, r.Original.Date)
	dst = append(dst, `},"ticket":`...)
	if t := r.Ticket; t == nil {
		dst = append(dst, "null"...)
	} else {
		dst = appendField(dst, `{"id":"`, t.ID)
		dst = appendField(dst, `,"encoded_id":"`, t.EncodedID)
		dst = appendField(dst, `,"system":"`, t.System)
		dst = appendField(dst, `,"source":"`, t.Source)
		dst = append(dst, '}')
	}
	dst = appendField(dst, `,"group":"`, r.Group)
	dst = appendField(dst, `,"error":"`, r.Error)
	dst = appendField(dst, `,"blocklist":"`, r.Blocklist)
	dst = appendField(dst, `,"auth":"`, r.Auth)
	dst = appendField(dst, `,"feedback_type":"`, r.FeedbackType)
	dst = appendField(dst, `,"why":{"kind":"`, r.Why.Kind)
	dst = appendField(dst, `,"status":"`, r.Why.Status)
	dst = appendField(dst, `,"reason":"`, r.Why.Reason)
	dst = append(dst, `},"uid_validity":`...)
	dst = strconv.AppendUint(dst, uint64(r.UIDValidity), 10)
	dst = appendField(dst, `,"truncated":"`, r.Truncated)
	dst = appendField(dst, `,"path":"`, r.Path)
	dst = appendField(dst, `,"status_title":"`, r.StatusTitle)
	dst = appendField(dst, `,"advice":"`, r.Advice)
	return append(dst, '}')
}

// appendField appends key (the JSON text before a string value: a comma,
// the name, a colon and the opening quote) and v as the rest of a JSON
// string.
func appendField(dst []byte, key, v string) []byte {
	return appendJSONRest(append(dst, key...), v)
}

// appendCode appends c as Code.String writes it, without the string.
func appendCode(dst []byte, c status.Code) []byte {
	if c.IsZero() {
		return dst
	}
	dst = strconv.AppendInt(dst, int64(c.Class), 10)
	dst = append(dst, '.')
	dst = strconv.AppendInt(dst, int64(c.Subject), 10)
	dst = append(dst, '.')
	return strconv.AppendInt(dst, int64(c.Detail), 10)
}

// jsonPlain marks the ASCII bytes a JSON string holds as they are (with
// HTML escaping off): all but the control characters, '"' and '\\'.
var jsonPlain = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// load8 returns the 8 bytes at the start of s as a little-endian word.
func load8(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// load4 returns the 4 bytes at the start of s as a little-endian word.
func load4(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// plain8 reports whether the 8 bytes of w (load8) are all ASCII that a JSON
// string holds as it is (jsonPlain), testing them at once (see special8).
func plain8(w uint64) bool { return special8(w)&highs == 0 }

// ones and highs are a 1 and a 0x80 in each byte of a word.
const ones, highs = 0x0101010101010101, 0x8080808080808080

// special8 returns a word whose high bits (those of highs) are all clear
// when the 8 bytes of w are all ASCII that a JSON string holds as it is:
// none has its high bit set, none is below 0x20, none is '"' or '\\'.
func special8(w uint64) uint64 {
	q, bs := w^('"'*ones), w^('\\'*ones) // a zero byte where w has '"', '\\'
	// When no byte of w has its high bit set (else w itself says no), no
	// byte of x-ones has it unless x has a zero byte, nor of w-0x20*ones
	// unless w has a byte below 0x20: a borrow starts only at such a byte.
	return w | (w - 0x20*ones) | (q - ones) | (bs - ones)
}

// plainPrefix returns the length of a start of s that holds only bytes a
// JSON string holds as they are (jsonPlain): len(s) for most of the texts
// of a record, which appendJSONRest then copies at once, and otherwise
// where its escaping loop may start. It tests 16 bytes a step, and the
// last 8 (some tested already) at once.
func plainPrefix(s string) int {
	n := len(s)
	if n < 8 {
		// From 4 bytes on, the first 4 and the last 4 (which may overlap)
		// as one word.
		if n >= 4 && special8(uint64(load4(s))|uint64(load4(s[n-4:]))<<32)&highs == 0 {
			return n
		}
		for i := 0; i < n; i++ {
			if c := s[i]; c >= utf8.RuneSelf || !jsonPlain[c] {
				return i
			}
		}
		return n
	}
	i := 0
	for ; i+16 <= n; i += 16 {
		if (special8(load8(s[i:]))|special8(load8(s[i+8:])))&highs != 0 {
			return i
		}
	}
	if n-i > 8 && special8(load8(s[i:]))&highs != 0 || special8(load8(s[n-8:]))&highs != 0 {
		return i
	}
	return n
}

// appendJSONRest appends s and the closing quote as the rest of a JSON
// string whose opening quote dst ends with, escaped exactly as
// encoding/json escapes it with HTML escaping off.
func appendJSONRest(dst []byte, s string) []byte {
	i := plainPrefix(s)
	if i == len(s) {
		dst = append(dst, s...)
		return append(dst, '"')
	}
	start := 0
	for i < len(s) {
		for i+8 <= len(s) && plain8(load8(s[i:])) {
			i += 8
		}
		if i == len(s) {
			break
		}
		b := s[i]
		if b < utf8.RuneSelf {
			if jsonPlain[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
