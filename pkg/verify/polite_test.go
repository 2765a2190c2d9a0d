package verify

import (
	"bufio"
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bounce-tool/bounce/pkg/status"
)

// scriptServer is a hand-made SMTP server on 127.0.0.5 whose RCPT reply
// (and greeting) a test writes; it notes when each RCPT came.
type scriptServer struct {
	port     int
	greeting string // written whole, then the server reads commands
	rcpt     string // the reply to RCPT, with its line ends
	stall    bool   // after the greeting or the RCPT reply, say nothing more

	mu    sync.Mutex
	rcpts []time.Time
}

func startScript(t *testing.T, s *scriptServer) *scriptServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.5:0")
	if err != nil {
		t.Skip("cannot listen on 127.0.0.5:", err)
	}
	t.Cleanup(func() { ln.Close() })
	s.port = ln.Addr().(*net.TCPAddr).Port
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *scriptServer) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	c.Write([]byte(s.greeting))
	if s.stall && !strings.HasPrefix(s.greeting, "220 ") {
		time.Sleep(3 * time.Second)
		return
	}
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch cmd := strings.ToUpper(strings.Fields(line + " x")[0]); cmd {
		case "EHLO", "HELO", "MAIL", "RSET":
			c.Write([]byte("250 ok\r\n"))
		case "RCPT":
			s.mu.Lock()
			s.rcpts = append(s.rcpts, time.Now())
			s.mu.Unlock()
			c.Write([]byte(s.rcpt))
			if s.stall {
				time.Sleep(3 * time.Second)
				return
			}
		case "QUIT":
			c.Write([]byte("221 bye\r\n"))
			return
		default:
			c.Write([]byte("500 what\r\n"))
		}
	}
}

func scriptOptions(s *scriptServer) Options {
	return Options{SMTP: true, AllowPrivate: true, DNSServer: "127.0.0.1:1", SMTPPort: s.port, HELOName: "probe.test",
		Timeout: 2 * time.Second, ProbeInterval: 100 * time.Millisecond}
}

// TestProbeIntervalAndBackoff: probes of one domain are at least the
// interval apart; after rate-limit replies the pauses double, and after
// maxRateLimited of them the domain is not probed again.
func TestProbeIntervalAndBackoff(t *testing.T) {
	for _, tc := range []struct {
		name, reply string
		probes      int
		minGaps     []time.Duration
		class       status.Class
	}{
		{"interval", "550 5.1.1 no such user\r\n", 4, []time.Duration{100, 100, 100}, status.ClassPermanent},
		{"421", "421 4.7.0 too many connections, slow down\r\n", maxRateLimited, []time.Duration{200, 400}, status.ClassTemporary},
		{"4.7.1 rate limit", "451 4.7.1 rate limited, try later\r\n", maxRateLimited, []time.Duration{200, 400}, status.ClassTemporary},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startScript(t, &scriptServer{greeting: "220 script.test\r\n", rcpt: tc.reply})
			v := newVerifier(t, scriptOptions(s))
			var addrs []string
			for i := range 4 {
				addrs = append(addrs, "u"+strconv.Itoa(i)+"@[127.0.0.5]")
			}
			rs := v.Verify(context.Background(), addrs)
			for _, r := range rs {
				if r.Class != tc.class {
					t.Errorf("%s: %+v, want class %s", r.Address, r, tc.class)
				}
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			if len(s.rcpts) != tc.probes {
				t.Fatalf("%d probes, want %d", len(s.rcpts), tc.probes)
			}
			for i, want := range tc.minGaps {
				if gap := s.rcpts[i+1].Sub(s.rcpts[i]); gap < want*time.Millisecond {
					t.Errorf("gap %d: %v, want at least %v", i+1, gap, want*time.Millisecond)
				}
			}
		})
	}
}

// TestOneSessionPerHost: however many domains are checked at once, one
// mail host address gets one session at a time.
func TestOneSessionPerHost(t *testing.T) {
	_, _, opts := testWorld(t)
	opts.Concurrency = 8
	v := newVerifier(t, opts)
	var open, most atomic.Int32
	dial := v.prober.dial
	v.prober.dial = func(ctx context.Context, network, address string) (net.Conn, error) {
		c, err := dial(ctx, network, address)
		if err == nil && strings.HasPrefix(address, "127.0.0.1:") {
			n := open.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			c = &closeHook{Conn: c, f: func() { open.Add(-1) }}
		}
		return c, err
	}
	rs := v.Verify(context.Background(), []string{"alice@users.test", "bob@amx.test", "x@catchall.test", "y@grey.test",
		"z@blocked.test", "w@vague.test", "alice@fallback.test", "q@[127.0.0.1]"})
	if most.Load() != 1 {
		t.Errorf("%d sessions at once with 127.0.0.1, want 1", most.Load())
	}
	if rs[0].Verdict != Deliverable {
		t.Errorf("alice@users.test: %+v", rs[0])
	}
}

// TestCutMultilineReply: a multi-line reply cut short by the timeout is no
// reply: the verdict is unknown, never read from the lines that came.
func TestCutMultilineReply(t *testing.T) {
	for _, tc := range []struct{ name, greeting, rcpt string }{
		{"greeting", "220-script.test first line\r\n", ""},
		{"RCPT", "220 script.test\r\n", "250-2.1.5 first line of an ok\r\n"},
		{"RCPT rejection", "220 script.test\r\n", "550-5.1.1 first line of a no\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startScript(t, &scriptServer{greeting: tc.greeting, rcpt: tc.rcpt, stall: true})
			opts := scriptOptions(s)
			opts.Timeout = 300 * time.Millisecond
			v := newVerifier(t, opts)
			r := v.Verify(context.Background(), []string{"u@[127.0.0.5]"})[0]
			if r.Verdict != Unknown || r.SMTP != nil || !strings.Contains(r.Error, "timeout") {
				t.Errorf("%+v, want unknown with no reply and a timeout", r)
			}
		})
	}
}
