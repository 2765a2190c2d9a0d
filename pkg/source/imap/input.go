package imap

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/bounce-tool/bounce/pkg/source"
	"github.com/bounce-tool/bounce/pkg/state"
)

// Config configures the IMAP inputs.
type Config struct {
	// Context ends every connection and wait when done (Ctrl-C).
	Context     context.Context
	Credentials Credentials
	// TLS is the TLS configuration (its ServerName is set per mailbox);
	// nil trusts the system's certificate authorities.
	TLS *tls.Config
	// Insecure allows imap:// without STARTTLS, for test servers only.
	Insecure bool
	Filter   Filter
	// MoveTo moves each message whose records were written to this
	// mailbox; Flag adds this flag (\Seen, $BounceProcessed) to it. Both
	// happen in Commit. Empty: the mailbox is not changed.
	MoveTo, Flag string
	// StatePath is the state file that makes reading resumable; empty for
	// none (every run reads the whole mailbox).
	StatePath string
	// BatchSize is how many UIDs one FETCH asks for (default 200).
	BatchSize int
	// Retries is how often a dropped connection is reopened in a row
	// before the input fails (default 5); below zero, for ever (watch).
	Retries int
	// Backoff is the first wait before reopening (default 500ms); it
	// doubles up to a minute.
	Backoff time.Duration
	// Poll is how often Wait looks for new mail at the latest (default
	// one minute; IDLE usually tells sooner).
	Poll time.Duration
	// Warn receives notes (a changed UIDVALIDITY, a reconnect).
	Warn func(string)
	// Progress, when set, is told after each message handed out how many
	// of the messages found are done.
	Progress func(done, total int)

	dial func(context.Context, dialConfig) (session, error) // tests swap the client library
}

// Opener is the source.Opener of imap:// and imaps:// inputs.
type Opener struct{ cfg Config }

// NewOpener returns the opener of IMAP mailboxes configured by cfg.
func NewOpener(cfg Config) *Opener {
	if cfg.Context == nil {
		cfg.Context = context.Background()
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 200
	}
	if cfg.Retries == 0 {
		cfg.Retries = 5
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 500 * time.Millisecond
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Minute
	}
	if cfg.dial == nil {
		cfg.dial = dialV1
	}
	return &Opener{cfg: cfg}
}

// Match reports whether name is an imap:// or imaps:// URL.
func (o *Opener) Match(name string) bool { return IsURL(name) }

// Open connects to the mailbox, logs in, examines it and lists the UIDs
// to read (those after the saved state, matching the filter).
func (o *Opener) Open(name string, opts source.Options) (source.Input, error) {
	mb, err := ParseURL(name)
	if err != nil {
		return nil, err
	}
	if opts.MaxMessageSize <= 0 {
		opts.MaxMessageSize = source.DefaultMaxMessageSize
	}
	tc := &tls.Config{}
	if o.cfg.TLS != nil {
		tc = o.cfg.TLS.Clone()
	}
	tc.ServerName = mb.Host
	in := &Input{cfg: o.cfg, opts: opts, mb: mb, dc: dialConfig{mb: mb, creds: o.cfg.Credentials, tls: tc, insecure: o.cfg.Insecure}}
	if err := in.loadState(); err != nil {
		return nil, in.errorf("%w", err)
	}
	if err := in.connect(); err != nil {
		return nil, err
	}
	if err := in.list(); err != nil {
		in.sess.Close()
		return nil, err
	}
	return in, nil
}

// Input is one opened mailbox: a source.Committer, and a Follower for
// bounce watch.
type Input struct {
	cfg  Config
	opts source.Options
	mb   *Mailbox
	dc   dialConfig
	sess session

	uidValidity uint32
	saved       uint32   // the UID up to which records were written, from the state file
	pending     []uint32 // UIDs still to hand out, ascending
	handed      uint32   // the highest UID handed out
	total, n    int      // messages found, messages handed out
	batch       chan fetched
	quit        chan struct{}

	mu      sync.Mutex // guards the fields below: Done runs beside Next
	out     []uint32   // UIDs handed out and not yet written, ascending
	written []uint32   // UIDs written, not yet flagged or moved
	done    uint32     // every UID up to this one was handed out and written
}

// fetched is one message of a batch, or the batch's end (msg nil).
type fetched struct {
	msg *source.Message
	err error
}

func (in *Input) errorf(format string, args ...any) error {
	return fmt.Errorf("imap: %s: "+format, append([]any{in.mb.Display}, args...)...)
}

func (in *Input) warn(format string, args ...any) {
	if in.cfg.Warn != nil {
		in.cfg.Warn(fmt.Sprintf("%s: "+format, append([]any{in.mb.Display}, args...)...))
	}
}

// stateFile is the state file's content: per mailbox (its URL without
// credentials), the UIDVALIDITY and the last UID written.
type stateFile struct {
	Mailboxes map[string]mailboxState `json:"mailboxes"`
}

type mailboxState struct {
	UIDValidity uint32 `json:"uid_validity"`
	LastUID     uint32 `json:"last_uid"`
}

func (in *Input) loadState() error {
	if in.cfg.StatePath == "" {
		return nil
	}
	var sf stateFile
	if _, err := state.Load(in.cfg.StatePath, &sf); err != nil {
		return err
	}
	st := sf.Mailboxes[in.mb.Display]
	in.uidValidity, in.saved = st.UIDValidity, st.LastUID
	return nil
}

// connect opens a session and examines the mailbox. A UIDVALIDITY other
// than the saved one means the UIDs were renumbered: the mailbox is read
// again from the start.
func (in *Input) connect() error {
	sess, err := in.cfg.dial(in.cfg.Context, in.dc)
	if err != nil {
		return in.errorf("%w", err)
	}
	uv, err := sess.Select(in.mb.Name, false)
	if err != nil {
		sess.Close()
		return in.errorf("EXAMINE %s: %w", in.mb.Name, err)
	}
	in.sess = sess
	switch {
	case in.uidValidity == 0:
		in.uidValidity = uv
	case uv != in.uidValidity && in.handed == 0:
		in.warn("UIDVALIDITY changed from %d to %d (the server renumbered the mailbox): reading it all again", in.uidValidity, uv)
		in.uidValidity, in.saved = uv, 0
		in.mu.Lock()
		in.done = 0
		in.mu.Unlock()
	case uv != in.uidValidity:
		sess.Close()
		return &abortError{in.errorf("UIDVALIDITY changed from %d to %d while reading: run again to read the renumbered mailbox", in.uidValidity, uv)}
	}
	return nil
}

// list searches for the UIDs after the last one written or handed out.
func (in *Input) list() error {
	after := max(in.saved, in.handed)
	uids, err := in.sess.Search(after, in.cfg.Filter)
	if err != nil {
		return in.errorf("SEARCH: %w", err)
	}
	in.pending = uids
	in.total += len(uids)
	in.mu.Lock()
	if in.done < in.saved {
		in.done = in.saved
	}
	in.mu.Unlock()
	return nil
}

// Next returns the next message of the mailbox, or io.EOF after the last
// one found. A dropped connection is reopened (with backoff) and the fetch
// goes on after the last message handed out.
func (in *Input) Next() (*source.Message, error) {
	failures := 0
	for {
		if err := in.cfg.Context.Err(); err != nil {
			return nil, err
		}
		if in.batch == nil {
			if len(in.pending) == 0 {
				return nil, io.EOF
			}
			in.startBatch()
		}
		f := <-in.batch
		if f.msg != nil {
			in.hand(f.msg)
			return f.msg, nil
		}
		in.batch, in.quit = nil, nil
		if f.err == nil {
			continue
		}
		if in.cfg.Context.Err() != nil {
			return nil, context.Cause(in.cfg.Context)
		}
		failures++
		if err := in.reconnect(f.err, &failures); err != nil {
			return nil, err
		}
	}
}

// hand notes m as handed out.
func (in *Input) hand(m *source.Message) {
	uid := uint32(m.Index)
	in.handed = uid
	in.pending = slices.DeleteFunc(in.pending, func(u uint32) bool { return u <= uid })
	in.n++
	in.mu.Lock()
	in.out = append(in.out, uid)
	in.mu.Unlock()
	if in.cfg.Progress != nil {
		in.cfg.Progress(in.n, in.total)
	}
}

// reconnect waits (doubling the wait each time) and opens a new session
// after cause, until cfg.Retries attempts in a row have failed.
func (in *Input) reconnect(cause error, failures *int) error {
	if in.sess != nil {
		in.sess.Close()
		in.sess = nil
	}
	wait := in.cfg.Backoff
	for {
		if in.cfg.Retries >= 0 && *failures > in.cfg.Retries {
			return in.errorf("giving up after %d attempts: %w", *failures, cause)
		}
		for i := 1; i < *failures && wait < time.Minute; i++ {
			wait *= 2
		}
		in.warn("connection lost (%v); reconnecting in %v", cause, wait.Round(time.Millisecond))
		t := time.NewTimer(wait)
		select {
		case <-in.cfg.Context.Done():
			t.Stop()
			return context.Cause(in.cfg.Context)
		case <-t.C:
		}
		err := in.connect()
		if err == nil {
			return nil
		}
		var abort *abortError
		if errors.As(err, &abort) {
			return err
		}
		cause = err
		*failures++
	}
}

// abortError is a failure that reconnecting does not mend.
type abortError struct{ error }

// startBatch fetches the next BatchSize pending UIDs on a goroutine that
// hands the messages over one at a time.
func (in *Input) startBatch() {
	uids := in.pending[:min(len(in.pending), in.cfg.BatchSize)]
	uids = slices.Clone(uids)
	batch, quit := make(chan fetched), make(chan struct{})
	in.batch, in.quit = batch, quit
	sess, uv, opts := in.sess, in.uidValidity, in.opts
	go func() {
		err := sess.Fetch(uids, opts.MaxMessageSize, func(uid uint32, size int64, body io.Reader) error {
			m := &source.Message{Source: in.mb.Display, Index: int(uid), UIDValidity: uv}
			cr := &countingReader{r: body}
			opts.Fill(m, cr)
			if cr.n < size { // the server sent the first MaxMessageSize bytes only
				m.Truncated, m.Size = true, max(m.Size, size)
			}
			m.SetCommitter(in)
			select {
			case batch <- fetched{msg: m}:
				return nil
			case <-quit:
				return errors.New("closed")
			}
		})
		select {
		case batch <- fetched{err: err}:
		case <-quit:
		}
	}()
}

// Done notes that m's records were written.
func (in *Input) Done(m *source.Message) {
	uid := uint32(m.Index)
	in.mu.Lock()
	defer in.mu.Unlock()
	if i := slices.Index(in.out, uid); i >= 0 {
		in.out = slices.Delete(in.out, i, i+1)
	}
	in.written = append(in.written, uid)
	// Everything up to the oldest UID still out (or, with none out, up
	// to this one) is written.
	mark := uid
	if len(in.out) > 0 {
		mark = in.out[0] - 1
	}
	if mark > in.done {
		in.done = mark
	}
}

// Commit moves or flags the written messages (when asked to) and saves
// how far the mailbox was read. Call it after the output was flushed.
func (in *Input) Commit() error {
	in.mu.Lock()
	written, done := in.written, in.done
	in.written = nil
	in.mu.Unlock()
	var first error
	if len(written) > 0 && (in.cfg.MoveTo != "" || in.cfg.Flag != "") {
		if err := in.change(written); err != nil {
			first = err
		}
	}
	if in.cfg.StatePath != "" && (done > in.saved || in.saved == 0) {
		if err := in.saveState(done); err != nil && first == nil {
			first = in.errorf("%w", err)
		}
	}
	return first
}

// change flags or moves uids: the mailbox is opened read-write for it, then
// examined again.
func (in *Input) change(uids []uint32) error {
	if in.sess == nil {
		return in.errorf("not connected: %d messages not flagged or moved", len(uids))
	}
	uv, err := in.sess.Select(in.mb.Name, true)
	if err != nil {
		return in.errorf("SELECT %s: %w", in.mb.Name, err)
	}
	if uv != in.uidValidity {
		return in.errorf("UIDVALIDITY changed: not flagging or moving")
	}
	slices.Sort(uids)
	if in.cfg.Flag != "" {
		if err := in.sess.AddFlag(uids, in.cfg.Flag); err != nil {
			err = in.errorf("flagging %d messages %s: %w", len(uids), in.cfg.Flag, err)
			in.sess.Select(in.mb.Name, false)
			return err
		}
	}
	if in.cfg.MoveTo != "" {
		if err := in.sess.Move(uids, in.cfg.MoveTo); err != nil {
			err = in.errorf("moving %d messages to %s: %w", len(uids), in.cfg.MoveTo, err)
			in.sess.Select(in.mb.Name, false)
			return err
		}
	}
	if _, err := in.sess.Select(in.mb.Name, false); err != nil {
		return in.errorf("EXAMINE %s: %w", in.mb.Name, err)
	}
	return nil
}

func (in *Input) saveState(done uint32) error {
	var sf stateFile
	if _, err := state.Load(in.cfg.StatePath, &sf); err != nil {
		return err
	}
	if sf.Mailboxes == nil {
		sf.Mailboxes = map[string]mailboxState{}
	}
	sf.Mailboxes[in.mb.Display] = mailboxState{UIDValidity: in.uidValidity, LastUID: done}
	if err := state.Save(in.cfg.StatePath, sf); err != nil {
		return err
	}
	in.saved = done
	return nil
}

// Wait blocks until new messages may have arrived (IDLE, or a poll), then
// lists them: Next hands them out. Call it after Next returned io.EOF. A
// dropped connection is reopened for as long as Retries allows.
func (in *Input) Wait(ctx context.Context) error {
	failures := 0
	for {
		var err error
		if in.sess == nil {
			err = errors.New("not connected")
		} else if err = in.sess.Wait(ctx, in.cfg.Poll); err == nil {
			if err = in.list(); err == nil {
				return nil
			}
		}
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		failures++
		if err := in.reconnect(err, &failures); err != nil {
			return err
		}
		if err := in.list(); err == nil && len(in.pending) > 0 {
			return nil
		}
	}
}

// SetPoll sets how often Wait looks for new mail at the latest.
func (in *Input) SetPoll(d time.Duration) {
	if d > 0 {
		in.cfg.Poll = d
	}
}

// Close stops a fetch in progress and logs out.
func (in *Input) Close() error {
	if in.quit != nil {
		close(in.quit)
		in.batch, in.quit = nil, nil
	}
	if in.sess != nil {
		err := in.sess.Close()
		in.sess = nil
		return err
	}
	return nil
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
