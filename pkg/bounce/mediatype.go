package bounce

import (
	"strings"

	"github.com/emersion/go-message/mail"
)

// contentType returns the media type of h's Content-Type and its charset
// parameter, as h.ContentType() gives them ("text/plain" when the field
// is missing, the raw value when it does not parse). A plain field
// ("Text/Plain; charset=utf-8; format=flowed") is read here without the
// map and the copies of mime.ParseMediaType; anything else (RFC 2231
// parameters, escapes, encoded words, a repeated parameter, non-ASCII) is
// left to it.
func contentType(h mail.Header) (typ, charset string) {
	v := h.Get("Content-Type")
	if v == "" {
		return "text/plain", ""
	}
	if typ, charset, ok := plainContentType(v); ok {
		return typ, charset
	}
	typ, params, _ := h.ContentType()
	return typ, params["charset"]
}

// plainContentType reads v, a media type and parameters made of tokens
// and quoted strings without escapes or '=', with spaces and tabs around
// them and at most one trailing ';'.
func plainContentType(v string) (typ, charset string, ok bool) {
	base, rest, _ := strings.Cut(v, ";")
	i := skipWS(base, 0)
	t := tokenEnd(base, i)
	if t == i {
		return "", "", false
	}
	if t < len(base) && base[t] == '/' {
		if s := tokenEnd(base, t+1); s > t+1 {
			t = s
		} else {
			return "", "", false
		}
	}
	if skipWS(base, t) != len(base) {
		return "", "", false
	}
	typ = base[i:t]
	var seen [4]string // the parameter names so far, lowercased names compared
	n := 0
	for rest != "" {
		i := skipWS(rest, 0)
		if i == len(rest) {
			break // a trailing ';'
		}
		k := tokenEnd(rest, i)
		name := rest[i:k]
		if k == i || strings.IndexByte(name, '*') >= 0 {
			return "", "", false
		}
		j := skipWS(rest, k)
		if j == len(rest) || rest[j] != '=' {
			return "", "", false
		}
		j = skipWS(rest, j+1)
		var value string
		if j < len(rest) && rest[j] == '"' {
			e := j + 1
			for e < len(rest) && rest[e] != '"' {
				if c := rest[e]; c < ' ' || c > '~' || c == '\\' || c == '=' {
					return "", "", false
				}
				e++
			}
			if e == len(rest) {
				return "", "", false
			}
			value, j = rest[j+1:e], e+1
		} else {
			e := tokenEnd(rest, j)
			if e == j {
				return "", "", false
			}
			value, j = rest[j:e], e
		}
		j = skipWS(rest, j)
		switch {
		case j == len(rest):
			rest = ""
		case rest[j] == ';':
			rest = rest[j+1:]
		default:
			return "", "", false
		}
		for _, s := range seen[:n] {
			if strings.EqualFold(s, name) {
				return "", "", false // a repeat: mime.ParseMediaType has its rules
			}
		}
		if n == len(seen) {
			return "", "", false
		}
		seen[n] = name
		n++
		if strings.EqualFold(name, "charset") {
			charset = value
		}
	}
	return lowerASCII(typ), charset, true
}

// tokenEnd returns the end of the MIME token (RFC 2045) at s[i:].
func tokenEnd(s string, i int) int {
	for i < len(s) && isTokenChar(s[i]) {
		i++
	}
	return i
}

func isTokenChar(c byte) bool {
	return c > ' ' && c < 0x7f && !strings.ContainsRune(`()<>@,;:\"/[]?=`, rune(c))
}

// lowerASCII returns s, ASCII, in lower case, without a copy when it is.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
