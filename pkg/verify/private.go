package verify

import (
	"fmt"
	"net/netip"
	"strings"
)

// addressClass names the class of a non-public address that the SMTP probe
// refuses by default ("loopback", "private (RFC 1918)", ...), or returns ""
// for an address on the public internet. The check runs on the resolved
// address, so a public name that points at 127.0.0.1 is refused too: the
// probe must not become a way to reach the network it runs in (internal
// mail relays, cloud metadata at 169.254.169.254).
func addressClass(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid():
		return "invalid"
	case ip.IsUnspecified(), ip.Is4() && ip.As4()[0] == 0:
		return "unspecified (0.0.0.0/8, ::)"
	case ip.IsLoopback():
		return "loopback"
	case ip.IsLinkLocalUnicast():
		return "link-local (169.254.0.0/16, fe80::/10)"
	case ip.IsMulticast(), ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "multicast or broadcast"
	case ip.Is4() && ip.IsPrivate():
		return "private (RFC 1918)"
	case ip.IsPrivate():
		return "unique-local (fc00::/7)"
	case ip.Is4() && ip.As4()[0] == 100 && ip.As4()[1]&0xc0 == 64:
		return "shared (carrier-grade NAT, 100.64.0.0/10)"
	}
	return ""
}

// refusedError is the probe outcome when every address of the mail hosts
// is one that the probe does not connect to (see addressClass).
type refusedError struct {
	host  string
	ip    netip.Addr
	class string
}

func (e *refusedError) Error() string {
	return fmt.Sprintf("not probed: %s (%s) is a %s address; the SMTP probe connects to public addresses only (--allow-private lifts this)",
		e.host, e.ip, e.class)
}

// rateLimited reports a reply that asks the client to slow down: 421
// (service not available, closing) or an enhanced status 4.7.x (RFC 3463
// security or policy, where servers put their rate limits).
func (r *SMTPReply) rateLimited() bool {
	return r.ReplyCode == 421 || r.ReplyCode/100 == 4 && strings.HasPrefix(r.Status, "4.7.")
}
