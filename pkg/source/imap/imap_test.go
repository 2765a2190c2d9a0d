package imap

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/bounce-tool/bounce/pkg/source"
	"github.com/bounce-tool/bounce/pkg/source/imap/dovecottest"
)

// testBounces are three testdata bounces, read from the repository.
func testBounces(t *testing.T) [][]byte {
	t.Helper()
	var out [][]byte
	for _, p := range []string{"postfix/user-unknown.eml", "exim/mailbox-full.eml", "postfix/spamhaus.eml"} {
		b, err := os.ReadFile(filepath.Join("../../../testdata/eml", p))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func passwordConfig(t *testing.T, s *dovecottest.Server) Config {
	t.Helper()
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	return Config{
		Credentials: Credentials{Password: func(context.Context) (string, error) { return dovecottest.Password, nil }},
		TLS:         &tls.Config{RootCAs: pool},
		StatePath:   filepath.Join(t.TempDir(), "imap.json"),
		Backoff:     10e6,
	}
}

// readAll opens name with o, reads every message, marks each done and
// commits; it returns the UIDs read.
func readAll(t *testing.T, o *Opener, name string) ([]int, []*source.Message) {
	t.Helper()
	in, err := o.Open(name, source.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	defer in.Close()
	var uids []int
	var msgs []*source.Message
	for {
		m, err := in.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if m.Err != nil {
			t.Fatalf("message %d: %v", m.Index, m.Err)
		}
		uids = append(uids, m.Index)
		msgs = append(msgs, m)
		in.(source.Committer).Done(m)
	}
	if err := in.(source.Committer).Commit(); err != nil {
		t.Fatal(err)
	}
	return uids, msgs
}

func TestReadResumeAndFlags(t *testing.T) {
	s := dovecottest.Start(t)
	bounces := testBounces(t)
	s.Append(t, "INBOX", nil, bounces[0], bounces[1])
	s.Append(t, "INBOX", []string{`\Seen`}, bounces[2])
	before := s.Flags(t, "INBOX")
	cfg := passwordConfig(t, s)
	o := NewOpener(cfg)
	for _, url := range []string{s.TLSURL("INBOX")} {
		uids, msgs := readAll(t, o, url)
		if len(uids) != 3 || uids[0] != 1 || uids[2] != 3 {
			t.Fatalf("read UIDs %v, want 1 2 3", uids)
		}
		if msgs[0].Source != url || msgs[0].UIDValidity == 0 || msgs[0].Path != "" {
			t.Errorf("source %q uidvalidity %d path %q", msgs[0].Source, msgs[0].UIDValidity, msgs[0].Path)
		}
	}
	after := s.Flags(t, "INBOX")
	for uid, f := range before {
		if len(after[uid]) != len(f) {
			t.Errorf("UID %d: flags %v became %v", uid, f, after[uid])
		}
	}
	// A rerun finds nothing new; one more message, and it finds that one.
	if uids, _ := readAll(t, o, s.TLSURL("INBOX")); len(uids) != 0 {
		t.Fatalf("rerun read %v, want nothing", uids)
	}
	s.Append(t, "INBOX", nil, bounces[0])
	if uids, _ := readAll(t, o, s.TLSURL("INBOX")); len(uids) != 1 || uids[0] != 4 {
		t.Fatalf("after one APPEND read %v, want [4]", uids)
	}
}

func TestWrongPasswordIsRedacted(t *testing.T) {
	s := dovecottest.Start(t)
	cfg := passwordConfig(t, s)
	const wrong = "wrong-Secret-42"
	cfg.Credentials.Password = func(context.Context) (string, error) { return wrong, nil }
	_, err := NewOpener(cfg).Open(s.TLSURL("INBOX"), source.Options{})
	if err == nil || !strings.Contains(err.Error(), "login refused") || strings.Contains(err.Error(), wrong) {
		t.Fatalf("login with a wrong password: %v", err)
	}
	if got := redact(errors.New("no: "+wrong), wrong).Error(); got != "no: REDACTED" {
		t.Errorf("redact: %q", got)
	}
}

// cutProxy forwards connections to addr; the first one is cut after the
// server has sent cutAfter bytes.
func cutProxy(t *testing.T, addr string, cutAfter int64) (string, *atomic.Int32) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var conns atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			n := conns.Add(1)
			go func() {
				s, err := net.Dial("tcp", addr)
				if err != nil {
					c.Close()
					return
				}
				go func() { io.Copy(s, c); s.Close() }()
				if n == 1 {
					n, err := io.CopyN(c, s, cutAfter)
					t.Logf("cut after %d bytes: %v", n, err)
				} else {
					io.Copy(c, s)
				}
				c.Close()
				s.Close()
			}()
		}
	}()
	return l.Addr().String(), &conns
}

// TestConnectionCutMidFetch: the connection drops in the middle of a
// batch; the input reconnects and goes on after the last message handed
// out, without losing or repeating one.
func TestConnectionCutMidFetch(t *testing.T) {
	s := dovecottest.Start(t)
	bounces := testBounces(t)
	for range 3 {
		s.Append(t, "INBOX", nil, bounces...)
	}
	addr, conns := cutProxy(t, fmt.Sprintf("127.0.0.1:%d", s.Port), 5<<10)
	cfg := passwordConfig(t, s)
	cfg.Insecure, cfg.BatchSize = true, 4
	var warnings []string
	cfg.Warn = func(s string) { warnings = append(warnings, s) }
	uids, _ := readAll(t, NewOpener(cfg), "imap://"+dovecottest.User+"@"+addr+"/INBOX")
	want := []int{1, 2, 3, 4, 5, 6, 7, 8, 9}
	if !slices.Equal(uids, want) {
		t.Fatalf("read UIDs %v, want %v", uids, want)
	}
	if conns.Load() < 2 || len(warnings) == 0 {
		t.Errorf("no reconnect: %d connections, warnings %q", conns.Load(), warnings)
	}
}

// TestManyMessagesBoundedMemory reads 5,000 messages of 10 KB (50 MB) and
// checks that the heap stays far below the mailbox's size: messages are
// fetched in batches and handed out one at a time.
func TestManyMessagesBoundedMemory(t *testing.T) {
	s := dovecottest.Start(t)
	// Delivered as files into the Maildir (as a local delivery agent
	// does): Dovecot indexes them on the first EXAMINE. 5,000 APPENDs
	// would take the test's time for nothing more.
	body := bounces0(t)
	pad := strings.Repeat("padding line to make the message bigger ..............................\n", 10<<10/72)
	os.MkdirAll(filepath.Join(s.Maildir, "new"), 0o755)
	os.MkdirAll(filepath.Join(s.Maildir, "cur"), 0o755)
	os.MkdirAll(filepath.Join(s.Maildir, "tmp"), 0o755)
	const n = 5000
	for i := range n {
		name := filepath.Join(s.Maildir, "new", fmt.Sprintf("1700000000.M%dP1.test", i))
		if err := os.WriteFile(name, append(append([]byte(nil), body...), pad...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	chownAll(t, s.Maildir)
	cfg := passwordConfig(t, s)
	cfg.Insecure = true
	in, err := NewOpener(cfg).Open(s.URL("INBOX"), source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	runtime.GC()
	var ms runtime.MemStats
	var peak uint64
	count := 0
	for {
		m, err := in.Next()
		if err == io.EOF {
			break
		}
		if err != nil || m.Err != nil {
			t.Fatal(err, m)
		}
		count++
		if !bytes.HasPrefix(m.Data, body[:100]) || m.Size != int64(len(body)+len(pad)) || m.Truncated {
			t.Fatalf("message %d: %d bytes, want %d", m.Index, len(m.Data), len(body)+len(pad))
		}
		m.Release()
		in.(source.Committer).Done(m)
		if count%250 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	if count != n {
		t.Fatalf("read %d messages, want %d", count, n)
	}
	t.Logf("5,000 messages of %d bytes: peak heap in use %d MB", len(body)+len(pad), peak>>20)
	if peak > 40<<20 {
		t.Errorf("peak heap %d MB while reading a 50 MB mailbox: not bounded", peak>>20)
	}
}

func bounces0(t *testing.T) []byte { return testBounces(t)[0] }

// chownAll gives the files under dir to the owner of dir (Dovecot's mail
// user).
func chownAll(t *testing.T, dir string) {
	t.Helper()
	fi, err := os.Stat(filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		os.Chown(p, int(st.Uid), int(st.Gid))
		return nil
	})
}
