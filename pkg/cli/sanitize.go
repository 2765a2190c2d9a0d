package cli

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// safe neutralises text for a terminal. Control characters (C0, DEL, C1,
// which start ANSI and OSC escape sequences) become U+FFFD, invalid UTF-8 is
// replaced, and the characters that reorder or hide text without being
// seen (see invisible) are shown as visible escapes such as <U+202E>.
// Bounces are written by strangers; their text must never drive the
// terminal nor look like something it is not. JSON output keeps the exact
// text: only text, card and table output and warnings go through safe.
func safe(s string) string {
	clean := utf8.ValidString(s)
	if clean {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
				clean = false
				break
			}
		}
	}
	if clean {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			b.WriteRune('\uFFFD')
		case invisible(r):
			fmt.Fprintf(&b, "<U+%04X>", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// invisible reports the characters that change how the text around them
// reads while showing nothing themselves: bidirectional controls
// (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), zero-width
// characters (U+200B-U+200D, U+2060, U+FEFF), tag characters
// (U+E0000-U+E007F) and the line and paragraph separators U+2028, U+2029.
func invisible(r rune) bool {
	switch {
	case r == 0x061c, r >= 0x200b && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069,
		r == 0x2060, r == 0xfeff, r == 0x2028, r == 0x2029, r >= 0xe0000 && r <= 0xe007f:
		return true
	}
	return false
}

// csvSafe neutralises a spreadsheet formula: a cell that begins with =, +,
// -, @, a tab or a carriage return gets a leading apostrophe (OWASP's advice
// for CSV injection). Control characters are neutralised as in safe.
func csvSafe(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + safe(s)
	}
	return safe(s)
}

// safeMessage neutralises an error message for the terminal as safe does,
// but keeps its line structure: cobra's "Did you mean this?" suggestions
// come on lines of their own, indented by a tab. Internal package prefixes
// ("source: ", "status: ") are dropped: they mean nothing to a user.
func safeMessage(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		indent := ""
		for strings.HasPrefix(l, "\t") {
			indent += "  "
			l = l[1:]
		}
		lines[i] = indent + safe(plainError(l))
	}
	return strings.Join(lines, "\n")
}

// internalPrefixes are the package names that start the errors of this
// project's library packages.
var internalPrefixes = []string{"source: ", "status: ", "parts: ", "bounce: ", "verify: ", "loop: ", "report: ", "ticket: "}

// libraryChains are the error chains of go-message's header reader, in
// the words a user can act on.
var libraryChains = strings.NewReplacer(
	"malformed message: header: message: malformed MIME header line: ", "a line that is not a header field: ",
	"malformed message: header: message: malformed MIME header key: ", "a header field with a bad name: ",
	"malformed message: header: ", "bad header: ",
)

// plainError drops an internal package's prefix from an error message and
// says go-message's header errors in plain words, without the line ends
// of the line it quotes.
func plainError(s string) string {
	for _, p := range internalPrefixes {
		s = strings.TrimPrefix(s, p)
	}
	return strings.TrimRight(libraryChains.Replace(s), "\r\n")
}
