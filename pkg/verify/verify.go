package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/bounce-tool/bounce/pkg/reason"
	"github.com/bounce-tool/bounce/pkg/status"
)

// Verdict is the answer to "can this address receive mail?".
type Verdict string

// The verdicts, from best to worst news.
const (
	// Deliverable: the server accepted the recipient, and the address is
	// neither at a catch-all domain nor a role or disposable address.
	Deliverable Verdict = "deliverable"
	// Risky: the address would be deliverable, but the domain accepts any
	// recipient (catch-all), or the address is a role account or at a
	// disposable-mail domain.
	Risky Verdict = "risky"
	// Unknown: the checks could not tell, because they were not run (no
	// SMTP probe), failed temporarily, or were refused for reasons that
	// say nothing about the mailbox.
	Unknown Verdict = "unknown"
	// Undeliverable: the address is malformed, its domain takes no mail,
	// or the server rejected the mailbox.
	Undeliverable Verdict = "undeliverable"
)

// Classes of a Result, the same words bounce inspect uses.

// Result is the verdict on one address. Its JSON encoding is part of the
// output of bounce verify: every field is always present, as in the other
// outputs of bounce: "" for an unknown string, [] for an empty list
// (never null), null for an absent object (smtp).
type Result struct {
	// Address is the address exactly as given.
	Address string `json:"address"`
	// Verdict is deliverable, undeliverable, risky or unknown.
	Verdict Verdict `json:"verdict"`
	// Reason is why, in the words of docs/reasons.md (userunknown,
	// hostunknown, notaccept, syntaxerror, networkerror, ...). It is empty
	// for deliverable and risky addresses and for unknown ones that were
	// simply not probed.
	Reason string `json:"reason"`
	// Class is permanent, temporary, success or unknown; see the Class
	// constants.
	Class status.Class `json:"class"`
	// Domain is the domain in lower-case ASCII form (A-labels), the name
	// that was looked up, or the address literal. Empty when the syntax is
	// bad.
	Domain string `json:"domain"`
	// ASCII is the address with its domain in ASCII form. Empty when the
	// syntax is bad.
	ASCII string `json:"ascii"`
	// MX lists the hosts that receive mail for the domain, in the order
	// they are tried: the MX hosts by preference, the domain itself when it
	// has no MX records (implicit MX), or the address literal.
	MX []string `json:"mx"`
	// SMTP is the reply that decided the SMTP probe, usually the answer to
	// RCPT TO; nil when there was no probe or no server answered.
	SMTP *SMTPReply `json:"smtp"`
	// CatchAll reports that the domain's server also accepted a random
	// recipient, so its acceptance says nothing about this mailbox.
	CatchAll bool `json:"catch_all"`
	// Role reports a local part that names a function rather than a person
	// (postmaster, support, noreply, ...); see IsRole.
	Role bool `json:"role"`
	// Disposable reports a domain of a disposable-mail service; see
	// IsDisposable.
	Disposable bool `json:"disposable"`
	// Error explains the verdict in words when there is more to say: the
	// syntax problem, the DNS failure, the SMTP reply or the network error.
	Error string `json:"error"`
}

// MarshalJSON writes r with every field present: an empty mx is [].
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result // without this method
	p := plain(r)
	if p.MX == nil {
		p.MX = []string{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<a@b>" in a reply reads as it was written
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Defaults for the zero fields of Options.
const (
	DefaultConcurrency = 8
	DefaultTimeout     = 10 * time.Second
	DefaultDNSTimeout  = 5 * time.Second
	DefaultSMTPPort    = 25
	// DefaultProbeInterval is the pause between two SMTP probes of the
	// same domain.
	DefaultProbeInterval = time.Second
)

// The backoff after a server answers a probe with a rate-limit reply (421,
// or a 4.7.x status): the pause before the next probe of the domain
// doubles, from twice the probe interval up to maxBackoff, and after
// maxRateLimited such replies the domain is not probed again in the run.
const (
	maxBackoff     = time.Minute
	maxRateLimited = 3
)

// Options configures a Verifier. The zero value checks syntax and DNS
// through the servers of /etc/resolv.conf, without the SMTP probe.
type Options struct {
	// SyntaxOnly checks the syntax only: no DNS, no network at all.
	SyntaxOnly bool
	// SMTP enables the SMTP probe of the mail hosts. It talks to other
	// people's servers, which may log, rate-limit or block the prober, so
	// it is off by default.
	SMTP bool
	// DNSServer is the recursive DNS server to ask, as "host:port". Empty
	// means the servers listed in /etc/resolv.conf.
	DNSServer string
	// DNSTimeout limits each DNS query; DefaultDNSTimeout when zero.
	DNSTimeout time.Duration
	// Timeout limits each SMTP connection attempt and each SMTP command;
	// DefaultTimeout when zero.
	Timeout time.Duration
	// SMTPPort is the port of the mail hosts; DefaultSMTPPort when zero.
	// Tests point it at servers on loopback.
	SMTPPort int
	// HELOName is the name sent with EHLO; when empty, the local host name,
	// or "localhost" when that is not a usable domain name.
	HELOName string
	// From is the MAIL FROM address; empty sends the null reverse-path <>,
	// as bounces do.
	From string
	// Concurrency is the number of domains checked at once, and so the
	// most SMTP connections open at once; DefaultConcurrency when zero.
	Concurrency int
	// AllowPrivate lets the SMTP probe connect to mail hosts whose
	// addresses are loopback, private (RFC 1918), link-local, unique-local,
	// unspecified or multicast. By default such a host is not contacted
	// and the address is Unknown with a note naming the address class:
	// the probe must not reach into the network it runs in. It is meant
	// for tests and closed networks.
	AllowPrivate bool
	// ProbeInterval is the least time between two SMTP probes of the same
	// domain; DefaultProbeInterval when zero, no pause when negative.
	// A server that answers with a rate-limit reply gets longer pauses.
	ProbeInterval time.Duration
}

// Verifier checks addresses. It holds no state between calls and is safe
// for concurrent use.
type Verifier struct {
	opts     Options
	resolver *resolver
	prober   *prober
}

// New returns a Verifier for opts, with defaults filled in. It fails when
// opts is invalid or, unless SyntaxOnly is set, when no DNS server is known.
func New(opts Options) (*Verifier, error) {
	if opts.Concurrency < 0 || opts.Timeout < 0 || opts.DNSTimeout < 0 || opts.SMTPPort < 0 || opts.SMTPPort > 65535 {
		return nil, errors.New("verify: negative or out-of-range option")
	}
	if opts.Concurrency == 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.DNSTimeout == 0 {
		opts.DNSTimeout = DefaultDNSTimeout
	}
	if opts.SMTPPort == 0 {
		opts.SMTPPort = DefaultSMTPPort
	}
	if opts.ProbeInterval == 0 {
		opts.ProbeInterval = DefaultProbeInterval
	}
	if opts.HELOName == "" {
		opts.HELOName = localName()
	} else if strings.ContainsAny(opts.HELOName, " \r\n") {
		return nil, fmt.Errorf("verify: bad HELO name %q", opts.HELOName)
	}
	from := ""
	if opts.From != "" {
		a, err := ParseAddress(opts.From)
		if err != nil {
			return nil, fmt.Errorf("verify: From: %w", err)
		}
		from = a.ASCII()
	}
	v := &Verifier{opts: opts}
	if opts.SyntaxOnly {
		return v, nil
	}
	r, err := newResolver(opts.DNSServer, opts.DNSTimeout)
	if err != nil {
		return nil, err
	}
	v.resolver = r
	d := &net.Dialer{Timeout: opts.Timeout}
	v.prober = &prober{port: opts.SMTPPort, timeout: opts.Timeout, helo: opts.HELOName, from: from, dial: d.DialContext,
		allowPrivate: opts.AllowPrivate, busy: map[netip.Addr]chan struct{}{}}
	return v, nil
}

// localName returns the host name for EHLO, or "localhost".
func localName() string {
	name, err := os.Hostname()
	if err != nil {
		return "localhost"
	}
	if _, err := ParseAddress("postmaster@" + name); err != nil {
		return "localhost"
	}
	return name
}

// Verify checks addresses and returns one Result per address, in the same
// order. It returns when all are done or ctx is cancelled; addresses not
// checked by then get an Unknown result that says so.
func (v *Verifier) Verify(ctx context.Context, addresses []string) []Result {
	results := make([]Result, 0, len(addresses))
	v.VerifyEach(ctx, addresses, func(r Result) { results = append(results, r) })
	return results
}

// VerifyEach checks addresses like Verify, and calls fn with each Result as
// soon as it and all the results before it are ready, so results arrive in
// input order. fn is called from the calling goroutine, never concurrently.
func (v *Verifier) VerifyEach(ctx context.Context, addresses []string, fn func(Result)) {
	results := make([]Result, len(addresses))
	ready := make([]bool, len(addresses))
	groups := map[string]*domainGroup{}
	var order []*domainGroup
	for i, s := range addresses {
		r := &results[i]
		r.Address = s
		a, err := ParseAddress(s)
		if err != nil {
			r.set(outcome{verdict: Undeliverable, reason: reason.SyntaxError, class: status.ClassPermanent,
				msg: strings.TrimPrefix(err.Error(), "verify: ")})
			ready[i] = true
			continue
		}
		r.Domain, r.ASCII = a.ASCIIDomain, a.ASCII()
		r.Role, r.Disposable = IsRole(a.Local), IsDisposable(a.ASCIIDomain)
		if v.opts.SyntaxOnly {
			r.set(outcome{verdict: Unknown, class: status.ClassUnknown})
			ready[i] = true
			continue
		}
		key := strings.ToLower(a.ASCIIDomain)
		g := groups[key]
		if g == nil {
			g = &domainGroup{}
			groups[key] = g
			order = append(order, g)
		}
		g.items = append(g.items, groupItem{index: i, addr: a, result: *r})
	}

	next := 0
	emit := func() {
		for next < len(results) && ready[next] {
			fn(results[next])
			next++
		}
	}
	emit()
	if len(order) == 0 {
		return
	}

	// Each group (domain) goes to one worker, so a domain is never probed
	// twice at once and its DNS answer and catch-all result are shared.
	workers := min(v.opts.Concurrency, len(order))
	jobs := make(chan *domainGroup)
	done := make(chan groupItem, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for g := range jobs {
				var ds domainState
				for _, it := range g.items {
					v.check(ctx, &ds, it.addr, &it.result)
					done <- it
				}
			}
		})
	}
	go func() {
		for _, g := range order {
			jobs <- g
		}
		close(jobs)
		wg.Wait()
		close(done)
	}()
	for it := range done {
		results[it.index] = it.result
		ready[it.index] = true
		emit()
	}
}

// domainGroup holds the addresses at one domain, in input order.
type domainGroup struct {
	items []groupItem
}

// groupItem is one address of a group with its partly filled Result.
type groupItem struct {
	index  int
	addr   Address
	result Result
}

// domainState is what was learnt about a domain while checking its
// addresses one after another.
type domainState struct {
	looked   bool     // DNS was asked
	hosts    []mxHost // the mail hosts
	fail     *outcome // a DNS answer that decides every address
	catchAll *bool    // nil until known
	// down is the probe failure of an earlier address when no host
	// answered at all, or the last rate-limit reply when the domain is
	// not to be probed again.
	down *probeResult
	// next is the earliest time of the next probe; backoff the pause
	// after the last rate-limit reply, limited the number of them.
	next    time.Time
	backoff time.Duration
	limited int
}

// outcome is a verdict with its reason, class and explanation.
type outcome struct {
	verdict Verdict
	reason  string
	class   status.Class
	msg     string
}

// set copies o into r.
func (r *Result) set(o outcome) {
	r.Verdict, r.Reason, r.Class, r.Error = o.verdict, o.reason, o.class, o.msg
}

// check runs the DNS and SMTP stages for one address whose syntax is good.
func (v *Verifier) check(ctx context.Context, ds *domainState, a Address, r *Result) {
	if !ds.looked && ctx.Err() == nil {
		ds.hosts, ds.fail = v.resolver.mailHosts(ctx, a)
		ds.looked = ctx.Err() == nil
	}
	if err := ctx.Err(); err != nil {
		r.set(canceled(err))
		return
	}
	for _, h := range ds.hosts {
		r.MX = append(r.MX, h.name)
	}
	if ds.fail != nil {
		r.set(*ds.fail)
		return
	}
	if !v.opts.SMTP {
		// Judgement: DNS cannot see mailboxes, so a domain that takes
		// mail leaves the address unknown, or risky when it is a role
		// or disposable address.
		if r.Role || r.Disposable {
			r.set(outcome{verdict: Risky, class: status.ClassUnknown})
		} else {
			r.set(outcome{verdict: Unknown, class: status.ClassUnknown})
		}
		return
	}

	var res probeResult
	if ds.down != nil {
		res = *ds.down
	} else {
		v.pause(ctx, ds)
		res = v.prober.probe(ctx, ds.hosts, a.ASCII(), a.ASCIIDomain, a.UTF8(), ds.catchAll == nil)
		v.paced(ds, res)
	}
	if err := ctx.Err(); err != nil {
		r.set(canceled(err))
		return
	}
	if res.reply == nil && !res.connected {
		// Judgement: no host answered; later addresses at this domain
		// reuse the failure rather than wait for the same timeouts.
		ds.down = &res
	}
	if res.catchAll != nil {
		ds.catchAll = res.catchAll
	}
	v.judge(ds, res, r)
}

// pause waits until the domain may be probed again (or ctx is done).
func (v *Verifier) pause(ctx context.Context, ds *domainState) {
	d := time.Until(ds.next)
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// paced sets the time of the domain's next probe after res: the probe
// interval later, or, after a rate-limit reply, a backoff that doubles each
// time; after maxRateLimited of them the domain is left alone.
func (v *Verifier) paced(ds *domainState, res probeResult) {
	wait := max(v.opts.ProbeInterval, 0)
	if res.reply != nil && res.reply.rateLimited() {
		ds.limited++
		ds.backoff = min(max(2*ds.backoff, 2*wait, 10*time.Millisecond), maxBackoff)
		wait = ds.backoff
		if ds.limited >= maxRateLimited {
			ds.down = &res
		}
	}
	ds.next = time.Now().Add(wait)
}

// judge turns a probe result into the verdict.
func (v *Verifier) judge(ds *domainState, res probeResult, r *Result) {
	reply := res.reply
	r.SMTP = reply
	if reply == nil {
		var refused *refusedError
		if errors.Is(res.err, errNoSMTPUTF8) || errors.As(res.err, &refused) {
			// Judgement: the server cannot take this address, but
			// another MTA path might; or the host was not contacted
			// (a non-public address): leave it unknown.
			r.set(outcome{verdict: Unknown, class: status.ClassUnknown, msg: res.err.Error()})
			return
		}
		r.set(outcome{verdict: Unknown, reason: reason.NetworkError, class: status.ClassTemporary, msg: res.err.Error()})
		return
	}
	code := reply.ReplyCode
	if reply.Command == "RCPT" && code/100 == 2 {
		r.CatchAll = ds.catchAll != nil && *ds.catchAll
		if r.CatchAll || r.Role || r.Disposable {
			r.set(outcome{verdict: Risky, class: status.ClassUnknown})
			return
		}
		r.set(outcome{verdict: Deliverable, class: status.ClassSuccess})
		return
	}
	why, mailbox := classifyReply(reply.Command, code, reply.Status, reply.Text)
	if reply.Command == "RCPT" && code/100 == 5 && why == reason.UserUnknown && ds.catchAll == nil {
		// A domain that rejects an unknown user is not a catch-all.
		no := false
		ds.catchAll = &no
	}
	msg := fmt.Sprintf("%s answered %s with %s", reply.Host, reply.Command, reply)
	switch {
	case code/100 == 4:
		r.set(outcome{verdict: Unknown, reason: why, class: status.ClassTemporary, msg: msg})
	case code/100 == 5 && mailbox:
		r.set(outcome{verdict: Undeliverable, reason: why, class: status.ClassPermanent, msg: msg})
	default:
		r.set(outcome{verdict: Unknown, reason: why, class: status.ClassUnknown, msg: msg})
	}
}

// canceled is the outcome for an address whose check was cut short.
func canceled(err error) outcome {
	return outcome{verdict: Unknown, class: status.ClassUnknown, msg: "not checked: " + err.Error()}
}
