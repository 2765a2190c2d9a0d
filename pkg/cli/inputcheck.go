package cli

import (
	"context"
	"errors"
	"io/fs"
	"strings"

	"github.com/bounce-tool/bounce/pkg/source"
)

// inputStats is what readInputs saw of the inputs themselves.
type inputStats struct {
	messages int  // messages passed on
	missing  int  // paths that do not exist
	mailbox  bool // an input is a mailbox URL (IMAP): nothing new is normal there
}

// failed reports whether the run must exit with status 1 for its inputs: a
// path that does not exist, or no message in any input (a CI gate pointed
// at a mistyped or empty Maildir must not pass) unless --allow-empty.
func (s inputStats) failed(in inputOptions) bool {
	return s.missing > 0 || s.messages == 0 && !in.AllowEmpty && !s.mailbox
}

// checked is a message, or the reason it is not one.
type checked[T any] struct {
	v    T
	skip string // "missing": a path that does not exist
	name string // the path the skip is about
	// empty is an input that is one empty file or an empty stream: it
	// gets its record (an error, "empty message") but holds no message.
	empty bool
}

// readInputs is mapMessages that lets nothing pass silently: a path that
// does not exist is an error line (not a record), and an input that holds
// no message at all warns "no messages found" (an empty file is a message:
// an error record "empty message", with its warning).
func readInputs[T any](ctx context.Context, ios *IOStreams, paths []string, in inputOptions,
	fn func(*source.Message) T, emit func(T) error) (inputStats, error) {
	var st inputStats
	perSource := map[string]int{}
	reported := map[string]bool{}
	wrap := func(m *source.Message) checked[T] {
		// Only an input as a whole is skipped: a file inside a folder
		// that cannot be read is still a record.
		whole := m.Path == "" || m.Path == m.Source
		if whole && m.Envelope == nil && m.Err != nil && errors.Is(m.Err, fs.ErrNotExist) {
			return checked[T]{skip: "missing", name: m.Source}
		}
		empty := whole && m.Envelope == nil && m.Err == nil && len(strings.TrimSpace(string(m.Data))) == 0 && !m.Truncated
		return checked[T]{v: fn(m), name: m.Source, empty: empty}
	}
	err := mapMessages(ctx, ios, paths, in, wrap, func(c checked[T]) error {
		switch c.skip {
		case "missing":
			st.missing++
			reported[c.name] = true
			warn(ios, c.name+": no such file or directory")
			return nil
		}
		if c.empty {
			reported[c.name] = true // its record's warning says it is empty
		} else {
			st.messages++
			perSource[sourceOf(c.v)]++
		}
		return emit(c.v)
	})
	if err != nil {
		return st, err
	}
	if len(paths) == 0 {
		paths = []string{"-"}
	}
	for _, p := range paths {
		if strings.Contains(p, "://") {
			st.mailbox = true
			continue
		}
		if perSource[p] == 0 && !reported[p] {
			name := p
			if p == "-" {
				name = "standard input"
			}
			warn(ios, name+": no messages found")
		}
	}
	return st, nil
}

// sourcer is a result that knows the input it came from.
type sourcer interface{ inputName() string }

func sourceOf(v any) string {
	if s, ok := v.(sourcer); ok {
		return s.inputName()
	}
	return ""
}

func (a analysed) inputName() string  { return a.msg.Source }
func (l loopInput) inputName() string { return l.msg.Source }
