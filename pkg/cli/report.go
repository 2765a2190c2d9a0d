package cli

import (
	"cmp"
	"context"
	"os"
	"strings"

	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/report"
	"github.com/spf13/cobra"
)

type reportOptions struct {
	IO               *IOStreams
	Paths            []string
	Format           string
	JSON             bool
	FailOn           string
	MaxPermanent     *int
	MaxPermanentRate *float64
	Top              int
	Rows             int
	inputOptions
	Link linkOptions
	// TicketURLs are --ticket-url; ticketURL the templates in use (the
	// flags', else the config file's).
	TicketURLs []string
	ticketURL  report.TicketURL
	version    string
}

// The output formats of report.
var reportFormats = []string{"text", "markdown", "json", "html"}

const reportExitHelp = `

Exit status:
  0  success
  1  runtime error (for example an unreadable path; the other inputs are still read)
  2  usage error (unknown flag, bad flag value, no input, bad configuration
     file, ticket pattern or ticket map)
  3  the gate was exceeded (--fail-on, --max-permanent, --max-permanent-rate);
     the full report was written first`

func newReportCmd(ios *IOStreams, runF func(context.Context, *reportOptions) error) *cobra.Command {
	opts := &reportOptions{IO: ios}
	out := &outputFlags{format: &opts.Format, json: &opts.JSON, failOn: &opts.FailOn, def: "text", formats: reportFormats,
		failOns: failOnChoices, failOnHelp: "exit with status 3 when a failure's latest state is: " + strings.Join(failOnChoices[1:], ", ")}
	var maxPermanent int
	var maxRate float64
	cmd := &cobra.Command{
		Use:   "report [path ...|-]",
		Short: "Sum up a batch of bounces: totals, reasons, addresses to fix, tickets affected",
		Long: `Read a batch of messages (an mbox on standard input is the usual case; any
input inspect takes) and sum it up: totals by kind and class; the failures,
each counted once; the top reasons (with a bar chart), status codes with
their registry titles, recipient domains and reporting servers; the
addresses to fix (permanent failures about the address itself: userunknown,
hostunknown, hasmoved, suspend) with their tickets; and the help-desk
tickets affected, with their failing recipients, worst class and latest
status.

Counted once: the bounces about one original message and one recipient
form a group (the record field "group"): a delay notice and the later
failure, or two servers reporting one failure. A group counts by its latest
state: the record with the latest date, and of equal or missing dates the
later in the input.

--format text (the default) draws tables sized to the terminal, or plain
columns without colour when standard output is not a terminal. --format
markdown suits CI job summaries ($GITHUB_STEP_SUMMARY); --format json is
the stable schema of docs/report-json.md; --format html is one
self-contained page (no network access of any kind) with the headline
figures, the addresses to fix, the tickets whose notification did not
arrive, the refusals of your sending and SVG charts: open it in a browser
or mail it on. While reading, a progress line
goes to standard error when it is a terminal (and CI is not set).

Gate (for CI): --fail-on permanent|temporary|any|error looks at the latest
state of each failure; --max-permanent N allows at most N permanent
failures; --max-permanent-rate R allows a share of at most R (0 to 1) of
permanent failures among all failures (permanent and temporary, each
group once).

Ticket links: --ticket-url 'https://acme.zendesk.com/agent/tickets/{id}'
(or ticket_url in the configuration file) turns ticket numbers into links
in the text, markdown and html outputs. With tickets of several help desks,
give each its own: --ticket-url 'freshdesk=https://acme.freshdesk.com/a/tickets/{id}';
a URL without a system serves the systems without their own.` + reportExitHelp,
		Example: `  cat bounces.mbox | bounce report
  bounce report --format markdown bounces.mbox >> "$GITHUB_STEP_SUMMARY"
  bounce report --format json ~/Maildir/.Bounces | jq .fix_addresses
  bounce report --format html --ticket-url 'https://acme.zendesk.com/agent/tickets/{id}' export.mbox > report.html
  bounce report --max-permanent-rate 0.05 --ticket-map tickets.csv export.mbox`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			opts.version = cmd.Root().Version
			opts.Link.ConfigPath = configFlag(cmd)
			if err := out.check(); err != nil {
				return err
			}
			if cmd.Flags().Changed("max-permanent") {
				if maxPermanent < 0 {
					return flagErrorf("invalid value %d for --max-permanent: want 0 or more", maxPermanent)
				}
				opts.MaxPermanent = &maxPermanent
			}
			if cmd.Flags().Changed("max-permanent-rate") {
				if maxRate < 0 || maxRate > 1 {
					return flagErrorf("invalid value %g for --max-permanent-rate: want a share from 0 to 1, such as 0.05", maxRate)
				}
				opts.MaxPermanentRate = &maxRate
			}
			if opts.Top < 0 || opts.Rows < 0 {
				return flagErrorf("--top and --rows want 0 (all) or more")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runReport(cmd.Context(), opts)
		},
	}
	out.add(cmd)
	f := cmd.Flags()
	f.IntVar(&maxPermanent, "max-permanent", 0, "exit with status 3 when more than N failures are permanent")
	f.Float64Var(&maxRate, "max-permanent-rate", 0, "exit with status 3 when the share of permanent failures exceeds this (0 to 1)")
	f.IntVar(&opts.Top, "top", 10, "entries in each ranking (0: all)")
	f.IntVar(&opts.Rows, "rows", 50, "rows of the address and ticket tables in text, markdown and html (0: all; json has all)")
	f.StringArrayVar(&opts.TicketURLs, "ticket-url", nil,
		"link ticket numbers to your help desk: a URL with {id}, such as https://acme.zendesk.com/agent/tickets/{id}; system=URL for one system's tickets (repeatable)")
	addInputFlags(f, &opts.inputOptions)
	opts.Link.addFlags(cmd)
	return cmd
}

func runReport(ctx context.Context, opts *reportOptions) error {
	ios := opts.IO
	finder, err := opts.Link.finder(ios)
	if err != nil {
		return err
	}
	if opts.ticketURL, err = ticketURL(opts.TicketURLs, opts.Link.cfg); err != nil {
		return err
	}
	top := opts.Top
	if top == 0 {
		top = -1
	}
	agg := report.New(&report.Options{Top: top})
	prog := newProgress(ios, os.Getenv, opts.Paths...)
	readErrors := 0
	st, err := forEachMessage(ctx, ios, opts.Paths, opts.inputOptions, &bounce.Options{Tickets: finder}, nil, func(a analysed) error {
		if a.msg.Err != nil {
			readErrors++
		}
		agg.Add(a.recs)
		prog.add(a.msg.Size)
		return nil
	})
	prog.done()
	stop, err := partialOK(err) // stopped by a signal: the report of what was read
	if err != nil {
		return err
	}
	rep := agg.Report()
	gate := rep.Check(report.Gate{FailOn: opts.FailOn, MaxPermanent: opts.MaxPermanent, MaxPermanentRate: opts.MaxPermanentRate})
	if err := renderReport(ios, opts, rep); err != nil || stop != nil {
		return cmp.Or(err, stop)
	}
	if err := opts.inputOptions.commit(); err != nil {
		return err
	}
	for _, why := range gate.Why {
		gateNote(ios, why)
	}
	return exitStatus(readErrors > 0 || st.failed(opts.inputOptions), gate.Exceeded)
}

// ticketURL returns the ticket URL templates of the flags, else of the
// configuration file; a bad one is a usage error.
func ticketURL(flags []string, c *config) (report.TicketURL, error) {
	tmpls, from := flags, "--ticket-url"
	if len(tmpls) == 0 && c != nil {
		tmpls, from = c.TicketURL, "config "+c.path+": ticket_url"
	}
	u, err := report.ParseTicketURL(tmpls...)
	if err != nil {
		return u, flagErrorf("%s: %v", from, err)
	}
	return u, nil
}
