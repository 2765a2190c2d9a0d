package cli

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// SignalError is the cause of a run's context when SIGINT or SIGTERM
// stopped it: the run writes the output of the messages it finished and
// exits with status 128 + the signal's number (130 for SIGINT, 143 for
// SIGTERM), as shells do.
type SignalError struct{ Signal syscall.Signal }

// Error names the signal.
func (e *SignalError) Error() string { return "stopped by " + signalName(e.Signal) }

// Code is the exit status for the signal.
func (e *SignalError) Code() int { return 128 + int(e.Signal) }

func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT (Ctrl-C)"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// signalGrace is how long a run may take to stop after a signal before the
// process exits without waiting for it.
const signalGrace = time.Second

// notifyContext returns a context cancelled, with a *SignalError cause, by
// the first SIGINT or SIGTERM. Should the run not return within
// signalGrace of it (a second signal cuts that short), exit is called with
// the signal's status. stop releases the signals.
func notifyContext(parent context.Context, exit func(int)) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		var first *SignalError
		var grace <-chan time.Time
		for {
			select {
			case <-done:
				return
			case s := <-ch:
				sig, _ := s.(syscall.Signal)
				if first != nil {
					exit(first.Code())
					return
				}
				first = &SignalError{Signal: sig}
				cancel(first)
				grace = time.After(signalGrace)
			case <-grace:
				exit(first.Code())
				return
			}
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}

// partialOK splits the error of a reading loop: a signal's error is kept
// for later (the command still writes what it made of the messages read
// before it, then returns stop), any other error is returned at once.
func partialOK(err error) (stop, fail error) {
	var se *SignalError
	if errors.As(err, &se) {
		return se, nil
	}
	return nil, err
}

// signalCode returns the exit status for a run that a signal stopped, and
// false when none did.
func signalCode(ctx context.Context, err error) (int, bool) {
	var se *SignalError
	if errors.As(err, &se) || errors.As(context.Cause(ctx), &se) {
		return se.Code(), true
	}
	return 0, false
}

// runUntilDone calls run and returns its error, or, as soon as ctx is
// done, the context's cause: an open or read that blocks (a FIFO, a dead
// network mount) must not keep a stopped run from writing what it has and
// exiting. run is left to finish on its own; before runUntilDone returns
// on ctx, it calls abandon, which must keep run from touching the output
// any more.
func runUntilDone(ctx context.Context, run func() error, abandon func()) error {
	done := make(chan error, 1)
	go func() { done <- run() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		abandon()
		select {
		case err := <-done: // finished meanwhile
			return err
		default:
		}
		return context.Cause(ctx)
	}
}
