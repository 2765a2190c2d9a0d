package source

import (
	"io"
	"os"
	"strings"
)

// An Opener opens the inputs of one form: a path (file, folder, Maildir,
// mbox), standard input ("-"), an IMAP mailbox URL. The Reader asks the
// openers in Options.Openers, then the built-in ones, and the first whose
// Match accepts a name opens it; a new kind of input is one more Opener.
type Opener interface {
	// Match reports whether name is an input of this form.
	Match(name string) bool
	// Open starts reading name. It may fail at once (a server that
	// cannot be reached, a refused login): the Reader then hands out one
	// Message whose Err says so.
	Open(name string, opts Options) (Input, error)
}

// Input is an opened input: its messages in order.
type Input interface {
	// Next returns the next message, or io.EOF after the last. A message
	// that could not be read comes back with Err set.
	Next() (*Message, error)
	// Close releases the input.
	Close() error
}

// A Committer is an Input that acts on the messages whose records were
// written: an IMAP mailbox saves how far it got, and flags or moves them
// when asked to. Reader.Done and Reader.Commit reach it.
type Committer interface {
	Input
	// Done says that m's records were written.
	Done(m *Message)
	// Commit applies what Done collected, after the output was flushed.
	Commit() error
}

// stdinOpener reads standard input, "-".
type stdinOpener struct{}

func (stdinOpener) Match(name string) bool { return name == "-" }

func (stdinOpener) Open(name string, opts Options) (Input, error) {
	in := &input{opts: opts, source: name, path: "-"}
	in.start(io.NopCloser(opts.Stdin))
	return in, nil
}

// pathOpener reads a path: a single message or an mbox file, a Maildir, or
// a folder of message files.
type pathOpener struct{}

func (pathOpener) Match(string) bool { return true }

func (pathOpener) Open(name string, opts Options) (Input, error) {
	in := &input{opts: opts, source: name}
	fi, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		in.files = []entry{{path: name, named: true}}
		return in, nil
	}
	in.files = listDir(name, opts)
	return in, nil
}

// builtins are the openers every Reader knows, asked last.
var builtins = []Opener{stdinOpener{}, pathOpener{}}

// withoutPassword returns name with the password of a URL
// (scheme://user:password@host/...) replaced, so that the label of an input
// that could not be opened never shows one.
func withoutPassword(name string) string {
	scheme, rest, ok := strings.Cut(name, "://")
	if !ok {
		return name
	}
	host, path, slash := strings.Cut(rest, "/")
	at := strings.LastIndexByte(host, '@')
	if at < 0 {
		return name
	}
	user, _, has := strings.Cut(host[:at], ":")
	if !has {
		return name
	}
	out := scheme + "://" + user + ":REDACTED" + host[at:]
	if slash {
		out += "/" + path
	}
	return out
}
