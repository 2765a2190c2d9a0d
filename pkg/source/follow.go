package source

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// A Follower is an input that goes on: after Next returned io.EOF, Wait
// blocks until more messages may have arrived (or ctx is done), and Next
// then hands them out. bounce watch follows an IMAP mailbox (package
// source/imap) or a Maildir (FollowMaildir).
type Follower interface {
	Input
	Wait(ctx context.Context) error
}

// FollowMaildir follows the Maildir dir: Next hands out its messages (those
// present at the start first, in arrival order, then each new one), and
// Wait returns when a file arrives in new/ or cur/ (fsnotify) or, because
// notifications can be lost, after rescan at the latest. A message that an
// e-mail program moves from new/ to cur/ (renaming it name:2,S) is the same
// message and is not handed out again.
func FollowMaildir(dir string, opts Options, rescan time.Duration) (Follower, error) {
	opts = opts.withDefaults()
	if !isMaildir(dir) {
		return nil, fmt.Errorf("%s is not a Maildir (no cur/ or new/ folder)", dir)
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	for _, sub := range []string{"new", "cur"} {
		if err := w.Add(filepath.Join(dir, sub)); err != nil {
			w.Close()
			return nil, err
		}
	}
	if rescan <= 0 {
		rescan = time.Minute
	}
	f := &maildirFollower{dir: dir, w: w, rescan: rescan, seen: map[string]bool{}, warned: map[string]bool{}}
	warn := opts.Warn
	opts.Warn = func(msg string) { // once per path, not on every rescan
		f.mu.Lock()
		again := f.warned[msg]
		f.warned[msg] = true
		f.mu.Unlock()
		if !again && warn != nil {
			warn(msg)
		}
	}
	f.in = &input{opts: opts, source: dir}
	f.scan()
	return f, nil
}

type maildirFollower struct {
	dir    string
	w      *fsnotify.Watcher
	rescan time.Duration
	in     *input          // reads the files queued
	seen   map[string]bool // the unique names (before ":") handed out or queued
	mu     sync.Mutex
	warned map[string]bool
}

// scan queues the files not seen yet and reports whether there were any.
func (f *maildirFollower) scan() bool {
	added := false
	for _, e := range listDir(f.dir, f.in.opts) {
		key, _, _ := strings.Cut(filepath.Base(e.path), ":")
		if f.seen[key] {
			continue
		}
		f.seen[key] = true
		f.in.files = append(f.in.files, e)
		added = true
	}
	return added
}

func (f *maildirFollower) Next() (*Message, error) { return f.in.Next() }

func (f *maildirFollower) Wait(ctx context.Context) error {
	t := time.NewTicker(f.rescan)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case err, ok := <-f.w.Errors:
			if !ok {
				return io.EOF
			}
			f.in.opts.Warn(fmt.Sprintf("watching %s: %v", f.dir, err))
		case ev, ok := <-f.w.Events:
			if !ok {
				return io.EOF
			}
			if !ev.Has(fsnotify.Create) && !ev.Has(fsnotify.Rename) && !ev.Has(fsnotify.Write) {
				continue
			}
		case <-t.C:
		}
		if f.scan() {
			return nil
		}
	}
}

func (f *maildirFollower) Close() error {
	f.in.Close()
	return f.w.Close()
}
