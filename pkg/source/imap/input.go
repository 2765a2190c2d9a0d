package imap

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/bounce-tool/bounce/pkg/mbox"
	"github.com/bounce-tool/bounce/pkg/source"
	"github.com/bounce-tool/bounce/pkg/state"
)

// Options says how to log in, what to read and what to do with what was
// read.
type Options struct {
	// Password logs in with LOGIN; Token with XOAUTH2 (or OAUTHBEARER when
	// Mechanism says so). Exactly one should be set.
	Password, Token, Mechanism string
	// Renew, when set, is called for a fresh token before each
	// reconnection: OAuth access tokens last about an hour, and bounce
	// watch runs for days. Its error ends the run like a refused login.
	Renew func() (string, error)
	// Progress, when set, is told after each message handed out how many
	// of the messages found so far were handed out.
	Progress func(done, total int)
	// Insecure makes imap:// speak plain IMAP, without STARTTLS: passwords
	// and mail cross the network in clear text. It exists for tests against
	// a local server.
	Insecure bool
	// TLS configures TLS (a test's own certificate authority); nil verifies
	// against the system's roots.
	TLS *tls.Config
	// Since, Unseen and FromDaemon filter on the server (SEARCH SINCE,
	// UNSEEN, FROM mailer-daemon OR FROM postmaster).
	Since      time.Time
	Unseen     bool
	FromDaemon bool
	// MoveTo moves, and Flag flags, each message whose records were
	// written, at Commit. Empty: leave the mailbox as it is.
	MoveTo, Flag string
	// StatePath is the resume file (package state); empty reads the whole
	// mailbox every time.
	StatePath string
	// Batch is how many UIDs one FETCH asks for. Default 200.
	Batch int
	// BatchBytes bounds the bytes one FETCH brings (the messages of a
	// batch are held until handed out): a batch is cut short where the
	// messages' sizes, each counted up to the size limit, would pass it.
	// Default 64 MiB.
	BatchBytes int64
	// Timeout bounds connecting and each command. Default 60s.
	Timeout time.Duration
	// Retries is how often a dropped connection is reopened before the
	// run gives up. Default 5; below zero, for ever (bounce watch: a
	// server restart must not end it), the wait between attempts doubling
	// up to 30s.
	Retries int
	// Done, when closed, ends a wait between reconnection attempts: the
	// run stops with ErrStopped (Ctrl-C during a server outage).
	Done <-chan struct{}
	// Warn receives notes (a renumbered mailbox, a reconnection).
	Warn func(string)
}

// Opener opens imap:// and imaps:// inputs for a source.Reader.
type Opener struct{ Options Options }

// Match reports whether name is an IMAP mailbox URL.
func (o *Opener) Match(name string) bool {
	l := strings.ToLower(name)
	return strings.HasPrefix(l, "imap://") || strings.HasPrefix(l, "imaps://")
}

// Open connects, logs in and opens the mailbox (read-only unless MoveTo or
// Flag ask for changes). Messages are fetched as Next asks for them.
func (o *Opener) Open(name string, sopts source.Options) (source.Input, error) {
	mb, err := ParseURL(name)
	if err != nil {
		return nil, err
	}
	in := &Input{mb: mb, opts: o.Options, sopts: sopts, source: mb.String()}
	if in.opts.Batch <= 0 {
		in.opts.Batch = 200
	}
	if in.opts.BatchBytes <= 0 {
		in.opts.BatchBytes = 64 << 20
	}
	if in.opts.Timeout <= 0 {
		in.opts.Timeout = 60 * time.Second
	}
	if in.opts.Retries == 0 {
		in.opts.Retries = 5
	}
	if err := in.connect(); err != nil {
		return nil, err
	}
	return in, nil
}

// resume is what the state file keeps per mailbox.
type resume struct {
	UIDValidity uint32 `json:"uid_validity"`
	LastUID     uint32 `json:"last_uid"` // the highest UID whose records were written
}

// Input is one mailbox being read.
type Input struct {
	mb     *Mailbox
	opts   Options
	sopts  source.Options
	source string
	s      session

	validity uint32
	start    uint32   // the UID the run resumed after
	queue    []uint32 // UIDs still to fetch
	handed   uint32   // the highest UID handed out
	batch    []*source.Message
	done     []uint32 // UIDs written since the last Commit
	last     uint32   // the highest UID written, for the state
	searched bool
	found    int // messages found by the searches so far
	read     int // messages handed out
	dials    int // connections opened
}

func (in *Input) warn(msg string) {
	if in.opts.Warn != nil {
		in.opts.Warn(msg)
	}
}

func (in *Input) cred() credentials {
	return credentials{user: in.mb.User, password: in.opts.Password, token: in.opts.Token, mechanism: in.opts.Mechanism}
}

// connect logs in and opens the mailbox; on the first connection it also
// reads the resume state.
func (in *Input) connect() error {
	if in.dials > 0 && in.opts.Renew != nil && in.opts.Token != "" {
		tok, err := in.opts.Renew()
		if err != nil {
			return fmt.Errorf("%w: renewing the token: %v", ErrAuth, err)
		}
		in.opts.Token = tok
	}
	in.dials++
	s, err := dial(in.mb, in.cred(), in.opts.TLS, in.opts.Insecure, in.opts.Timeout)
	if err != nil {
		return err
	}
	validity, err := s.open(in.mb.Name, in.opts.MoveTo != "" || in.opts.Flag != "")
	if err != nil {
		s.close()
		return err
	}
	if in.s != nil && validity != in.validity {
		s.close()
		return fmt.Errorf("imap: %s: UIDVALIDITY changed during the run; run again", in.source)
	}
	in.s = s
	if in.validity == 0 {
		in.validity = validity
		in.loadState()
	}
	return nil
}

// states reads the state file: resume points by mailbox URL.
func (in *Input) states() map[string]resume {
	all := map[string]resume{}
	if in.opts.StatePath != "" {
		if _, err := state.Load(in.opts.StatePath, &all); err != nil {
			in.warn(state.Recover(in.opts.StatePath, err) + "; reading the whole mailbox")
			return map[string]resume{}
		}
	}
	return all
}

func (in *Input) loadState() {
	r, ok := in.states()[in.source]
	switch {
	case !ok:
	case r.UIDValidity != in.validity:
		in.warn(fmt.Sprintf("%s: UIDVALIDITY changed (%d, was %d): the server renumbered the mailbox; reading it all again",
			in.source, in.validity, r.UIDValidity))
		if err := in.saveState(); err != nil { // said once, even when no message is read this run
			in.warn(err.Error())
		}
	default:
		in.start = r.LastUID
	}
	in.last = in.start
}

// Next returns the next message, or io.EOF after the last. Messages are
// fetched Batch UIDs at a time; a connection that drops is reopened with
// backoff, and reading goes on after the last message handed out.
func (in *Input) Next() (*source.Message, error) {
	for len(in.batch) == 0 {
		if !in.searched {
			if err := in.retry(func() error {
				uids, err := in.s.search(in.start, filters{since: in.opts.Since, unseen: in.opts.Unseen, fromDaemon: in.opts.FromDaemon})
				in.queue = uids
				if err == nil {
					in.found += len(uids)
				}
				return err
			}); err != nil {
				return nil, err
			}
			in.searched = true
		}
		if len(in.queue) == 0 {
			return nil, io.EOF
		}
		n := min(in.opts.Batch, len(in.queue))
		want := n
		if err := in.retry(func() error {
			k, err := in.fits(in.queue[:want])
			if err == nil {
				n = k
			}
			return err
		}); err != nil {
			return nil, err
		}
		uids := in.queue[:n]
		var got []*source.Message
		err := in.retry(func() error {
			got = got[:0]
			todo := uids
			if in.handed > 0 {
				// After a reconnection: only what was not handed out.
				for len(todo) > 0 && todo[0] <= in.handed {
					todo = todo[1:]
				}
			}
			if len(todo) == 0 {
				return nil
			}
			return in.s.fetch(todo, in.maxSize(), func(uid uint32, size int64, body io.Reader) error {
				got = append(got, in.message(uid, size, body))
				return nil
			})
		})
		if err != nil {
			return nil, err
		}
		in.queue = in.queue[n:]
		in.batch = got
	}
	m := in.batch[0]
	in.batch = in.batch[1:]
	in.handed = uint32(m.Index)
	in.read++
	if in.opts.Progress != nil {
		in.opts.Progress(in.read, in.found)
	}
	return m, nil
}

// fits returns how many of uids, from the first, one FETCH may bring
// within BatchBytes (at least one): a batch of 200 messages of 32 MiB
// would otherwise sit in memory at once.
func (in *Input) fits(uids []uint32) (int, error) {
	sizes, err := in.s.sizes(uids)
	if err != nil {
		return 0, err
	}
	var sum int64
	for i, u := range uids {
		sum += min(sizes[u], in.maxSize())
		if sum > in.opts.BatchBytes && i > 0 {
			return i, nil
		}
	}
	return len(uids), nil
}

// maxSize is the most bytes of one message kept.
func (in *Input) maxSize() int64 {
	if max := in.sopts.MaxMessageSize; max > 0 {
		return max
	}
	return source.DefaultMaxMessageSize
}

// message makes a source.Message of a fetched body, with LF line ends and
// at most the source's size limit kept. size is the message's full size on
// the server: a body shorter than that was cut by the partial fetch.
func (in *Input) message(uid uint32, size int64, body io.Reader) *source.Message {
	max := in.maxSize()
	var b bytes.Buffer
	raw := &countingReader{r: body}
	n, err := io.Copy(&b, io.LimitReader(mbox.Newlines(raw), max+1))
	m := &source.Message{Source: in.source, Index: int(uid), UIDValidity: in.validity}
	m.SetCommitter(in)
	data := b.Bytes()
	if n > max {
		data = data[:max]
		m.Truncated = true
		rest, _ := io.Copy(io.Discard, body)
		n += rest
	}
	if raw.n < size { // the server sent the first max bytes only
		m.Truncated = true
		if size > n {
			n = size
		}
	}
	m.Data, m.Size = data, n
	if err != nil {
		m.Err = &source.ReadError{Path: in.source, Err: err}
	}
	return m
}

// retry runs f, reconnecting with backoff when the connection failed.
func (in *Input) retry(f func() error) error {
	wait := 500 * time.Millisecond
	forever := in.opts.Retries < 0
	for attempt := 0; ; attempt++ {
		err := f()
		if err == nil || errors.Is(err, ErrAuth) || (!forever && attempt >= in.opts.Retries) || !connectionLost(err) {
			return err
		}
		in.warn(fmt.Sprintf("%s: %v; reconnecting in %v", in.source, err, wait))
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-in.opts.Done:
			t.Stop()
			return ErrStopped
		}
		wait = min(2*wait, 30*time.Second)
		if in.s != nil {
			in.s.close()
		}
		if cerr := in.connect(); cerr != nil && !forever && attempt+1 >= in.opts.Retries {
			return cerr
		}
	}
}

// ErrStopped is the error of a run stopped through Options.Done while it
// waited to reconnect.
var ErrStopped = errors.New("imap: stopped while waiting to reconnect")

// connectionLost reports whether err says the connection broke, rather than
// that the server refused a command.
func connectionLost(err error) bool {
	s := err.Error()
	for _, w := range []string{"EOF", "connection reset", "broken pipe", "closed", "timeout", "i/o timeout", "connection refused"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// Done notes that m's records were written.
func (in *Input) Done(m *source.Message) {
	in.done = append(in.done, uint32(m.Index))
}

// Commit flags or moves the messages whose records were written, when
// asked to, then saves the highest written UID to the state file.
func (in *Input) Commit() error {
	if len(in.done) == 0 {
		return nil
	}
	done := in.done
	in.done = nil
	var err error
	if in.opts.Flag != "" {
		err = in.retry(func() error { return in.s.flag(done, in.opts.Flag) })
	}
	if in.opts.MoveTo != "" && err == nil {
		err = in.retry(func() error { return in.s.move(done, in.opts.MoveTo) })
	}
	if err != nil {
		return fmt.Errorf("imap: %s: %w", in.source, err)
	}
	for _, u := range done {
		in.last = max(in.last, u)
	}
	return in.saveState()
}

// saveState writes the resume point (UIDVALIDITY and the last UID written)
// to the state file, keeping the other mailboxes' points.
func (in *Input) saveState() error {
	if in.opts.StatePath == "" {
		return nil
	}
	all := in.states()
	all[in.source] = resume{UIDValidity: in.validity, LastUID: in.last}
	return state.Save(in.opts.StatePath, all)
}

// Wait returns when the mailbox may have new mail (IDLE, else after
// interval), or when stop is closed; then the next Next searches again for
// UIDs after the last one handed out. It is what `bounce watch` loops on.
func (in *Input) Wait(stop <-chan struct{}, interval time.Duration) error {
	err := in.retry(func() error { return in.s.wait(stop, interval) })
	in.searched = false
	in.start = max(in.start, in.handed)
	return err
}

// Close logs out.
func (in *Input) Close() error {
	if in.s == nil {
		return nil
	}
	err := in.s.close()
	in.s = nil
	return err
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
