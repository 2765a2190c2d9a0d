// Package batch runs a pure function over a stream of inputs on several
// goroutines and hands the results on in input order. It is the one place
// where bounce is parallel: parsing a message depends on that message only,
// so `--jobs 1` and `--jobs N` produce byte-identical output.
package batch

import (
	"context"
	"runtime"
	"sync"
)

// Map calls next until it reports false or an error, applies fn to each item
// on up to jobs goroutines (jobs <= 0 means one per CPU), and calls emit with
// the results in the order next produced the items. At most about 2*jobs
// items are in flight, so memory stays bounded whatever the input size.
//
// Map stops at the first error from next or emit, or when ctx is done, and
// returns that error after its goroutines have finished.
func Map[In, Out any](ctx context.Context, jobs int, next func() (In, bool, error), fn func(In) Out, emit func(Out) error) error {
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	if jobs == 1 {
		return serial(ctx, next, fn, emit)
	}
	type task struct {
		in  In
		out chan Out
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan task)
	order := make(chan chan Out, 2*jobs)
	done := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < jobs; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range work {
				t.out <- fn(t.in)
			}
		}()
	}
	var nextErr error
	go func() {
		defer close(done)
		defer close(order)
		defer close(work)
		for {
			in, ok, err := next()
			if err != nil {
				nextErr = err
				return
			}
			if !ok {
				return
			}
			out := make(chan Out, 1)
			select {
			case order <- out:
			case <-ctx.Done():
				return
			}
			select {
			case work <- task{in, out}:
			case <-ctx.Done():
				return
			}
		}
	}()
	var emitErr error
	for out := range order {
		var res Out
		select {
		case res = <-out:
		case <-ctx.Done():
		}
		if emitErr != nil || ctx.Err() != nil {
			continue // drain so the producer can finish
		}
		if err := emit(res); err != nil {
			emitErr = err
			cancel()
		}
	}
	<-done
	wg.Wait()
	if emitErr != nil {
		return emitErr
	}
	if nextErr != nil {
		return nextErr
	}
	return context.Cause(ctx)
}

func serial[In, Out any](ctx context.Context, next func() (In, bool, error), fn func(In) Out, emit func(Out) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		in, ok, err := next()
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		if err := emit(fn(in)); err != nil {
			return err
		}
	}
}
