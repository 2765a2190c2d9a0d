package cli

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/status"

	"github.com/bounce-tool/bounce/pkg/loop"
	"github.com/bounce-tool/bounce/pkg/parts"
	"github.com/bounce-tool/bounce/pkg/report"
	"github.com/bounce-tool/bounce/pkg/source"
	"github.com/fatih/color"
	"github.com/spf13/cobra"
)

type loopsOptions struct {
	IO     *IOStreams
	Paths  []string
	Format string
	JSON   bool
	FailOn string
	inputOptions
	Top int

	ConfigPath       string // --config, whose support_addresses and allow come first
	SupportAddresses []string
	Allow            []string
	Limit            int
	Factor           int
	Window           time.Duration
}

// The output formats of loops.
var loopsFormats = []string{"table", "json", "ndjson", "csv"}

var loopsFailOnChoices = []string{"", "loop"}

func newLoopsCmd(ios *IOStreams, runF func(context.Context, *loopsOptions) error) *cobra.Command {
	opts := &loopsOptions{IO: ios}
	out := &outputFlags{format: &opts.Format, json: &opts.JSON, failOn: &opts.FailOn, def: "table", formats: loopsFormats,
		failOns: loopsFailOnChoices, failOnHelp: "exit with status 3 when a loop was found: loop"}
	cmd := &cobra.Command{
		Use:   "loops [path ...|-]",
		Short: "Find mail loops and replay the per-sender hourly cap in a help desk's inbound mail",
		Long: `Read the inbound mail of a help desk and say, for every message, whether it is
machine-generated (and which header signals say so: Auto-Submitted,
Precedence, List-Id, X-Loop, auto-reply subjects, no-reply senders, help-desk
mailers, ...), what the desk's per-sender cap would do with it (accepted,
suspended or rejected), whether the desk would send notifications for it, and
which suspected mail loop it belongs to.

The cap: each sender may create or update --limit (20) tickets within
--window (an hour); the next --limit messages are suspended and the rest
rejected. Senders matched by --allow (an address, "@domain" for exactly that
domain, or "domain" with its subdomains) get --limit times --factor (200).
Mail from a --support-address (the desk's own addresses) is suspended, as
are bulk and no-reply mail that is not allowlisted.

Loops: two addresses answering each other on one thread (ping-pong), one
domain answering from a new address each time (rotating-sender: 6 automated
messages in an hour from 3 addresses, or 10 from new addresses even without
any sign of automation), and a
single sender over its cap with automated mail (single-sender).

Inputs are read as by bounce inspect: files, mbox files, Maildir and other
folders, or standard input ("-", or a pipe). Only the header of each message
is parsed. A message that cannot be read still gets a record, with an error and
an empty outcome, and counts nowhere else.

The default output is a table of senders (the --top busiest) and a table of
loops. --format json prints every record with the senders and loops
(docs/loops-json.md); ndjson and csv print one record per message.

With more than one message, a summary goes to standard error.
--fail-on loop exits with status 3 when a loop was found.` + exitStatusHelp,
		Example: `  bounce loops --support-address support@acme.example ~/Maildir/.Support
  bounce loops --allow monitoring.acme.example --allow @vendor.example inbox.mbox
  bounce loops --json inbox.mbox | jq '.loops[]'
  bounce loops --format ndjson inbox.mbox | jq 'select(.outcome != "accepted")'
  bounce loops --fail-on loop --format csv inbox.mbox > cap.csv`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			opts.ConfigPath = configFlag(cmd)
			if err := out.check(); err != nil {
				return err
			}
			switch {
			case opts.Limit < 1:
				return flagErrorf("invalid value %d for --limit: want 1 or more", opts.Limit)
			case opts.Factor < 1:
				return flagErrorf("invalid value %d for --factor: want 1 or more", opts.Factor)
			case opts.Window < time.Second:
				return flagErrorf("invalid value %s for --window: want at least 1s", opts.Window)
			case opts.Top < 0:
				return flagErrorf("invalid value %d for --top: want 0 (all) or more", opts.Top)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runLoops(cmd.Context(), opts)
		},
	}
	out.add(cmd)
	f := cmd.Flags()
	addHeaderInputFlags(f, &opts.inputOptions)
	f.IntVar(&opts.Top, "top", 20, "senders shown in the table, busiest first (0: all)")
	f.StringSliceVar(&opts.SupportAddresses, "support-address", nil, "the help desk's own address (repeatable); mail from it is suspended")
	f.StringSliceVar(&opts.Allow, "allow", nil, "sender with a raised cap: address, @domain or domain with subdomains (repeatable)")
	f.IntVar(&opts.Limit, "limit", loop.DefaultLimit, "messages one sender may send within --window before the rest are suspended, then rejected beyond twice as many")
	f.IntVar(&opts.Factor, "factor", loop.DefaultFactor, "multiplier of --limit for --allow senders")
	f.DurationVar(&opts.Window, "window", loop.DefaultWindow, "length of the rolling window of the cap")
	return cmd
}

// loopInput is one message as it leaves the worker pool.
type loopInput struct {
	msg     loop.Message
	readErr bool            // the input itself failed
	src     *source.Message // where it was read from
}

// loopMessage reads the header of a message for the loop analyser. A
// message that cannot be read, is empty or has no header at all carries an
// error instead, worded as bounce inspect words it.
func loopMessage(m *source.Message, maxHeader int) loopInput {
	in := loopInput{msg: loop.Message{Source: m.Source, Index: m.Index}, readErr: m.Err != nil, src: m}
	if e := m.Envelope; e != nil {
		in.msg.EnvelopeSender, in.msg.EnvelopeDate = e.Sender, e.Date
	}
	switch {
	case m.Err != nil:
		in.msg.Err = m.Err
		return in
	case len(m.Data) == 0:
		in.msg.Err = bounce.ErrEmpty
		return in
	}
	h, _, err := parts.ReadHeaderLimit(bytes.NewReader(m.Data), maxHeader)
	var le *parts.LimitError
	if errors.As(err, &le) {
		in.msg.Err = fmt.Errorf("header block larger than the %d-byte limit (--max-header-size)", le.Value)
		return in
	}
	if err != nil && h.Len() == 0 {
		in.msg.Err = errors.New("not a mail message: " + strings.TrimPrefix(err.Error(), "parts: "))
		return in
	}
	in.msg.Header = h
	return in
}

func runLoops(ctx context.Context, opts *loopsOptions) error {
	ios := opts.IO
	cfg, err := readConfig(ios, opts.ConfigPath)
	if err != nil {
		return err
	}
	an, err := loop.NewAnalyzer(&loop.Options{
		SupportAddresses: append(slices.Clone(cfg.SupportAddresses), opts.SupportAddresses...),
		Allow:            append(slices.Clone(cfg.Allow), opts.Allow...),
		Limit:            opts.Limit,
		Factor:           opts.Factor,
		Window:           opts.Window,
	})
	if errors.Is(err, loop.ErrInvalidOption) {
		return &FlagError{Err: err}
	}
	if err != nil {
		return err
	}
	readErrors := 0
	maxHeader := int(opts.Limits.HeaderSize)
	read := func(m *source.Message) loopInput { return loopMessage(m, maxHeader) }
	prog := newProgress(ios, os.Getenv, opts.Paths...)
	st, err := readInputs(ctx, ios, opts.Paths, opts.inputOptions, read, func(in loopInput) error {
		if in.msg.Err != nil {
			warn(ios, whereIs(in.msg.Source, in.msg.Index, in.src.Path)+": "+in.msg.Err.Error())
		}
		if in.readErr {
			readErrors++
		}
		an.Add(in.msg)
		prog.add(in.src.Size)
		return nil
	})
	prog.done()
	stop, err := partialOK(err) // stopped by a signal: the result of what was read
	if err != nil {
		return err
	}
	res := an.Result()
	switch opts.Format {
	case "json":
		err = writeLoopsJSON(ios.Out, res)
	case "ndjson":
		w := newBlockWriter(ios)
		enc := newEncoder(w)
		for i := range res.Records {
			if err = enc.Encode(&res.Records[i]); err != nil {
				break
			}
		}
		if ferr := w.Flush(); err == nil {
			err = ferr
		}
	case "csv":
		err = writeLoopsCSV(ios.Out, res.Records)
	default:
		err = writeLoopsTables(ios, res, opts)
	}
	if err == nil && stop == nil {
		err = opts.inputOptions.commit()
	}
	if err != nil || stop != nil {
		return cmp.Or(err, stop)
	}
	if len(res.Records) > 1 {
		warn(ios, loopsSummary(res))
	}
	if opts.FailOn == "loop" && len(res.Loops) > 0 {
		gateNote(ios, "--fail-on loop: "+report.Count(len(res.Loops), "loop")+" found")
	}
	return exitStatus(readErrors > 0 || st.failed(opts.inputOptions), opts.FailOn == "loop" && len(res.Loops) > 0)
}

// loopsSummary is the summary line of a run.
func loopsSummary(res *loop.Result) string {
	var automated, suspended, rejected, unreadable int
	for i := range res.Records {
		r := &res.Records[i]
		if r.Automated {
			automated++
		}
		switch {
		case r.Error != "":
			unreadable++
		case r.Outcome == loop.Suspended:
			suspended++
		case r.Outcome == loop.Rejected:
			rejected++
		}
	}
	s := fmt.Sprintf("%d messages read: %d automated, %d suspended, %d rejected, %d loops",
		len(res.Records), automated, suspended, rejected, len(res.Loops))
	if unreadable > 0 {
		s += fmt.Sprintf(", %d unreadable", unreadable)
	}
	return s
}

// loopsJSONVersion is the version of the --format json document.
const loopsJSONVersion = 1

// writeLoopsJSON writes the whole result as one JSON object, one record,
// sender or loop a line.
func writeLoopsJSON(w io.Writer, res *loop.Result) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `{"version":%d,"records":`, loopsJSONVersion)
	var recs, senders, loops jsonArray
	for i := range res.Records {
		if err := recs.add(bw, &res.Records[i]); err != nil {
			return err
		}
	}
	_ = recs.end(bw) // write errors stick in bw
	bw.WriteString(`,"senders":`)
	for i := range res.Senders {
		if err := senders.add(bw, &res.Senders[i]); err != nil {
			return err
		}
	}
	_ = senders.end(bw)
	bw.WriteString(`,"loops":`)
	for i := range res.Loops {
		if err := loops.add(bw, &res.Loops[i]); err != nil {
			return err
		}
	}
	_ = loops.end(bw)
	bw.WriteString("}\n")
	return bw.Flush()
}

// loopsCSVColumns are the CSV columns: the record's JSON fields, signals
// joined by spaces.
var loopsCSVColumns = []string{"source", "index", "sender", "date", "automated", "signals",
	"from_support_address", "outcome", "outcome_reason", "notify", "loop", "error"}

func writeLoopsCSV(w io.Writer, recs []loop.Record) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(loopsCSVColumns) // errors stick in cw
	for i := range recs {
		r := &recs[i]
		row := []string{r.Source, strconv.Itoa(r.Index), r.Sender, loop.FormatTime(r.Date),
			strconv.FormatBool(r.Automated), strings.Join(r.Signals, " "), strconv.FormatBool(r.FromSupportAddress),
			string(r.Outcome), r.OutcomeReason, strconv.FormatBool(r.Notify), r.Loop, r.Error}
		for j := range row {
			row[j] = csvSafe(row[j])
		}
		_ = cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// writeLoopsTables writes the senders table (the --top busiest) and the
// loops table. On a terminal they are boxes under a bold title; otherwise
// tab-separated values, a blank line between the two.
func writeLoopsTables(ios *IOStreams, res *loop.Result, opts *loopsOptions) error {
	tty := ios.IsStdoutTTY()
	bold := color.New(color.Bold)
	shown := res.Senders
	if opts.Top > 0 && len(shown) > opts.Top {
		shown = shown[:opts.Top]
	}
	more := len(res.Senders) - len(shown)

	if tty {
		title := fmt.Sprintf("Senders (%d)", len(res.Senders))
		if more > 0 {
			title = fmt.Sprintf("Senders (the %d busiest of %d)", len(shown), len(res.Senders))
		}
		fmt.Fprintln(ios.Out, bold.Sprint(title))
	}
	peak := "PEAK/HOUR"
	switch w := opts.Window; {
	case w == time.Hour:
	case w%time.Hour == 0:
		peak = fmt.Sprintf("PEAK/%dH", w/time.Hour)
	case w%time.Minute == 0:
		peak = fmt.Sprintf("PEAK/%dMIN", w/time.Minute)
	default:
		peak = "PEAK/" + strings.ToUpper(w.String())
	}
	st := &rowTable{ios: ios, header: []string{"SENDER", "MESSAGES", peak, "ACCEPTED", "SUSPENDED", "REJECTED",
		"AUTOMATED", "ALLOW"}, fit: fitSpec{keep: []int{0}, drop: []int{7, 6, 3, 2}}, colour: func(row []string) {
		if row[4] != "0" {
			row[4] = classColor(status.ClassTemporary).Sprint(row[4])
		}
		if row[5] != "0" {
			row[5] = classColor(status.ClassPermanent).Sprint(row[5])
		}
	}}
	for _, s := range shown {
		allow := "no"
		if s.Allowlisted {
			allow = "yes"
		}
		row := []string{safe(s.Sender), strconv.Itoa(s.Messages), strconv.Itoa(s.PeakPerHour), strconv.Itoa(s.Accepted),
			strconv.Itoa(s.Suspended), strconv.Itoa(s.Rejected), fmt.Sprintf("%.0f%%", 100*s.AutomatedShare), allow}
		if err := st.add(row); err != nil {
			return err
		}
	}
	if err := st.close(); err != nil {
		return err
	}
	if more > 0 {
		note := fmt.Sprintf("%d more senders not shown (--top 0 shows all)", more)
		if tty {
			fmt.Fprintln(ios.Out, note)
		} else {
			warn(ios, note)
		}
	}

	fmt.Fprintln(ios.Out)
	if tty {
		if len(res.Loops) == 0 {
			fmt.Fprintln(ios.Out, bold.Sprint("Loops: none found"))
			return nil
		}
		fmt.Fprintln(ios.Out, bold.Sprint(fmt.Sprintf("Loops (%d)", len(res.Loops))))
	}
	lt := &rowTable{ios: ios, header: []string{"LOOP", "KIND", "MESSAGES", "MEMBERS", "THREAD", "FIRST", "LAST"},
		fit:    fitSpec{keep: []int{0, 1}, give: []int{4, 3}, drop: []int{6, 5}},
		colour: func(row []string) { row[1] = classColor(status.ClassPermanent).Sprint(row[1]) }}
	for _, l := range res.Loops {
		row := []string{l.ID, string(l.Kind), strconv.Itoa(l.Messages), strings.Join(l.Members, " "), l.Thread,
			loop.FormatTime(l.First), loop.FormatTime(l.Last)}
		for i := range row {
			row[i] = safe(row[i])
		}
		if err := lt.add(row); err != nil {
			return err
		}
	}
	return lt.close()
}
