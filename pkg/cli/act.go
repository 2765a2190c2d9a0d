package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/bounce-tool/bounce/pkg/act"
	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/state"
	"github.com/bounce-tool/bounce/pkg/ticket"
	"github.com/spf13/cobra"
)

// zendeskConfig is the zendesk key of the configuration file.
type zendeskConfig struct {
	Subdomain  string `yaml:"subdomain"`
	URL        string `yaml:"url"`
	Email      string `yaml:"email"`
	APIToken   string `yaml:"api_token"`
	OAuthToken string `yaml:"oauth_token"`
}

// webhookConfig is the webhook key of the configuration file.
type webhookConfig struct {
	URL    string `yaml:"url"`
	Secret string `yaml:"secret"`
}

type actOptions struct {
	IO            *IOStreams
	Paths         []string
	Format        string
	Apply         bool
	Reopen        bool
	CheckTicket   bool
	StatePath     string
	Rate          float64
	Timeout       time.Duration
	Retries       int
	Webhook       string
	WebhookSecret string
	inputOptions
	Link linkOptions

	getenv func(string) string
}

var actFormats = []string{"text", "json", "ndjson"}

func newActCmd(ios *IOStreams, runF func(context.Context, *actOptions) error) *cobra.Command {
	opts := &actOptions{IO: ios, getenv: os.Getenv}
	cmd := &cobra.Command{
		Use:   "act [path ...|-]",
		Short: "Write every bounce onto its ticket: a private Zendesk note with tags, or a signed webhook",
		Long: `Write each failed delivery onto the help-desk ticket it belonged to, so that the
agent learns the customer never got the reply.

The inputs are records (the JSON or NDJSON of "bounce inspect" or "bounce
watch") or mail: an input whose first non-blank character is "{" or "[" is
read as records, any other input is analysed like "bounce inspect" does.

act works per failure group: a delay and the later failure for the same
message and recipient are one group, and its latest state counts. Groups
whose latest state is permanent or temporary and that belong to a ticket
get one private note per ticket (recipient, status, class, reason, what to
do, reporting server, date and the server's words, and a marker line
"bounce-group: <key>"), plus the tags bounce, bounce_permanent or
bounce_temporary and bounce_<reason>.

Without --apply nothing is sent: act prints the plan. With --apply it writes
to Zendesk (ZENDESK_SUBDOMAIN or ZENDESK_URL, with ZENDESK_EMAIL and
ZENDESK_API_TOKEN, or ZENDESK_OAUTH_TOKEN; or the zendesk key of the
configuration file) or, with --webhook, posts one signed JSON object per
group. A state file (--state, default $XDG_STATE_HOME/bounce/act.json)
remembers the groups written, so that the same input never writes twice.
See docs/act.md.

Outcomes per ticket: planned, written, skipped (written before), unresolved
(no ticket number: use --ticket-map) and failed (with the HTTP status and the
help desk's message). A summary goes to standard error.

Exit status:
  0  success
  1  a note failed, or an input could not be read (all others were done first)
  2  usage error (unknown flag, bad value, no input, missing settings)`,
		Example: `  bounce act bounces.mbox                 # the plan: what would go where
  export ZENDESK_SUBDOMAIN=acme ZENDESK_EMAIL=me@acme.example
  export ZENDESK_API_TOKEN=...
  bounce act --apply bounces.mbox
  bounce inspect -f ndjson ~/Maildir/.Bounces | bounce act --apply
  bounce act --webhook https://hooks.example/bounce --apply bounces.mbox`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			opts.Link.ConfigPath = configFlag(cmd)
			if err := validateChoice("--format", opts.Format, actFormats); err != nil {
				return err
			}
			if opts.Rate <= 0 || opts.Timeout <= 0 || opts.Retries < 0 {
				return flagErrorf("--rate and --timeout must be positive, --retries not negative")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runAct(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Format, "format", "f", "text", "output format: "+strings.Join(actFormats, ", "))
	f.BoolVar(&opts.Apply, "apply", false, "write the notes (without it: print the plan)")
	f.BoolVar(&opts.Reopen, "reopen", false, "also reopen a ticket on a permanent failure")
	f.StringVar(&opts.StatePath, "state", "", "file of the groups written (default: see docs/act.md)")
	f.Float64Var(&opts.Rate, "rate", act.DefaultRate, "most requests a second")
	f.DurationVar(&opts.Timeout, "timeout", act.DefaultTimeout, "time limit of each request")
	f.IntVar(&opts.Retries, "retries", act.DefaultRetries, "retries after 429, 5xx or a timeout")
	f.BoolVar(&opts.CheckTicket, "check-ticket", false, "read each ticket's comments first; skip groups already there")
	f.StringVar(&opts.Webhook, "webhook", "", "post signed JSON per group here, not to Zendesk")
	f.StringVar(&opts.WebhookSecret, "webhook-secret", "", "HMAC key (better: BOUNCE_WEBHOOK_SECRET)")
	addInputFlags(f, &opts.inputOptions)
	opts.Link.addFlags(cmd)
	return cmd
}

// actTarget builds the target from the flags, the environment and the
// configuration file, in that order of precedence.
func actTarget(opts *actOptions, c *config) (act.Target, error) {
	env := opts.getenv
	pick := func(vals ...string) string {
		for _, v := range vals {
			if v != "" {
				return v
			}
		}
		return ""
	}
	client := &act.Client{Rate: opts.Rate, Timeout: opts.Timeout, Retries: opts.Retries}
	if opts.Retries == 0 {
		client.Retries = -1
	}
	if hook := pick(opts.Webhook, c.Webhook.URL); hook != "" {
		w := &act.Webhook{URL: hook, Secret: act.Secret(pick(opts.WebhookSecret, env("BOUNCE_WEBHOOK_SECRET"), c.Webhook.Secret)), Client: client}
		if err := w.Check(); err != nil {
			return nil, flagErrorf("%s", strings.TrimPrefix(err.Error(), act.ErrConfig.Error()+": "))
		}
		return w, nil
	}
	z := &act.Zendesk{
		Email:      pick(env("ZENDESK_EMAIL"), c.Zendesk.Email),
		APIToken:   act.Secret(pick(env("ZENDESK_API_TOKEN"), c.Zendesk.APIToken)),
		OAuthToken: act.Secret(pick(env("ZENDESK_OAUTH_TOKEN"), c.Zendesk.OAuthToken)),
		Client:     client,
		CheckFirst: opts.CheckTicket,
	}
	// The account is the environment's when it names one, else the file's.
	sub, url := env("ZENDESK_SUBDOMAIN"), env("ZENDESK_URL")
	if sub == "" && url == "" {
		sub, url = c.Zendesk.Subdomain, c.Zendesk.URL
	}
	base, err := act.ZendeskURL(sub, url)
	if err == nil {
		z.BaseURL = base
		err = z.Check()
	}
	if err != nil && opts.Apply {
		return nil, flagErrorf("%s", strings.TrimPrefix(err.Error(), act.ErrConfig.Error()+": "))
	}
	return z, nil
}

func runAct(ctx context.Context, opts *actOptions) error {
	ios := opts.IO
	c, err := readConfig(ios, opts.Link.ConfigPath)
	if err != nil {
		return err
	}
	tmap, err := opts.Link.ticketMap(c)
	if err != nil {
		return err
	}
	finder, err := opts.Link.finderWith(c, tmap)
	if err != nil {
		return err
	}
	if c.mode&0o077 != 0 && (c.Zendesk.APIToken != "" || c.Zendesk.OAuthToken != "" || c.Webhook.Secret != "") {
		warn(ios, fmt.Sprintf("config %s holds a secret and can be read by others: chmod 600 it", c.path))
	}
	target, err := actTarget(opts, c)
	if err != nil {
		return err
	}
	statePath := opts.StatePath
	if statePath == "" {
		if statePath, err = state.Path(act.StateFile); err != nil {
			return err
		}
	}
	st, err := act.LoadState(statePath)
	if err != nil {
		return err
	}

	run := &actRun{
		runner: &act.Runner{Target: target, Apply: opts.Apply, Reopen: opts.Reopen, State: st},
		out:    newActWriter(ios.Out, opts.Format, opts.Apply),
		tmap:   tmap,
	}
	readErr, err := readActInputs(ctx, opts, finder, run)
	if err == nil {
		err = run.flush(ctx)
	}
	if cerr := run.out.close(); err == nil {
		err = cerr
	}
	fmt.Fprintf(ios.ErrOut, "bounce: %s\n", actSummary(target.Name(), run.sum, opts.Apply))
	if errors.Is(err, context.Canceled) {
		warn(ios, "interrupted: what was written is in the state file; run again to write the rest")
		return &exitError{code: ExitError}
	}
	if err != nil {
		return err
	}
	return exitStatus(readErr || run.sum.Failed > 0, false)
}

// actRun is one run of act: the groups read so far, the runner that writes
// them and the outcomes counted.
type actRun struct {
	col    act.Collector
	runner *act.Runner
	out    *actWriter
	sum    act.Summary
	tmap   *ticket.Map // fills the numbers of records read as JSON; nil for none
}

// addRecord adds a record read as JSON: the ticket maps fill a number
// the record lacks, as they do for mail.
func (a *actRun) addRecord(r *bounce.Record) {
	if a.tmap != nil {
		r.Ticket = a.tmap.Fill(r.Ticket, r.Original.MessageID)
	}
	a.col.Add(r)
}

// flush writes the groups that changed since the last flush and the
// outcomes so far.
func (a *actRun) flush(ctx context.Context) error {
	sum, err := a.runner.Run(ctx, a.col.Take(), a.out.write)
	a.sum.Add(sum)
	if ferr := a.out.w.Flush(); err == nil {
		err = ferr
	}
	return err
}

// actSettle is how long a record stream on standard input must be quiet
// before the groups read so far are written: bounce watch never ends, and
// writes a message's records at once.
var actSettle = time.Second

func actSummary(target string, s act.Summary, apply bool) string {
	msg := fmt.Sprintf("%s: %d written, %d skipped (written before), %d unresolved, %d failed",
		safe(target), s.Written, s.Skipped, s.Unresolved, s.Failed)
	if !apply {
		msg = fmt.Sprintf("%s: dry run, nothing sent: %d to write, %d skipped (written before), %d unresolved; add --apply to write",
			safe(target), s.Planned, s.Skipped, s.Unresolved)
	}
	return msg
}

// readActInputs adds the records of the inputs to run: record files are
// decoded, mail is analysed; then a record stream on standard input is
// read as it comes, written whenever it pauses (actSettle). It reports
// whether an input could not be read.
func readActInputs(ctx context.Context, opts *actOptions, finder *ticket.Finder, run *actRun) (bool, error) {
	ios := opts.IO
	paths := opts.Paths
	if len(paths) == 0 {
		if ios.IsStdinTTY() {
			return false, flagErrorf("no input: name a file, folder or mbox, or pipe records or mail into standard input")
		}
		paths = []string{"-"}
	}
	if err := stdinOnce(paths); err != nil {
		return false, err
	}
	readErr := false
	var mail []string
	var stream *bufio.Reader
	mailIO := ios
	for _, p := range paths {
		var rd io.Reader
		var closer io.Closer
		if p == "-" {
			rd = ios.In
		} else {
			fi, err := os.Stat(p)
			if err != nil || fi.IsDir() {
				mail = append(mail, p) // folders, and errors reported by the mail reader
				continue
			}
			f, err := os.Open(p)
			if err != nil {
				mail = append(mail, p)
				continue
			}
			rd, closer = f, f
		}
		br := bufio.NewReaderSize(rd, 64<<10)
		if isRecordStream(br) {
			if p == "-" {
				stream = br
				continue
			}
			if err := readRecords(br, p, run.addRecord); err != nil {
				warn(ios, err.Error())
				readErr = true
			}
			if closer != nil {
				closer.Close()
			}
			continue
		}
		if closer != nil {
			closer.Close()
		}
		if p == "-" {
			c := *ios
			c.In = br // the bytes peeked at stay in front of the rest
			mailIO = &c
		}
		mail = append(mail, p)
	}
	if len(mail) > 0 {
		var t tally
		st, err := forEachMessage(ctx, mailIO, mail, opts.inputOptions, &bounce.Options{Tickets: finder}, nil, func(a analysed) error {
			t.add(a.recs, "", a.msg)
			for i := range a.recs {
				run.col.Add(&a.recs[i])
			}
			return nil
		})
		if err != nil {
			return readErr, err
		}
		readErr = readErr || t.readErrors > 0 || st.missing > 0
	}
	if stream == nil {
		return readErr, nil
	}
	if err := run.flush(ctx); err != nil {
		return readErr, err
	}
	err := streamRecords(ctx, stream, run)
	var re *recordError
	if errors.As(err, &re) {
		warn(ios, err.Error())
		return true, nil
	}
	return readErr, err
}

// recordError is a record stream that is not JSON.
type recordError struct{ err error }

func (e *recordError) Error() string { return e.err.Error() }

// streamRecords reads records from standard input as they come and
// flushes run whenever the stream pauses for actSettle, and at its end.
func streamRecords(ctx context.Context, br *bufio.Reader, run *actRun) error {
	recs := make(chan bounce.Record, 64)
	done := make(chan error, 1)
	go func() {
		done <- readRecords(br, "standard input", func(r *bounce.Record) { recs <- *r })
		close(recs)
	}()
	timer := time.NewTimer(actSettle)
	defer timer.Stop()
	pending := false
	for {
		select {
		case r, ok := <-recs:
			if !ok {
				if err := <-done; err != nil {
					return &recordError{err}
				}
				return nil
			}
			run.addRecord(&r)
			pending = true
			timer.Reset(actSettle)
		case <-timer.C:
			if pending {
				pending = false
				if err := run.flush(ctx); err != nil {
					return err
				}
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// isRecordStream reports whether the input starts, after blanks and a
// byte order mark, with "{" or "[": JSON records. Mail starts with a
// header field or an mbox "From " line.
func isRecordStream(br *bufio.Reader) bool {
	c := firstByte(br)
	return c == '{' || c == '['
}

// firstByte returns the first byte of the input after a byte order mark
// and blanks, 0 at the end. It peeks only as far as it must, so that a
// pipe that has written a single record is not waited on for more.
func firstByte(br *bufio.Reader) byte {
	bom := []byte("\ufeff")
	for n := 1; n <= 4096; n++ {
		raw, _ := br.Peek(n)
		if len(raw) < n {
			return 0
		}
		if n < len(bom) && bytes.HasPrefix(bom, raw) {
			continue // a byte order mark, maybe
		}
		b := bytes.TrimLeft(bytes.TrimPrefix(raw, bom), " \t\r\n")
		if len(b) > 0 {
			return b[0]
		}
	}
	return 0
}

// readRecords decodes a JSON array of records or a stream of records
// (NDJSON, or objects one after the other) and adds each.
func readRecords(r io.Reader, name string, add func(*bounce.Record)) error {
	dec := json.NewDecoder(r)
	n := 0
	fail := func(err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("%s: record %d: not JSON at byte %d: %v", name, n+1, se.Offset, se)
		}
		return fmt.Errorf("%s: record %d: %v", name, n+1, err)
	}
	array := false
	if br, ok := r.(*bufio.Reader); ok {
		if b, _ := br.Peek(3); string(b) == "\ufeff" {
			br.Discard(3)
		}
		array = firstByte(br) == '['
	}
	if array {
		if _, err := dec.Token(); err != nil {
			return fail(err)
		}
	}
	for {
		if array && !dec.More() {
			return nil
		}
		var rec bounce.Record
		err := dec.Decode(&rec)
		if err == io.EOF && !array {
			return nil
		}
		if err != nil {
			return fail(err)
		}
		n++
		add(&rec)
	}
}

// actWriter prints the outcomes: text blocks, a JSON array or NDJSON.
type actWriter struct {
	w      *bufio.Writer
	format string
	apply  bool
	n      int
}

func newActWriter(w io.Writer, format string, apply bool) *actWriter {
	return &actWriter{w: bufio.NewWriter(w), format: format, apply: apply}
}

func (a *actWriter) write(o *act.Outcome) error {
	defer func() { a.n++ }()
	switch a.format {
	case "json", "ndjson":
		b, err := json.Marshal(o)
		if err != nil {
			return err
		}
		if a.format == "json" {
			sep := ",\n"
			if a.n == 0 {
				sep = "[\n"
			}
			a.w.WriteString(sep)
		}
		a.w.Write(b)
		if a.format == "ndjson" {
			a.w.WriteByte('\n')
		}
		return nil
	}
	if a.n > 0 {
		a.w.WriteByte('\n')
	}
	where := "ticket " + o.TicketID
	if o.Ticket != nil {
		where += " (" + o.Ticket.Key() + ")"
	}
	rcpts := strings.Join(o.Recipients, ", ")
	switch o.Result {
	case act.Planned:
		fmt.Fprintf(a.w, "would write to %s: %s\n", safe(where), safe(rcpts))
	case act.Written:
		fmt.Fprintf(a.w, "written to %s: %s\n", safe(where), safe(rcpts))
	case act.Skipped:
		fmt.Fprintf(a.w, "skipped %s: already written (%s)\n", safe(where), safe(rcpts))
		return nil
	case act.Unresolved:
		fmt.Fprintf(a.w, "unresolved %s: %s: %s\n", safe(o.Ticket.Key()), safe(o.Error), safe(rcpts))
		return nil
	case act.Failed:
		fmt.Fprintf(a.w, "FAILED %s: %s: %s\n", safe(where), safe(o.Error), safe(rcpts))
	}
	if len(o.Tags) > 0 {
		fmt.Fprintf(a.w, "  tags: %s", safe(strings.Join(o.Tags, " ")))
		if o.Reopen {
			a.w.WriteString("; reopen")
		}
		a.w.WriteByte('\n')
	}
	if o.Result == act.Planned {
		for _, line := range strings.Split(o.Note, "\n") {
			fmt.Fprintf(a.w, "  | %s\n", safe(line))
		}
	}
	return nil
}

func (a *actWriter) close() error {
	if a.format == "json" {
		if a.n == 0 {
			a.w.WriteString("[")
		}
		a.w.WriteString("\n]\n")
	}
	return a.w.Flush()
}
