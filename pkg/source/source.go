package source

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/bounce-tool/bounce/pkg/mbox"
)

// Message is one message read from an input.
type Message struct {
	Source   string         // the input as given: a path, or "-" for standard input
	Index    int            // 1-based position of the message inside Source
	Path     string         // the file it was read from (inside a folder, the file's path)
	Envelope *mbox.Envelope // the From_ line facts; nil outside mbox files
	Data     []byte         // the message with LF line ends, at most Options.MaxMessageSize bytes
	// Size is the message's length in the input (after line-end
	// conversion), counting any part beyond the size limit.
	Size int64
	// Truncated is true when Data holds only the first MaxMessageSize bytes.
	Truncated bool
	// Err is set when the message, or the whole input, could not be read.
	// A *ReadError means the input itself failed (no Data at all).
	Err error
	// UIDValidity is, for a message of an IMAP mailbox, the mailbox's
	// UIDVALIDITY: with Index (the UID) it names one message on the server.
	UIDValidity uint32

	input  Committer     // the input to tell when the message was written, or nil
	env    mbox.Envelope // what Envelope points to, in the same allocation
	pooled *[]byte       // the bufPool entry Data came from, or nil
}

// SetCommitter ties m to the input that acts once m's records are written
// (Reader.Done). Openers of such inputs call it.
func (m *Message) SetCommitter(c Committer) { m.input = c }

// ReadError is the error of an input that could not be opened or read.
type ReadError struct {
	Path string
	Err  error
}

// Error names the input and what went wrong.
func (e *ReadError) Error() string { return fmt.Sprintf("source: %s: %v", e.Path, unwrapPath(e.Err)) }

// Unwrap returns the underlying error.
func (e *ReadError) Unwrap() error { return e.Err }

// unwrapPath drops the path an *fs.PathError repeats.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Options bounds what Reader reads.
type Options struct {
	// MaxMessageSize is the most bytes of one message kept in Data; the
	// rest is read and dropped. Default 32 MiB.
	MaxMessageSize int64
	// Stdin is read for the input "-". Default os.Stdin.
	Stdin io.Reader
	// Warn receives notes about things skipped on purpose (hidden files,
	// symlinked folders). May be nil.
	Warn func(msg string)
	// Openers open the inputs of forms beyond the built-in ones (a path,
	// "-"), such as IMAP mailboxes; they are asked first.
	Openers []Opener
	// Skip, when set, is asked about each file found inside a folder
	// before it is opened: a file it skips is not read and takes no index
	// (bounce watch skips the Maildir files it has read before).
	Skip func(path string) bool
}

// DefaultMaxMessageSize is the default for Options.MaxMessageSize.
const DefaultMaxMessageSize = 32 << 20

// Reader reads the messages of a list of inputs in order.
type Reader struct {
	opts       Options
	inputs     []string
	cur        Input
	curName    string      // the input cur reads, without a URL's password
	committers []Committer // the inputs that act on Done, kept to Commit
}

// NewReader returns a Reader over inputs. An empty list reads standard input.
func NewReader(inputs []string, opts Options) *Reader {
	if opts.MaxMessageSize <= 0 {
		opts.MaxMessageSize = DefaultMaxMessageSize
	}
	if opts.Stdin == nil {
		opts.Stdin = os.Stdin
	}
	if len(inputs) == 0 {
		inputs = []string{"-"}
	}
	return &Reader{opts: opts, inputs: append([]string(nil), inputs...)}
}

// Next returns the next message, or io.EOF after the last. Errors about one
// input come back inside the Message (Err), never from Next.
func (r *Reader) Next() (*Message, error) {
	for {
		if r.cur == nil {
			if len(r.inputs) == 0 {
				return nil, io.EOF
			}
			name := r.inputs[0]
			r.inputs = r.inputs[1:]
			r.cur, r.curName = r.open(name), withoutPassword(name)
		}
		m, err := r.cur.Next()
		if err == nil {
			return m, nil
		}
		if _, ok := r.cur.(Committer); !ok {
			r.cur.Close()
		}
		r.cur = nil
		if err != io.EOF {
			// The input broke off (a mailbox whose connection could not
			// be reopened): one message says so, and the next input
			// follows. Its messages so far stay written.
			return &Message{Source: r.curName, Err: &ReadError{Path: r.curName, Err: err}}, nil
		}
	}
}

// open opens name with the first opener that matches it. An input that
// cannot be opened gives one message that says why.
func (r *Reader) open(name string) Input {
	for _, o := range append(append([]Opener(nil), r.opts.Openers...), builtins...) {
		if !o.Match(name) {
			continue
		}
		in, err := o.Open(name, r.opts)
		if err != nil {
			shown := withoutPassword(name) // a URL that failed to open may carry a password
			failed := &input{opts: r.opts, source: shown}
			failed.fail(shown, err)
			return failed
		}
		if c, ok := in.(Committer); ok {
			r.committers = append(r.committers, c)
		}
		return in
	}
	panic("source: no opener matches " + name) // pathOpener matches everything
}

// Done says that m's records were written: an input that acts on that (an
// IMAP mailbox) notes it for Commit.
func (r *Reader) Done(m *Message) {
	if m.input != nil {
		m.input.Done(m)
	}
}

// Commit has every input that acts on written messages apply what Done
// collected (save the resume state, flag or move the messages), and closes
// them. Call it once the output of those messages was flushed: a crash
// before it repeats messages, never skips one. It returns the first error.
func (r *Reader) Commit() error {
	var first error
	for _, c := range r.committers {
		if err := c.Commit(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Close closes the inputs still open, without committing.
func (r *Reader) Close() error {
	if r.cur != nil {
		r.cur.Close()
		r.cur = nil
	}
	for _, c := range r.committers {
		c.Close()
	}
	r.committers = nil
	return nil
}

// input is one command-line input: a list of files, each a message or mbox.
type input struct {
	opts   Options
	source string
	files  []entry // files still to read
	index  int     // messages handed out so far
	// the file being read
	path   string
	closer io.Closer
	mr     *mbox.Reader
	single *bufio.Reader
	queued []*Message // errors found while listing a folder, handed out first
	// The readers of the files, reused from one file to the next: a folder
	// of small messages would otherwise take a 64 KB buffer (and an mbox
	// file a 256 KB window) per message.
	br  *bufio.Reader
	mbr *mbox.Reader
}

// entry is a file to read, or a path that failed while listing a folder.
type entry struct {
	path  string
	err   error
	named bool // named on the command line: a pipe there is read as a stream
}

// fail queues an error message for path.
func (in *input) fail(path string, err error) {
	in.queued = append(in.queued, &Message{Source: in.source, Path: path, Err: &ReadError{Path: path, Err: err}})
}

// Next returns the next message of the input, or io.EOF after the last.
func (in *input) Next() (*Message, error) {
	if m := in.next(); m != nil {
		return m, nil
	}
	return nil, io.EOF
}

func (in *input) next() *Message {
	for {
		if len(in.queued) > 0 {
			m := in.queued[0]
			in.queued = in.queued[1:]
			in.index++
			m.Index = in.index
			return m
		}
		if in.mr != nil || in.single != nil {
			if m := in.read(); m != nil {
				return m
			}
		}
		// Nothing more to read from the current file (a single message
		// was handed out, the mbox ended, or reading it failed): close it
		// before the next one is opened.
		in.closeFile()
		if len(in.files) == 0 {
			return nil
		}
		e := in.files[0]
		in.files = in.files[1:]
		if e.err == nil && in.opts.Skip != nil && in.opts.Skip(e.path) {
			continue
		}
		if e.err != nil {
			in.fail(e.path, e.err)
			continue
		}
		// A file found in a folder was a regular file when listed; it is
		// opened so that whatever took its place since cannot block.
		open := openRegular
		if e.named {
			open = os.Open
		}
		f, err := open(e.path)
		if err != nil {
			in.fail(e.path, err)
			continue
		}
		in.path = e.path
		in.start(f)
	}
}

// start sniffs a file or stream: mbox or a single message.
func (in *input) start(rc io.ReadCloser) {
	in.closer = rc
	if in.br == nil {
		in.br = bufio.NewReaderSize(rc, 64<<10)
	} else {
		in.br.Reset(rc)
	}
	if looksLikeMbox(in.br) {
		if in.mbr == nil {
			in.mbr = mbox.NewReader(in.br)
		} else {
			in.mbr.Reset(in.br)
		}
		in.mr = in.mbr
		return
	}
	in.single = in.br
}

// looksLikeMbox reports whether the stream starts (after blank lines) with a
// From_ line.
func looksLikeMbox(br *bufio.Reader) bool {
	b, _ := br.Peek(1024)
	return mbox.IsFromLine(bytes.TrimLeft(b, "\r\n"))
}

// read returns the next message of the current file, or nil at its end.
func (in *input) read() *Message {
	m := &Message{Source: in.source, Path: in.path}
	var body io.Reader
	switch {
	case in.mr != nil:
		r, err := in.mr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			// The stream broke: say so, then stop this file.
			in.mr = nil
			in.index++
			m.Index = in.index
			m.Err = &ReadError{Path: in.path, Err: err}
			return m
		}
		m.env = in.mr.Envelope()
		m.Envelope = &m.env
		body = r
	case in.single != nil:
		body = mbox.Newlines(in.single)
		in.single = nil
	}
	in.index++
	m.Index = in.index
	m.Data, m.pooled, m.Size, m.Err = readLimited(body, in.opts.MaxMessageSize)
	m.Truncated = m.Size > int64(len(m.Data))
	if m.Err != nil {
		m.Err = &ReadError{Path: in.path, Err: m.Err}
		in.mr = nil
	}
	return m
}

// bufPool recycles message buffers: a batch reads millions of messages, and
// fresh buffers cost page faults and garbage collection.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// maxPooled is the largest buffer kept for reuse.
const maxPooled = 4 << 20

// Release hands m.Data back for reuse by later messages. Call it once the
// message has been analysed and nothing refers to Data any more; m.Data is
// nil afterwards.
func (m *Message) Release() {
	if m.Data != nil && cap(m.Data) <= maxPooled {
		p := m.pooled
		if p == nil {
			p = new([]byte)
		}
		*p = m.Data[:0]
		bufPool.Put(p)
	}
	m.Data, m.pooled = nil, nil
}

// readLimited reads r to its end, keeping at most max bytes in a pooled
// buffer, and returns the kept bytes, the pool entry that holds them (for
// Release), and the total size.
func readLimited(r io.Reader, max int64) ([]byte, *[]byte, int64, error) {
	p := bufPool.Get().(*[]byte)
	buf := (*p)[:0]
	for int64(len(buf)) < max {
		if len(buf) == cap(buf) {
			grow := min(int64(cap(buf))*2, max)
			nb := make([]byte, len(buf), grow)
			copy(nb, buf)
			if cap(buf) <= maxPooled {
				*p = buf[:0]
				bufPool.Put(p)
			}
			p, buf = new([]byte), nb
		}
		n, err := r.Read(buf[len(buf):min(int64(cap(buf)), max)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, p, int64(len(buf)), nil
		}
		if err != nil {
			return buf, p, int64(len(buf)), err
		}
	}
	rest, err := io.Copy(io.Discard, r)
	return buf, p, int64(len(buf)) + rest, err
}

func (in *input) closeFile() {
	if in.closer != nil {
		in.closer.Close()
		in.closer = nil
	}
	in.mr, in.single = nil, nil
}

// Close closes the file being read.
func (in *input) Close() error {
	in.closeFile()
	return nil
}

// listDir lists the message files of a folder in a stable order. A Maildir
// (a folder with cur/ or new/) gives the files of new/ and cur/ sorted by
// name, which in Maildir is arrival order. Any other folder is walked
// recursively in lexical order. Hidden files and folders (".name") are
// skipped, as are symbolic links to folders (they can form loops); both are
// reported through Options.Warn.
func listDir(dir string, opts Options) []entry {
	warn := func(msg string) {
		if opts.Warn != nil {
			opts.Warn(msg)
		}
	}
	var files []entry
	if isMaildir(dir) {
		for _, sub := range []string{"new", "cur"} {
			entries, err := os.ReadDir(filepath.Join(dir, sub))
			if err != nil {
				if !errors.Is(err, fs.ErrNotExist) {
					files = append(files, entry{path: filepath.Join(dir, sub), err: err})
				}
				continue
			}
			for _, e := range entries {
				if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
					continue
				}
				path := filepath.Join(dir, sub, e.Name())
				if ok, err := readable(path, e, warn); err != nil {
					files = append(files, entry{path: path, err: err})
				} else if ok {
					files = append(files, entry{path: path})
				}
			}
		}
		sort.SliceStable(files, func(i, j int) bool {
			bi, bj := filepath.Base(files[i].path), filepath.Base(files[j].path)
			if bi != bj {
				return bi < bj
			}
			return files[i].path < files[j].path
		})
		return files
	}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			files = append(files, entry{path: path, err: err})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if path != dir && strings.HasPrefix(d.Name(), ".") {
			warn("skipping hidden " + path)
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if ok, err := readable(path, d, warn); err != nil {
			files = append(files, entry{path: path, err: err})
			return nil
		} else if !ok {
			return nil
		}
		files = append(files, entry{path: path})
		return nil
	})
	return files
}

// readable reports whether a folder entry is a file to read: a regular file
// or a symbolic link to one. FIFOs, sockets, devices (and links to them)
// would block or never end, and links to folders can loop: they are
// skipped with a warning naming them.
func readable(path string, d fs.DirEntry, warn func(string)) (bool, error) {
	switch {
	case d.Type().IsRegular():
		return true, nil
	case d.Type()&fs.ModeSymlink != 0:
		fi, err := os.Stat(path)
		switch {
		case err != nil:
			return false, err
		case fi.IsDir():
			warn("skipping symbolic link to a folder " + path)
			return false, nil
		case !fi.Mode().IsRegular():
			warn("skipping symbolic link to a special file " + path)
			return false, nil
		}
		return true, nil
	}
	warn("skipping special file " + path)
	return false, nil
}

func isMaildir(dir string) bool {
	for _, sub := range []string{"cur", "new"} {
		if fi, err := os.Stat(filepath.Join(dir, sub)); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}
