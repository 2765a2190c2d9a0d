package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/source"
	"github.com/bounce-tool/bounce/pkg/source/imap"
	"github.com/spf13/cobra"
)

type watchOptions struct {
	IO     *IOStreams
	Source string
	Format string
	Poll   time.Duration
	inputOptions
	Link linkOptions
}

// The output formats of watch.
var watchFormats = []string{"ndjson", "text"}

func newWatchCmd(ios *IOStreams, runF func(context.Context, *watchOptions) error) *cobra.Command {
	opts := &watchOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "watch SOURCE",
		Short: "Follow an IMAP mailbox or a Maildir and explain each bounce as it arrives",
		Long: `Follow one mailbox and write the records of each message as it arrives: an
IMAP mailbox (imaps://user@host/MAILBOX; IDLE where the server has it, else
a poll every --poll-interval) or a Maildir (notified of new files, and
rescanned every --poll-interval because notifications can be lost).

--format ndjson (the default) writes the records of the JSON contract
(docs/json.md), one per line, flushed after each message: pipe them into a
program. --format text writes one line per record for a person watching a
terminal.

An IMAP mailbox is read as inspect reads it (see bounce inspect --help and
the README): read-only unless --flag or --move-to asks otherwise, resumed
from the state file, which is saved after each message. The messages
already in the mailbox that the state does not cover come first. A dropped
connection is reopened with backoff for as long as watch runs. A Maildir
gives the messages it holds at the start, then each new one.

Ctrl-C (SIGINT) or SIGTERM stops it; the state of the messages written is
saved.` + exitStatusHelp,
		Example: `  BOUNCE_IMAP_TOKEN=$(oauth2l fetch --scope mail) bounce watch imaps://support@example.com@imap.gmail.com/INBOX
  bounce watch --format text --password-file ~/.config/bounce/imap-password imaps://bounces@mail.example.com/INBOX
  bounce watch ~/Maildir/.Bounces | jq -c 'select(.class == "permanent")'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Source = args[0]
			opts.Link.ConfigPath = configFlag(cmd)
			if err := validateChoice("--format", opts.Format, watchFormats); err != nil {
				return err
			}
			if opts.Poll < time.Second {
				return flagErrorf("--poll-interval must be at least 1s")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runWatch(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Format, "format", "f", "ndjson", "output format: "+strings.Join(watchFormats, ", "))
	f.DurationVar(&opts.Poll, "poll-interval", time.Minute, "look for new mail at least this often (IMAP without IDLE, Maildir rescans)")
	addInputFlags(f, &opts.inputOptions)
	opts.Link.addFlags(cmd)
	return cmd
}

// openFollower opens the source watch follows: an IMAP mailbox or a
// Maildir.
func openFollower(ctx context.Context, opts *watchOptions) (source.Follower, error) {
	ios := opts.IO
	sopts := source.Options{MaxMessageSize: int64(opts.Limits.MessageSize), Warn: func(msg string) { warn(ios, msg) }}
	if imap.IsURL(opts.Source) {
		o, err := opts.Mailbox.opener(ctx, ios, true)
		if err != nil {
			return nil, err
		}
		in, err := o.Open(opts.Source, sopts)
		if err != nil {
			return nil, err
		}
		return in.(*imap.Input), nil
	}
	if opts.Source == "-" {
		return nil, flagErrorf("watch follows an IMAP mailbox or a Maildir, not standard input")
	}
	fi, err := os.Stat(opts.Source)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, flagErrorf("watch follows an IMAP mailbox or a Maildir; %s is a file (use bounce inspect)", opts.Source)
	}
	return source.FollowMaildir(opts.Source, sopts, opts.Poll)
}

func runWatch(ctx context.Context, opts *watchOptions) error {
	ios := opts.IO
	if err := opts.Limits.check(); err != nil {
		return err
	}
	if err := opts.Mailbox.check(); err != nil {
		return err
	}
	finder, err := opts.Link.finder(ios)
	if err != nil {
		return err
	}
	bopts := opts.Limits.bounceOptions(&bounce.Options{Tickets: finder})
	in, err := openFollower(ctx, opts)
	if err != nil {
		return err
	}
	defer in.Close()
	if o, ok := in.(*imap.Input); ok {
		o.SetPoll(opts.Poll)
	}
	w := newBlockWriter(ios)
	enc := newEncoder(w)
	for {
		m, err := in.Next()
		if errors.Is(err, io.EOF) {
			if err = in.Wait(ctx); err == nil {
				continue
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil // stopped: what was written is committed
			}
			return err
		}
		recs := bounce.AnalyzeMessage(m, bopts)
		m.Release()
		for i := range recs {
			r := &recs[i]
			if r.Kind == bounce.KindError {
				warnMessage(ios, r.Source, r.Index, r.Error)
			}
			if opts.Format == "text" {
				_, err = fmt.Fprintln(w, watchLine(r))
			} else {
				err = bounce.Encode(enc, r)
			}
			if err != nil {
				return err
			}
		}
		if err := w.Flush(); err != nil {
			return err
		}
		if c, ok := in.(source.Committer); ok {
			c.Done(m)
			if err := c.Commit(); err != nil {
				warn(ios, err.Error())
			}
		}
	}
}

// watchLine is the one-line summary of a record for --format text.
func watchLine(r *bounce.Record) string {
	at := r.Source
	if r.Index > 0 {
		at = fmt.Sprintf("%s #%d", r.Source, r.Index)
	}
	parts := []string{time.Now().Format("15:04:05"), at, r.Kind}
	switch r.Kind {
	case bounce.KindBounce:
		parts = append(parts, r.Class.String(), r.Status.String(), r.Reason, r.Recipient)
		if t := r.Ticket; t != nil {
			parts = append(parts, "ticket "+strings.TrimSpace(t.ID+" "+t.EncodedID))
		}
	case bounce.KindFeedback, bounce.KindAutoreply:
		parts = append(parts, r.Recipient)
	case bounce.KindError:
		parts = append(parts, r.Error)
	default:
		parts = append(parts, r.Original.Subject)
	}
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return safe(strings.Join(kept, "  "))
}
