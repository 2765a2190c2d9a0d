package parts

import (
	"mime"
	"strings"
)

// mediaType is a Content-Type value as go-message's Header.ContentType
// reads it (mime.ParseMediaType, encoded words in the parameters decoded),
// reduced to what the walk reads of it: the type and two parameters.
type mediaType struct {
	typ        string // lower case; "text/plain" for no value, the value itself when it does not parse
	charset    string
	boundary   string
	hasCharset bool // a charset parameter is present (maybe empty)
}

// contentType reads a Content-Type value.
//
// Most values are simple ("text/plain; charset=us-ascii", a boundary in
// quotes): simpleMediaType reads those where they stand, without the map
// and the copies mime.ParseMediaType makes (a tenth of the walk's bytes).
// Anything else (comments, escapes, RFC 2231 continuations, repeated
// names, odd white space) goes to mime.ParseMediaType, so that every value
// gives what it gives (FuzzContentType).
func contentType(v string) mediaType {
	if v == "" {
		return mediaType{typ: "text/plain"}
	}
	mt, ok := simpleMediaType(v)
	if !ok {
		t, params, err := mime.ParseMediaType(v)
		if err != nil {
			return mediaType{typ: v}
		}
		mt = mediaType{typ: t, boundary: params["boundary"]}
		mt.charset, mt.hasCharset = params["charset"]
	}
	mt.charset, mt.boundary = decodeParam(mt.charset), decodeParam(mt.boundary)
	return mt
}

// MediaType returns the media type (lower case) and the charset parameter
// of a Content-Type value, as go-message's Header.ContentType gives them:
// "text/plain" for an empty value, the value itself when it does not
// parse. The simple forms most values have are read without
// mime.ParseMediaType's map and copies.
func MediaType(v string) (typ, charset string) {
	mt := contentType(v)
	return mt.typ, mt.charset
}

// decodeParam decodes the encoded words of a parameter value as go-message
// does, keeping the value when that fails.
func decodeParam(v string) string {
	if !strings.Contains(v, "=?") {
		return v
	}
	if d, err := paramDecoder.DecodeHeader(v); err == nil {
		return d
	}
	return v
}

// simpleMediaType reads v when it has the simple form
//
//	type[/subtype] *(";" name "=" (token | quoted-string)) [";"]
//
// with blanks (space, tab) around the separators only, no backslash or line
// end in a quoted string, no "*" in a name, and no name twice. It reports
// false for anything else, which mime.ParseMediaType then reads.
func simpleMediaType(v string) (mediaType, bool) {
	var mt mediaType
	i := skipBlanks(v, 0)
	j, upper := skipTokenUpper(v, i)
	if j == i {
		return mt, false
	}
	if j < len(v) && v[j] == '/' {
		k, up := skipTokenUpper(v, j+1)
		if k == j+1 {
			return mt, false
		}
		j, upper = k, upper || up
	}
	mt.typ = v[i:j]
	if upper {
		mt.typ = lowerASCII(mt.typ)
	}
	var names [8]string // the parameter names so far, for repeats
	n := 0
	for i = skipBlanks(v, j); i < len(v); i = skipBlanks(v, i) {
		if v[i] != ';' {
			return mt, false
		}
		i = skipBlanks(v, i+1)
		if i == len(v) {
			break // a trailing ";"
		}
		j = skipToken(v, i)
		if j == i || n == len(names) {
			return mt, false
		}
		name := v[i:j]
		if strings.IndexByte(name, '*') >= 0 {
			return mt, false
		}
		for _, seen := range names[:n] {
			if strings.EqualFold(seen, name) {
				return mt, false
			}
		}
		names[n] = name
		n++
		i = skipBlanks(v, j)
		if i == len(v) || v[i] != '=' {
			return mt, false
		}
		i = skipBlanks(v, i+1)
		var value string
		if i < len(v) && v[i] == '"' {
			end := strings.IndexAny(v[i+1:], "\"\\\r\n")
			if end < 0 || v[i+1+end] != '"' {
				return mt, false
			}
			value, i = v[i+1:i+1+end], i+end+2
		} else {
			j = skipToken(v, i)
			if j == i {
				return mt, false
			}
			value, i = v[i:j], j
		}
		switch {
		case strings.EqualFold(name, "charset"):
			mt.charset, mt.hasCharset = value, true
		case strings.EqualFold(name, "boundary"):
			mt.boundary = value
		}
	}
	return mt, true
}

func skipBlanks(v string, i int) int {
	for i < len(v) && (v[i] == ' ' || v[i] == '\t') {
		i++
	}
	return i
}

// skipToken returns the end of the token (RFC 2045) that starts at i.
func skipToken(v string, i int) int {
	for i < len(v) && isTokenByte(v[i]) {
		i++
	}
	return i
}

// skipTokenUpper is skipToken that also reports whether the token holds
// an upper-case letter.
func skipTokenUpper(v string, i int) (int, bool) {
	var class uint8
	for i < len(v) && tokenBytes[v[i]] != 0 {
		class |= tokenBytes[v[i]]
		i++
	}
	return i, class&tokenUpper != 0
}

func isTokenByte(c byte) bool { return tokenBytes[c] != 0 }

// tokenBytes classes the token characters (printable ASCII but the
// tspecials): tokenByte, and tokenUpper as well for upper-case letters;
// zero for the rest.
var tokenBytes = func() (t [256]uint8) {
	for c := 0x21; c < 0x7f; c++ {
		if strings.IndexByte(`()<>@,;:\"/[]?=`, byte(c)) < 0 {
			t[c] = tokenByte
		}
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] |= tokenUpper
	}
	return t
}()

// The classes of tokenBytes.
const (
	tokenByte  = 1 << iota // a token character
	tokenUpper             // an upper-case letter
)
