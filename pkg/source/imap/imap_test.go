package imap_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bounce-tool/bounce/pkg/source"
	"github.com/bounce-tool/bounce/pkg/source/imap"
	"github.com/bounce-tool/bounce/pkg/source/imap/imaptest"
)

// bounces are test messages: three testdata bounces.
func bounces(t *testing.T) [][]byte {
	t.Helper()
	var out [][]byte
	for _, f := range []string{"postfix/user-unknown.eml", "exim/mailbox-full.eml", "qmail/mailbox-full.eml"} {
		b, err := os.ReadFile(filepath.Join("../../../testdata/eml", f))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// read reads the mailbox url to the end, marks every message written and
// commits, like a command does.
func read(t *testing.T, url string, o imap.Options) ([]*source.Message, error) {
	t.Helper()
	rd := source.NewReader([]string{url}, source.Options{Openers: []source.Opener{&imap.Opener{Options: o}}})
	defer rd.Close()
	var msgs []*source.Message
	for {
		m, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return msgs, err
		}
		if m.Err != nil {
			return msgs, m.Err
		}
		msgs = append(msgs, m)
		rd.Done(m)
	}
	return msgs, rd.Commit()
}

func TestReadLeavesTheMailboxAsItWas(t *testing.T) {
	s := imaptest.Start(t)
	s.Append(t, "INBOX", bounces(t)...)
	c := s.Client(t)
	c.Select("INBOX", false)
	before := s.Flags(t, "INBOX")
	for _, tls := range []bool{true, false} { // imaps://, and imap:// with STARTTLS
		msgs, err := read(t, s.URL("INBOX", tls), imap.Options{Password: s.Password, TLS: s.TLSConfig()})
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 3 {
			t.Fatalf("read %d messages, want 3", len(msgs))
		}
		for i, m := range msgs {
			if m.Source != s.URL("INBOX", tls) || m.Index != i+1 || m.UIDValidity == 0 || !strings.Contains(string(m.Data), "Subject:") {
				t.Errorf("message %d: source %q index %d uidvalidity %d", i, m.Source, m.Index, m.UIDValidity)
			}
		}
	}
	after := s.Flags(t, "INBOX")
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Errorf("flags changed: before %v, after %v", before, after)
	}
}

func TestResume(t *testing.T) {
	s := imaptest.Start(t)
	s.Append(t, "INBOX", bounces(t)...)
	o := imap.Options{Password: s.Password, TLS: s.TLSConfig(), StatePath: filepath.Join(t.TempDir(), "imap.json")}
	url := s.URL("INBOX", true)
	if msgs, err := read(t, url, o); err != nil || len(msgs) != 3 {
		t.Fatalf("first run: %d messages, %v", len(msgs), err)
	}
	if msgs, err := read(t, url, o); err != nil || len(msgs) != 0 {
		t.Fatalf("second run: %d messages, %v; want none", len(msgs), err)
	}
	s.Append(t, "INBOX", bounces(t)[0])
	msgs, err := read(t, url, o)
	if err != nil || len(msgs) != 1 || msgs[0].Index != 4 {
		t.Fatalf("after one more message: %d messages, %v; want UID 4 only", len(msgs), err)
	}
	// The server renumbers the mailbox: everything again, with a warning.
	s.SetUIDValidity(t, "INBOX", 77)
	var warned []string
	o.Warn = func(m string) { warned = append(warned, m) }
	msgs, err = read(t, url, o)
	if err != nil || len(msgs) != 4 || len(warned) != 1 || !strings.Contains(warned[0], "UIDVALIDITY changed") {
		t.Fatalf("after a new UIDVALIDITY: %d messages, %v, warnings %q", len(msgs), err, warned)
	}
}

// TestStateFileKept: an unreadable state file is set aside, not
// overwritten, and the whole mailbox is read; a renumbered mailbox with
// nothing new is warned about once, not on every run.
func TestStateFileKept(t *testing.T) {
	s := imaptest.Start(t)
	s.Append(t, "INBOX", bounces(t)...)
	s.Append(t, "Empty")
	path := filepath.Join(t.TempDir(), "imap.json")
	os.WriteFile(path, []byte("{not json"), 0o600)
	var warned []string
	o := imap.Options{Password: s.Password, TLS: s.TLSConfig(), StatePath: path,
		Warn: func(m string) { warned = append(warned, m) }}
	msgs, err := read(t, s.URL("INBOX", true), o)
	if err != nil || len(msgs) != 3 {
		t.Fatalf("with a broken state file: %d messages, %v; want all 3", len(msgs), err)
	}
	if len(warned) == 0 || !strings.Contains(warned[0], path+".corrupt") {
		t.Errorf("warnings %q, want one naming %s.corrupt", warned, path)
	}
	if b, _ := os.ReadFile(path + ".corrupt"); string(b) != "{not json" {
		t.Errorf("the broken file was not kept: %q", b)
	}

	empty := s.URL("Empty", true)
	all := map[string]any{}
	b, _ := os.ReadFile(path)
	json.Unmarshal(b, &all)
	all[empty] = map[string]uint32{"uid_validity": 1, "last_uid": 9}
	b, _ = json.Marshal(all)
	os.WriteFile(path, b, 0o600)
	for run := 1; run <= 2; run++ {
		warned = nil
		if msgs, err := read(t, empty, o); err != nil || len(msgs) != 0 {
			t.Fatalf("run %d on an empty mailbox: %d messages, %v", run, len(msgs), err)
		}
		if got := strings.Contains(strings.Join(warned, "\n"), "UIDVALIDITY changed"); got != (run == 1) {
			t.Errorf("run %d: warnings %q; want the UIDVALIDITY change said on the first run only", run, warned)
		}
	}
}

func TestMoveAndFlag(t *testing.T) {
	s := imaptest.Start(t)
	s.Append(t, "INBOX", bounces(t)...)
	s.Append(t, "Processed")
	url := s.URL("INBOX", true)
	if _, err := read(t, url, imap.Options{Password: s.Password, TLS: s.TLSConfig(), Flag: "$BounceProcessed"}); err != nil {
		t.Fatal(err)
	}
	for uid, flags := range s.Flags(t, "INBOX") {
		if f := strings.ToLower(fmt.Sprint(flags)); !strings.Contains(f, "$bounceprocessed") || strings.Contains(f, `\seen`) {
			t.Errorf("UID %d flags %v, want $BounceProcessed and not \\Seen", uid, flags)
		}
	}
	if _, err := read(t, url, imap.Options{Password: s.Password, TLS: s.TLSConfig(), MoveTo: "Processed"}); err != nil {
		t.Fatal(err)
	}
	if n, m := len(s.Flags(t, "INBOX")), len(s.Flags(t, "Processed")); n != 0 || m != 3 {
		t.Errorf("after --move-to: INBOX holds %d, Processed %d; want 0 and 3", n, m)
	}
	// A destination that does not exist yet is created.
	s.Append(t, "INBOX", bounces(t)[0])
	if _, err := read(t, url, imap.Options{Password: s.Password, TLS: s.TLSConfig(), MoveTo: "Done"}); err != nil {
		t.Fatal(err)
	}
	if n, m := len(s.Flags(t, "INBOX")), len(s.Flags(t, "Done")); n != 0 || m != 1 {
		t.Errorf("after --move-to a new mailbox: INBOX holds %d, Done %d; want 0 and 1", n, m)
	}
}

func TestLoginRefused(t *testing.T) {
	for _, o := range []imap.Options{{Password: "wrong-password"}, {Token: "bad-token-77"}, {Token: "bad-token-77", Mechanism: "oauthbearer"}} {
		// A server of its own for each: Dovecot makes an address wait
		// longer after each failed login.
		s := imaptest.Start(t)
		o.TLS = s.TLSConfig()
		_, err := read(t, s.URL("INBOX", true), o)
		if !errors.Is(err, imap.ErrAuth) {
			t.Fatalf("wrong secret: %v, want ErrAuth", err)
		}
		if strings.Contains(err.Error(), "wrong-password") || strings.Contains(err.Error(), "bad-token") {
			t.Errorf("the error shows the secret: %v", err)
		}
	}
}

func TestTokens(t *testing.T) {
	s := imaptest.Start(t)
	s.Append(t, "INBOX", bounces(t)...)
	for _, mech := range []string{"xoauth2", "oauthbearer"} {
		msgs, err := read(t, s.URL("INBOX", true), imap.Options{Token: s.Token, Mechanism: mech, TLS: s.TLSConfig()})
		if err != nil || len(msgs) != 3 {
			t.Errorf("%s: %d messages, %v", mech, len(msgs), err)
		}
	}
}

func TestURL(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"imaps://ann@mail.example/INBOX", "imaps://ann@mail.example/INBOX", ""},
		{"imap://ann@mail.example:1143/Bounces", "imap://ann@mail.example:1143/Bounces", ""},
		{"imaps://ann@mail.example", "imaps://ann@mail.example/INBOX", ""},
		{"imaps://ann:hunter2@mail.example/INBOX", "", "password in the URL"},
		{"imaps://mail.example/INBOX", "", "name the user"},
	} {
		m, err := imap.ParseURL(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("ParseURL(%q) error %v, want %q without the password", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || m.String() != tc.want {
			t.Errorf("ParseURL(%q) = %v, %v; want %s", tc.in, m, err, tc.want)
		}
	}
}

// cutter is a TCP proxy that cuts its first connection after n bytes from
// the server, mid-fetch; later connections pass.
func cutter(t *testing.T, target string, n int64, thenDead bool) (addr string, cuts *atomic.Int32) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	cuts = new(atomic.Int32)
	var first sync.Once
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			if thenDead && cuts.Load() > 0 { // the server is gone
				c.Close()
				continue
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			limit := int64(-1)
			first.Do(func() { limit = n })
			go func() { io.Copy(up, c); up.Close() }()
			go func() {
				if limit > 0 {
					io.CopyN(c, up, limit)
					cuts.Add(1)
				} else {
					io.Copy(c, up)
				}
				c.Close()
				up.Close()
			}()
		}
	}()
	return l.Addr().String(), cuts
}

// cutMailbox starts a server with 30 messages in INBOX behind a proxy that
// cuts the first connection mid-fetch (and, thenDead, refuses every later
// one), and returns the proxied URL.
func cutMailbox(t *testing.T, thenDead bool) (s *imaptest.Server, url string, cuts *atomic.Int32) {
	t.Helper()
	s = imaptest.Start(t)
	var msgs [][]byte
	for range 10 {
		msgs = append(msgs, bounces(t)...)
	}
	s.Append(t, "INBOX", msgs...)
	addr, cuts := cutter(t, s.TLSAddr, 40<<10, thenDead)
	return s, "imaps://" + s.User + "@" + addr + "/INBOX", cuts
}

func TestConnectionCutMidFetch(t *testing.T) {
	s, url, cuts := cutMailbox(t, false)
	got, err := read(t, url, imap.Options{Password: s.Password, TLS: s.TLSConfig(), Batch: 7,
		Warn: func(string) {}})
	if err != nil {
		t.Fatal(err)
	}
	if cuts.Load() != 1 {
		t.Fatalf("the proxy cut %d connections, want 1", cuts.Load())
	}
	if len(got) != 30 {
		t.Fatalf("read %d messages, want 30", len(got))
	}
	for i, m := range got {
		if m.Index != i+1 {
			t.Fatalf("message %d has UID %d: lost or repeated", i, m.Index)
		}
	}
}

func TestManyMessagesBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("5,000 messages")
	}
	s := imaptest.Start(t)
	msg := bounces(t)[0]
	const n = 5000
	s.Deliver(t, n, msg)
	rd := source.NewReader([]string{s.URL("INBOX", true)}, source.Options{Openers: []source.Opener{
		&imap.Opener{Options: imap.Options{Password: s.Password, TLS: s.TLSConfig()}}}})
	defer rd.Close()
	var peak uint64
	count := 0
	for {
		m, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil || m.Err != nil {
			t.Fatal(err, m.Err)
		}
		count++
		m.Release()
		if count%500 == 0 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	if count != n {
		t.Fatalf("read %d messages, want %d", count, n)
	}
	if peak > 64<<20 {
		t.Errorf("heap peaked at %d MiB reading %d messages (%d bytes each), want under 64 MiB", peak>>20, n, len(msg))
	}
}

// TestQuietConnectionSurvives: a connection that sits idle longer than
// Options.Timeout between commands, or waits (IDLE) longer than it, is
// still usable: the timeout bounds commands, not silence. bounce watch
// waits for minutes between messages.
func TestQuietConnectionSurvives(t *testing.T) {
	s := imaptest.Start(t)
	s.Append(t, "INBOX", bounces(t)[0])
	var warned []string
	var mu sync.Mutex
	o := imap.Options{Password: s.Password, TLS: s.TLSConfig(), Timeout: time.Second,
		Warn: func(m string) { mu.Lock(); warned = append(warned, m); mu.Unlock() }}
	in, err := (&imap.Opener{Options: o}).Open(s.URL("INBOX", true), source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	mb := in.(*imap.Input)
	if m, err := mb.Next(); err != nil || m.Index != 1 {
		t.Fatalf("first message: %v, %v", m, err)
	}
	if _, err := mb.Next(); err != io.EOF {
		t.Fatalf("after the last message: %v, want io.EOF", err)
	}
	time.Sleep(1500 * time.Millisecond) // silent longer than the timeout
	start := time.Now()
	if err := mb.Wait(nil, 2500*time.Millisecond); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if d := time.Since(start); d < 2*time.Second {
		t.Errorf("Wait returned after %v without news, want about 2.5s", d)
	}
	s.Append(t, "INBOX", bounces(t)[1])
	if err := mb.Wait(nil, 5*time.Second); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if m, err := mb.Next(); err != nil || m.Index != 2 {
		t.Fatalf("the new message: %v, %v", m, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(warned) > 0 {
		t.Errorf("the connection was lost and reopened: %q", warned)
	}
}

// TestLargeMessageCut: a message above the size limit is fetched only up
// to the limit (a partial BODY.PEEK[]<0.max>) and reported as truncated,
// with its full size.
func TestLargeMessageCut(t *testing.T) {
	s := imaptest.Start(t)
	big := append(append([]byte(nil), bounces(t)[0]...), strings.Repeat("filler line of a large attachment ...\n", 4000)...)
	s.Append(t, "INBOX", big, bounces(t)[1])
	const limit = 8 << 10
	rd := source.NewReader([]string{s.URL("INBOX", true)}, source.Options{MaxMessageSize: limit,
		Openers: []source.Opener{&imap.Opener{Options: imap.Options{Password: s.Password, TLS: s.TLSConfig()}}}})
	defer rd.Close()
	m, err := rd.Next()
	if err != nil || m.Err != nil {
		t.Fatal(err, m)
	}
	if !m.Truncated || len(m.Data) > limit || m.Size < int64(len(big)) || !strings.HasPrefix(string(m.Data), string(bounces(t)[0][:200])) {
		t.Errorf("large message: truncated %v, %d bytes kept, size %d (want the first %d bytes of %d)", m.Truncated, len(m.Data), m.Size, limit, len(big))
	}
	m, err = rd.Next()
	if err != nil || m.Err != nil || m.Truncated || m.Index != 2 {
		t.Errorf("the small message after it: %+v, %v", m, err)
	}
}

// TestTokenRenewedOnReconnect: after a dropped connection the token is
// asked for again (access tokens expire within the hour, watch runs for
// days), and a progress callback counts the messages handed out.
func TestTokenRenewedOnReconnect(t *testing.T) {
	s, url, cuts := cutMailbox(t, false)
	renewed := 0
	var progress [][2]int
	o := imap.Options{Token: s.Token, TLS: s.TLSConfig(), Batch: 7, Warn: func(string) {},
		Renew:    func() (string, error) { renewed++; return s.Token, nil },
		Progress: func(done, total int) { progress = append(progress, [2]int{done, total}) }}
	got, err := read(t, url, o)
	if err != nil || len(got) != 30 || cuts.Load() != 1 {
		t.Fatalf("read %d messages, %v, %d cuts", len(got), err, cuts.Load())
	}
	if renewed < 1 {
		t.Errorf("the token was not renewed on reconnecting")
	}
	if len(progress) != 30 || progress[29] != [2]int{30, 30} || progress[0] != [2]int{1, 30} {
		t.Errorf("progress %v, want 1/30 ... 30/30", progress)
	}
}

// TestBatchBytes: a batch is cut short where its messages would pass
// BatchBytes, so big messages are not all held at once; every message is
// still read, in order.
func TestBatchBytes(t *testing.T) {
	s := imaptest.Start(t)
	big := append(append([]byte(nil), bounces(t)[0]...), strings.Repeat("filler line of a large attachment ...\n", 1000)...)
	s.Append(t, "INBOX", big, big, bounces(t)[1], big, big)
	got, err := read(t, s.URL("INBOX", true), imap.Options{Password: s.Password, TLS: s.TLSConfig(), BatchBytes: int64(len(big)) + 10})
	if err != nil || len(got) != 5 {
		t.Fatalf("read %d messages, %v", len(got), err)
	}
	for i, m := range got {
		if m.Index != i+1 || m.Truncated {
			t.Errorf("message %d: UID %d, truncated %v", i, m.Index, m.Truncated)
		}
	}
}

// TestStopWhileWaitingToReconnect: while the server is gone and the input
// waits to reconnect (for ever, as watch does), closing Options.Done stops
// the run at once.
func TestStopWhileWaitingToReconnect(t *testing.T) {
	s, url, _ := cutMailbox(t, true)
	stop := make(chan struct{})
	o := imap.Options{Password: s.Password, TLS: s.TLSConfig(), Batch: 7, Retries: -1, Done: stop, Warn: func(string) {}}
	done := make(chan error, 1)
	go func() { _, err := read(t, url, o); done <- err }()
	time.Sleep(1200 * time.Millisecond)
	close(stop)
	select {
	case err := <-done:
		if !errors.Is(err, imap.ErrStopped) {
			t.Errorf("stopped run: %v, want ErrStopped", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the run did not stop while waiting to reconnect")
	}
}

// --from-daemon filters on the server: only the mail system's messages
// are fetched.
func TestFromDaemonFilter(t *testing.T) {
	s := imaptest.Start(t)
	news, err := os.ReadFile("../../../testdata/eml/generic/newsletter-not-a-bounce.eml")
	if err != nil {
		t.Fatal(err)
	}
	s.Append(t, "INBOX", append([][]byte{news}, bounces(t)[0])...)
	msgs, err := read(t, s.URL("INBOX", true), imap.Options{Password: s.Password, TLS: s.TLSConfig(), FromDaemon: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].Index != 2 {
		t.Fatalf("--from-daemon read %d messages, want only UID 2, the bounce", len(msgs))
	}
}
