package imap

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"slices"
	"sync"
	"time"

	goimap "github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
)

// session is the little of an IMAP connection the source uses. It is the
// seam to the client library: go-imap v1 today (v1Session below); another
// library (go-imap v2) is one more implementation.
type session interface {
	// Select opens the mailbox, read-only (EXAMINE) unless readWrite, and
	// returns its UIDVALIDITY.
	Select(mailbox string, readWrite bool) (uidValidity uint32, err error)
	// Search returns the UIDs above after that match c, ascending.
	Search(after uint32, c Filter) ([]uint32, error)
	// Fetch fetches uids without setting \Seen (BODY.PEEK[]), at most max
	// bytes of each, and calls each for every message in turn. size is the
	// message's full size.
	Fetch(uids []uint32, max int64, each func(uid uint32, size int64, body io.Reader) error) error
	// Move moves uids to dest (MOVE, else COPY, \Deleted and UID EXPUNGE
	// of exactly those UIDs).
	Move(uids []uint32, dest string) error
	// AddFlag adds flag to uids.
	AddFlag(uids []uint32, flag string) error
	// Wait returns when the mailbox may have changed (IDLE where the
	// server has it, else NOOP polls), after poll at the latest, or when
	// ctx is done.
	Wait(ctx context.Context, poll time.Duration) error
	// Close logs out and closes the connection.
	Close() error
}

// Filter is what the server selects with SEARCH.
type Filter struct {
	Since      time.Time // messages received on or after this day
	Unseen     bool      // messages without \Seen
	FromDaemon bool      // FROM mailer-daemon OR FROM postmaster
}

// dialConfig is what opening a session needs.
type dialConfig struct {
	mb       *Mailbox
	creds    Credentials
	tls      *tls.Config
	insecure bool // imap:// without STARTTLS
}

// errNoSTARTTLS is the error of an imap:// server that cannot encrypt.
var errNoSTARTTLS = errors.New("the server offers no STARTTLS: refusing to log in without TLS " +
	"(use imaps://, or --imap-insecure on a test server)")

// dialV1 connects, secures and logs in with go-imap v1. A done ctx closes
// the connection, which ends any command in progress.
func dialV1(ctx context.Context, dc dialConfig) (session, error) {
	d := net.Dialer{Timeout: 30 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", dc.mb.Addr())
	if err != nil {
		return nil, err
	}
	if dc.mb.TLS {
		tc := tls.Client(conn, dc.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, err
		}
		conn = tc
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	s, err := loginV1(ctx, conn, dc)
	if err != nil {
		stop()
		conn.Close()
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, err
	}
	s.stop = stop
	return s, nil
}

func loginV1(ctx context.Context, conn net.Conn, dc dialConfig) (*v1Session, error) {
	conn.SetDeadline(time.Now().Add(time.Minute)) // the greeting and the login
	c, err := client.New(conn)
	if err != nil {
		return nil, err
	}
	c.ErrorLog = log.New(io.Discard, "", 0)
	s := &v1Session{c: c, changed: make(chan struct{}, 1)}
	updates := make(chan client.Update, 16)
	c.Updates = updates
	go s.watch(updates)
	if !dc.mb.TLS && !dc.insecure {
		ok, err := c.SupportStartTLS()
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errNoSTARTTLS
		}
		if err := c.StartTLS(dc.tls); err != nil {
			return nil, err
		}
	}
	if err := s.login(ctx, dc); err != nil {
		return nil, err
	}
	conn.SetDeadline(time.Time{})
	return s, nil
}

// login authenticates with the password or the token.
func (s *v1Session) login(ctx context.Context, dc dialConfig) error {
	secretOf := dc.creds.Password
	mech := dc.creds.Mechanism
	if dc.creds.Token != nil {
		secretOf = dc.creds.Token
		if mech == "" {
			mech = "xoauth2"
			if ok, _ := s.c.SupportAuth("XOAUTH2"); !ok {
				if ok, _ := s.c.SupportAuth("OAUTHBEARER"); ok {
					mech = "oauthbearer"
				}
			}
		}
	}
	if secretOf == nil {
		return errors.New("no password or token: set BOUNCE_IMAP_PASSWORD or BOUNCE_IMAP_TOKEN, or use --password-file, --password-command or --token-command")
	}
	secret, err := secretOf(ctx)
	if err != nil {
		return fmt.Errorf("reading the secret: %w", err)
	}
	if mech == "" || mech == "login" {
		err = s.c.Login(dc.mb.User, secret)
	} else {
		err = s.c.Authenticate(saslClient(mech, dc.mb.User, secret, dc.mb.Host))
	}
	if err != nil {
		return redact(fmt.Errorf("login refused: %w", err), secret)
	}
	return nil
}

// v1Session is a session on github.com/emersion/go-imap v1.
type v1Session struct {
	c       *client.Client
	stop    func() bool   // stops closing the connection when ctx ends
	changed chan struct{} // a mailbox update came (new messages)
	once    sync.Once
}

// watch drains the client's unilateral updates (it blocks without a
// reader) and notes those that may mean new mail.
func (s *v1Session) watch(updates <-chan client.Update) {
	for u := range updates {
		if _, ok := u.(*client.MailboxUpdate); ok {
			select {
			case s.changed <- struct{}{}:
			default:
			}
		}
	}
}

func (s *v1Session) Select(mailbox string, readWrite bool) (uint32, error) {
	st, err := s.c.Select(mailbox, !readWrite)
	if err != nil {
		return 0, err
	}
	select { // the EXISTS of the SELECT itself is no news
	case <-s.changed:
	default:
	}
	return st.UidValidity, nil
}

func (s *v1Session) Search(after uint32, f Filter) ([]uint32, error) {
	c := goimap.NewSearchCriteria()
	c.Uid = new(goimap.SeqSet)
	c.Uid.AddRange(after+1, 0) // after+1:*
	if !f.Since.IsZero() {
		c.Since = f.Since
	}
	if f.Unseen {
		c.WithoutFlags = []string{goimap.SeenFlag}
	}
	if f.FromDaemon {
		a, b := goimap.NewSearchCriteria(), goimap.NewSearchCriteria()
		a.Header.Add("From", "mailer-daemon")
		b.Header.Add("From", "postmaster")
		c.Or = [][2]*goimap.SearchCriteria{{a, b}}
	}
	uids, err := s.c.UidSearch(c)
	if err != nil {
		return nil, err
	}
	// "after+1:*" always matches the last message, even below after+1.
	uids = slices.DeleteFunc(uids, func(u uint32) bool { return u <= after })
	slices.Sort(uids)
	return uids, nil
}

func seqSet(uids []uint32) *goimap.SeqSet {
	set := new(goimap.SeqSet)
	set.AddNum(uids...)
	return set
}

func (s *v1Session) Fetch(uids []uint32, max int64, each func(uint32, int64, io.Reader) error) error {
	section := &goimap.BodySectionName{Peek: true, Partial: []int{0, int(max)}}
	items := []goimap.FetchItem{goimap.FetchUid, goimap.FetchRFC822Size, section.FetchItem()}
	ch := make(chan *goimap.Message, 1)
	done := make(chan error, 1)
	go func() { done <- s.c.UidFetch(seqSet(uids), items, ch) }()
	var err error
	for m := range ch {
		if err != nil {
			continue // drain: the client blocks until the fetch ends
		}
		body := m.GetBody(section)
		if body == nil {
			err = fmt.Errorf("the server sent no body for UID %d", m.Uid)
			continue
		}
		err = each(m.Uid, int64(m.Size), body)
	}
	if ferr := <-done; err == nil {
		err = ferr
	}
	return err
}

func (s *v1Session) Move(uids []uint32, dest string) error {
	if ok, err := s.c.Support("MOVE"); err != nil || ok {
		if err != nil {
			return err
		}
		err := s.c.UidMove(seqSet(uids), dest)
		if err != nil && s.c.Create(dest) == nil { // the destination was missing ([TRYCREATE])
			err = s.c.UidMove(seqSet(uids), dest)
		}
		return err
	}
	// go-imap's own fallback expunges every \Deleted message of the
	// mailbox; UID EXPUNGE (UIDPLUS) removes exactly ours.
	if ok, err := s.c.Support("UIDPLUS"); err != nil || !ok {
		if err != nil {
			return err
		}
		return errors.New("the server has neither MOVE nor UIDPLUS: cannot move exactly these messages")
	}
	if err := s.c.UidCopy(seqSet(uids), dest); err != nil {
		if s.c.Create(dest) != nil {
			return err
		}
		if err := s.c.UidCopy(seqSet(uids), dest); err != nil {
			return err
		}
	}
	if err := s.AddFlag(uids, goimap.DeletedFlag); err != nil {
		return err
	}
	status, err := s.c.Execute(&uidExpunge{set: seqSet(uids)}, nil)
	if err != nil {
		return err
	}
	return status.Err()
}

// uidExpunge is UID EXPUNGE (RFC 4315), which go-imap v1 lacks.
type uidExpunge struct{ set *goimap.SeqSet }

func (u *uidExpunge) Command() *goimap.Command {
	return &goimap.Command{Name: "UID", Arguments: []interface{}{goimap.RawString("EXPUNGE"), u.set}}
}

func (s *v1Session) AddFlag(uids []uint32, flag string) error {
	item := goimap.FormatFlagsOp(goimap.AddFlags, true)
	return s.c.UidStore(seqSet(uids), item, []interface{}{flag}, nil)
}

func (s *v1Session) Wait(ctx context.Context, poll time.Duration) error {
	select {
	case <-s.changed:
		return nil
	default:
	}
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- s.c.Idle(stop, &client.IdleOptions{PollInterval: poll}) }()
	t := time.NewTimer(poll)
	defer t.Stop()
	select {
	case <-s.changed:
	case <-t.C:
	case <-ctx.Done():
		close(stop)
		<-done
		return context.Cause(ctx)
	case err := <-done:
		return err
	}
	close(stop)
	return <-done
}

func (s *v1Session) Close() error {
	var err error
	s.once.Do(func() {
		done := make(chan error, 1)
		go func() { done <- s.c.Logout() }()
		select {
		case err = <-done:
		case <-time.After(5 * time.Second):
			err = s.c.Terminate()
		}
		if s.stop != nil {
			s.stop()
		}
	})
	return err
}
