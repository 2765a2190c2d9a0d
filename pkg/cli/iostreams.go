package cli

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/fatih/color"
	"github.com/mattn/go-isatty"
	"golang.org/x/term"
)

// IOStreams holds the streams a command reads and writes, and what is known
// about the terminal behind them. Tests build one with TestIOStreams.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	inTTY, outTTY, errTTY bool
	colorEnabled          bool
	width                 int
	now                   func() time.Time // the clock of progress lines; nil for time.Now
}

// System returns IOStreams for the process's standard streams.
func System() *IOStreams {
	ios := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	ios.inTTY = isTerminal(os.Stdin)
	ios.outTTY = isTerminal(os.Stdout)
	ios.errTTY = isTerminal(os.Stderr)
	ios.width = 100
	if ios.outTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 20 {
			ios.width = w
		}
	}
	if c, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && c > 20 {
		ios.width = c
	}
	if ios.outTTY {
		color.Output = colorableStdout()
		ios.Out = color.Output
	}
	return ios
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// TestIOStreams returns IOStreams backed by buffers, not terminals.
func TestIOStreams() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, width: 100}, in, out, errOut
}

// SetTTY marks the streams as terminals (or not), for tests.
func (s *IOStreams) SetTTY(in, out, errOut bool) { s.inTTY, s.outTTY, s.errTTY = in, out, errOut }

// SetClock sets the clock that progress lines read, for tests.
func (s *IOStreams) SetClock(now func() time.Time) { s.now = now }

// SetWidth sets the terminal width used for tables, for tests.
func (s *IOStreams) SetWidth(w int) { s.width = w }

// IsStdinTTY reports whether standard input is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.inTTY }

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.outTTY }

// IsStderrTTY reports whether standard error is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.errTTY }

// Width returns the terminal width to lay tables out in.
func (s *IOStreams) Width() int { return s.width }

// ColorEnabled reports whether output may be coloured.
func (s *IOStreams) ColorEnabled() bool { return s.colorEnabled }

// SetColor decides colour once for the whole run: mode "always" and "never"
// decide; "auto" colours only a terminal, and only when NO_COLOR is unset or
// empty (https://no-color.org). It sets fatih/color's global switch to match.
func (s *IOStreams) SetColor(mode string, getenv func(string) string) {
	switch mode {
	case "always":
		s.colorEnabled = true
		// An explicit --color always beats NO_COLOR, which only sets the
		// default (no-color.org); fatih/color reads the variable itself
		// for every colour it makes, so it must go.
		os.Unsetenv("NO_COLOR")
	case "never":
		s.colorEnabled = false
	default:
		s.colorEnabled = s.outTTY && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
	}
	color.NoColor = !s.colorEnabled
}

// stickyWriter remembers the first error of the writes to it, so that a
// command that writes with fmt.Fprint and the like (whose errors it does
// not check) still fails when standard output is full or closed.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	if err != nil {
		s.err = err
	}
	return n, err
}
