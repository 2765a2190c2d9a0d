package verify

import (
	"context"
	"fmt"
	"strings"

	"github.com/bounce-tool/bounce/pkg/reason"
	"github.com/miekg/dns"
)

// Canaries are names that exist and take mail everywhere: a resolver that
// answers NXDOMAIN for all of them is lying (a filtering or captive-portal
// resolver, a broken split-horizon setup), not telling the truth about the
// run's domains.
var Canaries = []string{"gmail.com", "outlook.com"}

// ResolverError reports a resolver that cannot be trusted: it answered
// NXDOMAIN for every domain of a run and for every canary name.
type ResolverError struct {
	Servers []string // the servers asked
	Canary  string   // the last canary name asked
}

// Error says what is wrong and what to do.
func (e *ResolverError) Error() string {
	return fmt.Sprintf("the DNS resolver %s answers \"does not exist\" (NXDOMAIN) for every domain, even %s: "+
		"it cannot be trusted, so no address was judged; use a working resolver (--dns host:port)",
		strings.Join(e.Servers, ", "), e.Canary)
}

// NXDomain reports whether the verdict on r rests on an NXDOMAIN answer for
// its domain.
func (r *Result) NXDomain() bool {
	return r.Reason == reason.HostUnknown && strings.Contains(r.Error, "NXDOMAIN")
}

// CheckResolver asks the resolver for the Canaries and returns a
// *ResolverError when it answers NXDOMAIN for all of them; nil when one
// exists, or when the question cannot be asked (no resolver: SyntaxOnly;
// a network failure is the results' business).
func (v *Verifier) CheckResolver(ctx context.Context) error {
	if v.resolver == nil {
		return nil
	}
	for _, name := range Canaries {
		in, err := v.resolver.query(ctx, name, dns.TypeMX)
		if err != nil || in.Rcode != dns.RcodeNameError {
			return nil
		}
	}
	return &ResolverError{Servers: v.resolver.servers, Canary: Canaries[len(Canaries)-1]}
}

// VerifyChecked is VerifyEach that does not trust a lying resolver: while
// every domain looked up so far was NXDOMAIN it holds the results back;
// when the run ends so, it asks the Canaries, and if they are NXDOMAIN too
// it returns a *ResolverError without calling fn for the held results
// (rather than call every address undeliverable). Otherwise fn gets every
// result, in input order.
func (v *Verifier) VerifyChecked(ctx context.Context, addresses []string, fn func(Result)) error {
	trusted := v.resolver == nil
	var held []Result
	nx := 0
	v.VerifyEach(ctx, addresses, func(r Result) {
		switch {
		case trusted:
			fn(r)
			return
		case r.NXDomain():
			nx++
		case r.Domain != "":
			// Another answer: the resolver tells names apart.
			trusted = true
			for _, h := range held {
				fn(h)
			}
			held = nil
			fn(r)
			return
		}
		held = append(held, r)
	})
	if !trusted && nx > 0 && ctx.Err() == nil {
		if err := v.CheckResolver(ctx); err != nil {
			return err
		}
	}
	for _, h := range held {
		fn(h)
	}
	return nil
}
