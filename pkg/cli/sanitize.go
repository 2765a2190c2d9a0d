package cli

import (
	"strings"
	"unicode/utf8"
)

// safe neutralises text for a terminal: control characters (C0, DEL, C1,
// which start ANSI and OSC escape sequences) and the Unicode bidirectional
// overrides become U+FFFD, and invalid UTF-8 is replaced. Bounces are written
// by strangers; their text must never drive the terminal.
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
	return strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return '\uFFFD'
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
			return '\uFFFD'
		}
		return r
	}, s)
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

// plainError drops an internal package's prefix from an error message.
func plainError(s string) string {
	for _, p := range internalPrefixes {
		s = strings.TrimPrefix(s, p)
	}
	return s
}
