package verify

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/smtp"
	"net/textproto"
	"strings"
	"sync"
	"time"
)

const (
	// maxAttempts caps the connections one probe opens while going down
	// the list of MX hosts and their addresses.
	maxAttempts = 6
	// maxSessionBytes caps what one SMTP session may read from the server,
	// so that a misbehaving server cannot make a probe hold much memory.
	maxSessionBytes = 256 << 10
	// catchAllPrefix starts the random local part that detects catch-all
	// domains.
	catchAllPrefix = "bounce-verify-"
)

// errSessionTooLong is returned when a server sends more than
// maxSessionBytes in one session.
var errSessionTooLong = errors.New("verify: server sent too much data")

// errNoSMTPUTF8 is the probe error for a UTF-8 local part at a server
// without the SMTPUTF8 extension (RFC 6531).
var errNoSMTPUTF8 = errors.New("server does not offer SMTPUTF8, needed for a UTF-8 local part (RFC 6531)")

// prober talks SMTP to mail hosts.
type prober struct {
	port    int
	timeout time.Duration
	helo    string
	from    string // MAIL FROM, "" for the null reverse-path <>
	// allowPrivate lets the probe connect to loopback, private,
	// link-local and other non-public addresses (see addressClass).
	allowPrivate bool
	// dial opens connections; tests wrap it to count them.
	dial func(ctx context.Context, network, address string) (net.Conn, error)

	mu   sync.Mutex                   // guards busy
	busy map[netip.Addr]chan struct{} // one session at a time per host address
}

// acquire waits until no other session talks to ip, and returns the
// function that lets the next one go; ok is false when ctx ended first.
func (p *prober) acquire(ctx context.Context, ip netip.Addr) (release func(), ok bool) {
	p.mu.Lock()
	if p.busy == nil {
		p.busy = map[netip.Addr]chan struct{}{}
	}
	ch := p.busy[ip]
	if ch == nil {
		ch = make(chan struct{}, 1)
		p.busy[ip] = ch
	}
	p.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, true
	case <-ctx.Done():
		return nil, false
	}
}

// probeResult is what a probe learnt about one recipient.
type probeResult struct {
	// reply is the reply that decided the probe, nil when no server
	// answered (see err).
	reply *SMTPReply
	// err is a connection failure or timeout when reply is nil, or a
	// problem that stopped the probe before RCPT.
	err error
	// catchAll is the answer to the random recipient: nil when not asked
	// or inconclusive.
	catchAll *bool
	// connected reports whether any host answered at all.
	connected bool
}

// retryable reports whether the next host should be tried: no server got as
// far as answering MAIL.
func (p probeResult) retryable() bool {
	return p.reply == nil || p.reply.Command != "MAIL" && p.reply.Command != "RCPT"
}

// probe asks the mail hosts, in order, whether they accept rcpt. With
// catchAll set it also asks, in the same session, for a random recipient at
// domain when rcpt was accepted.
func (p *prober) probe(ctx context.Context, hosts []mxHost, rcpt, domain string, utf8, catchAll bool) probeResult {
	var last probeResult
	attempts := 0
	var refused *refusedError
	for _, h := range hosts {
		for _, ip := range h.addrs {
			if attempts >= maxAttempts {
				return last
			}
			if class := addressClass(ip); class != "" && !p.allowPrivate {
				if refused == nil {
					refused = &refusedError{host: h.name, ip: ip, class: class}
				}
				continue
			}
			attempts++
			release, ok := p.acquire(ctx, ip)
			if !ok {
				return probeResult{err: context.Cause(ctx)}
			}
			res := p.session(ctx, h.name, ip, rcpt, domain, utf8, catchAll, true)
			release()
			if ctx.Err() != nil || !res.retryable() {
				return res
			}
			// A reply beats a connection error as the final word.
			if last.reply == nil || res.reply != nil {
				last = res
			}
			last.connected = last.connected || res.connected
		}
	}
	switch {
	case attempts == 0 && refused != nil:
		last.err = refused
	case last.reply == nil && last.err == nil:
		last.err = errors.New("no mail host address to connect to")
	}
	return last
}

// session runs one SMTP session with host at ip.
func (p *prober) session(ctx context.Context, host string, ip netip.Addr, rcpt, domain string, utf8, catchAll, useTLS bool) probeResult {
	addr := netip.AddrPortFrom(ip, uint16(p.port)).String()
	raw, err := p.dial(ctx, "tcp", addr)
	if err != nil {
		return probeResult{err: fmt.Errorf("connecting to %s (%s): %w", host, addr, describeNetError(err))}
	}
	conn := &limitedConn{Conn: raw, left: maxSessionBytes}
	defer conn.Close()

	// Every step gets a fresh deadline; cancelling ctx sets one in the
	// past, which fails the step under way at once.
	var mu sync.Mutex
	canceled := false
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		canceled = true
		_ = raw.SetDeadline(time.Unix(1, 0))
	})
	defer stop()
	step := func() {
		mu.Lock()
		defer mu.Unlock()
		if !canceled {
			_ = raw.SetDeadline(time.Now().Add(p.timeout))
		}
	}

	res := probeResult{}
	fail := func(command string, err error) probeResult {
		var te *textproto.Error
		if errors.As(err, &te) {
			res.reply = newReply(host, command, te.Code, te.Msg)
		} else {
			res.err = fmt.Errorf("%s to %s (%s): %w", command, host, addr, describeNetError(err))
		}
		return res
	}

	step()
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return fail("greeting", err)
	}
	defer c.Close()
	res.connected = true
	step()
	if err := c.Hello(p.helo); err != nil {
		return fail("EHLO", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok && useTLS {
		step()
		// Certificates are not checked: see "SMTP client" in the package
		// documentation.
		err := c.StartTLS(&tls.Config{ServerName: tlsName(host), InsecureSkipVerify: true})
		var te *textproto.Error
		switch {
		case errors.As(err, &te):
			// A refused STARTTLS (454) leaves a plain session that
			// works; go on without TLS.
		case err != nil:
			// The handshake failed and the session is gone: try once
			// more without TLS, as an opportunistic MTA does.
			_ = c.Close()
			return p.session(ctx, host, ip, rcpt, domain, utf8, catchAll, false)
		}
	}
	if ok, _ := c.Extension("SMTPUTF8"); utf8 && !ok {
		res.err = fmt.Errorf("%s: %w", host, errNoSMTPUTF8)
		p.quit(c, step)
		return res
	}
	step()
	if err := c.Mail(p.from); err != nil {
		return fail("MAIL", err)
	}
	step()
	reply, err := rcptTo(c, host, rcpt)
	if err != nil {
		return fail("RCPT", err)
	}
	res.reply = reply
	if catchAll && reply.ReplyCode/100 == 2 {
		res.catchAll = p.probeCatchAll(c, step, host, domain)
	}
	p.quit(c, step)
	return res
}

// probeCatchAll asks, after RSET and a new MAIL, for a random recipient at
// domain. It returns nil when the answer is inconclusive (4xx or an error).
func (p *prober) probeCatchAll(c *smtp.Client, step func(), host, domain string) *bool {
	step()
	if c.Reset() != nil {
		return nil
	}
	step()
	if c.Mail(p.from) != nil {
		return nil
	}
	step()
	_, err := rcptTo(c, host, randomLocal()+"@"+domain)
	var te *textproto.Error
	switch {
	case err == nil:
		yes := true
		return &yes
	case errors.As(err, &te) && te.Code/100 == 5:
		no := false
		return &no
	}
	return nil
}

// quit ends the session politely: RSET, then QUIT. Errors do not matter any
// more.
func (p *prober) quit(c *smtp.Client, step func()) {
	step()
	if c.Reset() == nil {
		step()
		_ = c.Quit()
	}
}

// rcptTo sends RCPT TO on the raw connection, because net/smtp's Rcpt
// discards the text of a 2xx reply. A non-2xx reply comes back as a
// *textproto.Error.
func rcptTo(c *smtp.Client, host, rcpt string) (*SMTPReply, error) {
	id, err := c.Text.Cmd("RCPT TO:<%s>", rcpt)
	if err != nil {
		return nil, err
	}
	c.Text.StartResponse(id)
	defer c.Text.EndResponse(id)
	code, msg, err := c.Text.ReadResponse(25)
	if err != nil {
		return nil, err
	}
	return newReply(host, "RCPT", code, msg), nil
}

// newReply builds an SMTPReply, splitting off the enhanced status code.
func newReply(host, command string, code int, msg string) *SMTPReply {
	status, text := splitStatus(msg)
	return &SMTPReply{Host: host, Command: command, ReplyCode: code, Status: status, Text: text}
}

// randomLocal returns a local part that no real mailbox has.
func randomLocal() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return catchAllPrefix + hex.EncodeToString(b[:])
}

// tlsName is the server name sent in the TLS handshake: the host name, or
// nothing for an address literal.
func tlsName(host string) string {
	if strings.HasPrefix(host, "[") {
		return ""
	}
	return host
}

// describeNetError shortens the usual network errors to words an operator
// reads at a glance.
func describeNetError(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errors.New("timeout")
	}
	return err
}

// limitedConn is a net.Conn that fails reads once more than left bytes have
// been read.
type limitedConn struct {
	net.Conn
	left int64
}

func (c *limitedConn) Read(b []byte) (int, error) {
	if c.left <= 0 {
		return 0, errSessionTooLong
	}
	if int64(len(b)) > c.left {
		b = b[:c.left]
	}
	n, err := c.Conn.Read(b)
	c.left -= int64(n)
	return n, err
}
