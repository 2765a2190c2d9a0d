package loop

import (
	"strings"
	"unicode"

	"github.com/bounce-tool/bounce/pkg/sign"
)

// replyPrefixes are the reply and forward markers, lowercased, that
// NormalizeSubject strips when a colon follows them.
var replyPrefixes = [...]string{
	"re", "aw", "antw", "antwort", "fw", "fwd", "wg", "tr", "sv", "vs", "vb",
	"rv", "rif", "r", "res", "enc", "odp", "pd", "ynt", "atb", "vá", "fs",
	"отв", "ответ", "回复", "回覆", "答复", "转发", "轉寄", "返信", "転送",
	// Delivery failure notices quote the subject they bounce.
	"undeliverable", "unzustellbar", "non remis", "non recapitabile",
}

// NormalizeSubject folds a decoded subject for thread matching: it strips
// leading reply, forward and auto-reply markers followed by a colon (Re:,
// AW:, Fwd:, WG:, TR:, SV:, Auto:, Automatic reply:, Out of office:,
// Undeliverable: and their relatives, also as Re[2]: or with a full-width
// colon), keeps bracketed tags such as "[#123]" but moves them to the front,
// lowercases, and collapses white space. "Automatic reply: RE: [#123]  Printer"
// becomes "[#123] printer". NormalizeSubject is idempotent.
func NormalizeSubject(s string) string {
	s = foldSpace(strings.ToLower(s))
	var tags []string
	for {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			break
		}
		if s[0] == '[' {
			if j := strings.IndexByte(s, ']'); j > 0 {
				if t := foldSpace(s[:j+1]); t != "[]" {
					tags = append(tags, t)
				}
				s = s[j+1:]
				continue
			}
			break
		}
		if rest, ok := cutMarker(s); ok {
			s = rest
			continue
		}
		break
	}
	tags = append(tags, s)
	return foldSpace(strings.Join(tags, " "))
}

// cutMarker removes one leading marker followed by a colon.
func cutMarker(s string) (string, bool) {
	for _, p := range replyPrefixes {
		if rest, ok := cutColon(s, p, true); ok {
			return rest, true
		}
	}
	for _, p := range sign.AutoReplyPhrases() {
		if rest, ok := cutColon(s, p, false); ok {
			return rest, true
		}
	}
	return s, false
}

// cutColon removes prefix p plus a colon from s. Spaces may precede the
// colon (French style); with counter, a counter such as [2], (2) or ^2 may
// too, as in "Re[2]:".
func cutColon(s, p string, counter bool) (string, bool) {
	rest, ok := strings.CutPrefix(s, p)
	if !ok {
		return s, false
	}
	if counter {
		rest = cutCounter(rest)
	}
	rest = strings.TrimLeft(rest, " ")
	if r, ok := strings.CutPrefix(rest, ":"); ok {
		return r, true
	}
	if r, ok := strings.CutPrefix(rest, "："); ok {
		return r, true
	}
	return s, false
}

// cutCounter removes a reply counter: [2], (2) or ^2.
func cutCounter(s string) string {
	if s == "" {
		return s
	}
	var end byte
	switch s[0] {
	case '[':
		end = ']'
	case '(':
		end = ')'
	case '^':
		i := 1
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i > 1 {
			return s[i:]
		}
		return s
	default:
		return s
	}
	i := 1
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 1 && i < len(s) && s[i] == end {
		return s[i+1:]
	}
	return s
}

// foldSpace collapses runs of white space into one space and trims both ends.
func foldSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// isGenericSubject reports whether a normalised subject is too generic to
// join messages into one thread: empty, a bare auto-reply phrase ("out of
// office") or a stock delivery-failure subject.
func isGenericSubject(norm string) bool {
	if norm == "" {
		return true
	}
	for _, p := range sign.AutoReplyPhrases() {
		if norm == p {
			return true
		}
	}
	return sign.StockReportSubject(norm)
}
