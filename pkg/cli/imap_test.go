package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/source/imap/dovecottest"
)

// imapBounces are testdata messages for the mailbox tests: three bounces
// and a customer's reply.
func imapBounces(t *testing.T) (bounces [][]byte, customer []byte) {
	t.Helper()
	for _, p := range []string{"postfix/user-unknown.eml", "exim/mailbox-full.eml", "postfix/spamhaus.eml"} {
		b, err := os.ReadFile(filepath.Join("testdata/eml", p))
		if err != nil {
			t.Fatal(err)
		}
		bounces = append(bounces, b)
	}
	customer, err := os.ReadFile("testdata/eml/other/customer-reply.eml")
	if err != nil {
		t.Fatal(err)
	}
	return bounces, customer
}

// imapEnv runs the test from the repository root with a fresh state
// directory and the test user's password in the environment.
func imapEnv(t *testing.T) string {
	t.Helper()
	inRepoRoot(t)
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv(envIMAPPassword, dovecottest.Password)
	t.Setenv(envIMAPToken, "")
	return state
}

// indexes returns the distinct message indexes of records, in order.
func indexes(recs []bounce.Record) []int {
	var out []int
	for _, r := range recs {
		if len(out) == 0 || out[len(out)-1] != r.Index {
			out = append(out, r.Index)
		}
	}
	return out
}

func noSecret(t *testing.T, res cliResult, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(res.out, s) || strings.Contains(res.errOut, s) {
			t.Errorf("the secret %q was printed:\n%s\n%s", s, res.out, res.errOut)
		}
	}
}

// TestInspectIMAP is the acceptance: every message gives records
// whose source is the URL without credentials and whose index is the UID;
// \Seen flags stay as they were; a rerun prints nothing and exits 0; after
// one more APPEND it prints exactly that message.
func TestInspectIMAP(t *testing.T) {
	s := dovecottest.Start(t)
	imapEnv(t)
	bounces, customer := imapBounces(t)
	s.Append(t, "INBOX", nil, bounces[0], bounces[1])
	s.Append(t, "INBOX", []string{`\Seen`}, bounces[2])
	s.Append(t, "INBOX", nil, customer)
	before := s.Flags(t, "INBOX")
	url := s.URL("INBOX")
	args := []string{"inspect", "--format", "ndjson", "--imap-insecure", url}
	res := runCLI(t, args, "", false)
	recs := decodeNDJSON(t, res.out)
	if res.code != 0 || !slices.Equal(indexes(recs), []int{1, 2, 3, 4}) {
		t.Fatalf("exit %d, indexes %v\n%s", res.code, indexes(recs), res.errOut)
	}
	for _, r := range recs {
		if r.Source != url || r.UIDValidity == 0 || strings.Contains(r.Source, dovecottest.Password) {
			t.Errorf("record source %q uid_validity %d", r.Source, r.UIDValidity)
		}
	}
	if recs[0].Recipient != "jane.doe@customer-mail.example" || recs[len(recs)-1].Kind != bounce.KindOther {
		t.Errorf("records %+v", recs)
	}
	noSecret(t, res, dovecottest.Password)
	after := s.Flags(t, "INBOX")
	for uid, f := range before {
		if !slices.Equal(f, after[uid]) {
			t.Errorf("UID %d: flags %v became %v", uid, f, after[uid])
		}
	}
	res = runCLI(t, args, "", false)
	if res.code != 0 || res.out != "" {
		t.Fatalf("rerun: exit %d, output %q, stderr %s", res.code, res.out, res.errOut)
	}
	s.Append(t, "INBOX", nil, bounces[1])
	res = runCLI(t, args, "", false)
	if recs := decodeNDJSON(t, res.out); res.code != 0 || !slices.Equal(indexes(recs), []int{5}) {
		t.Fatalf("after one APPEND: exit %d, indexes %v", res.code, indexes(recs))
	}
	// imaps:// with the test's certificate authority reads the same.
	res = runCLI(t, []string{"inspect", "--format", "ndjson", "--no-state", "--imap-ca-file", s.CAFile, s.TLSURL("INBOX")}, "", false)
	if recs := decodeNDJSON(t, res.out); res.code != 0 || len(indexes(recs)) != 5 {
		t.Fatalf("imaps: exit %d, indexes %v\n%s", res.code, indexes(recs), res.errOut)
	}
	// Without --imap-insecure, imap:// insists on STARTTLS: Dovecot offers
	// it, and its certificate is not trusted.
	res = runCLI(t, []string{"inspect", "--no-state", url}, "", false)
	if res.code != 1 || !strings.Contains(res.errOut, "certificate") {
		t.Errorf("STARTTLS with an untrusted certificate: exit %d, %s", res.code, res.errOut)
	}
}

// TestIMAPLoginRefused: a wrong password or a refused token exits 1 with a
// clear error that does not show the secret. Each case has a Dovecot of its
// own: Dovecot slows down an address's logins after each failure.
func TestIMAPLoginRefused(t *testing.T) {
	imapEnv(t)
	const wrong, badToken = "wrong-Pass-5d1c", "tok-Refused-88aa1"
	for _, tc := range []struct {
		name, password, token, auth string
	}{
		{"password", wrong, "", ""},
		{"xoauth2", "", badToken, "xoauth2"},
		{"oauthbearer", "", badToken, "oauthbearer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := dovecottest.Start(t)
			t.Setenv(envIMAPPassword, tc.password)
			t.Setenv(envIMAPToken, tc.token)
			args := []string{"inspect", "--imap-insecure", s.URL("INBOX")}
			if tc.auth != "" {
				args = append(args, "--imap-auth", tc.auth)
			}
			res := runCLI(t, args, "", false)
			if res.code != 1 || !strings.Contains(res.errOut, "login refused") {
				t.Errorf("exit %d, %s", res.code, res.errOut)
			}
			noSecret(t, res, wrong, badToken)
		})
	}
	// A password in the URL is refused, without repeating it.
	res := runCLI(t, []string{"inspect", "imap://test:hunter2-xyz@127.0.0.1:1/INBOX"}, "", false)
	if res.code != 1 || !strings.Contains(res.errOut, "password in the URL") {
		t.Errorf("password in URL: exit %d, %s", res.code, res.errOut)
	}
	noSecret(t, res, "hunter2-xyz")
}

// TestIMAPTokens: XOAUTH2 and OAUTHBEARER with the token Dovecot's oauth2
// passdb accepts (checked at the test's token-info endpoint), from the
// environment and from --token-command.
func TestIMAPTokens(t *testing.T) {
	s := dovecottest.Start(t)
	imapEnv(t)
	bounces, _ := imapBounces(t)
	s.Append(t, "INBOX", nil, bounces...)
	t.Setenv(envIMAPPassword, "")
	t.Setenv(envIMAPToken, dovecottest.Token)
	for _, args := range [][]string{
		{"--imap-auth", "xoauth2"},
		{"--imap-auth", "oauthbearer"},
		{}, // the default with a token: XOAUTH2
		{"--token-command", "echo " + dovecottest.Token},
	} {
		res := runCLI(t, append([]string{"inspect", "--format", "ndjson", "--no-state", "--imap-insecure", s.URL("INBOX")}, args...), "", false)
		if recs := decodeNDJSON(t, res.out); res.code != 0 || len(indexes(recs)) != 3 {
			t.Errorf("%v: exit %d, %d messages\n%s", args, res.code, len(indexes(recs)), res.errOut)
		}
		noSecret(t, res, dovecottest.Token)
	}
}

// TestIMAPMoveToAndFlag: --move-to moves exactly the messages read (here
// those --from-daemon selects), --flag flags them, nothing else changes.
func TestIMAPMoveToAndFlag(t *testing.T) {
	s := dovecottest.Start(t)
	imapEnv(t)
	bounces, customer := imapBounces(t)
	s.Append(t, "Bounces", nil, bounces[0], customer, bounces[1])
	res := runCLI(t, []string{"inspect", "--format", "ndjson", "--imap-insecure", "--from-daemon",
		"--flag", "$BounceProcessed", "--move-to", "Processed", s.URL("Bounces")}, "", false)
	if recs := decodeNDJSON(t, res.out); res.code != 0 || !slices.Equal(indexes(recs), []int{1, 3}) {
		t.Fatalf("exit %d, indexes %v\n%s", res.code, indexes(recs), res.errOut)
	}
	left, moved := s.Flags(t, "Bounces"), s.Flags(t, "Processed")
	if len(left) != 1 || left[2] == nil && len(left[2]) != 0 {
		t.Errorf("left in Bounces: %v, want UID 2 only", left)
	}
	if _, ok := left[2]; !ok {
		t.Errorf("the customer's message (UID 2) left Bounces: %v", left)
	}
	if len(moved) != 2 {
		t.Errorf("moved: %v, want the two bounces", moved)
	}
	for uid, f := range moved {
		// Keywords are case-insensitive; go-imap v1 lowercases them.
		if !slices.Contains(f, "$bounceprocessed") || slices.Contains(f, `\Seen`) {
			t.Errorf("moved UID %d has flags %v, want $BounceProcessed and not \\Seen", uid, f)
		}
	}
}

// TestIMAPUIDValidityChange: a mailbox renumbered since the last run is
// read again from the start, with a warning.
func TestIMAPUIDValidityChange(t *testing.T) {
	s := dovecottest.Start(t)
	imapEnv(t)
	bounces, _ := imapBounces(t)
	s.Append(t, "Box", nil, bounces[0], bounces[1])
	args := []string{"inspect", "--format", "ndjson", "--imap-insecure", s.URL("Box")}
	if res := runCLI(t, args, "", false); len(indexes(decodeNDJSON(t, res.out))) != 2 {
		t.Fatalf("first run: %s", res.errOut)
	}
	s.Recreate(t, "Box")
	s.Append(t, "Box", nil, bounces[2])
	res := runCLI(t, args, "", false)
	if recs := decodeNDJSON(t, res.out); res.code != 0 || !slices.Equal(indexes(recs), []int{1}) {
		t.Fatalf("after the renumbering: exit %d, indexes %v\n%s", res.code, indexes(recs), res.errOut)
	}
	if !strings.Contains(res.errOut, "UIDVALIDITY changed") {
		t.Errorf("no warning: %s", res.errOut)
	}
}

// syncBuffer is a bytes.Buffer safe for a command writing while the test
// reads.
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

// startWatch runs bounce watch with args until the returned stop is
// called; stop returns its exit status.
func startWatch(t *testing.T, args ...string) (out *syncBuffer, stop func() int) {
	t.Helper()
	ios, _, _, _ := TestIOStreams()
	out, errOut := &syncBuffer{}, &syncBuffer{}
	ios.Out, ios.ErrOut = out, errOut
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	go func() { code <- Run(ctx, NewRootCmd(ios, "1.2.3", "abc1234"), ios, append([]string{"watch"}, args...)) }()
	return out, func() int {
		cancel()
		select {
		case c := <-code:
			if c != 0 {
				t.Logf("watch stderr: %s", errOut.String())
			}
			return c
		case <-time.After(10 * time.Second):
			t.Fatal("watch does not stop")
			return -1
		}
	}
}

// waitFor waits up to d for out to hold n lines.
func waitFor(t *testing.T, out *syncBuffer, n int, d time.Duration) []bounce.Record {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		if strings.Count(out.String(), "\n") >= n {
			return decodeNDJSON(t, out.String())
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %d lines, want %d:\n%s", d, strings.Count(out.String(), "\n"), n, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestWatchIMAP: watch prints the messages already there, then a message
// APPENDed while it runs within 5 s (IDLE), and saves its state.
func TestWatchIMAP(t *testing.T) {
	s := dovecottest.Start(t)
	state := imapEnv(t)
	bounces, _ := imapBounces(t)
	s.Append(t, "INBOX", nil, bounces[0])
	out, stop := startWatch(t, "--imap-insecure", s.URL("INBOX"))
	waitFor(t, out, 1, 10*time.Second)
	start := time.Now()
	s.Append(t, "INBOX", nil, bounces[1])
	recs := waitFor(t, out, 2, 5*time.Second)
	t.Logf("the APPENDed message was printed %v after", time.Since(start).Round(time.Millisecond))
	if code := stop(); code != 0 {
		t.Errorf("watch exited %d", code)
	}
	if !slices.Equal(indexes(recs), []int{1, 2}) {
		t.Errorf("indexes %v", indexes(recs))
	}
	b, err := os.ReadFile(filepath.Join(state, "bounce", "imap.json"))
	if err != nil || !strings.Contains(string(b), `"last_uid": 2`) {
		t.Errorf("state after watch: %s %v", b, err)
	}
}

// TestWatchMaildir: a message delivered into a Maildir while watch runs is
// printed (fsnotify; the rescan is a minute away).
func TestWatchMaildir(t *testing.T) {
	inRepoRoot(t)
	md := t.TempDir()
	for _, sub := range []string{"cur", "new", "tmp"} {
		os.MkdirAll(filepath.Join(md, sub), 0o755)
	}
	copyFile(t, "testdata/eml/exim/mailbox-full.eml", filepath.Join(md, "cur", "1700000001.M1.host:2,S"))
	out, stop := startWatch(t, md)
	waitFor(t, out, 1, 5*time.Second)
	copyFile(t, "testdata/eml/postfix/user-unknown.eml", filepath.Join(md, "tmp", "1700000002.M2.host"))
	if err := os.Rename(filepath.Join(md, "tmp", "1700000002.M2.host"), filepath.Join(md, "new", "1700000002.M2.host")); err != nil {
		t.Fatal(err)
	}
	recs := waitFor(t, out, 2, 5*time.Second)
	// A message read and moved to cur/ by a mail program is not new.
	os.Rename(filepath.Join(md, "new", "1700000002.M2.host"), filepath.Join(md, "cur", "1700000002.M2.host:2,S"))
	time.Sleep(300 * time.Millisecond)
	if code := stop(); code != 0 {
		t.Errorf("watch exited %d", code)
	}
	recs = decodeNDJSON(t, out.String())
	if len(recs) != 2 || recs[1].Recipient != "jane.doe@customer-mail.example" {
		t.Errorf("records %+v", recs)
	}
}
