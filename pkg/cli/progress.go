package cli

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bounce-tool/bounce/pkg/report"
)

// progress draws one line on standard error while a long input is read:
// messages, megabytes and the rate, and the percentage done and the time
// left when the size of the input is known. It draws only when standard
// error is a terminal, at most every progressEvery, never in the first
// progressEvery (short runs stay quiet). Any other write to the command's
// standard output or standard error clears the line first (a warning never
// lands after "... msg/s"), and done clears it for good. A nil *progress
// draws nothing.
type progress struct {
	ios      *IOStreams
	w        io.Writer // the terminal, not the clearing writer
	out, err io.Writer // the streams the command had
	now      func() time.Time
	start    time.Time
	last     time.Time
	msgs     int
	bytes    int64
	total    int64 // the input's size in bytes, 0 when unknown
	drawn    int   // width of the line on screen, 0 for none
	finished bool
}

const progressEvery = 250 * time.Millisecond

// newProgress returns a progress line for ios, or nil when standard error
// is not a terminal (pipes, logs) or the CI variable is set (CI systems
// that fake a terminal). paths are the command's inputs, for the total
// size. Until done, ios.Out and ios.ErrOut clear the line before they
// write.
func newProgress(ios *IOStreams, getenv func(string) string, paths ...string) *progress {
	if !ios.IsStderrTTY() || getenv("CI") != "" {
		return nil
	}
	now := ios.now
	if now == nil {
		now = time.Now
	}
	t := now()
	p := &progress{ios: ios, w: ios.ErrOut, out: ios.Out, err: ios.ErrOut, now: now, start: t, last: t,
		total: inputSize(ios, paths)}
	ios.Out = &clearing{p: p, w: ios.Out}
	ios.ErrOut = &clearing{p: p, w: ios.ErrOut}
	return p
}

// clearing is a stream that clears the progress line before it writes.
type clearing struct {
	p *progress
	w io.Writer
}

func (c *clearing) Write(b []byte) (int, error) {
	c.p.clear()
	return c.w.Write(b)
}

// inputSize adds up the sizes of the inputs: regular files, the files of
// folders, and standard input when it is a file; 0 when any is unknown
// (a pipe).
func inputSize(ios *IOStreams, paths []string) int64 {
	if len(paths) == 0 {
		paths = []string{"-"}
	}
	var total int64
	for _, p := range paths {
		if p == "-" {
			f, ok := ios.In.(*os.File)
			if !ok {
				return 0
			}
			fi, err := f.Stat()
			if err != nil || !fi.Mode().IsRegular() {
				return 0
			}
			total += fi.Size()
			continue
		}
		fi, err := os.Stat(p)
		switch {
		case err != nil:
		case fi.Mode().IsRegular():
			total += fi.Size()
		case fi.IsDir():
			filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
				if err == nil && d.Type().IsRegular() {
					if info, err := d.Info(); err == nil {
						total += info.Size()
					}
				}
				return nil
			})
		}
	}
	return total
}

// add counts one message of size bytes and redraws when it is time.
func (p *progress) add(size int64) {
	if p == nil || p.finished {
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
	if p.total > 0 && p.bytes > 0 {
		done := min(float64(p.bytes)/float64(p.total), 0.99)
		left := time.Duration(secs*(1-done)/done) * time.Second
		line += fmt.Sprintf(", %.0f%%, %s left", 100*done, left.Round(time.Second))
	}
	if w := p.ios.Width(); w > 1 && len(line) >= w {
		line = line[:w-1]
	}
	pad := ""
	if n := p.drawn - len(line); n > 0 {
		pad = strings.Repeat(" ", n) // over the end of a longer line
	}
	fmt.Fprintf(p.w, "\r%s%s", line, pad)
	p.drawn = len(line) + len(pad)
}

// clear wipes the line, if one is drawn.
func (p *progress) clear() {
	if p.drawn > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.drawn))
		p.drawn = 0
	}
}

// done clears the line and gives the command its streams back.
func (p *progress) done() {
	if p == nil || p.finished {
		return
	}
	p.finished = true
	p.clear()
	p.ios.Out, p.ios.ErrOut = p.out, p.err
}
