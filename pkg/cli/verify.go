package cli

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/bounce-tool/bounce/pkg/report"
	"github.com/bounce-tool/bounce/pkg/status"
	"github.com/bounce-tool/bounce/pkg/verify"
	"github.com/fatih/color"
	"github.com/spf13/cobra"
)

type verifyOptions struct {
	IO        *IOStreams
	Addresses []string
	Format    string
	JSON      bool
	FailOn    string

	SMTP        bool
	SyntaxOnly  bool
	From        string
	HELO        string
	Timeout     time.Duration
	DNSTimeout  time.Duration
	Concurrency int
	DNS         string
	SMTPPort    int
	// AllowPrivate lets the probe reach non-public addresses.
	AllowPrivate bool
	// ProbeInterval is the pause between probes of one domain.
	ProbeInterval time.Duration
}

// The output formats of verify.
var verifyFormats = []string{"text", "table", "json", "ndjson", "csv"}

var verifyFailOnChoices = []string{"", "undeliverable", "unknown", "risky", "any"}

func newVerifyCmd(ios *IOStreams, runF func(context.Context, *verifyOptions) error) *cobra.Command {
	opts := &verifyOptions{IO: ios}
	out := &outputFlags{format: &opts.Format, json: &opts.JSON, failOn: &opts.FailOn, def: "auto", formats: verifyFormats,
		failOns: verifyFailOnChoices, failOnHelp: "exit with status 3 when a verdict matches: " +
			strings.Join(verifyFailOnChoices[1:], ", ") + " (any: not deliverable)"}
	cmd := &cobra.Command{
		Use:   "verify [address ...|-]",
		Short: "Check whether addresses can receive mail: syntax, DNS and (with --smtp) the mail server",
		Long: `Check each address in three stages: its syntax (RFC 5321/5322, internationalised
addresses too), then its domain in DNS (MX records, else A/AAAA; a null MX
takes no mail; SERVFAIL and timeouts are temporary, never "no such domain"),
then, only with --smtp, the mail server itself: EHLO, STARTTLS when offered,
MAIL FROM and RCPT TO, never DATA. A second RCPT with a random local part
tells a catch-all domain. The probe talks to other people's servers, which
may log, rate-limit or block the prober: use it sparingly. It opens one
connection per mail host at a time, waits --probe-interval between probes of
one domain, backs off when a server answers 421 or 4.7.x (rate limits), and
takes a reply cut short by --timeout as no reply. It connects to
public addresses only: a mail host that resolves to a loopback, private,
link-local, unique-local, unspecified or multicast address is not contacted,
and the address is unknown with a note naming the address class
(--allow-private lifts this, for tests and closed networks).

Addresses come from the arguments, or from standard input with "-" (or no
argument and a pipe): one address a line, a CSV file with an "address"
column, or the JSON of bounce inspect or bounce report, from which the
failed recipients are taken.

Every address given gets one record, in input order, with its verdict:
deliverable, risky (catch-all domain, role or disposable address),
unknown (not probed, temporary failure, or a refusal that says nothing about
the mailbox) or undeliverable. On a terminal the output is a card for one
address and a table for several; --format json and ndjson print the records
of docs/verify-json.md, csv the same fields flat.

A resolver that answers "does not exist" (NXDOMAIN) for every domain of the
run and for names that certainly exist (gmail.com, outlook.com) is lying (a
filtering or captive-portal resolver): verify then judges no address and
exits with status 1, naming the resolver.

--fail-on undeliverable, unknown or risky exits with status 3 when a record
has that verdict; --fail-on any when a record is not deliverable.` + exitStatusHelp,
		Example: `  bounce verify jane.doe@example.com
  bounce verify --smtp --from probe@acme.example a@example.com b@example.org
  bounce inspect --json bounces.mbox | bounce verify --smtp --format csv - > verdicts.csv
  bounce verify --fail-on undeliverable - < addresses.txt`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Addresses = args
			if err := out.check(); err != nil {
				return err
			}
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runVerify(cmd.Context(), opts)
		},
	}
	out.add(cmd)
	f := cmd.Flags()
	f.BoolVar(&opts.SMTP, "smtp", false, "probe the mail servers over SMTP (RCPT TO, never DATA)")
	f.BoolVar(&opts.SyntaxOnly, "syntax-only", false, "check the syntax only: no DNS, no network")
	f.StringVar(&opts.From, "from", "", "MAIL FROM address of the SMTP probe (default: the null sender <>)")
	f.StringVar(&opts.HELO, "helo", "", "name sent with EHLO (default: this host's name)")
	f.DurationVar(&opts.Timeout, "timeout", verify.DefaultTimeout, "limit for each SMTP connection attempt and command")
	f.DurationVar(&opts.DNSTimeout, "dns-timeout", verify.DefaultDNSTimeout, "limit for each DNS query")
	f.IntVar(&opts.Concurrency, "concurrency", verify.DefaultConcurrency, "domains checked at once, and so the most SMTP connections open (one per domain)")
	f.StringVar(&opts.DNS, "dns", "", "DNS server to ask, as HOST:PORT (default: the servers of /etc/resolv.conf)")
	f.IntVar(&opts.SMTPPort, "smtp-port", verify.DefaultSMTPPort, "port of the mail servers")
	f.DurationVar(&opts.ProbeInterval, "probe-interval", verify.DefaultProbeInterval, "least time between two SMTP probes of the same domain (longer after a rate-limit reply)")
	f.BoolVar(&opts.AllowPrivate, "allow-private", false, "let the SMTP probe connect to loopback, private, link-local and other non-public addresses (for tests and closed networks)")
	cmd.MarkFlagsMutuallyExclusive("smtp", "syntax-only")
	return cmd
}

// validate checks the flag values that the verify library would reject,
// so that they are usage errors.
func (o *verifyOptions) validate() error {
	switch {
	case o.Timeout <= 0:
		return flagErrorf("invalid value %s for --timeout: want a positive duration", o.Timeout)
	case o.DNSTimeout <= 0:
		return flagErrorf("invalid value %s for --dns-timeout: want a positive duration", o.DNSTimeout)
	case o.ProbeInterval <= 0:
		return flagErrorf("invalid value %s for --probe-interval: want a positive duration", o.ProbeInterval)
	case o.Concurrency < 1:
		return flagErrorf("invalid value %d for --concurrency: want 1 or more", o.Concurrency)
	case o.SMTPPort < 1 || o.SMTPPort > 65535:
		return flagErrorf("invalid value %d for --smtp-port: want 1 to 65535", o.SMTPPort)
	case strings.ContainsAny(o.HELO, " \t\r\n"):
		return flagErrorf("invalid value %q for --helo: want a host name", o.HELO)
	}
	if o.DNS != "" {
		if _, _, err := net.SplitHostPort(o.DNS); err != nil {
			return flagErrorf("invalid value %q for --dns: want HOST:PORT", o.DNS)
		}
	}
	if o.From != "" {
		if _, err := verify.ParseAddress(o.From); err != nil {
			return flagErrorf("invalid value %q for --from: %s", o.From, strings.TrimPrefix(err.Error(), "verify: "))
		}
	}
	return nil
}

func runVerify(ctx context.Context, opts *verifyOptions) error {
	ios := opts.IO
	addrs, readErr, err := verifyAddresses(ios, opts.Addresses)
	if err != nil {
		return err
	}
	v, err := verify.New(verify.Options{
		SyntaxOnly:    opts.SyntaxOnly,
		SMTP:          opts.SMTP,
		DNSServer:     opts.DNS,
		DNSTimeout:    opts.DNSTimeout,
		Timeout:       opts.Timeout,
		SMTPPort:      opts.SMTPPort,
		HELOName:      opts.HELO,
		From:          opts.From,
		Concurrency:   opts.Concurrency,
		AllowPrivate:  opts.AllowPrivate,
		ProbeInterval: opts.ProbeInterval,
	})
	if err != nil {
		return err
	}
	if len(addrs) == 0 {
		warn(ios, "no addresses to verify")
	}
	format := opts.Format
	if format == "auto" {
		format = "table"
		if len(addrs) == 1 {
			format = "text"
		}
	}
	sink := newVerifySink(format, ios)
	var t verifyTally
	var writeErr error
	dnsErr := v.VerifyChecked(ctx, addrs, func(r verify.Result) {
		t.add(&r, opts.FailOn)
		if writeErr == nil {
			writeErr = sink.write(&r)
		}
	})
	if dnsErr != nil {
		return dnsErr
	}
	if err := sink.close(); writeErr == nil {
		writeErr = err
	}
	if writeErr != nil {
		return writeErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if t.total > 1 {
		warn(ios, t.summary())
	}
	if opts.FailOn != "" && t.failOn > 0 {
		gateNote(ios, fmt.Sprintf("--fail-on %s: %s", opts.FailOn, report.Count(t.failOn, "matching address")))
	}
	return exitStatus(readErr, opts.FailOn != "" && t.failOn > 0)
}

// verifyAddresses collects the addresses of the arguments, reading standard
// input for "-" (or for no argument when it is not a terminal). A read error
// is reported on stderr and flagged; the addresses read before it are kept.
func verifyAddresses(ios *IOStreams, args []string) (addrs []string, readErr bool, err error) {
	if len(args) == 0 {
		if ios.IsStdinTTY() {
			return nil, false, flagErrorf("no input: name the addresses, or pipe them into standard input")
		}
		args = []string{"-"}
	}
	if err := stdinOnce(args); err != nil {
		return nil, false, err
	}
	for _, a := range args {
		if a != "-" {
			addrs = append(addrs, a)
			continue
		}
		in, err := verify.ReadAddresses(ios.In)
		addrs = append(addrs, in...)
		if err != nil {
			warn(ios, "standard input: "+err.Error())
			readErr = true
		}
	}
	return addrs, readErr, nil
}

// matchesVerifyFailOn reports whether r matches a --fail-on condition.
func matchesVerifyFailOn(cond string, r *verify.Result) bool {
	switch cond {
	case "any":
		return r.Verdict != verify.Deliverable
	case "":
		return false
	}
	return string(r.Verdict) == cond
}

// verifyTally counts verdicts for the summary line and --fail-on.
type verifyTally struct {
	total, failOn                                   int
	deliverable, risky, unknown, undeliverable, tmp int
}

func (t *verifyTally) add(r *verify.Result, failOn string) {
	t.total++
	switch r.Verdict {
	case verify.Deliverable:
		t.deliverable++
	case verify.Risky:
		t.risky++
	case verify.Unknown:
		t.unknown++
	case verify.Undeliverable:
		t.undeliverable++
	}
	if r.Class == status.ClassTemporary {
		t.tmp++
	}
	if matchesVerifyFailOn(failOn, r) {
		t.failOn++
	}
}

func (t *verifyTally) summary() string {
	return fmt.Sprintf("%d addresses: %d deliverable, %d risky, %d unknown (%d temporary), %d undeliverable",
		t.total, t.deliverable, t.risky, t.unknown, t.tmp, t.undeliverable)
}

// verifySink writes results in one output format, in input order.
type verifySink interface {
	write(r *verify.Result) error
	close() error
}

func newVerifySink(format string, ios *IOStreams) verifySink {
	switch format {
	case "json":
		return &verifyJSONSink{w: ios.Out}
	case "ndjson":
		return &verifyNDJSONSink{w: ios.Out}
	case "csv":
		return &verifyCSVSink{w: csv.NewWriter(ios.Out)}
	case "text":
		return &verifyCardSink{w: ios.Out}
	}
	return &verifyTableSink{t: &rowTable{ios: ios, header: verifyTableHeader, fit: fitSpec{give: []int{7, 4, 0}}, colour: func(row []string) {
		row[1] = verdictColor(verify.Verdict(row[1])).Sprint(row[1])
	}}}
}

type verifyJSONSink struct {
	w   io.Writer
	arr jsonArray
}

func (s *verifyJSONSink) write(r *verify.Result) error { return s.arr.add(s.w, r) }

func (s *verifyJSONSink) close() error {
	if err := s.arr.end(s.w); err != nil {
		return err
	}
	_, err := io.WriteString(s.w, "\n")
	return err
}

type verifyNDJSONSink struct{ w io.Writer }

func (s *verifyNDJSONSink) write(r *verify.Result) error { return newEncoder(s.w).Encode(r) }
func (s *verifyNDJSONSink) close() error                 { return nil }

// verifyCSVColumns are the CSV columns: the JSON fields, with smtp spread
// over its own columns and mx joined by spaces.
var verifyCSVColumns = []string{"address", "verdict", "reason", "class", "domain", "ascii", "mx",
	"smtp_host", "smtp_command", "smtp_reply_code", "smtp_status", "smtp_text",
	"catch_all", "role", "disposable", "error"}

type verifyCSVSink struct {
	w      *csv.Writer
	header bool
}

func (s *verifyCSVSink) writeHeader() {
	if !s.header {
		s.header = true
		_ = s.w.Write(verifyCSVColumns) // errors stick in the csv.Writer
	}
}

func (s *verifyCSVSink) write(r *verify.Result) error {
	s.writeHeader()
	var host, cmd, code, status, text string
	if p := r.SMTP; p != nil {
		host, cmd, code, status, text = p.Host, p.Command, strconv.Itoa(p.ReplyCode), p.Status, p.Text
	}
	row := []string{r.Address, string(r.Verdict), r.Reason, r.Class.String(), r.Domain, r.ASCII, strings.Join(r.MX, " "),
		host, cmd, code, status, text,
		strconv.FormatBool(r.CatchAll), strconv.FormatBool(r.Role), strconv.FormatBool(r.Disposable), r.Error}
	for i := range row {
		row[i] = csvSafe(row[i])
	}
	_ = s.w.Write(row)
	s.w.Flush()
	return s.w.Error()
}

func (s *verifyCSVSink) close() error {
	s.writeHeader()
	s.w.Flush()
	return s.w.Error()
}

var verifyTableHeader = []string{"ADDRESS", "VERDICT", "REASON", "CLASS", "MX", "SMTP", "FLAGS", "DETAIL"}

type verifyTableSink struct{ t *rowTable }

// write adds a row: the first MX host (and how many more), the SMTP reply
// code and status (with the command when it was not RCPT), and as detail
// the reply text of a refusal or the error; FLAGS say why an accepted
// address is risky.
func (s *verifyTableSink) write(r *verify.Result) error {
	mx := ""
	if len(r.MX) > 0 {
		mx = r.MX[0]
		if len(r.MX) > 1 {
			mx += fmt.Sprintf(" (+%d)", len(r.MX)-1)
		}
	}
	reply, detail := "", verifyDetail(r)
	if p := r.SMTP; p != nil {
		reply = strings.TrimSpace(fmt.Sprintf("%d %s", p.ReplyCode, p.Status))
		if p.Command != "RCPT" {
			reply = p.Command + " " + reply
		}
		detail = ""
		if p.ReplyCode/100 != 2 {
			detail = strings.ReplaceAll(p.Text, "\n", " ")
		}
	}
	row := []string{r.Address, string(r.Verdict), r.Reason, r.Class.String(), mx, reply, strings.Join(verifyFlags(r), ","), detail}
	for i := range row {
		row[i] = safe(row[i])
	}
	return s.t.add(row)
}

func (s *verifyTableSink) close() error { return s.t.close() }

// verifyFlags names the flags of a result that are set.
func verifyFlags(r *verify.Result) []string {
	var flags []string
	if r.CatchAll {
		flags = append(flags, "catch-all")
	}
	if r.Role {
		flags = append(flags, "role")
	}
	if r.Disposable {
		flags = append(flags, "disposable")
	}
	return flags
}

// verifyDetail explains a result in words: its error, else the SMTP reply
// that accepted the address, else why nothing more is known.
func verifyDetail(r *verify.Result) string {
	switch {
	case r.Error != "":
		return r.Error
	case r.SMTP != nil:
		return fmt.Sprintf("%s answered %s with %s", r.SMTP.Host, r.SMTP.Command, r.SMTP)
	case r.Verdict == verify.Deliverable || r.Verdict == verify.Undeliverable:
		return ""
	case len(r.MX) > 0:
		return "not probed: the domain takes mail; --smtp asks its server about the mailbox"
	}
	return "syntax checked only"
}

// verdictColor is the colour of a verdict: deliverable green, undeliverable
// red, risky and unknown yellow.
func verdictColor(v verify.Verdict) *color.Color {
	switch v {
	case verify.Deliverable:
		return classColor(status.ClassSuccess)
	case verify.Undeliverable:
		return classColor(status.ClassPermanent)
	case verify.Risky, verify.Unknown:
		return classColor(status.ClassTemporary)
	}
	return classColor(status.ClassUnknown)
}

// verifyCardSink writes one readable card per result.
type verifyCardSink struct {
	w io.Writer
	n int
}

func (s *verifyCardSink) write(r *verify.Result) error {
	if s.n > 0 {
		if _, err := io.WriteString(s.w, "\n"); err != nil {
			return err
		}
	}
	s.n++
	bold := color.New(color.Bold)
	var b strings.Builder
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "  %-12s %s\n", label, value)
		}
	}
	fmt.Fprintf(&b, "%s  %s\n", bold.Sprint(safe(r.Address)), verdictColor(r.Verdict).Sprint(r.Verdict))
	line("reason", safe(r.Reason))
	line("class", r.Class.String()+retryHint(r.Class))
	if r.ASCII != "" && r.ASCII != r.Address {
		line("ascii", safe(r.ASCII))
	}
	line("mx", safe(strings.Join(r.MX, ", ")))
	if p := r.SMTP; p != nil {
		line("smtp", safe(fmt.Sprintf("%s answered %s with %s", p.Host, p.Command, p)))
	}
	line("flags", strings.Join(verifyFlags(r), ", "))
	if r.SMTP == nil {
		line("detail", safe(verifyDetail(r)))
	}
	_, err := io.WriteString(s.w, b.String())
	return err
}

func (s *verifyCardSink) close() error { return nil }
