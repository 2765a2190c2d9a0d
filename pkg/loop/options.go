package loop

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Default values of Options; a zero or negative field takes its default.
const (
	DefaultLimit           = 20
	DefaultFactor          = 10
	DefaultWindow          = 60 * time.Minute
	DefaultPingPongMin     = 4
	DefaultPingPongGap     = 60 * time.Minute
	DefaultRotatingMin     = 6
	DefaultRotatingSenders = 3
	DefaultRotatingWindow  = 60 * time.Minute
	// DefaultRotatingUnsigned is the default of Options.RotatingUnsigned.
	DefaultRotatingUnsigned = 10
)

// ErrInvalidOption is wrapped by the errors NewAnalyzer returns for a
// malformed support address or allowlist entry.
var ErrInvalidOption = errors.New("loop: invalid option")

// Options configures an Analyzer. The zero value is usable: every limit
// left zero takes its Default value.
type Options struct {
	// SupportAddresses are the help desk's own addresses. They match
	// case-insensitively and ignore plus tags: support+id123@acme.example is
	// support@acme.example. Mail from them is flagged and suspended.
	SupportAddresses []string

	// Allow lists the senders whose limits are multiplied by Factor and
	// whose bulk or no-reply mail is counted instead of suspended. An entry
	// is an address (alice@vendor.example, matched like SupportAddresses),
	// "@vendor.example" (exactly that domain) or "vendor.example" (that
	// domain and its subdomains, such as mail.vendor.example). Matching is
	// case-insensitive.
	Allow []string

	// Limit is how many updates one sender may make within Window before
	// further ones are suspended; after 2*Limit they are rejected.
	Limit int
	// Factor multiplies Limit for allowlisted senders.
	Factor int
	// Window is the length of the rolling window of the cap, counted in
	// whole seconds.
	Window time.Duration

	// PingPongMin is how many consecutive automated messages on one thread,
	// alternating between two senders, make a ping-pong loop; at least 3.
	PingPongMin int
	// PingPongGap is the longest pause between two messages of a ping-pong.
	PingPongGap time.Duration

	// RotatingMin is how many automated messages from one domain on one
	// thread within RotatingWindow make a rotating-sender loop, provided
	// they come from at least RotatingSenders distinct addresses.
	RotatingMin int
	// RotatingSenders is how many distinct addresses a rotating-sender loop
	// needs; at least 2.
	RotatingSenders int
	// RotatingWindow is the length of the rolling window of rotating-sender
	// detection.
	RotatingWindow time.Duration
	// RotatingUnsigned is how many messages on one thread within
	// RotatingWindow, each from an address of one domain new on the
	// thread, make a rotating-sender loop even when none carries a sign of
	// being automated.
	RotatingUnsigned int
}

// withDefaults returns a copy of o with every unset limit at its default.
func (o *Options) withDefaults() Options {
	var c Options
	if o != nil {
		c = *o
	}
	setInt := func(p *int, d int) {
		if *p <= 0 {
			*p = d
		}
	}
	setDur := func(p *time.Duration, d time.Duration) {
		if *p <= 0 {
			*p = d
		}
	}
	setInt(&c.Limit, DefaultLimit)
	setInt(&c.Factor, DefaultFactor)
	setDur(&c.Window, DefaultWindow)
	setInt(&c.PingPongMin, DefaultPingPongMin)
	setDur(&c.PingPongGap, DefaultPingPongGap)
	setInt(&c.RotatingMin, DefaultRotatingMin)
	setInt(&c.RotatingSenders, DefaultRotatingSenders)
	setDur(&c.RotatingWindow, DefaultRotatingWindow)
	setInt(&c.RotatingUnsigned, DefaultRotatingUnsigned)
	if c.PingPongMin < 3 {
		// Two messages from two senders are a conversation, not a loop.
		c.PingPongMin = 3
	}
	if c.RotatingSenders < 2 {
		c.RotatingSenders = 2
	}
	return c
}

// addressSet matches addresses against support addresses or allowlist
// entries.
type addressSet struct {
	addrs   map[string]bool // tag-free addresses
	exact   map[string]bool // "@domain" entries
	domains []string        // "domain" entries, also matching subdomains
}

// newAddressSet parses entries; withDomains permits domain entries.
func newAddressSet(what string, entries []string, withDomains bool) (addressSet, error) {
	s := addressSet{addrs: map[string]bool{}, exact: map[string]bool{}}
	for _, e := range entries {
		v := strings.ToLower(strings.TrimSpace(e))
		v = strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
		bad := v == "" || strings.ContainsAny(v, " \t<>,;") || strings.Count(v, "@") > 1
		local, domain := splitAddress(v)
		switch {
		case bad:
		case strings.HasPrefix(v, "@") && withDomains:
			if domain != "" {
				s.exact[domain] = true
				continue
			}
		case strings.Contains(v, "@"):
			if local != "" && domain != "" {
				s.addrs[stripTag(v)] = true
				continue
			}
		case withDomains:
			s.domains = append(s.domains, strings.TrimPrefix(v, "."))
			continue
		}
		return addressSet{}, fmt.Errorf("%w: %s entry %q", ErrInvalidOption, what, e)
	}
	return s, nil
}

// match reports whether a lowercased sender address is in the set.
func (s addressSet) match(addr string) bool {
	if addr == "" {
		return false
	}
	if s.addrs[stripTag(addr)] {
		return true
	}
	_, domain := splitAddress(addr)
	if domain == "" {
		return false
	}
	if s.exact[domain] {
		return true
	}
	for _, d := range s.domains {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}
