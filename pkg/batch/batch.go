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
// the results in the order next produced the items.
//
// Each goroutine reads its next item itself (calls to next never overlap),
// applies fn, and leaves the result in a reorder window; whichever goroutine
// completes the oldest outstanding item emits it and every later result that
// is ready (calls to emit never overlap either). There is no producer or
// consumer goroutine to hand items to, so no goroutine waits for another to
// be scheduled while there is work. An item is held only while fn runs, and
// at most windowPerJob*jobs results wait to be emitted, so memory stays
// bounded whatever the input size; a goroutine that would run further ahead
// of the oldest outstanding item waits.
//
// Map stops at the first error from next or emit, or when ctx is done, and
// returns that error after its goroutines have finished. Items already taken
// when next fails are still emitted.
func Map[In, Out any](ctx context.Context, jobs int, next func() (In, bool, error), fn func(In) Out, emit func(Out) error) error {
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	if jobs == 1 {
		return serial(ctx, next, fn, emit)
	}
	w := windowPerJob * jobs
	p := &pool[In, Out]{ctx: ctx, next: next, fn: fn, emit: emit,
		results: make([]Out, w), ready: make([]bool, w)}
	p.cond = sync.NewCond(&p.mu)
	var wg sync.WaitGroup
	for i := 0; i < jobs; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.work()
		}()
	}
	wg.Wait()
	switch {
	case p.emitErr != nil:
		return p.emitErr
	case p.nextErr != nil:
		return p.nextErr
	}
	return context.Cause(ctx)
}

// windowPerJob is how many results per goroutine may wait for an older,
// slower item before the goroutines stop taking new ones: enough that one
// large message does not idle the other goroutines at once, small enough
// that the waiting results (records, not messages) take little memory.
const windowPerJob = 16

// pool is the state Map's goroutines share.
type pool[In, Out any] struct {
	ctx  context.Context
	next func() (In, bool, error)
	fn   func(In) Out
	emit func(Out) error

	readMu sync.Mutex // serialises next; guards taken
	taken  int        // items read so far

	mu       sync.Mutex // guards the fields below
	cond     *sync.Cond // signalled when emitted grows or stopped is set
	reserved int        // window room taken: items taken, and being taken
	emitted  int        // items emitted (or dropped after an error) so far
	results  []Out      // the reorder window: item i waits in slot i%len
	ready    []bool
	emitting bool // a goroutine is emitting
	stopped  bool // no more items are to be read
	nextErr  error
	emitErr  error
}

// work takes items, applies fn and delivers the results until there are no
// more items.
func (p *pool[In, Out]) work() {
	for {
		seq, in, ok := p.take()
		if !ok {
			return
		}
		p.deliver(seq, p.fn(in))
	}
}

// take reads the next item and numbers it; ok is false when reading has
// ended (no more items, an error, or ctx done). It first reserves room in
// the window, without holding readMu: a goroutine that waits for room must
// not keep the others from reading.
func (p *pool[In, Out]) take() (seq int, in In, ok bool) {
	p.mu.Lock()
	for !p.stopped && p.reserved-p.emitted >= len(p.results) {
		p.cond.Wait()
	}
	stopped := p.stopped
	if !stopped {
		p.reserved++
	}
	p.mu.Unlock()
	if stopped {
		return 0, in, false
	}
	p.readMu.Lock()
	if p.ctx.Err() == nil {
		var err error
		in, ok, err = p.next()
		if err != nil || !ok {
			p.stop(err)
			ok = false
		}
	}
	if ok {
		seq = p.taken
		p.taken++
	}
	p.readMu.Unlock()
	if !ok {
		p.mu.Lock()
		p.reserved-- // nothing was taken
		p.stopped = true
		p.cond.Broadcast()
		p.mu.Unlock()
	}
	return seq, in, ok
}

// stop ends reading, keeping the first error of next.
func (p *pool[In, Out]) stop(nextErr error) {
	p.mu.Lock()
	p.stopped = true
	if p.nextErr == nil {
		p.nextErr = nextErr
	}
	p.cond.Broadcast()
	p.mu.Unlock()
}

// deliver leaves the result of item seq in the window and, unless another
// goroutine is at it, emits the results that are next in order. emit runs
// without the lock held, so that the other goroutines can deliver meanwhile.
func (p *pool[In, Out]) deliver(seq int, out Out) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.results)
	p.results[seq%n], p.ready[seq%n] = out, true
	if p.emitting {
		return
	}
	p.emitting = true
	for p.ready[p.emitted%n] {
		i := p.emitted % n
		res := p.results[i]
		var zero Out
		p.results[i], p.ready[i] = zero, false
		skip := p.emitErr != nil || p.ctx.Err() != nil
		p.mu.Unlock()
		var err error
		if !skip {
			err = p.emit(res)
		}
		p.mu.Lock()
		p.emitted++
		if err != nil {
			p.emitErr, p.stopped = err, true
		}
		p.cond.Broadcast()
	}
	p.emitting = false
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
