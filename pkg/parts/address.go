package parts

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/header"
)

// AddressList appends to dst the addresses (addr-specs) of h's field key,
// as h.AddressList(key) reads them, and reports false (dst as it was) when
// the field holds no address or does not parse as a list. A plain list is
// read where it stands (addrSpecs), without net/mail's allocations; any
// other is read by net/mail.
func AddressList(dst []string, h header.Header, key string) ([]string, bool) {
	if list, ok := addrSpecs(dst, h.Get(key)); ok {
		return list, true
	}
	list, err := h.AddressList(key)
	if err != nil || len(list) == 0 {
		return dst, false
	}
	for _, a := range list {
		dst = append(dst, a.Address)
	}
	return dst, true
}

// addrSpecs appends to dst the addr-specs of the address list v, as
// mail.Header.AddressList reads them (net/mail), when v is a plain list:
// ASCII addresses "local@domain" (dot-atoms), each bare or in angle
// brackets after a display name of plain words and quoted strings, with
// spaces and commas between them. For anything else (comments, groups,
// encoded words, dots in a name, quoted local parts, domain literals,
// non-ASCII, no address at all) it reports false and the caller asks
// net/mail. The addresses are slices of v: reading the returned original's
// From and To this way takes no allocation, where net/mail takes a dozen.
func addrSpecs(dst []string, v string) ([]string, bool) {
	start := len(dst)
	i := 0
	for {
		i = skipBlanks(v, i)
		for i < len(v) && v[i] == ',' { // empty entries (obs-addr-list)
			i = skipBlanks(v, i+1)
		}
		if i == len(v) {
			break
		}
		var spec string
		var ok bool
		if spec, i, ok = address(v, i); !ok {
			return dst[:start], false
		}
		dst = append(dst, spec)
		i = skipBlanks(v, i)
		if i < len(v) && v[i] != ',' {
			return dst[:start], false
		}
	}
	return dst, len(dst) > start
}

// address reads one address of a plain list at v[i:]: a bare addr-spec,
// or a display name (maybe none) and an addr-spec in angle brackets. It
// returns the addr-spec and where the address ends.
func address(v string, i int) (spec string, end int, ok bool) {
	// net/mail tries an addr-spec first.
	if spec, end, ok = addrSpec(v, i); ok {
		return spec, end, true
	}
	// The display name: words (atoms without dots or '=', which could
	// start an encoded word) and quoted strings without escapes.
	for {
		i = skipBlanks(v, i)
		if i == len(v) {
			return "", 0, false
		}
		switch c := v[i]; {
		case c == '<':
			if spec, end, ok = addrSpec(v, i+1); !ok || end == len(v) || v[end] != '>' {
				return "", 0, false
			}
			return spec, end + 1, true
		case c == '"':
			j := i + 1
			for j < len(v) && v[j] != '"' {
				if c := v[j]; c < 0x20 && c != '\t' || c >= 0x7f || c == '\\' {
					return "", 0, false
				}
				j++
			}
			if j == len(v) {
				return "", 0, false
			}
			i = j + 1
		case isAtext(c) && c != '=':
			for i < len(v) && isAtext(v[i]) && v[i] != '=' {
				i++
			}
		default:
			return "", 0, false
		}
	}
}

// addrSpec reads a dot-atom "@" dot-atom at v[i:], with nothing between
// them.
func addrSpec(v string, i int) (spec string, end int, ok bool) {
	at := dotAtom(v, i)
	if at < 0 || at == len(v) || v[at] != '@' {
		return "", 0, false
	}
	end = dotAtom(v, at+1)
	if end < 0 {
		return "", 0, false
	}
	return v[i:end], end, true
}

// dotAtom returns the end of the dot-atom at v[i:] (atext, single dots
// between runs of it), or -1 when there is none.
func dotAtom(v string, i int) int {
	start := i
	for ; i < len(v); i++ {
		c := v[i]
		if atext[c] {
			continue
		}
		if c != '.' {
			break
		}
		if i == start || v[i-1] == '.' {
			return -1
		}
	}
	if i == start || v[i-1] == '.' {
		return -1
	}
	return i
}

// isAtext reports whether c is an ASCII atext character (RFC 5322): a
// visible character but for the specials.
func isAtext(c byte) bool { return atext[c] }

// atext holds isAtext's answers, by byte.
var atext = func() (t [256]bool) {
	for c := '!'; c <= '~'; c++ {
		t[c] = !strings.ContainsRune(`()<>[]:;@\,".`, c)
	}
	return t
}()
