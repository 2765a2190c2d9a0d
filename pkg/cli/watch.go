package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/source"
	"github.com/bounce-tool/bounce/pkg/source/imap"
	"github.com/bounce-tool/bounce/pkg/state"
	"github.com/fsnotify/fsnotify"
	"github.com/spf13/cobra"
)

type watchOptions struct {
	IO       *IOStreams
	Source   string
	Format   string
	Interval time.Duration
	inputOptions
	Link linkOptions
}

func newWatchCmd(ios *IOStreams, runF func(context.Context, *watchOptions) error) *cobra.Command {
	opts := &watchOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "watch SOURCE",
		Short: "Follow an IMAP mailbox or a Maildir and report bounces as they arrive",
		Long: `Follow a mailbox and write the records of every message as it arrives:
an IMAP mailbox (imaps://user@host/MAILBOX, with IDLE where the server has
it, else a poll every --interval) or a Maildir (file system notifications on
new/ and cur/, and a rescan every --interval, since notifications can be
lost).

Each message's records are written and flushed at once, one JSON object per
line by default (the record contract of bounce inspect, docs/json.md), or a
line per bounce for a person with --format text. What was read is
remembered in the state file (IMAP: the mailbox's UIDVALIDITY and last UID;
Maildir: the file names read), so a restart goes on where the last run
stopped; a crash may repeat a message, never skip one. Ctrl-C or SIGTERM
stops it with the state saved.

The IMAP flags of inspect apply: credentials from $BOUNCE_IMAP_PASSWORD,
--password-file, --password-command, $BOUNCE_IMAP_TOKEN or --token-command;
--move-to and --flag act on each message once its records are written.` + exitStatusHelp,
		Example: `  BOUNCE_IMAP_TOKEN=$(oauth2l fetch mail) bounce watch imaps://support@example.com@imap.gmail.com/INBOX
  bounce watch ~/Maildir/.Bounces --format text
  bounce watch imaps://bounces@mail.example.com/INBOX | bounce act --apply`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Source = args[0]
			opts.Link.ConfigPath = configFlag(cmd)
			if err := validateChoice("--format", opts.Format, []string{"ndjson", "text"}); err != nil {
				return err
			}
			if opts.Interval <= 0 {
				return flagErrorf("--interval must be positive")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runWatch(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Format, "format", "f", "ndjson", "output format: ndjson or text (a line per bounce)")
	f.DurationVar(&opts.Interval, "interval", time.Minute, "poll (IMAP without IDLE) and rescan (Maildir) interval")
	addInputFlags(f, &opts.inputOptions)
	opts.Link.addFlags(cmd)
	return cmd
}

// watchWriter writes the records of each message as it arrives, flushed.
type watchWriter struct {
	ios    *IOStreams
	format string
	w      *bufio.Writer
}

func (w *watchWriter) write(recs []bounce.Record) error {
	for i := range recs {
		r := &recs[i]
		var err error
		if w.format == "text" {
			if r.Kind != bounce.KindBounce && r.Kind != bounce.KindError {
				continue
			}
			_, err = fmt.Fprintln(w.w, safe(watchLine(r)))
		} else {
			err = bounce.Encode(newEncoder(w.w), r)
		}
		if err != nil {
			return err
		}
	}
	return w.w.Flush()
}

// watchLine is one bounce on a line: when, recipient, status, class, reason,
// ticket.
func watchLine(r *bounce.Record) string {
	if r.Kind == bounce.KindError {
		return fmt.Sprintf("%s #%d: %s", r.Source, r.Index, r.Error)
	}
	parts := []string{r.Date, r.Recipient, r.Status.String(), r.ClassText(), r.Reason}
	if t := r.Ticket; t != nil {
		parts = append(parts, "ticket "+strings.TrimSpace(t.System+" "+t.EncodedID+" #"+t.ID))
	}
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), "  ")
}

func runWatch(ctx context.Context, opts *watchOptions) error {
	ios := opts.IO
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	finder, err := opts.Link.finder(ios)
	if err != nil {
		return err
	}
	bopts := opts.Limits.bounceOptions(&bounce.Options{Tickets: finder})
	w := &watchWriter{ios: ios, format: opts.Format, w: bufio.NewWriter(ios.Out)}
	analyse := func(m *source.Message) error {
		recs := bounce.AnalyzeMessage(m, bopts)
		m.Release()
		return w.write(recs)
	}
	if hasMailbox([]string{opts.Source}) {
		err = watchMailbox(ctx, opts, analyse)
	} else {
		err = watchMaildir(ctx, opts, analyse)
	}
	if errors.Is(err, context.Canceled) || ctx.Err() != nil {
		return nil // stopped by a signal, state saved
	}
	return err
}

// watchMailbox follows an IMAP mailbox: read what is new, commit, wait.
func watchMailbox(ctx context.Context, opts *watchOptions, analyse func(*source.Message) error) error {
	sopts, err := opts.inputOptions.sourceOptions(ctx, opts.IO, []string{opts.Source})
	if err != nil {
		return err
	}
	if o, ok := sopts.Openers[0].(*imap.Opener); ok {
		o.Options.Progress = nil // watch writes as mail comes: no progress line
		o.Options.Retries = -1   // and outlives a server's restart
	}
	in, err := sopts.Openers[0].Open(opts.Source, sopts)
	if err != nil {
		return err
	}
	mb := in.(*imap.Input)
	defer mb.Close()
	for {
		for {
			m, err := mb.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			if err := analyse(m); err != nil {
				return err
			}
			mb.Done(m)
			if err := mb.Commit(); err != nil {
				return err
			}
		}
		if err := mb.Wait(ctx.Done(), opts.Interval); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// maildirSeen is the watch state of one Maildir: the unique names (the
// file name before ":2,", which changes with the flags) already read.
type maildirSeen map[string][]string

// watchMaildir follows a Maildir (or any folder of message files): every
// file not read before is read once, on a notification or a rescan.
func watchMaildir(ctx context.Context, opts *watchOptions, analyse func(*source.Message) error) error {
	dir, err := filepath.Abs(opts.Source)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return flagErrorf("watch follows an IMAP mailbox (imaps://...) or a Maildir; %s is not a folder", opts.Source)
	}
	statePath := opts.Mailbox.State
	if statePath == "" {
		if statePath, err = state.Path("maildir.json"); err != nil {
			return err
		}
	}
	all := maildirSeen{}
	if !opts.Mailbox.NoResume {
		if _, err := state.Load(statePath, &all); err != nil {
			warn(opts.IO, state.Recover(statePath, err))
		}
	}
	seen := map[string]bool{}
	for _, n := range all[dir] {
		seen[n] = true
	}
	save := func() error {
		if opts.Mailbox.NoResume {
			return nil
		}
		names := make([]string, 0, len(seen))
		for n := range seen {
			names = append(names, n)
		}
		slices.Sort(names)
		all[dir] = names
		return state.Save(statePath, all)
	}
	// scan reads the files not read before (those read are skipped
	// unopened: a rescan of a big Maildir costs a listing, not a read of
	// every message), then saves the names still there. A crash before
	// the save repeats this scan's messages, never skips one.
	scan := func() error {
		sopts, _ := opts.inputOptions.sourceOptions(ctx, opts.IO, nil)
		present := map[string]bool{}
		sopts.Skip = func(path string) bool {
			key := uniqueName(path)
			present[key] = true
			return seen[key]
		}
		rd := source.NewReader([]string{dir}, sopts)
		defer rd.Close()
		var err error
		for ctx.Err() == nil {
			m, nerr := rd.Next()
			if nerr == io.EOF {
				break
			}
			if err = analyse(m); err != nil {
				break
			}
			key := uniqueName(m.Path)
			seen[key], present[key] = true, true
		}
		if err == nil && ctx.Err() == nil {
			for key := range seen { // forget the files gone from the Maildir
				if !present[key] {
					delete(seen, key)
				}
			}
		}
		if serr := save(); err == nil {
			err = serr
		}
		if err == nil {
			err = ctx.Err()
		}
		return err
	}
	watcher, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer watcher.Close()
	for _, sub := range []string{"new", "cur", ""} {
		if fi, err := os.Stat(filepath.Join(dir, sub)); err == nil && fi.IsDir() {
			if err := watcher.Add(filepath.Join(dir, sub)); err != nil {
				return err
			}
		}
	}
	if err := scan(); err != nil {
		return err
	}
	tick := time.NewTicker(opts.Interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev, ok := <-watcher.Events:
			if !ok {
				return nil
			}
			if ev.Op&(fsnotify.Create|fsnotify.Rename|fsnotify.Write) == 0 {
				continue
			}
			time.Sleep(50 * time.Millisecond) // let a writer finish its rename
		case err := <-watcher.Errors:
			warn(opts.IO, "watch: "+err.Error()+"; rescanning")
		case <-tick.C:
		}
		if err := scan(); err != nil {
			return err
		}
	}
}

// uniqueName is a Maildir file's name without its flags (":2,S"), which
// change when the message is read; outside a Maildir, the path.
func uniqueName(path string) string {
	base := filepath.Base(path)
	if i := strings.Index(base, ":2,"); i > 0 {
		base = base[:i]
	}
	if d := filepath.Base(filepath.Dir(path)); d == "new" || d == "cur" {
		return base
	}
	return path
}
