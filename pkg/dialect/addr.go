package dialect

import "strings"

// addrAt is an address found in a line, with its byte offsets.
type addrAt struct {
	addr       string
	start, end int // offsets of the address in the line, <> and quotes excluded
}

// FindAddresses returns the email addresses in a line of text, in order,
// without the <> or quotes around them.
func FindAddresses(line string) []string {
	var out []string
	for _, a := range findAddrs(line) {
		out = append(out, a.addr)
	}
	return out
}

// findAddrs returns the addresses in line with their offsets.
func findAddrs(line string) []addrAt {
	var out []addrAt
	for i := 0; i < len(line); i++ {
		if line[i] != '@' {
			continue
		}
		start := i
		quoted := false
		if start > 0 && line[start-1] == '"' {
			// "odd local part"@example.com
			if q := strings.LastIndexByte(line[:start-1], '"'); q >= 0 && !strings.ContainsAny(line[q+1:start-1], " \t<>") {
				start, quoted = q, true
			}
		}
		if !quoted {
			for start > 0 && isLocalChar(line[start-1]) {
				start--
			}
		}
		end := i + 1
		for end < len(line) && isDomainChar(line[end]) {
			end++
		}
		local := line[start:i]
		if !quoted {
			local = strings.TrimLeft(local, ".")
			if len(local) > 5 && strings.EqualFold(local[:5], "smtp=") {
				local = local[5:] // Exchange's X.400 "dda:SMTP=ann@example.com"
			}
			start = i - len(local)
		}
		domain := strings.TrimRight(line[i+1:end], ".-")
		end = i + 1 + len(domain)
		if local == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") ||
			start > 0 && line[start-1] == '/' {
			i = max(end-1, i)
			continue
		}
		out = append(out, addrAt{addr: local + "@" + domain, start: start, end: end})
		i = end - 1
	}
	return out
}

func isLocalChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("!#$%&*+-=?^_~.", c) >= 0 || c >= 0x80
}

func isDomainChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c >= 0x80
}

// cleanAddress trims what servers put around an address taken from a header
// or a line: quotes, angle brackets, a trailing dot or colon.
func cleanAddress(s string) string {
	s = strings.TrimSpace(s)
	s = strings.Trim(s, "<>\"'()[],;:.")
	return s
}

// plainAddress reads a field value that is one address in its plainest
// forms, "ann@example.com" or "Ann Smith <ann@example.com>" (ASCII, a
// display name of plain words or quoted strings, dot-atoms on both sides of the @), and
// returns the address: what mail.ParseAddressList returns for it, without
// its allocations. ok is false for any other value, which the parser reads.
func plainAddress(v string) (addr string, ok bool) {
	v = strings.Trim(v, " \t")
	if lt := strings.IndexByte(v, '<'); lt >= 0 {
		if !strings.HasSuffix(v, ">") || !plainPhrase(v[:lt]) {
			return "", false
		}
		v = v[lt+1 : len(v)-1]
	}
	at := strings.IndexByte(v, '@')
	if at < 0 || !dotAtom(v[:at]) || !dotAtom(v[at+1:]) {
		return "", false
	}
	return v, true
}

// plainPhrase reports whether s is empty or words each followed by spaces,
// the display name before an angle-addr that the parser reads as it is: a
// word is ASCII letters, digits, '-' and '_', or a quoted string of
// printable ASCII without backslashes.
func plainPhrase(s string) bool {
	for i := 0; i < len(s); {
		if s[i] == '"' {
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return false
			}
			for _, c := range []byte(s[i+1 : i+1+end]) {
				if c < ' ' && c != '\t' || c > '~' || c == '\\' {
					return false
				}
			}
			i += end + 2
		} else {
			j := i
			for j < len(s) {
				c := s[j]
				if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
					break
				}
				j++
			}
			if j == i {
				return false
			}
			i = j
		}
		if i >= len(s) || s[i] != ' ' {
			return false
		}
		for i < len(s) && s[i] == ' ' {
			i++
		}
	}
	return true
}

// dotAtom reports whether s is an RFC 5322 dot-atom in ASCII: atext
// characters, single dots between them.
func dotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '!' || c > '~' || strings.IndexByte("()<>[]:;@\\,\"", c) >= 0 {
			return false
		}
	}
	return true
}
