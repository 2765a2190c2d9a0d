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
	dst = append(dst, `{"source":`...)
	dst = appendJSONString(dst, r.Source)
	dst = append(dst, `,"index":`...)
	dst = strconv.AppendInt(dst, int64(r.Index), 10)
	dst = append(dst, `,"kind":`...)
	dst = appendJSONString(dst, r.Kind)
	dst = append(dst, `,"recipient":`...)
	dst = appendJSONString(dst, r.Recipient)
	dst = append(dst, `,"original_recipient":`...)
	dst = appendJSONString(dst, r.OriginalRecipient)
	dst = append(dst, `,"action":`...)
	dst = appendJSONString(dst, r.Action)
	dst = append(dst, `,"status":"`...)
	dst = appendCode(dst, r.Status)
	dst = append(dst, `","status_source":`...)
	dst = appendJSONString(dst, r.StatusSource)
	dst = append(dst, `,"class":`...)
	dst = appendJSONString(dst, r.ClassText())
	dst = append(dst, `,"reply_code":`...)
	dst = appendJSONString(dst, r.ReplyCode.String())
	dst = append(dst, `,"diagnostic":`...)
	dst = appendJSONString(dst, r.Diagnostic)
	dst = append(dst, `,"reason":`...)
	dst = appendJSONString(dst, r.Reason)
	dst = append(dst, `,"reporting_mta":`...)
	dst = appendJSONString(dst, r.ReportingMTA)
	dst = append(dst, `,"remote_mta":`...)
	dst = appendJSONString(dst, r.RemoteMTA)
	dst = append(dst, `,"smtp_command":`...)
	dst = appendJSONString(dst, r.SMTPCommand)
	dst = append(dst, `,"date":`...)
	dst = appendJSONString(dst, r.Date)
	dst = append(dst, `,"mta":`...)
	dst = appendJSONString(dst, r.MTA)
	dst = append(dst, `,"original":{"message_id":`...)
	dst = appendJSONString(dst, r.Original.MessageID)
	dst = append(dst, `,"from":`...)
	dst = appendJSONString(dst, r.Original.From)
	dst = append(dst, `,"to":`...)
	dst = appendJSONString(dst, r.Original.To)
	dst = append(dst, `,"subject":`...)
	dst = appendJSONString(dst, r.Original.Subject)
	dst = append(dst, `,"date":`...)
	dst = appendJSONString(dst, r.Original.Date)
	dst = append(dst, `},"ticket":`...)
	if t := r.Ticket; t == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, `{"id":`...)
		dst = appendJSONString(dst, t.ID)
		dst = append(dst, `,"encoded_id":`...)
		dst = appendJSONString(dst, t.EncodedID)
		dst = append(dst, `,"system":`...)
		dst = appendJSONString(dst, t.System)
		dst = append(dst, `,"source":`...)
		dst = appendJSONString(dst, t.Source)
		dst = append(dst, '}')
	}
	dst = append(dst, `,"group":`...)
	dst = appendJSONString(dst, r.Group)
	dst = append(dst, `,"error":`...)
	dst = appendJSONString(dst, r.Error)
	dst = append(dst, `,"blocklist":`...)
	dst = appendJSONString(dst, r.Blocklist)
	dst = append(dst, `,"auth":`...)
	dst = appendJSONString(dst, r.Auth)
	dst = append(dst, `,"feedback_type":`...)
	dst = appendJSONString(dst, r.FeedbackType)
	dst = append(dst, `,"why":{"kind":`...)
	dst = appendJSONString(dst, r.Why.Kind)
	dst = append(dst, `,"status":`...)
	dst = appendJSONString(dst, r.Why.Status)
	dst = append(dst, `,"reason":`...)
	dst = appendJSONString(dst, r.Why.Reason)
	dst = append(dst, `},"uid_validity":`...)
	dst = strconv.AppendUint(dst, uint64(r.UIDValidity), 10)
	dst = append(dst, `,"truncated":`...)
	dst = appendJSONString(dst, r.Truncated)
	dst = append(dst, `,"path":`...)
	dst = appendJSONString(dst, r.Path)
	dst = append(dst, `,"status_title":`...)
	dst = appendJSONString(dst, r.StatusTitle)
	dst = append(dst, `,"advice":`...)
	dst = appendJSONString(dst, r.Advice)
	return append(dst, '}')
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

// appendJSONString appends s as a JSON string, escaped exactly as
// encoding/json escapes it with HTML escaping off.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
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
