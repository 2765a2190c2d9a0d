package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/bounce-tool/bounce/pkg/report"
)

// progress draws one line on standard error while a long input is read:
// messages, megabytes and the rate. It draws only when standard error is a
// terminal, at most every progressEvery, never in the first progressEvery
// (short runs stay quiet), and clears its line when done. A nil *progress
// draws nothing.
type progress struct {
	w        io.Writer
	now      func() time.Time
	start    time.Time
	last     time.Time
	msgs     int
	bytes    int64
	drawn    int // width of the line on screen, 0 for none
	finished bool
}

const progressEvery = 250 * time.Millisecond

// newProgress returns a progress line for ios, or nil when standard error
// is not a terminal (pipes, logs) or the CI variable is set (CI systems
// that fake a terminal).
func newProgress(ios *IOStreams, getenv func(string) string) *progress {
	if !ios.IsStderrTTY() || getenv("CI") != "" {
		return nil
	}
	now := ios.now
	if now == nil {
		now = time.Now
	}
	t := now()
	return &progress{w: ios.ErrOut, now: now, start: t, last: t}
}

// add counts one message of size bytes and redraws when it is time.
func (p *progress) add(size int64) {
	if p == nil {
		return
	}
	p.msgs++
	p.bytes += size
	t := p.now()
	if t.Sub(p.last) < progressEvery {
		return
	}
	p.last = t
	secs := t.Sub(p.start).Seconds()
	mb := float64(p.bytes) / 1e6
	line := fmt.Sprintf("reading: %s messages, %.1f MB, %.1f MB/s, %s msg/s",
		report.Thousands(p.msgs), mb, mb/secs, report.Thousands(int(float64(p.msgs)/secs)))
	pad := ""
	if n := p.drawn - len(line); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	fmt.Fprintf(p.w, "\r%s%s", line, pad)
	p.drawn = len(line)
}

// done clears the line.
func (p *progress) done() {
	if p == nil || p.finished {
		return
	}
	p.finished = true
	if p.drawn > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.drawn))
	}
}
