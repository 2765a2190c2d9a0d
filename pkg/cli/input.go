package cli

import (
	"context"
	"fmt"
	"io"

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
	if err := in.Mailbox.check(); err != nil {
		return err
	}
	mailboxes, err := in.Mailbox.opener(ctx, ios, false)
	if err != nil {
		return err
	}
	rd := source.NewReader(paths, source.Options{Stdin: ios.In, MaxMessageSize: int64(in.Limits.MessageSize),
		Warn: func(msg string) { warn(ios, msg) }, Openers: []source.Opener{mailboxes}})
	// The inputs that act on written messages (IMAP: resume state, --flag,
	// --move-to) hear of each emitted message, and commit once the command
	// has flushed its output (commitInputs).
	in.Mailbox.commits.add(rd)
	var written doneQueue
	emitted := emit
	emit = func(v T) error {
		err := emitted(v)
		if m := written.pop(); err == nil {
			rd.Done(m)
		}
		return err
	}
	next := func() (*source.Message, bool, error) {
		m, err := rd.Next()
		if err == io.EOF {
			return nil, false, nil
		}
		if err == nil {
			written.push(m)
		}
		return m, err == nil, err
	}
	apply := func(m *source.Message) T {
		v := fn(m)
		m.Release() // the result holds copies; the buffer serves the next message
		return v
	}
	return batch.Map(ctx, in.Jobs, next, apply, emit)
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

// warnMessage warns about one message that could not be read or analysed.
func warnMessage(ios *IOStreams, src string, index int, msg string) {
	warn(ios, fmt.Sprintf("%s message %d: %s", src, index, msg))
}
