package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/bounce-tool/bounce/pkg/report"
	"github.com/bounce-tool/bounce/pkg/sign"
	"github.com/bounce-tool/bounce/pkg/source"
	"github.com/bounce-tool/bounce/pkg/source/imap"
	"github.com/bounce-tool/bounce/pkg/state"
	"github.com/spf13/pflag"
)

// mailboxOptions are the flags of IMAP inputs (imap:// and imaps:// paths),
// shared by inspect, report, loops and watch.
type mailboxOptions struct {
	Insecure        bool
	PasswordFile    string
	PasswordCommand string
	TokenCommand    string
	Mechanism       string
	Since           string
	Unseen          bool
	FromDaemon      bool
	MoveTo          string
	Flag            string
	State           string
	NoResume        bool
}

func (o *mailboxOptions) addFlags(f *pflag.FlagSet) {
	f.StringVar(&o.PasswordFile, "password-file", "", "IMAP: read the password from this file (else $BOUNCE_IMAP_PASSWORD)")
	f.StringVar(&o.PasswordCommand, "password-command", "", "IMAP: run this command and use its output as the password")
	f.StringVar(&o.TokenCommand, "token-command", "", "IMAP: run this command for an OAuth access token (else $BOUNCE_IMAP_TOKEN)")
	f.StringVar(&o.Mechanism, "imap-auth", "xoauth2", "IMAP: SASL mechanism for a token: xoauth2 or oauthbearer")
	f.BoolVar(&o.Insecure, "imap-insecure", false, "IMAP: imap:// in plain text, without STARTTLS (for tests against a local server only)")
	f.StringVar(&o.Since, "since", "", "IMAP: only messages since this date (YYYY-MM-DD)")
	f.BoolVar(&o.Unseen, "unseen", false, "IMAP: only messages without the \\Seen flag")
	f.BoolVar(&o.FromDaemon, "from-daemon", false, "IMAP: only messages from "+strings.Join(sign.MailSystemSearch, " or "))
	f.StringVar(&o.MoveTo, "move-to", "", "IMAP: move each message to this mailbox once its records are written")
	f.StringVar(&o.Flag, "flag", "", "IMAP: add this flag (\\Seen, $BounceProcessed) once a message's records are written")
	// act has a --state of its own (what was written onto tickets).
	name := "state"
	if f.Lookup(name) != nil {
		name = "imap-state"
	}
	f.StringVar(&o.State, name, "", "IMAP: the resume file (default $XDG_STATE_HOME/bounce/imap.json)")
	f.BoolVar(&o.NoResume, "no-resume", false, "IMAP: read the whole mailbox and keep no resume state")
}

// hasMailbox reports whether any input is an IMAP URL.
func hasMailbox(paths []string) bool {
	var o imap.Opener
	for _, p := range paths {
		if o.Match(p) {
			return true
		}
	}
	return false
}

// opener returns the IMAP opener for a run: credentials from the
// environment, a file or a command (never from the command line), the
// filters and the resume file. Secrets never appear in its errors.
func (o *mailboxOptions) opener(ctx context.Context, warnf func(string)) (*imap.Opener, error) {
	opts := imap.Options{Insecure: o.Insecure, Unseen: o.Unseen, FromDaemon: o.FromDaemon, MoveTo: o.MoveTo,
		Flag: o.Flag, Mechanism: o.Mechanism, Warn: warnf}
	switch strings.ToLower(o.Mechanism) {
	case "xoauth2", "oauthbearer":
	default:
		return nil, flagErrorf("--imap-auth: want xoauth2 or oauthbearer, not %q", o.Mechanism)
	}
	if o.Since != "" {
		t, err := time.Parse("2006-01-02", o.Since)
		if err != nil {
			return nil, flagErrorf("--since: want a date as YYYY-MM-DD, not %q", o.Since)
		}
		opts.Since = t
	}
	var err error
	switch {
	case o.TokenCommand != "":
		opts.Token, err = secretFromCommand(ctx, "--token-command", o.TokenCommand)
		opts.Renew = func() (string, error) { return secretFromCommand(ctx, "--token-command", o.TokenCommand) }
	case os.Getenv("BOUNCE_IMAP_TOKEN") != "":
		opts.Token = strings.TrimSpace(os.Getenv("BOUNCE_IMAP_TOKEN"))
	case o.PasswordCommand != "":
		opts.Password, err = secretFromCommand(ctx, "--password-command", o.PasswordCommand)
	case o.PasswordFile != "":
		var b []byte
		b, err = os.ReadFile(o.PasswordFile)
		if err != nil {
			err = fmt.Errorf("--password-file: %w", unwrapPathError(err))
		}
		opts.Password = strings.TrimRight(string(b), "\r\n")
	default:
		opts.Password = os.Getenv("BOUNCE_IMAP_PASSWORD")
	}
	if err != nil {
		return nil, err
	}
	if opts.Password == "" && opts.Token == "" {
		return nil, flagErrorf("an IMAP input needs a password ($BOUNCE_IMAP_PASSWORD, --password-file, --password-command) or a token ($BOUNCE_IMAP_TOKEN, --token-command)")
	}
	if !o.NoResume {
		opts.StatePath = o.State
		if opts.StatePath == "" {
			if opts.StatePath, err = state.Path("imap.json"); err != nil {
				return nil, err
			}
		}
	}
	return &imap.Opener{Options: opts}, nil
}

// secretFromCommand runs a command through the shell and returns the first
// line of its output; the output never appears in errors.
func secretFromCommand(ctx context.Context, flag, command string) (string, error) {
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s: %v", flag, err)
	}
	line, _, _ := strings.Cut(out.String(), "\n")
	return strings.TrimSpace(line), nil
}

// unwrapPathError drops the path an *os.PathError repeats.
func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

// sourceOptions returns the source options of a run: the IMAP opener when an
// input needs one.
func (in inputOptions) sourceOptions(ctx context.Context, ios *IOStreams, paths []string) (source.Options, error) {
	opts := source.Options{Stdin: ios.In, MaxMessageSize: int64(in.Limits.MessageSize),
		Warn: func(msg string) { warn(ios, msg) }}
	if hasMailbox(paths) {
		o, err := in.Mailbox.opener(ctx, opts.Warn)
		if err != nil {
			return opts, err
		}
		o.Options.Progress = newMailboxProgress(ios, os.Getenv)
		o.Options.Done = ctx.Done() // Ctrl-C ends a wait to reconnect
		opts.Openers = []source.Opener{o}
	}
	return opts, nil
}

// newMailboxProgress returns the progress line of a mailbox being read
// (messages handed out of those found, and the rate) on a terminal's
// standard error, or nil where progress lines are not drawn (see
// newProgress).
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
		line := fmt.Sprintf("mailbox: %s / %s messages, %s msg/s", report.Thousands(done), report.Thousands(total), report.Thousands(int(rate)))
		fmt.Fprintf(ios.ErrOut, "\r%-*s", drawn, line)
		drawn = len(line)
	}
}
