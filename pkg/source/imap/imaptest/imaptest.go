// Package imaptest runs a real IMAP server for tests: Debian's Dovecot,
// started on 127.0.0.1 with a throw-away configuration (a self-signed
// certificate made at start, one user with a password, an OAuth2 token
// checked by a token-info endpoint served on loopback, Maildirs in a
// temporary folder). Tests that use it fail when CI=true and Dovecot is
// missing, and skip otherwise with a message saying how to install it.
package imaptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
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
	"strings"
	"testing"
	"time"

	imapv1 "github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
)

// Binary is where Debian's dovecot-imapd package puts the server.
const Binary = "/usr/sbin/dovecot"

// Server is a running Dovecot.
type Server struct {
	Addr     string // 127.0.0.1:port, plain IMAP with STARTTLS
	TLSAddr  string // 127.0.0.1:port, IMAP over TLS
	CA       *x509.CertPool
	User     string
	Password string
	Token    string // the one OAuth2 access token the token-info endpoint accepts
	dir      string
	cmd      *exec.Cmd
}

// Require skips the test (or fails it under CI=true) when Dovecot cannot
// run here.
func Require(t testing.TB) {
	t.Helper()
	msg := ""
	if _, err := os.Stat(Binary); err != nil {
		msg = "Dovecot is not installed (apt-get install dovecot-imapd)"
	} else if os.Geteuid() != 0 {
		msg = "the Dovecot tests run as root (Dovecot switches to its own users)"
	} else if _, err := user.Lookup("dovecot"); err != nil {
		msg = "the dovecot user is missing (apt-get install dovecot-imapd)"
	}
	if msg == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// Start runs a Dovecot for the test; it stops when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	Require(t)
	dir, err := os.MkdirTemp("", "bounce-dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	s := &Server{User: "test", Password: "pa55-w0rd-secret", Token: "good-token-4b9f", dir: dir}
	cert, key, pool := selfSigned(t)
	s.CA = pool
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("cert.pem", cert)
	os.WriteFile(filepath.Join(dir, "key.pem"), []byte(key), 0o600)
	write("passwd", s.User+":{PLAIN}"+s.Password+"::::::\n")
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("access_token") != s.Token {
			// An inactive token: Dovecot retries a 401 for seconds.
			json.NewEncoder(w).Encode(map[string]any{"active": false, "error": "invalid_token"})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"username": s.User, "active": true})
	}))
	t.Cleanup(tokens.Close)
	write("oauth2.conf", "tokeninfo_url = "+tokens.URL+"/tokeninfo?access_token=\nintrospection_mode = get\nusername_attribute = username\nactive_attribute = active\nactive_value = true\n")
	home := filepath.Join(dir, "home")
	os.MkdirAll(filepath.Join(home, s.User), 0o755)
	exec.Command("chown", "-R", "dovecot:dovecot", home).Run()
	for _, d := range []string{"run", "state"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	port, tlsPort := freePort(t), freePort(t)
	s.Addr, s.TLSAddr = fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf("127.0.0.1:%d", tlsPort)
	conf := write("dovecot.conf", fmt.Sprintf(`protocols = imap
listen = 127.0.0.1
base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
ssl = yes
ssl_cert = <%[1]s/cert.pem
ssl_key = <%[1]s/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
first_valid_uid = 0
mail_location = maildir:%[1]s/home/%%u/Maildir
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = %[1]s/oauth2.conf
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN %[1]s/passwd
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=%[1]s/home/%%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = %[2]d
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = %[3]d
    ssl = yes
  }
}
service anvil {
  chroot =
}
`, dir, port, tlsPort))
	s.cmd = exec.Command(Binary, "-F", "-c", conf)
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start dovecot: %v", err)
	}
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.Addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			t.Fatalf("dovecot did not start: %v\n%s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return s
}

// URL returns the mailbox's URL: imaps:// on the TLS port, or imap:// on the
// STARTTLS one.
func (s *Server) URL(mailbox string, useTLS bool) string {
	if useTLS {
		return "imaps://" + s.User + "@" + s.TLSAddr + "/" + mailbox
	}
	return "imap://" + s.User + "@" + s.Addr + "/" + mailbox
}

// TLSConfig trusts the server's certificate.
func (s *Server) TLSConfig() *tls.Config { return &tls.Config{RootCAs: s.CA, ServerName: "127.0.0.1"} }

// Log returns the server's log.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "dovecot.log"))
	return string(b)
}

// Client logs in as the test user.
func (s *Server) Client(t testing.TB) *client.Client {
	t.Helper()
	c, err := client.DialTLS(s.TLSAddr, s.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(s.User, s.Password); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Logout() })
	return c
}

// Append adds messages to a mailbox (created when missing) with IMAP
// APPEND.
func (s *Server) Append(t testing.TB, mailbox string, msgs ...[]byte) {
	t.Helper()
	c, err := client.DialTLS(s.TLSAddr, s.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Logout()
	if err := c.Login(s.User, s.Password); err != nil {
		t.Fatal(err)
	}
	c.Create(mailbox) // an error means it exists
	for _, m := range msgs {
		lit := strings.ReplaceAll(strings.ReplaceAll(string(m), "\r\n", "\n"), "\n", "\r\n")
		if err := c.Append(mailbox, nil, time.Now(), literal(lit)); err != nil {
			t.Fatalf("append: %v", err)
		}
	}
}

// Deliver writes n copies of msg straight into the user's INBOX Maildir,
// as a local delivery agent does: much faster than APPEND for a big
// mailbox.
func (s *Server) Deliver(t testing.TB, n int, msg []byte) {
	t.Helper()
	dir := filepath.Join(s.dir, "home", s.User, "Maildir")
	for _, sub := range []string{"tmp", "new", "cur"} {
		os.MkdirAll(filepath.Join(dir, sub), 0o755)
	}
	data := []byte(strings.ReplaceAll(string(msg), "\r\n", "\n"))
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%d.M%dP%d.bounce-test", time.Now().Unix(), i, os.Getpid())
		if err := os.WriteFile(filepath.Join(dir, "new", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command("chown", "-R", "dovecot:dovecot", dir).CombinedOutput(); err != nil {
		t.Fatalf("chown: %v: %s", err, out)
	}
}

// Flags returns the flags of every message of a mailbox, by UID.
func (s *Server) Flags(t testing.TB, mailbox string) map[uint32][]string {
	t.Helper()
	c := s.Client(t)
	st, err := c.Select(mailbox, true)
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint32][]string{}
	if st.Messages == 0 {
		return out
	}
	set := new(imapv1.SeqSet)
	set.AddRange(1, 0)
	ch := make(chan *imapv1.Message, 16)
	done := make(chan error, 1)
	go func() { done <- c.UidFetch(set, []imapv1.FetchItem{imapv1.FetchUid, imapv1.FetchFlags}, ch) }()
	for m := range ch {
		out[m.Uid] = m.Flags
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return out
}

// SetUIDValidity renumbers a mailbox, as a server does after it was rebuilt.
func (s *Server) SetUIDValidity(t testing.TB, mailbox string, v uint32) {
	t.Helper()
	out, err := exec.Command("/usr/bin/doveadm", "-c", filepath.Join(s.dir, "dovecot.conf"), "mailbox", "update",
		"-u", s.User, "--uid-validity", fmt.Sprint(v), mailbox).CombinedOutput()
	if err != nil {
		t.Fatalf("doveadm mailbox update: %v: %s", err, out)
	}
}

type lit struct{ *strings.Reader }

func (l lit) Len() int { return int(l.Reader.Size()) }

func literal(s string) imapv1.Literal { return lit{strings.NewReader(s)} }

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// selfSigned makes a certificate for 127.0.0.1 and the pool that trusts it.
func selfSigned(t testing.TB) (certPEM, keyPEM string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	c, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(c)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})), pool
}
