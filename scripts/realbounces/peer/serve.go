package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/miekg/dns"
)

// Hosts of the test world.
const (
	mtaHost  = "mta.bounce-test.example."
	mtaAddr  = "127.0.0.1"
	peerAddr = "127.0.0.2"
	downAddr = "127.0.0.3"
	zone     = "example.net."
	nxZone   = "no-such-domain.example."
)

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	listen := fs.String("addr", peerAddr, "address to listen on (ports 25 and 53)")
	logf := fs.String("log", "", "append the SMTP dialogue to this file")
	fs.Parse(args)

	var debug io.Writer
	if *logf != "" {
		f, err := os.OpenFile(*logf, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		debug = f
	}

	errc := make(chan error, 3)
	for _, network := range []string{"udp", "tcp"} {
		srv := &dns.Server{Addr: net.JoinHostPort(*listen, "53"), Net: network, Handler: dns.HandlerFunc(answer)}
		go func() { errc <- srv.ListenAndServe() }()
	}

	s := smtp.NewServer(backend{})
	s.Addr = net.JoinHostPort(*listen, "25")
	s.Domain = "mx.example.net"
	s.ReadTimeout = 60 * time.Second
	s.WriteTimeout = 60 * time.Second
	s.MaxMessageBytes = 10 << 20
	s.MaxRecipients = 50
	s.EnableDSN = true
	s.Debug = debug
	go func() { errc <- s.ListenAndServe() }()

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	select {
	case err := <-errc:
		return err
	case <-sig:
		return s.Close()
	}
}

// answer is the DNS of the test world.
func answer(w dns.ResponseWriter, q *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(q)
	m.Authoritative = true
	m.RecursionAvailable = true
	for _, qq := range q.Question {
		name := strings.ToLower(qq.Name)
		switch {
		case name == nxZone || dns.IsSubDomain(nxZone, name):
			m.Rcode = dns.RcodeNameError
			m.Ns = append(m.Ns, soa(nxZone))
		case dns.IsSubDomain(zone, name):
			m.Answer = append(m.Answer, zoneRecords(name, qq.Qtype)...)
			if len(m.Answer) == 0 {
				m.Ns = append(m.Ns, soa(zone))
			}
		case name == mtaHost || name == "localhost.":
			if qq.Qtype == dns.TypeA {
				m.Answer = append(m.Answer, rr(fmt.Sprintf("%s 300 IN A %s", name, mtaAddr)))
			}
		case name == "bounce-test.example.":
			// exists, no records
		case name == "1.0.0.127.in-addr.arpa.":
			if qq.Qtype == dns.TypePTR {
				m.Answer = append(m.Answer, rr(name+" 300 IN PTR "+mtaHost))
			}
		case name == "2.0.0.127.in-addr.arpa.":
			if qq.Qtype == dns.TypePTR {
				m.Answer = append(m.Answer, rr(name+" 300 IN PTR mx.example.net."))
			}
		default:
			m.Rcode = dns.RcodeNameError
		}
	}
	w.WriteMsg(m)
}

func zoneRecords(name string, qtype uint16) []dns.RR {
	if strings.HasPrefix(name, "mx.") {
		if qtype != dns.TypeA {
			return nil
		}
		addr := peerAddr
		if name == "mx.down."+zone {
			addr = downAddr
		}
		return []dns.RR{rr(fmt.Sprintf("%s 300 IN A %s", name, addr))}
	}
	if qtype == dns.TypeMX {
		return []dns.RR{rr(fmt.Sprintf("%s 300 IN MX 10 mx.%s", name, name))}
	}
	return nil
}

func soa(z string) dns.RR {
	return rr(z + " 300 IN SOA ns." + z + " hostmaster." + z + " 1 3600 600 86400 300")
}

func rr(s string) dns.RR {
	r, err := dns.NewRR(s)
	if err != nil {
		log.Fatalf("peer: bad record %q: %v", s, err)
	}
	return r
}

type backend struct{}

func (backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	host, _, _ := net.SplitHostPort(c.Conn().RemoteAddr().String())
	return &session{client: host}, nil
}

type session struct {
	client string
	rcpts  []string
}

func (s *session) Reset()        { s.rcpts = nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, opts *smtp.MailOptions) error { return nil }

func reply(code int, text string) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.NoEnhancedCode, Message: text}
}

func localPart(addr string) string {
	lp, _, _ := strings.Cut(strings.ToLower(addr), "@")
	return lp
}

func (s *session) Rcpt(to string, opts *smtp.RcptOptions) error {
	switch localPart(to) {
	case "unknown", "unknown2":
		return reply(550, fmt.Sprintf("5.1.1 <%s>: Recipient address rejected: User unknown in local recipient table", to))
	case "full":
		return reply(552, "5.2.2 Mailbox full")
	case "disabled":
		return reply(550, "5.2.1 The email account that you tried to reach is disabled.")
	case "blocked":
		return reply(554, fmt.Sprintf("5.7.1 Service unavailable; Client host [%s] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/%s", s.client, s.client))
	case "relay":
		return reply(554, fmt.Sprintf("5.7.1 <%s>: Relay access denied", to))
	case "greylist":
		return reply(450, fmt.Sprintf("4.2.0 <%s>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.net.html", to))
	}
	s.rcpts = append(s.rcpts, localPart(to))
	return nil
}

func (s *session) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	for _, lp := range s.rcpts {
		switch lp {
		case "dmarc":
			return reply(550, strings.Join([]string{
				"5.7.26 Unauthenticated email from bounce-test.example is not accepted due",
				"5.7.26 to domain's DMARC policy. Please contact the administrator of",
				"5.7.26 bounce-test.example domain if this was a legitimate mail. To learn",
				"5.7.26 about the DMARC initiative, go to",
				"5.7.26 https://support.google.com/mail/?p=DmarcRejection a1b2c3d4e5f6 - gsmtp",
			}, "\n"))
		case "big":
			return reply(552, "5.3.4 Message size exceeds fixed limit")
		case "data-reject":
			return reply(554, "5.7.1 Message rejected as spam")
		}
	}
	return nil
}
