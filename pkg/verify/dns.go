package verify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/bounce-tool/bounce/pkg/reason"
	"github.com/bounce-tool/bounce/pkg/status"

	"github.com/miekg/dns"
)

// resolvConf is where the system's DNS servers are read from when
// Options.DNSServer is empty.
const resolvConf = "/etc/resolv.conf"

// maxMXHosts caps the MX hosts of one domain that are resolved and tried.
const maxMXHosts = 10

// ednsSize is the UDP payload size advertised with EDNS(0), the value DNS
// Flag Day 2020 settled on to avoid fragmentation.
const ednsSize = 1232

// resolver sends DNS queries to recursive servers and exposes their RCODEs,
// which the net package's resolver hides.
type resolver struct {
	servers []string // host:port, tried in order
	timeout time.Duration
}

// newResolver returns a resolver that asks server ("host:port"), or the
// servers of /etc/resolv.conf when server is empty.
func newResolver(server string, timeout time.Duration) (*resolver, error) {
	r := &resolver{timeout: timeout}
	if server != "" {
		if _, _, err := net.SplitHostPort(server); err != nil {
			return nil, fmt.Errorf("verify: DNS server %q: want host:port: %w", server, err)
		}
		r.servers = []string{server}
		return r, nil
	}
	conf, err := dns.ClientConfigFromFile(resolvConf)
	if err != nil {
		return nil, fmt.Errorf("verify: reading DNS servers: %w", err)
	}
	for _, s := range conf.Servers {
		r.servers = append(r.servers, net.JoinHostPort(s, conf.Port))
	}
	if len(r.servers) == 0 {
		return nil, fmt.Errorf("verify: no DNS server in %s", resolvConf)
	}
	return r, nil
}

// dnsError is a lookup that gave no usable answer: a network error or
// timeout, or an RCODE other than NOERROR and NXDOMAIN (SERVFAIL, REFUSED,
// ...). Such failures may pass, so they are temporary.
type dnsError struct {
	name  string
	qtype uint16
	rcode int   // when err is nil
	err   error // network error or timeout
}

func (e *dnsError) Error() string {
	q := dns.TypeToString[e.qtype] + " " + e.name
	if e.err != nil {
		var ne net.Error
		if errors.As(e.err, &ne) && ne.Timeout() {
			return q + ": timeout"
		}
		return q + ": " + e.err.Error()
	}
	return q + ": " + dns.RcodeToString[e.rcode]
}

func (e *dnsError) Unwrap() error { return e.err }

// query asks the servers in turn for name and qtype until one answers with
// NOERROR or NXDOMAIN. Other answers and network errors move on to the next
// server; when all fail, the last failure is returned as a *dnsError.
func (r *resolver) query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.RecursionDesired = true
	m.SetEdns0(ednsSize, false)
	var last error
	for _, server := range r.servers {
		in, err := r.exchange(ctx, m, server)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		if err != nil {
			last = &dnsError{name: name, qtype: qtype, err: err}
			continue
		}
		if in.Rcode == dns.RcodeSuccess || in.Rcode == dns.RcodeNameError {
			return in, nil
		}
		last = &dnsError{name: name, qtype: qtype, rcode: in.Rcode}
	}
	return nil, last
}

// exchange sends m to one server over UDP, and again over TCP when the
// answer is truncated.
func (r *resolver) exchange(ctx context.Context, m *dns.Msg, server string) (*dns.Msg, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	c := &dns.Client{Net: "udp", Timeout: r.timeout}
	in, _, err := c.ExchangeContext(ctx, m, server)
	if err == nil && in.Truncated {
		c.Net = "tcp"
		in, _, err = c.ExchangeContext(ctx, m, server)
	}
	return in, err
}

// mxHost is a host that receives mail for a domain, with its addresses.
type mxHost struct {
	name  string
	addrs []netip.Addr
}

// mailHosts finds the hosts that receive mail for a's domain: its MX hosts in
// preference order, or the domain itself (implicit MX, RFC 5321 section 5.1),
// or the address literal. A non-nil outcome ends the check: the domain
// takes no mail, or DNS failed.
func (r *resolver) mailHosts(ctx context.Context, a Address) ([]mxHost, *outcome) {
	if a.IP.IsValid() {
		return []mxHost{{name: a.ASCIIDomain, addrs: []netip.Addr{a.IP}}}, nil
	}
	domain := a.ASCIIDomain
	in, err := r.query(ctx, domain, dns.TypeMX)
	if err != nil {
		return nil, dnsFailure(err)
	}
	if in.Rcode == dns.RcodeNameError {
		return nil, &outcome{verdict: Undeliverable, reason: reason.HostUnknown, class: status.ClassPermanent,
			msg: "domain does not exist (NXDOMAIN)"}
	}
	var mxs []*dns.MX
	for _, rr := range in.Answer {
		if mx, ok := rr.(*dns.MX); ok {
			mxs = append(mxs, mx)
		}
	}
	if len(mxs) == 1 && mxs[0].Mx == "." && mxs[0].Preference == 0 {
		return nil, &outcome{verdict: Undeliverable, reason: reason.NotAccept, class: status.ClassPermanent,
			msg: "null MX (RFC 7505): the domain accepts no mail"}
	}
	if len(mxs) == 0 {
		return r.implicitMX(ctx, domain)
	}
	// Judgement: RFC 5321 section 5.1 asks to shuffle hosts of equal
	// preference; sorting them by name keeps results repeatable.
	slices.SortStableFunc(mxs, func(x, y *dns.MX) int {
		return cmp.Or(cmp.Compare(x.Preference, y.Preference), strings.Compare(x.Mx, y.Mx))
	})
	var hosts []mxHost
	for _, mx := range mxs {
		name := strings.TrimSuffix(strings.ToLower(mx.Mx), ".")
		// RFC 7505 section 3: a "." target among other MX records is
		// ignored.
		if name == "" || slices.ContainsFunc(hosts, func(h mxHost) bool { return h.name == name }) {
			continue
		}
		hosts = append(hosts, mxHost{name: name})
	}
	if len(hosts) > maxMXHosts {
		hosts = hosts[:maxMXHosts]
	}
	var lookupErr error
	found := false
	for i := range hosts {
		addrs, _, err := r.addrs(ctx, hosts[i].name)
		if err != nil {
			lookupErr = err
			continue
		}
		hosts[i].addrs = addrs
		found = found || len(addrs) > 0
	}
	switch {
	case found:
		return hosts, nil
	case lookupErr != nil:
		return hosts, dnsFailure(lookupErr)
	}
	return hosts, &outcome{verdict: Undeliverable, reason: reason.HostUnknown, class: status.ClassPermanent,
		msg: "no MX host has an A or AAAA record"}
}

// implicitMX handles a domain without MX records: its own A/AAAA records
// make it its own mail host (RFC 5321 section 5.1).
func (r *resolver) implicitMX(ctx context.Context, domain string) ([]mxHost, *outcome) {
	addrs, nx, err := r.addrs(ctx, domain)
	switch {
	case err != nil:
		return nil, dnsFailure(err)
	case nx:
		return nil, &outcome{verdict: Undeliverable, reason: reason.HostUnknown, class: status.ClassPermanent,
			msg: "domain does not exist (NXDOMAIN)"}
	case len(addrs) == 0:
		return nil, &outcome{verdict: Undeliverable, reason: reason.HostUnknown, class: status.ClassPermanent,
			msg: "no MX and no A or AAAA records"}
	}
	return []mxHost{{name: domain, addrs: addrs}}, nil
}

// addrs returns the IPv4 then IPv6 addresses of name, and whether the name
// does not exist.
func (r *resolver) addrs(ctx context.Context, name string) (addrs []netip.Addr, nxdomain bool, err error) {
	for _, qtype := range []uint16{dns.TypeA, dns.TypeAAAA} {
		in, err := r.query(ctx, name, qtype)
		if err != nil {
			// Judgement: with IPv4 addresses in hand, a failed AAAA
			// lookup is not worth a temporary failure.
			if len(addrs) > 0 {
				return addrs, false, nil
			}
			return nil, false, err
		}
		if in.Rcode == dns.RcodeNameError {
			return nil, true, nil
		}
		for _, rr := range in.Answer {
			var ip net.IP
			switch rr := rr.(type) {
			case *dns.A:
				ip = rr.A
			case *dns.AAAA:
				ip = rr.AAAA
			}
			if a, ok := netip.AddrFromSlice(ip); ok {
				addrs = append(addrs, a.Unmap())
			}
		}
	}
	return addrs, false, nil
}

// dnsFailure is the outcome of a lookup that gave no usable answer: the
// domain may well exist, so this is temporary and never hostunknown.
func dnsFailure(err error) *outcome {
	return &outcome{verdict: Unknown, reason: reason.NetworkError, class: status.ClassTemporary,
		msg: "DNS lookup failed: " + err.Error()}
}
