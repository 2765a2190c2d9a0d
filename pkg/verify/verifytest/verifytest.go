// Package verifytest runs a small mail world on loopback for the tests of
// package verify and of the bounce verify command: a DNS server
// (github.com/miekg/dns) that answers for the names of Zone, and SMTP
// servers (github.com/emersion/go-smtp and two hand-made misbehaving ones)
// that answer like the real servers of each test domain.
//
// The SMTP servers all listen on one port (SMTP.Port), on different
// loopback addresses:
//
//	127.0.0.1  go-smtp server with STARTTLS, behaving per recipient domain
//	127.0.0.2  accepts connections and never says a word
//	127.0.0.3  nothing listens: connection refused
//	127.0.0.4  offers STARTTLS, then breaks the handshake
//
// The server at 127.0.0.1 answers RCPT TO by domain:
//
//	users.test, amx.test, fallback.test, xn--bcher-kva.example,
//	mailinator.com, [127.0.0.1]
//	               250 for the mailboxes listed in Users, else
//	               550 5.1.1 "User unknown"; full@users.test gets
//	               552 5.2.2 "Mailbox full"
//	catchall.test  250 for any recipient
//	grey.test      450 4.2.0 "Greylisted"
//	blocked.test   554 5.7.1 (a DNS blocklist refusing the prober)
//	vague.test     a bare 550 without enhanced status code
//
// MAIL FROM:<spammer@bad.example> is refused with 550 5.7.1. The names
// servfail.test, refused.test and dnstimeout.test make DNS answer SERVFAIL,
// REFUSED or nothing at all; any other name outside Zone is NXDOMAIN. The
// canary names of package verify (gmail.com, outlook.com) exist; DNS.Lie
// makes every name NXDOMAIN.
//
// The servers live until the test ends. Nothing here talks to any address
// outside 127.0.0.0/8.
package verifytest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/miekg/dns"
)

// Zone holds the DNS records of the test world. Every mail host resolves to
// a loopback address.
const Zone = `
users.test.            MX 10 mx.users.test.
mx.users.test.         A 127.0.0.1
catchall.test.         MX 10 mx.users.test.
grey.test.             MX 10 mx.users.test.
blocked.test.          MX 10 mx.users.test.
vague.test.            MX 10 mx.users.test.
xn--bcher-kva.example. MX 10 mx.users.test.
mailinator.com.        MX 10 mx.users.test.
amx.test.              A 127.0.0.1
nullmx.test.           MX 0 .
nomail.test.           TXT "no mail here"
hang.test.             MX 10 mx.hang.test.
mx.hang.test.          A 127.0.0.2
fallback.test.         MX 20 mx.users.test.
fallback.test.         MX 10 dead.fallback.test.
dead.fallback.test.    A 127.0.0.3
badmx.test.            MX 10 nowhere.badmx.test.
badtls.test.           MX 10 mx.badtls.test.
mx.badtls.test.        A 127.0.0.4
gmail.com.             MX 5 mx.users.test.
outlook.com.           MX 5 mx.users.test.
`

// Users are the mailboxes that exist, at the server on 127.0.0.1 and at the
// broken-STARTTLS server on 127.0.0.4.
var Users = map[string]bool{
	"alice@users.test": true, "bob@users.test": true, "postmaster@users.test": true,
	"john doe@users.test": true, "josé@users.test": true, "full@users.test": true,
	"user@xn--bcher-kva.example": true, "keep@mailinator.com": true,
	"alice@amx.test": true, "alice@fallback.test": true, "alice@[127.0.0.1]": true,
	"alice@badtls.test": true,
}

// dnsSpecial are names whose queries fail: an RCODE, or -1 for no answer.
var dnsSpecial = map[string]int{
	"servfail.test.":   dns.RcodeServerFailure,
	"refused.test.":    dns.RcodeRefused,
	"dnstimeout.test.": -1,
}

// DNS is the DNS server of the test world, on loopback UDP.
type DNS struct {
	// Addr is the server's host:port.
	Addr string
	zone map[string][]dns.RR

	mu      sync.Mutex
	queries map[string]int // "MX users.test." -> count
	lie     bool           // answer NXDOMAIN for every name
}

// Lie makes the server answer NXDOMAIN for every name, as a filtering or
// captive-portal resolver does.
func (s *DNS) Lie(on bool) {
	s.mu.Lock()
	s.lie = on
	s.mu.Unlock()
}

// StartDNS starts the DNS server; it stops when the test ends.
func StartDNS(t testing.TB) *DNS {
	t.Helper()
	s := &DNS{zone: map[string][]dns.RR{}, queries: map[string]int{}}
	for line := range strings.Lines(Zone) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		rr, err := dns.NewRR(line)
		if err != nil {
			t.Fatalf("zone line %q: %v", line, err)
		}
		name := strings.ToLower(rr.Header().Name)
		s.zone[name] = append(s.zone[name], rr)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = pc.LocalAddr().String()
	started := make(chan struct{})
	srv := &dns.Server{PacketConn: pc, Handler: s, NotifyStartedFunc: func() { close(started) }}
	go func() { _ = srv.ActivateAndServe() }()
	<-started
	t.Cleanup(func() { _ = srv.Shutdown() })
	return s
}

// ServeDNS answers one query from Zone.
func (s *DNS) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	q := req.Question[0]
	name := strings.ToLower(q.Name)
	s.mu.Lock()
	s.queries[dns.TypeToString[q.Qtype]+" "+name]++
	lie := s.lie
	s.mu.Unlock()
	m := new(dns.Msg)
	if lie {
		_ = w.WriteMsg(m.SetRcode(req, dns.RcodeNameError))
		return
	}
	if rcode, ok := dnsSpecial[name]; ok {
		if rcode < 0 {
			return // let the client time out
		}
		_ = w.WriteMsg(m.SetRcode(req, rcode))
		return
	}
	m.SetReply(req)
	rrs, ok := s.zone[name]
	if !ok {
		m.Rcode = dns.RcodeNameError
	}
	for _, rr := range rrs {
		if rr.Header().Rrtype == q.Qtype {
			m.Answer = append(m.Answer, rr)
		}
	}
	_ = w.WriteMsg(m)
}

// Count returns how often a query was asked, such as "MX users.test.".
func (s *DNS) Count(query string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queries[query]
}

// SMTP is the set of SMTP servers of the test world.
type SMTP struct {
	// Port is the port every server listens on.
	Port int

	mu       sync.Mutex
	rcpts    []string // every RCPT TO the go-smtp server saw
	tlsMails int      // MAIL commands over TLS
	badTLS   int      // connections to the broken-STARTTLS server
	silent   int      // connections to the silent server
}

// StartSMTP starts the SMTP servers; they stop when the test ends.
func StartSMTP(t testing.TB) *SMTP {
	t.Helper()
	s := &SMTP{}
	var l1, l2, l4 net.Listener
	for try := 0; ; try++ {
		var err error
		l1, err = net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		s.Port = l1.Addr().(*net.TCPAddr).Port
		l2, err = net.Listen("tcp", fmt.Sprintf("127.0.0.2:%d", s.Port))
		if err == nil {
			l4, err = net.Listen("tcp", fmt.Sprintf("127.0.0.4:%d", s.Port))
			if err == nil {
				break
			}
			l2.Close()
		}
		l1.Close()
		if try == 20 {
			t.Fatalf("no free port on 127.0.0.1, .2 and .4: %v", err)
		}
	}

	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{srv: s, conn: c}, nil
	}))
	srv.Domain = "mx.users.test"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}}
	srv.EnableSMTPUTF8 = true
	srv.ReadTimeout = 5 * time.Second
	srv.WriteTimeout = 5 * time.Second
	srv.ErrorLog = quietLog{}
	go func() { _ = srv.Serve(l1) }()
	go serveSilent(l2, s)
	go serveBadTLS(l4, s)
	t.Cleanup(func() {
		srv.Close()
		l2.Close()
		l4.Close()
	})
	return s
}

// RcptCount counts the RCPT commands the go-smtp server saw for addresses
// with prefix and suffix.
func (s *SMTP) RcptCount(prefix, suffix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.rcpts {
		if strings.HasPrefix(r, prefix) && strings.HasSuffix(r, suffix) {
			n++
		}
	}
	return n
}

// TLSMails counts the MAIL commands that came over TLS.
func (s *SMTP) TLSMails() int { return s.value(&s.tlsMails) }

// BadTLSConns counts the connections to the broken-STARTTLS server.
func (s *SMTP) BadTLSConns() int { return s.value(&s.badTLS) }

// SilentConns counts the connections to the silent server.
func (s *SMTP) SilentConns() int { return s.value(&s.silent) }

func (s *SMTP) value(p *int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *p
}

type quietLog struct{}

func (quietLog) Printf(string, ...any) {}
func (quietLog) Println(...any)        {}

// session answers like the real servers of each test domain.
type session struct {
	srv  *SMTP
	conn *smtp.Conn
}

func (ts *session) Mail(from string, _ *smtp.MailOptions) error {
	if _, ok := ts.conn.TLSConnectionState(); ok {
		ts.srv.mu.Lock()
		ts.srv.tlsMails++
		ts.srv.mu.Unlock()
	}
	if from == "spammer@bad.example" {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1},
			Message: "<spammer@bad.example>: Sender address rejected: Access denied"}
	}
	return nil
}

func (ts *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ts.srv.mu.Lock()
	ts.srv.rcpts = append(ts.srv.rcpts, to)
	ts.srv.mu.Unlock()
	_, domain, _ := strings.Cut(to, "@")
	switch {
	case to == "full@users.test":
		return &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 2, 2},
			Message: "<full@users.test>: Recipient address rejected: Mailbox full"}
	case domain == "catchall.test", Users[to]:
		return nil
	case domain == "grey.test":
		return &smtp.SMTPError{Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 0},
			Message: "Greylisted, please try again later"}
	case domain == "blocked.test":
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1},
			Message: "Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org"}
	case domain == "vague.test":
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.NoEnhancedCode,
			Message: "Requested action not taken"}
	}
	return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
		Message: fmt.Sprintf("<%s>: Recipient address rejected: User unknown in virtual mailbox table", to)}
}

func (ts *session) Data(io.Reader) error {
	return errors.New("a probe must never send DATA")
}

func (ts *session) Reset()        {}
func (ts *session) Logout() error { return nil }

// serveSilent accepts connections and never answers, like a tarpit or a
// firewall that swallows packets after the handshake.
func serveSilent(l net.Listener, s *SMTP) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.silent++
		s.mu.Unlock()
		go func() {
			defer c.Close()
			_, _ = io.Copy(io.Discard, c)
		}()
	}
}

// serveBadTLS offers STARTTLS, accepts it, then sends garbage instead of a
// TLS handshake. It accepts the recipients in Users, rejects the others
// with 550 5.1.1 and answers everything else with success.
func serveBadTLS(l net.Listener, s *SMTP) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.badTLS++
		s.mu.Unlock()
		go func() {
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			r := bufio.NewReader(c)
			fmt.Fprint(c, "220 mx.badtls.test ESMTP\r\n")
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					return
				}
				line = strings.TrimSpace(line)
				cmd := strings.ToUpper(line)
				switch {
				case strings.HasPrefix(cmd, "EHLO"):
					fmt.Fprint(c, "250-mx.badtls.test\r\n250 STARTTLS\r\n")
				case cmd == "STARTTLS":
					fmt.Fprint(c, "220 2.0.0 Ready\r\nthis is not TLS\r\n")
					return
				case strings.HasPrefix(cmd, "RCPT TO:"):
					to := strings.TrimSuffix(strings.TrimPrefix(line[len("RCPT TO:"):], "<"), ">")
					if Users[to] {
						fmt.Fprint(c, "250 2.0.0 OK\r\n")
					} else {
						fmt.Fprint(c, "550 5.1.1 User unknown\r\n")
					}
				case cmd == "QUIT":
					fmt.Fprint(c, "221 2.0.0 Bye\r\n")
					return
				default:
					fmt.Fprint(c, "250 2.0.0 OK\r\n")
				}
			}
		}()
	}
}

// selfSigned makes a certificate for the test server.
func selfSigned(t testing.TB) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mx.users.test"},
		DNSNames:     []string{"mx.users.test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
