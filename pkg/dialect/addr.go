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
func findAddrs(line string) []addrAt { return appendAddrs(nil, line) }

// appendAddrs appends the addresses in line, with their offsets, to out.
func appendAddrs(out []addrAt, line string) []addrAt {
	for i := 0; i < len(line); i++ {
		at := strings.IndexByte(line[i:], '@')
		if at < 0 {
			break
		}
		i += at
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
		// local, "@" and domain stand next to each other in line.
		out = append(out, addrAt{addr: line[start:end], start: start, end: end})
		i = end - 1
	}
	return out
}

func isLocalChar(c byte) bool { return localChars[c] }

// localChars marks the bytes isLocalChar takes: letters, digits, the
// punctuation "!#$%&*+-=?^_~." and every byte of a character that is not
// ASCII.
var localChars = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$%&*+-=?^_~.", byte(c)) >= 0 || c >= 0x80
	}
	return t
}()

func isDomainChar(c byte) bool { return domainChars[c] }

// domainChars marks the bytes isDomainChar takes: letters, digits, '.',
// '-' and every byte of a character that is not ASCII.
var domainChars = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c >= 0x80
	}
	return t
}()

// cleanAddress trims what servers put around an address taken from a header
// or a line: quotes, angle brackets, a trailing dot or colon.
func cleanAddress(s string) string {
	s = strings.TrimSpace(s)
	s = strings.Trim(s, "<>\"'()[],;:.")
	return s
}
