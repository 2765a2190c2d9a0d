package bounce

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/bounce-tool/bounce/pkg/dialect"
	"github.com/bounce-tool/bounce/pkg/header"
	"github.com/bounce-tool/bounce/pkg/parts"
	"github.com/bounce-tool/bounce/pkg/ticket"
)

// Options tunes Analyze. A nil *Options means the defaults.
type Options struct {
	// Parts bounds the MIME walk (depth, parts, text sizes).
	Parts *parts.Options
	// Tickets links records to help-desk tickets; nil knows the built-in
	// help desks only (see package ticket).
	Tickets *ticket.Finder
	// MaxRecipients bounds the records of one report, whichever
	// recogniser read it (delivery reports, free-text bounces, feedback
	// reports): the recipients after the first MaxRecipients are left out
	// and the records say so (Truncated "recipients"). Default
	// DefaultMaxRecipients.
	MaxRecipients int
}

// DefaultMaxRecipients is the default of Options.MaxRecipients.
const DefaultMaxRecipients = 1000

// LimitRecipients is the name of the recipients limit in Record.Truncated.
const LimitRecipients = "recipients"

// Analyze reads one message from r and returns its records: one per
// recipient for a bounce or a feedback report, exactly one for anything
// else. It never returns an empty slice: a message that cannot be read gives
// one record of kind "error" that says why. Source and Index are left for
// the caller to fill.
//
// White space and blank lines before the first header field, and an mbox
// "From " line there (a message saved from a mailbox), are passed over.
func Analyze(r io.Reader, opts *Options) []Record {
	return analyzeInput(r, nil, opts)
}

// analyzeInput is Analyze on r, or, when data is not nil, on the message in
// memory that data holds: its header and body are then read where they
// stand (parts.ReadHeaderBytes, parts.ParseBytes), not copied.
func analyzeInput(r io.Reader, data []byte, opts *Options) []Record {
	if opts == nil {
		opts = &Options{}
	}
	if data != nil {
		data = data[fromLineLen(data):]
	} else {
		r = skipFromLine(r)
	}
	recs, exceeded := analyze(r, data, opts)
	capRecords(recs)
	describeAll(recs)
	if len(exceeded) > 0 {
		t := strings.Join(exceeded, ",")
		for i := range recs {
			recs[i].Truncated = t
		}
	}
	return recs
}

// skipFromLine drops the mbox "From " line a single message saved from a
// mail client often starts with, so that Analyze reads the message after
// it. A seekable reader is rewound; any other is read on through a
// MultiReader.
func skipFromLine(r io.Reader) io.Reader {
	var head [5]byte
	n, _ := io.ReadFull(r, head[:])
	if string(head[:n]) != "From " {
		if rs, ok := r.(io.ReadSeeker); ok {
			if _, err := rs.Seek(-int64(n), io.SeekCurrent); err == nil {
				return r
			}
		}
		return io.MultiReader(bytes.NewReader(append([]byte(nil), head[:n]...)), r)
	}
	var b [1]byte
	for {
		if _, err := r.Read(b[:]); err != nil || b[0] == '\n' {
			return r
		}
	}
}

// fromLineLen is the length of the mbox "From " line data starts with (see
// skipFromLine), 0 when there is none.
func fromLineLen(data []byte) int {
	if !bytes.HasPrefix(data, []byte("From ")) {
		return 0
	}
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1
	}
	return len(data)
}

// analyze is Analyze without the marking of exceeded limits: it returns
// the records and the names of the limits the message exceeded. The
// message is data when data is not nil, else what r reads.
func analyze(r io.Reader, data []byte, opts *Options) ([]Record, []string) {
	var maxHeader int
	if opts.Parts != nil {
		maxHeader = opts.Parts.MaxHeader
	}
	var (
		h    header.Header
		br   *bufio.Reader // the header's reader, for the body, when not in memory
		body []byte        // the body, when in memory
		herr error
	)
	if data != nil {
		var n int
		h, n, herr = parts.ReadHeaderBytes(data, maxHeader)
		body = data[n:]
	} else {
		h, br, herr = parts.ReadHeaderLimit(r, maxHeader)
		defer parts.ReleaseReader(br)
	}
	if herr != nil {
		if recs, limits := headerFailure(h, herr); recs != nil {
			return recs, limits
		}
	}
	if sniff(h) == lookOrdinary {
		return []Record{{Kind: KindOther, Why: Why{Kind: whyOrdinary}}}, nil
	}
	var m *parts.Message // always a Message, maybe partial
	var err error
	if data != nil {
		m, err = parts.ParseBytes(h, body, opts.Parts)
	} else {
		m, err = parts.ParseBody(h, br, opts.Parts)
	}
	exceeded := parts.Exceeded(err)
	in := dialect.NewInput(m)
	res := dialect.Extract(in)
	if res == nil || len(res.Recipients) == 0 {
		return []Record{{Kind: KindOther, Why: Why{Kind: whyNoRecipient}}}, exceeded
	}
	max := opts.MaxRecipients
	if max <= 0 {
		max = DefaultMaxRecipients
	}
	if len(res.Recipients) > max {
		res.Recipients = res.Recipients[:max]
		exceeded = append(exceeded, LimitRecipients)
		slices.Sort(exceeded)
	}
	var ret dialect.Returned
	if res.Returned != nil {
		ret = *res.Returned // what a bounce inside this one returns
	} else {
		ret = in.Returned()
	}
	var dates dateMemo
	return link(records(m, res, originalOf(m, ret, &dates), &dates), m, ret, opts.Tickets), exceeded
}

// headerFailure is the error record of a message whose header could not be
// read (herr, not nil), and the limits it exceeded; no record when the
// header read before herr is to be analysed. It is apart from analyze so
// that the LimitError errors.As fills is allocated only for a failure.
func headerFailure(h header.Header, herr error) ([]Record, []string) {
	var le *parts.LimitError
	switch {
	case h.Len() == 0 && errors.Is(herr, io.EOF):
		return []Record{errorRecord(ErrEmpty.Error())}, nil
	case errors.As(herr, &le):
		return []Record{errorRecord(fmt.Sprintf("header block larger than the %d-byte limit (--max-header-size)", le.Value))},
			[]string{le.Limit}
	case h.Len() == 0:
		return []Record{errorRecord("not a mail message: " + strings.TrimPrefix(unwrapMsg(herr), "parts: "))}, nil
	}
	return nil, nil
}

// The Why.Kind of records of kind other.
const (
	whyOrdinary    = "ordinary mail: its header has no sign of a report (package sign, dialect.Sniff)"
	whyNoRecipient = "no failed recipient: the report's text names no one that failed or was delayed"
)

// unwrapMsg returns the message of err, or words for a missing error.
func unwrapMsg(err error) string {
	if err == nil {
		return "unreadable message"
	}
	return err.Error()
}

func errorRecord(msg string) Record {
	return Record{Kind: KindError, Error: msg}
}

// ErrorRecord returns the record that stands for a message that could not be
// read at all, with the reason in words.
func ErrorRecord(source string, index int, err error) Record {
	r := errorRecord(fmt.Sprint(err))
	r.Source, r.Index = source, index
	return r
}
