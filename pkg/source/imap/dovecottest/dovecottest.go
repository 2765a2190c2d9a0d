// Package dovecottest starts a real IMAP server for tests: Debian's Dovecot
// (package dovecot-imapd) with a throw-away configuration in a temporary
// folder, listening on 127.0.0.1 only (IMAP with STARTTLS and IMAPS, a
// self-signed certificate made at start), with one user whose mail is a
// Maildir, and an OAuth 2.0 token-info endpoint on loopback that accepts one
// access token (for XOAUTH2 and OAUTHBEARER).
//
// Without Dovecot installed a test skips, saying how to install it; with
// CI=true it fails instead.
package dovecottest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
)

// The test user and its secrets.
const (
	User     = "test"
	Password = "pw-Secret-7f3a91"
	Token    = "tok-Good-1b9e77c2d4"
)

// Server is a running Dovecot.
type Server struct {
	Port    int    // IMAP (STARTTLS offered, plain login allowed)
	TLSPort int    // IMAPS
	CAFile  string // the certificate to trust (PEM)
	Maildir string // the user's Maildir (INBOX); folders are .Name in it
	dir     string
}

// Find returns the path of the dovecot binary, or skips (fails under CI)
// the test when it is missing.
func Find(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"/usr/sbin/dovecot", "/usr/local/sbin/dovecot"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("dovecot"); err == nil {
		return p
	}
	msg := "dovecot is not installed: apt-get install dovecot-imapd (the IMAP tests run a real Dovecot on 127.0.0.1)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Start starts Dovecot and stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Find(t)
	dir, err := os.MkdirTemp("", "dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	s := &Server{dir: dir, Port: freePort(t), TLSPort: freePort(t), Maildir: filepath.Join(dir, "mail", User)}
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeCert(t, certFile, keyFile)
	s.CAFile = certFile

	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.URL.Query().Get("access_token")
		if tok == "" {
			tok = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		}
		w.Header().Set("Content-Type", "application/json")
		if tok != Token {
			w.WriteHeader(http.StatusUnauthorized)
			json.NewEncoder(w).Encode(map[string]string{"error": "invalid_token"})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"email": User, "active": true})
	}))
	t.Cleanup(tokens.Close)

	// Dovecot's processes drop privileges: as root, they run as the
	// package's users and the mail belongs to "dovecot"; otherwise they
	// all run as the current user.
	internal, login, mailUID, mailGID := "dovecot", "dovenull", "", ""
	if os.Getuid() != 0 {
		u, _ := user.Current()
		internal, login = u.Username, u.Username
		mailUID, mailGID = u.Uid, u.Gid
	} else {
		u, err := user.Lookup("dovecot")
		if err != nil {
			t.Fatalf("dovecot's user is missing: %v", err)
		}
		mailUID, mailGID = u.Uid, u.Gid
		if _, err := user.Lookup("dovenull"); err != nil {
			login = "dovecot"
		}
	}
	for _, d := range []string{"run", "state", "mail"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	os.Chmod(dir, 0o755)
	uid, _ := strconv.Atoi(mailUID)
	gid, _ := strconv.Atoi(mailGID)
	os.Chown(filepath.Join(dir, "mail"), uid, gid)

	write(t, filepath.Join(dir, "passwd"), fmt.Sprintf("%s:{PLAIN}%s::::::\n", User, Password))
	write(t, filepath.Join(dir, "oauth2.conf"), fmt.Sprintf("tokeninfo_url = %s/tokeninfo?access_token=\nusername_attribute = email\n", tokens.URL))
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <%[2]s
ssl_key = <%[3]s
default_internal_user = %[4]s
default_internal_group = %[4]s
default_login_user = %[5]s
first_valid_uid = 0
first_valid_gid = 0
mail_uid = %[6]s
mail_gid = %[7]s
auth_mechanisms = plain login xoauth2 oauthbearer
disable_plaintext_auth = no
mail_fsync = never
auth_failure_delay = 0
mail_location = maildir:%[1]s/mail/%%u
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = %[8]d
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = %[9]d
    ssl = yes
  }
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
passdb {
  driver = passwd-file
  args = %[1]s/passwd
}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = %[1]s/oauth2.conf
}
userdb {
  driver = static
  args = uid=%[6]s gid=%[7]s home=%[1]s/mail/%%u
}
`, dir, certFile, keyFile, internal, login, mailUID, mailGID, s.Port, s.TLSPort)
	confFile := filepath.Join(dir, "dovecot.conf")
	write(t, confFile, conf)
	cmd := exec.Command(bin, "-F", "-c", confFile)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting dovecot: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.Port), time.Second)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			t.Fatalf("dovecot exited at start:\n%s", s.Log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("dovecot does not listen on %d:\n%s", s.Port, s.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return s
}

// Log returns Dovecot's log so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "dovecot.log"))
	return string(b)
}

// URL is the imap:// URL of mailbox (plain IMAP: --imap-insecure).
func (s *Server) URL(mailbox string) string {
	return fmt.Sprintf("imap://%s@127.0.0.1:%d/%s", User, s.Port, mailbox)
}

// TLSURL is the imaps:// URL of mailbox.
func (s *Server) TLSURL(mailbox string) string {
	return fmt.Sprintf("imaps://%s@127.0.0.1:%d/%s", User, s.TLSPort, mailbox)
}

// Client returns a logged-in go-imap client, closed at the end of the
// test: the test's own view of the mailbox.
func (s *Server) Client(t testing.TB) *client.Client {
	t.Helper()
	c, err := client.Dial(fmt.Sprintf("127.0.0.1:%d", s.Port))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(User, Password); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Logout() })
	return c
}

// Append appends each message to mailbox (created when missing) with
// flags.
func (s *Server) Append(t testing.TB, mailbox string, flags []string, msgs ...[]byte) {
	t.Helper()
	c := s.Client(t)
	if mailbox != "INBOX" {
		c.Create(mailbox) // exists already: fine
	}
	for _, m := range msgs {
		m = crlf(m)
		if err := c.Append(mailbox, flags, time.Now(), literal{strings.NewReader(string(m)), len(m)}); err != nil {
			t.Fatalf("APPEND to %s: %v", mailbox, err)
		}
	}
}

// Flags returns the flags of every message of mailbox by UID.
func (s *Server) Flags(t testing.TB, mailbox string) map[uint32][]string {
	t.Helper()
	c := s.Client(t)
	if _, err := c.Select(mailbox, true); err != nil {
		t.Fatal(err)
	}
	set := new(goimap.SeqSet)
	set.AddRange(1, 0)
	ch := make(chan *goimap.Message, 16)
	done := make(chan error, 1)
	go func() { done <- c.UidFetch(set, []goimap.FetchItem{goimap.FetchUid, goimap.FetchFlags}, ch) }()
	out := map[uint32][]string{}
	for m := range ch {
		out[m.Uid] = m.Flags
	}
	if err := <-done; err != nil && !strings.Contains(err.Error(), "No messages") {
		t.Fatal(err)
	}
	return out
}

// Recreate deletes mailbox and creates it again: its UIDVALIDITY changes.
func (s *Server) Recreate(t testing.TB, mailbox string) {
	t.Helper()
	c := s.Client(t)
	if err := c.Delete(mailbox); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // UIDVALIDITY is the creation time in seconds
	if err := c.Create(mailbox); err != nil {
		t.Fatal(err)
	}
}

type literal struct {
	*strings.Reader
	n int
}

func (l literal) Len() int { return l.n }

// crlf gives a message CRLF line ends, as IMAP wants them.
func crlf(b []byte) []byte {
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	return []byte(strings.ReplaceAll(s, "\n", "\r\n"))
}

func write(t testing.TB, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// writeCert makes a self-signed certificate for 127.0.0.1.
func writeCert(t testing.TB, certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	write(t, certFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	write(t, keyFile, string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})))
}
