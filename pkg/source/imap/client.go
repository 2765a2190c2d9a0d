package imap

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bounce-tool/bounce/pkg/sign"

	imapv1 "github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
	"github.com/emersion/go-sasl"
)

// session is what the source needs of an IMAP connection. It is the seam
// between this package and the protocol library: go-imap v1 today
// (v1Session), v2 tomorrow, in one file.
type session interface {
	// open selects the mailbox, read-only unless writable, and returns
	// its UIDVALIDITY.
	open(name string, writable bool) (uint32, error)
	// search returns the UIDs above after that match the filters, sorted.
	search(after uint32, f filters) ([]uint32, error)
	// fetch calls fn with each message's UID, full size (RFC822.SIZE) and
	// body (BODY.PEEK[]: no flag changes), in UID order. Only the first
	// max bytes of a body are asked for: a huge message costs no more.
	fetch(uids []uint32, max int64, fn func(uid uint32, size int64, body io.Reader) error) error
	// sizes returns the size of each message (RFC822.SIZE).
	sizes(uids []uint32) (map[uint32]int64, error)
	// move moves the messages to dest (MOVE, else COPY, \Deleted and UID
	// EXPUNGE of exactly those UIDs).
	move(uids []uint32, dest string) error
	// flag adds a flag (\Seen, or a keyword such as $BounceProcessed).
	flag(uids []uint32, flag string) error
	// wait returns when the mailbox may have new mail (IDLE, else a poll),
	// after at most d, or when stop is closed.
	wait(stop <-chan struct{}, d time.Duration) error
	close() error
}

// filters are the SEARCH criteria a run asks for.
type filters struct {
	since      time.Time // messages since this day (INTERNALDATE)
	unseen     bool      // without \Seen
	fromDaemon bool      // FROM the mail system (sign.MailSystemSearch), either word
}

// credentials are how a session logs in: a password (LOGIN, else AUTHENTICATE
// PLAIN) or an OAuth access token (XOAUTH2 or OAUTHBEARER).
type credentials struct {
	user, password, token string
	mechanism             string // "xoauth2" (default for a token) or "oauthbearer"
}

// dial connects to m's server and logs in.
func dial(m *Mailbox, cred credentials, tlsConfig *tls.Config, insecure bool, timeout time.Duration) (session, error) {
	host, _, _ := net.SplitHostPort(m.Host)
	cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if tlsConfig != nil {
		cfg = tlsConfig.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = host
		}
	}
	d := &net.Dialer{Timeout: timeout}
	var c *client.Client
	var err error
	if m.TLS {
		c, err = client.DialWithDialerTLS(d, m.Host, cfg)
	} else {
		c, err = client.DialWithDialer(d, m.Host)
	}
	if err != nil {
		return nil, fmt.Errorf("imap: connect to %s: %w", m.Host, err)
	}
	// Not c.Timeout: go-imap v1 sets it as the connection's deadline when
	// a command starts and leaves it there, so a connection quiet for
	// longer (an IDLE, a slow reader between batches) breaks. bounded
	// times each command instead.
	c.ErrorLog = log.New(io.Discard, "", 0) // errors come back from the calls
	s := &v1Session{c: c, timeout: timeout, changed: make(chan struct{}, 1)}
	// Unilateral updates (EXISTS, EXPUNGE, FETCH) are read all the time:
	// go-imap blocks its reader when nobody takes them.
	updates := make(chan client.Update, 16)
	c.Updates = updates
	go s.watch(updates)
	if !m.TLS && !insecure {
		ok, err := c.SupportStartTLS()
		switch {
		case err != nil:
			c.Close()
			return nil, fmt.Errorf("imap: %s: %w", m.Host, err)
		case !ok:
			c.Close()
			return nil, fmt.Errorf("imap: %s offers no STARTTLS; refusing to send credentials in clear text (--imap-insecure, for tests, allows it)", m.Host)
		}
		if err := c.StartTLS(cfg); err != nil {
			c.Close()
			return nil, fmt.Errorf("imap: STARTTLS with %s: %w", m.Host, err)
		}
	}
	if err := s.bounded(func() error { return s.login(cred) }); err != nil {
		c.Logout()
		return nil, err
	}
	return s, nil
}

// v1Session is a session over github.com/emersion/go-imap v1.
type v1Session struct {
	c       *client.Client
	timeout time.Duration
	changed chan struct{} // the mailbox grew: there may be new mail
	exists  atomic.Int64  // the messages in the mailbox, as last heard
}

// bounded runs one command (or a few) and cuts the connection when they
// take longer than the timeout; the caller then reconnects.
func (s *v1Session) bounded(f func() error) error {
	if s.timeout <= 0 {
		return f()
	}
	t := time.AfterFunc(s.timeout, func() { s.c.Terminate() })
	defer t.Stop()
	return f()
}

// watch takes the client's unilateral updates and notes when the mailbox
// grew (EXISTS above the count known).
func (s *v1Session) watch(updates <-chan client.Update) {
	for u := range updates {
		switch u := u.(type) {
		case *client.MailboxUpdate:
			n := int64(u.Mailbox.Messages)
			if old := s.exists.Swap(n); n > old {
				select {
				case s.changed <- struct{}{}:
				default:
				}
			}
		case *client.ExpungeUpdate:
			s.exists.Add(-1)
		}
	}
}

// ErrAuth is the error of a login the server refused. Its message never
// holds the secret.
var ErrAuth = errors.New("imap: the server refused the login")

func (s *v1Session) login(cred credentials) error {
	var err error
	switch {
	case cred.token != "":
		var auth sasl.Client = &xoauth2Client{user: cred.user, token: cred.token}
		if strings.EqualFold(cred.mechanism, "oauthbearer") {
			auth = sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: cred.user, Token: cred.token})
		}
		err = s.c.Authenticate(auth)
	default:
		err = s.c.Login(cred.user, cred.password)
	}
	if err != nil {
		return fmt.Errorf("%w as %s: %s", ErrAuth, cred.user, scrub(err.Error(), cred))
	}
	return nil
}

// scrub removes the secrets from a server's words, should it echo them.
func scrub(s string, cred credentials) string {
	for _, secret := range []string{cred.password, cred.token} {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "xxxxx")
		}
	}
	return s
}

func (s *v1Session) open(name string, writable bool) (uint32, error) {
	var st *imapv1.MailboxStatus
	err := s.bounded(func() (err error) { st, err = s.c.Select(name, !writable); return err })
	if err != nil {
		return 0, fmt.Errorf("imap: open mailbox %q: %w", name, err)
	}
	s.exists.Store(int64(st.Messages))
	select { // the mailbox as it is now is no news
	case <-s.changed:
	default:
	}
	return st.UidValidity, nil
}

func (s *v1Session) search(after uint32, f filters) ([]uint32, error) {
	crit := imapv1.NewSearchCriteria()
	set := new(imapv1.SeqSet)
	set.AddRange(after+1, 0) // after+1:*
	crit.Uid = set
	if !f.since.IsZero() {
		crit.Since = f.since
	}
	if f.unseen {
		crit.WithoutFlags = []string{imapv1.SeenFlag}
	}
	if f.fromDaemon {
		a, b := imapv1.NewSearchCriteria(), imapv1.NewSearchCriteria()
		a.Header.Add("From", sign.MailSystemSearch[0])
		b.Header.Add("From", sign.MailSystemSearch[1])
		crit.Or = [][2]*imapv1.SearchCriteria{{a, b}}
	}
	var uids []uint32
	err := s.bounded(func() (err error) { uids, err = s.c.UidSearch(crit); return err })
	if err != nil {
		return nil, fmt.Errorf("imap: search: %w", err)
	}
	// "after+1:*" matches the highest UID even when it is not above
	// after (RFC 9051 section 6.4.4): keep only the new ones.
	out := uids[:0]
	for _, u := range uids {
		if u > after {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return out, nil
}

func (s *v1Session) fetch(uids []uint32, max int64, fn func(uint32, int64, io.Reader) error) error {
	set := new(imapv1.SeqSet)
	set.AddNum(uids...)
	section := &imapv1.BodySectionName{Peek: true, Partial: []int{0, int(max)}}
	ch := make(chan *imapv1.Message, 8)
	done := make(chan error, 1)
	go func() {
		done <- s.bounded(func() error {
			return s.c.UidFetch(set, []imapv1.FetchItem{imapv1.FetchUid, imapv1.FetchRFC822Size, section.FetchItem()}, ch)
		})
	}()
	var ferr error
	for msg := range ch {
		if ferr != nil {
			continue // drain: the fetch goroutine must finish
		}
		body := msg.GetBody(section)
		if body == nil {
			continue
		}
		ferr = fn(msg.Uid, int64(msg.Size), body)
	}
	if err := <-done; err != nil {
		return fmt.Errorf("imap: fetch: %w", err)
	}
	return ferr
}

func (s *v1Session) sizes(uids []uint32) (map[uint32]int64, error) {
	set := new(imapv1.SeqSet)
	set.AddNum(uids...)
	ch := make(chan *imapv1.Message, 16)
	done := make(chan error, 1)
	go func() {
		done <- s.bounded(func() error {
			return s.c.UidFetch(set, []imapv1.FetchItem{imapv1.FetchUid, imapv1.FetchRFC822Size}, ch)
		})
	}()
	out := make(map[uint32]int64, len(uids))
	for m := range ch {
		out[m.Uid] = int64(m.Size)
	}
	if err := <-done; err != nil {
		return nil, fmt.Errorf("imap: fetch sizes: %w", err)
	}
	return out, nil
}

func (s *v1Session) move(uids []uint32, dest string) error {
	return s.bounded(func() error { return s.moveUnbounded(uids, dest) })
}

func (s *v1Session) moveUnbounded(uids []uint32, dest string) error {
	set := new(imapv1.SeqSet)
	set.AddNum(uids...)
	if ok, _ := s.c.Support("MOVE"); ok {
		err := s.c.UidMove(set, dest)
		if err != nil && s.c.Create(dest) == nil { // it was missing ([TRYCREATE]): made now
			err = s.c.UidMove(set, dest)
		}
		return err
	}
	if err := s.c.UidCopy(set, dest); err != nil {
		if s.c.Create(dest) != nil {
			return err
		}
		if err := s.c.UidCopy(set, dest); err != nil {
			return err
		}
	}
	if err := s.c.UidStore(set, imapv1.FormatFlagsOp(imapv1.AddFlags, true), []interface{}{imapv1.DeletedFlag}, nil); err != nil {
		return err
	}
	// UID EXPUNGE (RFC 4315): exactly these messages, never others that
	// someone marked \Deleted.
	status, err := s.c.Execute(&imapv1.Command{Name: "UID EXPUNGE", Arguments: []interface{}{set}}, nil)
	if err != nil {
		return err
	}
	return status.Err()
}

func (s *v1Session) flag(uids []uint32, flag string) error {
	set := new(imapv1.SeqSet)
	set.AddNum(uids...)
	return s.bounded(func() error {
		return s.c.UidStore(set, imapv1.FormatFlagsOp(imapv1.AddFlags, true), []interface{}{flag}, nil)
	})
}

func (s *v1Session) wait(stop <-chan struct{}, d time.Duration) error {
	select {
	case <-s.changed: // came while other commands ran
		return nil
	default:
	}
	idleStop := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- s.c.Idle(idleStop, &client.IdleOptions{PollInterval: d}) }()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-s.changed:
	case <-timer.C:
	case <-stop:
	case err := <-done:
		return err
	}
	close(idleStop)
	return s.bounded(func() error { return <-done }) // DONE, and the server's OK
}

func (s *v1Session) close() error { return s.c.Logout() }
