package parts

import (
	"strings"

	nethtml "golang.org/x/net/html"
)

// HTMLText turns an HTML document into plain text: tags go, block elements
// become line breaks, entities are decoded, script and style are dropped.
//
// It reads the document as golang.org/x/net/html's tokenizer does, in
// place (htmlTextFast); a document holding what that reading does not
// follow (a NUL byte, a script or plaintext element) goes through the
// tokenizer itself (htmlTextTokens). The two give the same text.
func HTMLText(s string) string {
	if t, ok := htmlTextFast(s); ok {
		return t
	}
	return htmlTextTokens(s)
}

// htmlTextTokens is HTMLText with the tokenizer.
func htmlTextTokens(s string) string {
	z := nethtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case nethtml.ErrorToken:
			return strings.TrimSpace(b.String())
		case nethtml.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case nethtml.StartTagToken, nethtml.SelfClosingTagToken:
			name, _ := z.TagName()
			skip = htmlStartTag(&b, string(name), skip)
		case nethtml.EndTagToken:
			name, _ := z.TagName()
			skip = htmlEndTag(&b, string(name), skip)
		}
	}
}

// htmlStartTag writes what a start tag named name (lower case) puts in
// HTMLText's text and returns the new depth of skipped elements.
func htmlStartTag(b *strings.Builder, name string, skip int) int {
	switch name {
	case "script", "style", "head", "title":
		skip++
	case "br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "table", "pre", "blockquote":
		b.WriteByte('\n')
	}
	return skip
}

// htmlEndTag is htmlStartTag of an end tag.
func htmlEndTag(b *strings.Builder, name string, skip int) int {
	switch name {
	case "script", "style", "head", "title":
		if skip > 0 {
			skip--
		}
	case "p", "div", "tr", "li", "table", "pre":
		b.WriteByte('\n')
	}
	return skip
}

// htmlTextFast is HTMLText reading s as the tokenizer reads it: text up to
// a "<" that starts a tag, comment or declaration; a tag's name, and its
// end past its attributes; the raw text of the elements the tokenizer
// reads raw. The end of s within a tag, comment or declaration ends the
// text, as the tokenizer's error does. It reports false for s holding a
// NUL byte or a script or plaintext element.
func htmlTextFast(s string) (string, bool) {
	if strings.IndexByte(s, 0) >= 0 {
		return "", false
	}
	var b strings.Builder
	skip, pos, text := 0, 0, 0 // text: where the current text token starts
	emit := func(t string, rcdata bool) {
		if skip == 0 && len(t) > 0 {
			b.WriteString(tokenText(t, rcdata))
		}
	}
	for {
		i := strings.IndexByte(s[pos:], '<')
		if i < 0 || pos+i+1 >= len(s) {
			emit(s[text:], true) // a "<" at the end is text
			break
		}
		lt := pos + i
		c := s[lt+1]
		if !isASCIILetter(c) && c != '/' && c != '!' && c != '?' {
			pos = lt + 1 // text
			continue
		}
		emit(s[text:lt], true)
		text = lt
		end := -1 // past the token; -1: the end of s, within it
		switch {
		case isASCIILetter(c): // a start tag
			n, tagEnd := htmlTag(s, lt+1)
			if tagEnd < 0 {
				return strings.TrimSpace(b.String()), true
			}
			tag := lowerASCII(s[lt+1 : lt+1+n])
			if tag == "script" || tag == "plaintext" {
				return "", false
			}
			skip = htmlStartTag(&b, tag, skip)
			end = tagEnd
			if rawElement(tag) {
				rawEnd := rawTextEnd(s, end, tag)
				emit(s[end:rawEnd], tag == "textarea" || tag == "title")
				end = rawEnd
			}
		case c == '/' && lt+2 >= len(s):
			emit(s[lt:], true) // "</" at the end is text
			return strings.TrimSpace(b.String()), true
		case c == '/' && s[lt+2] == '>':
			end = lt + 3 // "</>": no token
		case c == '/' && isASCIILetter(s[lt+2]): // an end tag
			n, tagEnd := htmlTag(s, lt+2)
			if tagEnd >= 0 {
				skip = htmlEndTag(&b, lowerASCII(s[lt+2:lt+2+n]), skip)
			}
			end = tagEnd
		case c == '!' && lt+3 < len(s) && s[lt+2] == '-' && s[lt+3] == '-':
			end = commentEnd(s, lt+4)
		case c == '!' && lt+3 >= len(s):
			// "<!" and fewer than two bytes: a comment to the end.
		default: // "</" and another byte, "<!" and not "--", "<?"
			if j := strings.IndexByte(s[lt+2:], '>'); j >= 0 {
				end = lt + 2 + j + 1
			}
		}
		if end < 0 {
			break
		}
		pos, text = end, end
	}
	return strings.TrimSpace(b.String()), true
}

// tokenText is the tokenizer's text of a text token t: line ends made
// "\n", and entities decoded unless the element's text is raw (not
// rcdata).
func tokenText(t string, rcdata bool) string {
	if strings.IndexByte(t, '\r') >= 0 {
		t = strings.ReplaceAll(strings.ReplaceAll(t, "\r\n", "\n"), "\r", "\n")
	}
	if rcdata && strings.IndexByte(t, '&') >= 0 {
		t = nethtml.UnescapeString(t)
	}
	return t
}

// htmlTag reads the tag whose name starts at s[i]: it returns the name's
// length and where the tag ends, past its ">", or -1 when s ends within
// it. Attributes are passed over as the tokenizer reads them (readTag).
func htmlTag(s string, i int) (int, int) {
	start := i
	for i < len(s) && htmlBytes[s[i]]&htmlNameEnd == 0 {
		i++
	}
	n := i - start
	if i < len(s) && isHTMLSpace(s[i]) {
		i++
	}
	i = skipHTMLSpace(s, i)
	for i < len(s) {
		if s[i] == '>' {
			return n, i + 1
		}
		// The attribute's name: an "=" first is part of it.
		k := i
		for i < len(s) {
			c := s[i]
			if htmlBytes[c]&htmlNameEnd != 0 || c == '=' && i > k {
				break
			}
			i++
		}
		// Its value.
		if i = skipHTMLSpace(s, i); i >= len(s) {
			return n, -1
		}
		switch s[i] {
		case '/':
			i++
		case '=':
			if i = skipHTMLSpace(s, i+1); i >= len(s) {
				return n, -1
			}
			switch q := s[i]; q {
			case '>':
			case '\'', '"':
				j := strings.IndexByte(s[i+1:], q)
				if j < 0 {
					return n, -1
				}
				i += 1 + j + 1
			default:
				for i < len(s) && !isHTMLSpace(s[i]) && s[i] != '>' {
					i++
				}
				if i < len(s) && s[i] != '>' {
					i++ // the blank that ends it
				}
			}
		}
		i = skipHTMLSpace(s, i)
	}
	return n, -1
}

// commentEnd returns where the comment whose text starts at s[i] (after
// "<!--") ends, past its ">", or -1 when it runs to the end of s, as the
// tokenizer's readComment reads it.
func commentEnd(s string, i int) int {
	dashes, beginning := 0, true
	for ; i < len(s); i++ {
		switch s[i] {
		case '-':
			dashes++
			continue
		case '>':
			if dashes >= 2 || beginning {
				return i + 1
			}
		case '!':
			if dashes >= 2 {
				if i+1 >= len(s) {
					return -1
				}
				i++
				if s[i] == '>' {
					return i + 1
				}
				if s[i] == '-' {
					dashes, beginning = 1, false
					continue
				}
			}
		}
		dashes, beginning = 0, false
	}
	return -1
}

// rawElement reports whether the tokenizer reads the text of an element
// named tag raw, up to its end tag (script and plaintext aside).
func rawElement(tag string) bool {
	switch tag {
	case "iframe", "noembed", "noframes", "noscript", "style", "textarea", "title", "xmp":
		return true
	}
	return false
}

// rawTextEnd returns where the raw text of the element tag that starts at
// s[i] ends: at "</" and its name in any case followed by a blank, "/" or
// ">", else at the end of s.
func rawTextEnd(s string, i int, tag string) int {
	for {
		j := strings.Index(s[i:], "</")
		if j < 0 {
			return len(s)
		}
		k := i + j + 2
		if k+len(tag) < len(s) && strings.EqualFold(s[k:k+len(tag)], tag) {
			if c := s[k+len(tag)]; isHTMLSpace(c) || c == '/' || c == '>' {
				return i + j
			}
		}
		i = k
	}
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// isHTMLSpace reports whether c is a blank to the tokenizer.
func isHTMLSpace(c byte) bool { return htmlBytes[c]&htmlSpace != 0 }

// htmlBytes classes the bytes a tag is read by: blanks (isHTMLSpace), and
// those that end a tag's or an attribute's name (blanks, "/" and ">").
var htmlBytes = func() (t [256]uint8) {
	for _, c := range []byte(" \n\r\t\f") {
		t[c] = htmlSpace | htmlNameEnd
	}
	t['/'], t['>'] = htmlNameEnd, htmlNameEnd
	return t
}()

// The classes of htmlBytes.
const (
	htmlSpace   = 1 << iota // a blank
	htmlNameEnd             // a blank, "/" or ">"
)

func skipHTMLSpace(s string, i int) int {
	for i < len(s) && isHTMLSpace(s[i]) {
		i++
	}
	return i
}
