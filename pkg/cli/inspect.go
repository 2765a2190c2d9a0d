package cli

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/parts"
	"github.com/bounce-tool/bounce/pkg/report"
	"github.com/bounce-tool/bounce/pkg/source"
	"github.com/bounce-tool/bounce/pkg/status"
	"github.com/emersion/go-message"
	"github.com/spf13/cobra"

	// Decode every charset go-message knows (ISO-2022-JP, Shift_JIS,
	// windows-125x, KOI8-R, GB2312, Big5, ...) in bodies and headers.
	_ "github.com/emersion/go-message/charset"
	// ... and convert text in those charsets in memory (parts.CharsetEncoding).
	_ "github.com/bounce-tool/bounce/pkg/parts/charsets"
)

func init() {
	// An encoded word converted without a 32 KiB copy buffer each.
	message.CharsetReader = parts.WholeCharsetReader(message.CharsetReader)
}

type inspectOptions struct {
	IO     *IOStreams
	Paths  []string
	Format string
	JSON   bool
	FailOn string
	// Why shows what decided each record (kind, status, reason) on the
	// card and in the table; JSON always carries it.
	Why bool
	inputOptions
	Link linkOptions
}

func newInspectCmd(ios *IOStreams, runF func(context.Context, *inspectOptions) error) *cobra.Command {
	opts := &inspectOptions{IO: ios}
	out := &outputFlags{format: &opts.Format, json: &opts.JSON, failOn: &opts.FailOn, def: "auto", formats: inspectFormats,
		failOns: failOnChoices, failOnHelp: "exit with status 3 when a record matches: " + strings.Join(failOnChoices[1:], ", ")}
	cmd := &cobra.Command{
		Use:   "inspect [path ...|-]",
		Short: "Explain each bounce: recipient, status, reason, servers, original and ticket",
		Long: `Explain every message of the inputs, one record per recipient of a bounce and
one record for any other message, so that every input message shows up.

A path may be a single message (.eml or any name), an mbox file, a Maildir or
any folder of message files (read in sorted order). "-", or no path with a
pipe on standard input, reads standard input, which may hold one message or
an mbox.

On a terminal the output is a card for a single message and a table for
several. --format json and ndjson print the records of the JSON contract
(docs/json.md); csv prints the same fields flat, with a header row. --why
adds to the card and the table what decided each record: the recogniser and
the sign it matched, where the status code came from, and the rule that gave
the reason (the JSON formats always carry it as "why").

With more than one message, a summary goes to standard error.` + exitStatusHelp,
		Example: `  bounce inspect testdata/eml/postfix/user-unknown.eml
  bounce inspect --why testdata/eml/postfix/user-unknown.eml
  bounce inspect --format ndjson ~/Maildir/.Bounces
  cat export.mbox | bounce inspect --json | jq '.[] | select(.class == "permanent")'
  bounce inspect --fail-on permanent bounces.mbox`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			opts.Link.ConfigPath = configFlag(cmd)
			if err := out.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runInspect(cmd.Context(), opts)
		},
	}
	out.add(cmd)
	cmd.Flags().BoolVar(&opts.Why, "why", false, "show what decided each record's kind, status and reason (the why object)")
	addInputFlags(cmd.Flags(), &opts.inputOptions)
	opts.Link.addFlags(cmd)
	return cmd
}

var failOnChoices = []string{"", "permanent", "temporary", "any", "error"}

// outputFlags are the --format (-f), --json and --fail-on flags of a
// command, bound to its options.
type outputFlags struct {
	format, failOn *string
	json           *bool
	def            string   // the default format: "auto" (a card or a table) or one of formats
	formats        []string // the formats
	failOns        []string // the --fail-on conditions, "" (none) first
	failOnHelp     string   // the help text of --fail-on
}

// add defines the flags on cmd; --json and --format exclude each other.
func (o *outputFlags) add(cmd *cobra.Command) {
	help := "output format: " + strings.Join(o.formats, ", ")
	if o.def == "auto" {
		help += " (auto: card or table)"
	}
	f := cmd.Flags()
	f.StringVarP(o.format, "format", "f", o.def, help)
	f.BoolVar(o.json, "json", false, "shortcut for --format json")
	f.StringVar(o.failOn, "fail-on", "", o.failOnHelp)
	cmd.MarkFlagsMutuallyExclusive("json", "format")
	formats := o.formats
	if o.def == "auto" {
		formats = append([]string{"auto"}, formats...)
	}
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	if len(o.failOns) > 1 {
		cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions(o.failOns[1:], cobra.ShellCompDirectiveNoFileComp))
	}
}

// check applies --json and rejects a format or condition the command does
// not know.
func (o *outputFlags) check() error {
	if *o.json {
		*o.format = "json"
	}
	formats := o.formats
	if o.def == "auto" {
		formats = append([]string{"auto"}, formats...)
	}
	if err := validateChoice("--format", *o.format, formats); err != nil {
		return err
	}
	return validateChoice("--fail-on", *o.failOn, o.failOns)
}

func validateChoice(flag, v string, choices []string) error {
	if slices.Contains(choices, v) {
		return nil
	}
	var shown []string
	for _, c := range choices {
		if c != "" {
			shown = append(shown, c)
		}
	}
	return flagErrorf("invalid value %q for %s: want %s", v, flag, strings.Join(shown, ", "))
}

// matchesFailOn reports whether r matches a --fail-on condition.
func matchesFailOn(cond string, r *bounce.Record) bool {
	switch cond {
	case "permanent":
		return r.Kind == bounce.KindBounce && r.Class == status.ClassPermanent
	case "temporary":
		return r.Kind == bounce.KindBounce && r.Class == status.ClassTemporary
	case "any":
		return r.IsFailure()
	case "error":
		return r.Kind == bounce.KindError
	}
	return false
}

// tally counts what a run read, for the summary line.
type tally struct {
	messages, records, bounces, permanent, temporary, success int
	feedback, autoreply, other, errors, readErrors, failOn    int
	// accounted counts the distinct (source, index) pairs of the records:
	// it must equal messages (every message gets a record).
	accounted, truncated int
	last                 struct {
		source string
		index  int
	}
}

func (t *tally) add(recs []bounce.Record, failOn string, m *source.Message) {
	t.messages++
	if m != nil && m.Err != nil {
		t.readErrors++
	}
	for i := range recs {
		r := &recs[i]
		t.records++
		if r.Source != t.last.source || r.Index != t.last.index || t.accounted == 0 {
			t.accounted++
			t.last.source, t.last.index = r.Source, r.Index
			if r.Truncated != "" {
				t.truncated++
			}
		}
		switch r.Kind {
		case bounce.KindBounce:
			t.bounces++
			switch r.Class {
			case status.ClassPermanent:
				t.permanent++
			case status.ClassTemporary:
				t.temporary++
			case status.ClassSuccess:
				t.success++
			}
		case bounce.KindFeedback:
			t.feedback++
		case bounce.KindAutoreply:
			t.autoreply++
		case bounce.KindOther:
			t.other++
		case bounce.KindError:
			t.errors++
		}
		if matchesFailOn(failOn, r) {
			t.failOn++
		}
	}
}

// summary is the line written to stderr: the messages read and the
// messages the records account for (the two must be equal), then the
// records by kind.
func (t *tally) summary() string {
	s := fmt.Sprintf("%d messages read, %d records for %d messages: %d bounce (%d permanent, %d temporary, %d success), "+
		"%d feedback, %d autoreply, %d other, %d errors",
		t.messages, t.records, t.accounted, t.bounces, t.permanent, t.temporary, t.success, t.feedback, t.autoreply, t.other, t.errors)
	if t.truncated > 0 {
		s += fmt.Sprintf("; %d messages beyond a limit (see the truncated field)", t.truncated)
	}
	return s
}

// analysed is one message with its records, as it leaves the worker pool.
type analysed struct {
	msg  *source.Message
	recs []bounce.Record
	enc  *[]byte // the records encoded by the sink's encode, or nil (see encodeRecords)
}

// forEachMessage reads the inputs, analyses each message with bopts on
// jobs workers and calls emit in input order. Warnings about skipped files
// and unreadable messages go to stderr as they happen. A non-nil encode
// runs on the workers too, so that the output's encoding is parallel as
// well (see preEncoder).
func forEachMessage(ctx context.Context, ios *IOStreams, paths []string, in inputOptions, bopts *bounce.Options,
	encode func([]bounce.Record) *[]byte, emit func(analysed) error) (inputStats, error) {
	bopts = in.Limits.bounceOptions(bopts)
	analyse := func(m *source.Message) analysed {
		a := analysed{msg: m, recs: bounce.AnalyzeMessage(m, bopts)}
		if encode != nil {
			a.enc = encode(a.recs)
		}
		return a
	}
	return readInputs(ctx, ios, paths, in, analyse, func(a analysed) error {
		for i := range a.recs {
			if r := &a.recs[i]; r.Kind == bounce.KindError {
				warn(ios, whereIs(r.Source, r.Index, r.Path)+": "+plainError(r.Error))
			}
		}
		return emit(a)
	})
}

func runInspect(ctx context.Context, opts *inspectOptions) error {
	ios := opts.IO
	finder, err := opts.Link.finder(ios)
	if err != nil {
		return err
	}
	prog := newProgress(ios, os.Getenv, opts.Paths...)
	defer prog.done()
	sink := newRecordSink(opts.Format, ios, opts.Why)
	var encode func([]bounce.Record) *[]byte
	pre, _ := sink.(preEncoder)
	if pre != nil {
		encode = encodeRecords
	}
	var t tally
	st, err := forEachMessage(ctx, ios, opts.Paths, opts.inputOptions, &bounce.Options{Tickets: finder}, encode, func(a analysed) error {
		t.add(a.recs, opts.FailOn, a.msg)
		prog.add(a.msg.Size)
		if pre != nil && a.enc != nil {
			err := pre.writeEncoded(*a.enc)
			releaseEncoded(a.enc)
			return err
		}
		return sink.Write(a.recs)
	})
	prog.done() // before the table, drawn at Close
	if cerr := sink.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = opts.inputOptions.commit()
	}
	if err != nil {
		return err
	}
	if t.messages > 1 {
		fmt.Fprintf(ios.ErrOut, "bounce: %s\n", t.summary())
	}
	if opts.FailOn != "" && t.failOn > 0 {
		gateNote(ios, fmt.Sprintf("--fail-on %s: %s", opts.FailOn, report.Count(t.failOn, "matching record")))
	}
	return exitStatus(t.readErrors > 0 || st.failed(opts.inputOptions), opts.FailOn != "" && t.failOn > 0)
}

// whereIs names a message in a warning: the file it came from when that
// is a file inside a folder or Maildir (its position there shifts as mail
// arrives), else the input and its position.
func whereIs(src string, index int, path string) string {
	if path != "" && path != "-" && path != src {
		return path
	}
	return fmt.Sprintf("%s message %d", src, index)
}

// gateNote says on stderr why a gate makes the run exit with status 3.
func gateNote(ios *IOStreams, why string) { warn(ios, "gate: "+why) }
