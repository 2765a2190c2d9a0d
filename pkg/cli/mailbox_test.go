package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bounce-tool/bounce/pkg/source/imap/imaptest"
)

// A folder holding a FIFO and a symbolic link to /dev/zero beside a good
// bounce: the good record comes out at once, both others are named in
// warnings, and nothing hangs.
func TestFolderWithSpecialFiles(t *testing.T) {
	inRepoRoot(t)
	dir := t.TempDir()
	b, err := os.ReadFile("testdata/eml/postfix/user-unknown.eml")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "a-good.eml"), b, 0o644)
	if err := syscall.Mkfifo(filepath.Join(dir, "b-fifo"), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	os.Symlink("/dev/zero", filepath.Join(dir, "c-zero"))
	done := make(chan cliResult, 1)
	go func() { done <- runCLI(t, []string{"inspect", "--format", "ndjson", dir}, "", false) }()
	var res cliResult
	select {
	case res = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("inspect hung on a folder with special files")
	}
	recs := decodeNDJSON(t, res.out)
	if len(recs) != 1 || recs[0].Recipient != "jane.doe@customer-mail.example" {
		t.Errorf("records %+v, want the good bounce only", recs)
	}
	for _, name := range []string{"b-fifo", "c-zero"} {
		if !strings.Contains(res.errOut, name) {
			t.Errorf("no warning names %s: %q", name, res.errOut)
		}
	}
}

func mailboxEnv(t *testing.T, s *imaptest.Server) {
	t.Setenv("BOUNCE_IMAP_PASSWORD", s.Password)
	t.Setenv("BOUNCE_IMAP_TOKEN", "")
	t.Setenv("XDG_STATE_HOME", t.TempDir())
}

func readTestdata(t *testing.T, names ...string) [][]byte {
	var out [][]byte
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("testdata/eml", n))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// The acceptance of reading a mailbox: every message, the source without
// credentials, the index the UID, flags untouched; a second run prints
// nothing new, one more message exactly that one.
func TestInspectMailbox(t *testing.T) {
	inRepoRoot(t)
	s := imaptest.Start(t)
	mailboxEnv(t, s)
	s.Append(t, "INBOX", readTestdata(t, "postfix/user-unknown.eml", "exim/mailbox-full.eml", "generic/newsletter-not-a-bounce.eml")...)
	before := s.Flags(t, "INBOX")
	url := s.URL("INBOX", false) // imap:// on loopback: STARTTLS offered, --imap-insecure allows the local test server
	args := []string{"inspect", "--format", "ndjson", "--imap-insecure", url}
	res := runCLI(t, args, "", false)
	recs := decodeNDJSON(t, res.out)
	if res.code != 0 || len(recs) != 3 {
		t.Fatalf("exit %d, %d records (%s), want 0 and 3", res.code, len(recs), res.errOut)
	}
	for i, r := range recs {
		if r.Source != url || r.Index != i+1 || r.UIDValidity == 0 || strings.Contains(r.Source, s.Password) {
			t.Errorf("record %d: source %q index %d uid_validity %d", i, r.Source, r.Index, r.UIDValidity)
		}
	}
	if recs[0].Recipient != "jane.doe@customer-mail.example" || recs[2].Kind != "other" {
		t.Errorf("records %+v", recs)
	}
	if after := s.Flags(t, "INBOX"); len(after) != len(before) || strings.Contains(strings.ToLower(flagsText(after)), `\seen`) {
		t.Errorf("flags changed: before %v, after %v", before, after)
	}
	res = runCLI(t, args, "", false)
	if res.code != 0 || strings.TrimSpace(res.out) != "" {
		t.Fatalf("second run: exit %d, output %q; want 0 and nothing new", res.code, res.out)
	}
	s.Append(t, "INBOX", readTestdata(t, "qmail/mailbox-full.eml")...)
	recs = decodeNDJSON(t, runCLI(t, args, "", false).out)
	if len(recs) == 0 {
		t.Fatal("after one more message: no records")
	}
	for _, r := range recs { // the qmail bounce names two recipients
		if r.Index != 4 {
			t.Errorf("after one more message: a record of UID %d, want UID 4 only", r.Index)
		}
	}
}

func flagsText(m map[uint32][]string) string {
	var b strings.Builder
	for _, f := range m {
		b.WriteString(strings.Join(f, " "))
	}
	return b.String()
}

func TestInspectMailboxToken(t *testing.T) {
	inRepoRoot(t)
	s := imaptest.Start(t)
	mailboxEnv(t, s)
	t.Setenv("BOUNCE_IMAP_PASSWORD", "")
	s.Append(t, "INBOX", readTestdata(t, "postfix/user-unknown.eml")...)
	args := []string{"inspect", "--format", "ndjson", "--imap-insecure", "--no-resume", s.URL("INBOX", false)}
	t.Setenv("BOUNCE_IMAP_TOKEN", s.Token)
	if recs := decodeNDJSON(t, runCLI(t, args, "", false).out); len(recs) != 1 {
		t.Fatalf("XOAUTH2: %d records, want 1", len(recs))
	}
	t.Setenv("BOUNCE_IMAP_TOKEN", "refused-token-123")
	res := runCLI(t, args, "", false)
	if res.code != 1 || !strings.Contains(res.errOut, "refused the login") || strings.Contains(res.out+res.errOut, "refused-token-123") {
		t.Errorf("a refused token: exit %d, stderr %q; want 1, a clear error, no token", res.code, res.errOut)
	}
}

func TestInspectMailboxWrongPassword(t *testing.T) {
	inRepoRoot(t)
	s := imaptest.Start(t)
	mailboxEnv(t, s)
	t.Setenv("BOUNCE_IMAP_PASSWORD", "not-the-password-42")
	res := runCLI(t, []string{"inspect", "--imap-insecure", s.URL("INBOX", false)}, "", false)
	if res.code != 1 || !strings.Contains(res.errOut, "refused the login") || strings.Contains(res.out+res.errOut, "not-the-password-42") {
		t.Errorf("wrong password: exit %d, stderr %q; want 1, a clear error, no password", res.code, res.errOut)
	}
}

// syncBuffer is an io.Writer safe to read while watch writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startWatch runs bounce watch until the test ends.
func startWatch(t *testing.T, args ...string) *syncBuffer {
	t.Helper()
	ios, _, _, _ := TestIOStreams()
	out := &syncBuffer{}
	ios.Out, ios.ErrOut = out, &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		Run(ctx, NewRootCmd(ios, "1.2.3", "abc"), ios, append([]string{"watch"}, args...))
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return out
}

// waitFor waits until out holds n lines, for at most d.
func waitFor(t *testing.T, out *syncBuffer, n int, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for strings.Count(out.String(), "\n") < n {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %d lines, want %d:\n%s", d, strings.Count(out.String(), "\n"), n, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestWatchMailboxIdle(t *testing.T) {
	inRepoRoot(t)
	s := imaptest.Start(t)
	mailboxEnv(t, s)
	s.Append(t, "INBOX", readTestdata(t, "postfix/user-unknown.eml")...)
	out := startWatch(t, "--imap-insecure", "--interval", "1h", s.URL("INBOX", false))
	waitFor(t, out, 1, 10*time.Second)
	start := time.Now()
	s.Append(t, "INBOX", readTestdata(t, "exim/mailbox-full.eml")...)
	waitFor(t, out, 2, 5*time.Second) // IDLE: the interval is an hour
	t.Logf("the appended message was reported after %v", time.Since(start))
}

func TestWatchMaildir(t *testing.T) {
	inRepoRoot(t)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	md := t.TempDir()
	for _, sub := range []string{"new", "cur", "tmp"} {
		os.MkdirAll(filepath.Join(md, sub), 0o755)
	}
	msgs := readTestdata(t, "postfix/user-unknown.eml", "exim/mailbox-full.eml")
	os.WriteFile(filepath.Join(md, "cur", "1.a.host:2,S"), msgs[0], 0o644)
	out := startWatch(t, "--interval", "1h", "--format", "text", md)
	waitFor(t, out, 1, 10*time.Second)
	// A delivery agent writes into tmp/ and renames into new/.
	os.WriteFile(filepath.Join(md, "tmp", "2.b.host"), msgs[1], 0o644)
	os.Rename(filepath.Join(md, "tmp", "2.b.host"), filepath.Join(md, "new", "2.b.host"))
	waitFor(t, out, 2, 5*time.Second)
	if !strings.Contains(out.String(), "jane.doe@customer-mail.example") || !strings.Contains(out.String(), "mailboxfull") {
		t.Errorf("watch --format text wrote:\n%s", out.String())
	}
}

// TestMailboxProgress: on a terminal the progress line shows the messages
// handed out of those found, and is cleared at the end; elsewhere (a pipe,
// CI) there is none.
func TestMailboxProgress(t *testing.T) {
	ios, _, _, errOut := TestIOStreams()
	if newMailboxProgress(ios, func(string) string { return "" }) != nil {
		t.Fatal("a progress line without a terminal")
	}
	ios.SetTTY(false, false, true)
	if newMailboxProgress(ios, func(k string) string { return map[string]string{"CI": "true"}[k] }) != nil {
		t.Fatal("a progress line under CI")
	}
	p := newMailboxProgress(ios, func(string) string { return "" })
	p(1, 5000)
	time.Sleep(progressEvery + 10*time.Millisecond)
	p(2500, 5000)
	if !strings.Contains(errOut.String(), "mailbox: 2,500 / 5,000 messages") {
		t.Errorf("progress line: %q", errOut.String())
	}
	p(5000, 5000)
	if !strings.HasSuffix(errOut.String(), "\r") {
		t.Errorf("the line is not cleared: %q", errOut.String())
	}
}
