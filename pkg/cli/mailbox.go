package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/bounce-tool/bounce/pkg/source"
	"github.com/bounce-tool/bounce/pkg/source/imap"
	"github.com/bounce-tool/bounce/pkg/state"
	"github.com/spf13/pflag"
)

// Environment variables that carry IMAP secrets (never flags: a flag shows
// in process lists and shell history).
const (
	envIMAPPassword = "BOUNCE_IMAP_PASSWORD"
	envIMAPToken    = "BOUNCE_IMAP_TOKEN"
)

// mailboxOptions are the flags of IMAP inputs (imap://, imaps://), shared by
// every command that reads mail.
type mailboxOptions struct {
	PasswordFile, PasswordCommand, TokenCommand string
	Auth                                        string
	Insecure                                    bool
	CAFile                                      string
	State                                       string
	NoState                                     bool
	Since                                       string
	Unseen, FromDaemon                          bool
	MoveTo, Flag                                string

	// commits are the inputs to commit once the output is flushed.
	commits *pendingCommits
}

func (o *mailboxOptions) addFlags(f *pflag.FlagSet) {
	f.StringVar(&o.PasswordFile, "password-file", "", "IMAP: read the password from the first line of this file (else $"+envIMAPPassword+")")
	f.StringVar(&o.PasswordCommand, "password-command", "", "IMAP: run this shell command and use the first line it prints as the password")
	f.StringVar(&o.TokenCommand, "token-command", "", "IMAP: run this shell command for an OAuth 2.0 access token (else $"+envIMAPToken+"), for XOAUTH2 or OAUTHBEARER")
	f.StringVar(&o.Auth, "imap-auth", "", "IMAP: the login mechanism: login, plain, xoauth2 or oauthbearer (default: login with a password, xoauth2 or oauthbearer with a token)")
	f.BoolVar(&o.Insecure, "imap-insecure", false, "IMAP: allow imap:// without STARTTLS, sending the password in clear (for test servers only)")
	f.StringVar(&o.CAFile, "imap-ca-file", "", "IMAP: also trust the certificate authorities of this PEM file")
	if f.Lookup("state") == nil { // act has a state file of its own: there the IMAP one is the default
		f.StringVar(&o.State, "state", "", "IMAP: the resume state file (default $XDG_STATE_HOME/bounce/imap.json)")
	}
	f.BoolVar(&o.NoState, "no-state", false, "IMAP: read the whole mailbox and save no state")
	f.StringVar(&o.Since, "since", "", "IMAP: only messages received on or after this day (YYYY-MM-DD)")
	f.BoolVar(&o.Unseen, "unseen", false, "IMAP: only messages without the \\Seen flag")
	f.BoolVar(&o.FromDaemon, "from-daemon", false, "IMAP: only messages from mailer-daemon or postmaster")
	f.StringVar(&o.MoveTo, "move-to", "", "IMAP: move each message whose records were written to this mailbox")
	f.StringVar(&o.Flag, "flag", "", "IMAP: add this flag (\\Seen, or a keyword such as $BounceProcessed) to each message whose records were written")
	o.commits = &pendingCommits{}
}

// check validates the flags before anything is read.
func (o *mailboxOptions) check() error {
	n := 0
	for _, s := range []string{o.PasswordFile, o.PasswordCommand, o.TokenCommand} {
		if s != "" {
			n++
		}
	}
	if n > 1 {
		return flagErrorf("--password-file, --password-command and --token-command exclude each other")
	}
	if err := validateChoice("--imap-auth", o.Auth, imap.Mechanisms); err != nil {
		return err
	}
	if o.Since != "" {
		if _, err := time.Parse(time.DateOnly, o.Since); err != nil {
			return flagErrorf("invalid value %q for --since: want a day such as 2026-01-31", o.Since)
		}
	}
	if o.NoState && o.State != "" {
		return flagErrorf("--state and --no-state exclude each other")
	}
	return nil
}

// opener returns the opener of IMAP inputs for these flags.
func (o *mailboxOptions) opener(ctx context.Context, ios *IOStreams, watch bool) (*imap.Opener, error) {
	cfg := imap.Config{Context: ctx, Insecure: o.Insecure, MoveTo: o.MoveTo, Flag: o.Flag,
		Filter: imap.Filter{Unseen: o.Unseen, FromDaemon: o.FromDaemon},
		Warn:   func(msg string) { warn(ios, msg) }}
	if o.Since != "" {
		cfg.Filter.Since, _ = time.Parse(time.DateOnly, o.Since)
	}
	if watch {
		cfg.Retries = -1
	} else {
		cfg.Progress = newMailboxProgress(ios, os.Getenv)
	}
	cfg.Credentials.Mechanism = o.Auth
	switch {
	case o.PasswordFile != "":
		cfg.Credentials.Password = imap.SecretFromFile(o.PasswordFile)
	case o.PasswordCommand != "":
		cfg.Credentials.Password = imap.SecretFromCommand(o.PasswordCommand, ios.ErrOut)
	case o.TokenCommand != "":
		cfg.Credentials.Token = imap.SecretFromCommand(o.TokenCommand, ios.ErrOut)
	case os.Getenv(envIMAPToken) != "" && (o.Auth == "xoauth2" || o.Auth == "oauthbearer" || os.Getenv(envIMAPPassword) == ""):
		cfg.Credentials.Token = imap.SecretFromEnv(envIMAPToken)
	case os.Getenv(envIMAPPassword) != "":
		cfg.Credentials.Password = imap.SecretFromEnv(envIMAPPassword)
	}
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, flagErrorf("--imap-ca-file: %v", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, flagErrorf("--imap-ca-file: %s holds no PEM certificate", o.CAFile)
		}
		cfg.TLS = &tls.Config{RootCAs: pool}
	}
	if !o.NoState {
		cfg.StatePath = o.State
		if cfg.StatePath == "" {
			p, err := state.Path("imap.json")
			if err != nil {
				return nil, err
			}
			cfg.StatePath = p
		}
	}
	return imap.NewOpener(cfg), nil
}

// pendingCommits are the readers whose inputs act once the output is
// flushed (an IMAP mailbox saves its state, flags or moves messages).
type pendingCommits struct {
	mu      sync.Mutex
	readers []*source.Reader
}

func (p *pendingCommits) add(rd *source.Reader) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.readers = append(p.readers, rd)
	p.mu.Unlock()
}

// commitInputs commits and closes the inputs read by in: call it once the
// output of their messages is written and flushed. A crash before it
// repeats messages on the next run, never skips one.
func commitInputs(in inputOptions) error {
	p := in.Mailbox.commits
	if p == nil {
		return nil
	}
	p.mu.Lock()
	readers := p.readers
	p.readers = nil
	p.mu.Unlock()
	var first error
	for _, rd := range readers {
		if err := rd.Commit(); err != nil && first == nil {
			first = err
		}
		rd.Close()
	}
	if first != nil {
		return fmt.Errorf("%w", first)
	}
	return nil
}

// doneQueue tells the reader which messages were written: batch.Map emits
// in the order the messages were read, so the oldest message read and not
// yet emitted is the one each emit is about.
type doneQueue struct {
	mu   sync.Mutex
	msgs []*source.Message
}

func (q *doneQueue) push(m *source.Message) {
	q.mu.Lock()
	q.msgs = append(q.msgs, m)
	q.mu.Unlock()
}

func (q *doneQueue) pop() *source.Message {
	q.mu.Lock()
	defer q.mu.Unlock()
	m := q.msgs[0]
	q.msgs[0] = nil
	q.msgs = q.msgs[1:]
	return m
}

// newMailboxProgress returns the progress line of a mailbox being read
// (messages done of those found, and the rate) on a terminal's standard
// error, or nil where progress lines are not drawn (see newProgress).
func newMailboxProgress(ios *IOStreams, getenv func(string) string) func(done, total int) {
	if !ios.IsStderrTTY() || getenv("CI") != "" {
		return nil
	}
	start, last, drawn := time.Now(), time.Now(), 0
	return func(done, total int) {
		now := time.Now()
		if done < total && now.Sub(last) < progressEvery {
			return
		}
		last = now
		if done >= total {
			if drawn > 0 {
				fmt.Fprintf(ios.ErrOut, "\r%*s\r", drawn, "")
				drawn = 0
			}
			return
		}
		rate := float64(done) / now.Sub(start).Seconds()
		line := fmt.Sprintf("mailbox: %s / %s messages, %s msg/s", thousands(done), thousands(total), thousands(int(rate)))
		fmt.Fprintf(ios.ErrOut, "\r%-*s", drawn, line)
		drawn = len(line)
	}
}
