package cli

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/bounce-tool/bounce/pkg/batch"
	"github.com/bounce-tool/bounce/pkg/source"
)

// mapMessages reads the mail inputs of a command (paths, or standard input),
// applies fn to each message on jobs workers and calls emit with the results
// in input order. No path reads a pipe on standard input; with a terminal
// there it is a usage error. Warnings about skipped files go to stderr as
// they happen. fn must copy what it keeps of the message's Data: the buffer
// is released for the next message when fn returns.
func mapMessages[T any](ctx context.Context, ios *IOStreams, paths []string, in inputOptions,
	fn func(*source.Message) T, emit func(T) error) error {
	if err := in.Limits.check(); err != nil {
		return err
	}
	if len(paths) == 0 {
		if ios.IsStdinTTY() {
			return flagErrorf("no input: name a file, folder or mbox, or pipe mail into standard input")
		}
		paths = []string{"-"}
	}
	if err := stdinOnce(paths); err != nil {
		return err
	}
	sopts, err := in.sourceOptions(ctx, ios, paths)
	if err != nil {
		return err
	}
	rd := source.NewReader(paths, sopts)
	if in.session != nil {
		in.session.rd = rd
	} else {
		defer rd.Close()
	}
	next := func() (*source.Message, bool, error) {
		m, err := rd.Next()
		if err == io.EOF {
			return nil, false, nil
		}
		return m, err == nil, err
	}
	// The message goes along with its result, for the reader's Done.
	type result struct {
		v T
		m *source.Message
	}
	apply := func(m *source.Message) result {
		v := fn(m)
		m.Release() // the result holds copies; the buffer serves the next message
		return result{v, m}
	}
	// A signal stops the run at once, even with a read blocked: the
	// messages emitted so far are the output, nothing is emitted after.
	var mu sync.Mutex
	abandoned := false
	guarded := func(r result) error {
		mu.Lock()
		defer mu.Unlock()
		if abandoned {
			return context.Cause(ctx)
		}
		if err := emit(r.v); err != nil {
			return err
		}
		rd.Done(r.m)
		return nil
	}
	return runUntilDone(ctx, func() error { return batch.Map(ctx, in.Jobs, next, apply, guarded) }, func() {
		mu.Lock()
		abandoned = true
		mu.Unlock()
	})
}

// stdinOnce rejects arguments that name standard input ("-") more than
// once: it can be read only once.
func stdinOnce(args []string) error {
	n := 0
	for _, a := range args {
		if a == "-" {
			n++
		}
	}
	if n > 1 {
		return flagErrorf("standard input (\"-\") can be read only once")
	}
	return nil
}

// warn prints a warning on stderr, neutralised for the terminal.
func warn(ios *IOStreams, msg string) { fmt.Fprintf(ios.ErrOut, "bounce: %s\n", safe(msg)) }
