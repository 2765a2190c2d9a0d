package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/parts"
	"github.com/bounce-tool/bounce/pkg/source"
	"github.com/spf13/pflag"
)

// inputOptions are the flags of every command that reads mail: parallelism
// and the limits that keep hostile input bounded (all of them for inspect
// and report, those of the header for loops).
type inputOptions struct {
	Jobs    int
	Limits  limits
	Mailbox mailboxOptions // IMAP inputs
	// AllowEmpty lets a run whose inputs hold no message exit 0.
	AllowEmpty bool
	// session is the reader of the run, set by mapMessages, so that the
	// command can commit what the inputs should remember once its output
	// is flushed (see commit).
	session *inputSession
}

// inputSession holds the source reader of one run.
type inputSession struct{ rd *source.Reader }

// commit tells the inputs that every record was written and flushed: an
// IMAP mailbox then flags or moves what was read, if asked, and saves
// where to resume. Commands call it after closing their output.
func (in inputOptions) commit() error {
	if in.session == nil || in.session.rd == nil {
		return nil
	}
	err := in.session.rd.Commit()
	in.session.rd.Close()
	return err
}

// limits bound the work on one message. Beyond a limit the message is
// still reported: its records carry `truncated` with the limit's name (or,
// for an oversized header block, a record of kind error).
type limits struct {
	MessageSize byteSize // bytes of one message kept for analysis
	HeaderSize  byteSize // bytes of one header block
	LineLength  byteSize // bytes of one line of text
	Depth       int      // MIME nesting depth
	Parts       int      // MIME parts per message
	Recipients  int      // records per report
}

func defaultLimits() limits {
	return limits{
		MessageSize: source.DefaultMaxMessageSize,
		HeaderSize:  1 << 20,
		LineLength:  64 << 10,
		Depth:       16,
		Parts:       1000,
		Recipients:  bounce.DefaultMaxRecipients,
	}
}

// addInputFlags adds --jobs and every limit: the flags of the commands
// that analyse whole messages (inspect, report).
func addInputFlags(f *pflag.FlagSet, in *inputOptions) {
	addHeaderInputFlags(f, in)
	l := &in.Limits
	f.Var(&l.LineLength, "max-line-length", "bytes of one line of text or header field of a MIME part (folded lines included); longer ones are cut")
	f.IntVar(&l.Depth, "max-depth", l.Depth, "MIME nesting depth followed")
	f.IntVar(&l.Parts, "max-parts", l.Parts, "MIME parts read per message")
	f.IntVar(&l.Recipients, "max-recipients", l.Recipients, "recipients reported per bounce")
}

// addHeaderInputFlags adds --jobs and the limits that bound reading a
// message's header: the flags of loops, which parses nothing more. The
// other limits keep their defaults.
func addHeaderInputFlags(f *pflag.FlagSet, in *inputOptions) {
	in.Limits = defaultLimits()
	in.session = &inputSession{}
	in.Mailbox.addFlags(f)
	f.IntVarP(&in.Jobs, "jobs", "j", 0, "messages parsed in parallel (0: one per CPU)")
	f.BoolVar(&in.AllowEmpty, "allow-empty", false, "exit 0 when the inputs hold no message (default: exit 1, so a gate on an empty or mistyped folder fails)")
	l := &in.Limits
	f.Var(&l.MessageSize, "max-message-size", "bytes of one message analysed; the rest is skipped (suffixes K, M, G)")
	f.Var(&l.HeaderSize, "max-header-size", "bytes of one header block; a larger message header makes an error record, a larger part header is cut")
}

// check rejects limits that are not positive.
func (l limits) check() error {
	for _, v := range []struct {
		flag string
		n    int64
	}{{"--max-message-size", int64(l.MessageSize)}, {"--max-header-size", int64(l.HeaderSize)},
		{"--max-line-length", int64(l.LineLength)}, {"--max-depth", int64(l.Depth)},
		{"--max-parts", int64(l.Parts)}, {"--max-recipients", int64(l.Recipients)}} {
		if v.n <= 0 {
			return flagErrorf("%s must be positive", v.flag)
		}
	}
	return nil
}

// parts returns the MIME walk's options for these limits.
func (l limits) parts() *parts.Options {
	return &parts.Options{MaxDepth: l.Depth, MaxParts: l.Parts, MaxHeader: int(l.HeaderSize), MaxLine: int(l.LineLength)}
}

// bounceOptions returns analysis options for these limits.
func (l limits) bounceOptions(o *bounce.Options) *bounce.Options {
	o.Parts = l.parts()
	o.MaxRecipients = l.Recipients
	return o
}

// byteSize is a flag value in bytes that accepts K, M and G suffixes
// (powers of 1024; "KiB", "MB" and the like are read the same).
type byteSize int64

func (b *byteSize) String() string {
	n := int64(*b)
	for _, u := range []struct {
		s string
		v int64
	}{{"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}} {
		if n >= u.v && n%u.v == 0 {
			return strconv.FormatInt(n/u.v, 10) + u.s
		}
	}
	return strconv.FormatInt(n, 10)
}

func (b *byteSize) Set(s string) error {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := int64(1)
	switch {
	case strings.HasSuffix(t, "K"):
		mult, t = 1<<10, strings.TrimSuffix(t, "K")
	case strings.HasSuffix(t, "M"):
		mult, t = 1<<20, strings.TrimSuffix(t, "M")
	case strings.HasSuffix(t, "G"):
		mult, t = 1<<30, strings.TrimSuffix(t, "G")
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return fmt.Errorf("%q is not a size: want a number of bytes such as 65536, 64K or 32M", s)
	}
	*b = byteSize(n * mult)
	return nil
}

func (b *byteSize) Type() string { return "size" }
