package bounce

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/bounce-tool/bounce/pkg/dialect"
	"github.com/bounce-tool/bounce/pkg/dsn"
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
}

// Analyze reads one message from r and returns its records: one per
// recipient for a bounce or a feedback report, exactly one for anything
// else. It never returns an empty slice: a message that cannot be read gives
// one record of kind "error" that says why. Source and Index are left for
// the caller to fill.
func Analyze(r io.Reader, opts *Options) []Record {
	if opts == nil {
		opts = &Options{}
	}
	br := readerPool.Get().(*bufio.Reader)
	br.Reset(r)
	defer func() {
		br.Reset(nil)
		readerPool.Put(br)
	}()
	if _, err := br.Peek(1); err != nil {
		if err == io.EOF {
			return []Record{errorRecord("empty message")}
		}
		return []Record{errorRecord(err.Error())}
	}
	h, herr := parts.ReadHeader(br)
	if herr != nil && h.Len() == 0 {
		return []Record{errorRecord("not a mail message: " + strings.TrimPrefix(unwrapMsg(herr), "parts: "))}
	}
	hd := newHead(h)
	if sniff(hd) == lookOrdinary {
		return []Record{{Kind: KindOther}}
	}
	m, err := parts.ParseBody(h, br, opts.Parts)
	if m == nil {
		return []Record{errorRecord(unwrapMsg(err))}
	}
	orig := originalOf(m)
	if recs := feedbackRecords(m, orig); len(recs) > 0 {
		return link(recs, m, opts.Tickets)
	}
	if len(m.Reports) == 0 && isAutoreply(hd) {
		return link([]Record{autoreplyRecord(m, orig)}, m, opts.Tickets)
	}
	in := &dialect.Input{Message: m, Text: m.Text()}
	if strings.TrimSpace(in.Text) == "" {
		in.Text = m.Raw
	}
	for _, b := range m.Reports {
		rep, err := dsn.ParseBytes(b)
		if err != nil && errors.Is(err, dsn.ErrNotDSN) {
			continue
		}
		in.Reports = append(in.Reports, rep)
	}
	if res := dialect.Extract(in); res != nil && len(res.Recipients) > 0 {
		return link(bounceRecords(m, res, orig), m, opts.Tickets)
	}
	return []Record{{Kind: KindOther}}
}

// readerPool recycles the 16 KiB readers Analyze reads messages with: a
// batch reads millions of messages, and a fresh buffer for each costs
// allocation and garbage collection. Nothing Analyze returns refers to a
// reader's buffer (header fields and texts are copies).
var readerPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 16<<10) }}

// unwrapMsg returns the message of err without a repeated package prefix.
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
