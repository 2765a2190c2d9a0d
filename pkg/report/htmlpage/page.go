// Package htmlpage renders a report.Report as one self-contained HTML page
// (`bounce report --format html`): headline figures, the addresses to fix,
// the tickets whose notification did not arrive, the refusals of our
// sending, and SVG charts drawn here, with no script library, font or any
// other resource fetched from anywhere.
//
// Everything that comes from a bounce (addresses, reasons, server names,
// ticket numbers, file names) is data: the page is built with html/template,
// which escapes each value for its context, and a Content-Security-Policy
// allows only the page's own style sheet and script (by their hashes), so
// even a value that got through could neither run nor fetch anything.
//
// The page's size depends on Options.Top, Options.Rows and the number of
// days in the report, never on the number of messages read.
package htmlpage

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/bounce-tool/bounce/pkg/report"
	"github.com/bounce-tool/bounce/pkg/status"
)

var (
	//go:embed page.html.tmpl
	pageTemplate string
	//go:embed page.css
	pageCSS string
	//go:embed sort.js
	sortJS string

	tmpl = template.Must(template.New("page").Funcs(template.FuncMap{"dict": dict}).Parse(pageTemplate))
	csp  = "default-src 'none'; style-src '" + hash(pageCSS) + "'; script-src '" + hash(sortJS) +
		"'; base-uri 'none'; form-action 'none'"
)

// hash returns the CSP source of an inline element's text.
func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// Options tune the page. A nil *Options means the defaults.
type Options struct {
	// Title heads the page; "" means "Bounce report".
	Title string
	// Inputs name what was read (files, folders, "standard input"); the
	// first ten are shown.
	Inputs []string
	// Generated is when the report was made; the zero time is not shown.
	Generated time.Time
	// Generator names the program, such as "bounce 1.2.3".
	Generator string
	// TicketURL links ticket numbers to the help desk.
	TicketURL report.TicketURL
	// Top is the number of rows each table shows before the rest, which
	// go in a collapsed <details>; 0 means 10.
	Top int
	// Rows is the number of rows of the address and ticket tables in all
	// (shown and collapsed); the rest are counted, not listed. 0 means all.
	Rows int
}

// maxInputs is the number of input names shown.
const maxInputs = 10

// Write renders r as an HTML page to w.
func Write(w io.Writer, r *report.Report, opts *Options) error {
	if opts == nil {
		opts = &Options{}
	}
	return tmpl.Execute(w, build(r, opts))
}

// page is what the template shows: every value laid out and worded, so
// that the template only places it.
type page struct {
	CSP        string
	CSS        template.CSS
	Script     template.JS
	Title      string
	Generator  string
	Generated  string
	Period     string
	Inputs     []string
	MoreInputs int
	Figures    []figure
	Gate       *gate
	Notes      []string
	Fix        table
	Tickets    table
	Refusals   table
	Days       *timeChart
	Bars       []barChart
	Footer     string
}

type figure struct{ Key, Label, Value, Sub string }

type gate struct {
	Exceeded bool
	Why      []string
	Checked  string
}

// table is a sortable table: Rows shown, More collapsed, Omitted counted.
// A table without a Heading is a chart's data, collapsed under Caption.
type table struct {
	ID, Heading, Intro, Caption, Empty string
	Head                               []column
	Rows, More                         [][]cell
	Omitted                            string
}

type column struct {
	Label string
	Num   bool
	Wrap  string // the cells' class: "wrap" (break anywhere: addresses, names), "nowrap" or ""
}

// cell is a table cell: Text, or a class badge (Class), or Links; Sort,
// when set, is the key the script sorts by.
type cell struct {
	Text, Sort, Class string
	Num               bool
	Links             []link
}

type link struct{ Text, Href string }

func build(r *report.Report, opts *Options) *page {
	top := opts.Top
	if top <= 0 {
		top = 10
	}
	p := &page{CSP: csp, CSS: template.CSS(pageCSS), Script: template.JS(sortJS), Title: opts.Title,
		Generator: opts.Generator}
	if p.Title == "" {
		p.Title = "Bounce report"
	}
	if p.Generator == "" {
		p.Generator = "bounce"
	}
	if !opts.Generated.IsZero() {
		p.Generated = opts.Generated.UTC().Format("2006-01-02 15:04 UTC")
	}
	p.Inputs = opts.Inputs
	if len(p.Inputs) > maxInputs {
		p.Inputs, p.MoreInputs = p.Inputs[:maxInputs], len(p.Inputs)-maxInputs
	}
	if n := len(r.Days); n > 0 {
		p.Period = fmt.Sprintf("Failures dated %s to %s (UTC).", r.Days[0].Date, r.Days[n-1].Date)
		if n == 1 {
			p.Period = fmt.Sprintf("Failures dated %s (UTC).", r.Days[0].Date)
		}
	} else {
		p.Period = "No dated failures."
	}
	t, f := r.Totals, r.Failures
	p.Figures = []figure{
		{"messages", "Messages read", report.Thousands(t.Messages), report.Count(t.Records, "record") + " found"},
		{"failures", "Failures", report.Thousands(f.Failed), fmt.Sprintf("counted once: %s permanent, %s temporary",
			report.Thousands(f.Permanent), report.Thousands(f.Temporary))},
		{"permanent-share", "Permanent share", report.Percent(f.PermanentRate), "of the failures: retrying will not help"},
		{"addresses", "Addresses to fix", report.Thousands(len(r.FixAddresses)), "wrong or gone: correct or remove"},
		{"tickets", "Tickets affected", report.Thousands(len(r.Tickets)), report.Count(f.WithTicket, "failure") + " linked to a ticket"},
	}
	if g := r.Gate; g.FailOn != "" || g.MaxPermanent != nil || g.MaxPermanentRate != nil {
		p.Gate = &gate{Exceeded: g.Exceeded, Why: g.Why, Checked: gateChecked(g)}
	}
	if t.Errors > 0 {
		p.Notes = append(p.Notes, fmt.Sprintf("%s could not be read; bounce inspect names them.", report.Count(t.Errors, "message")))
	}
	if f.Unknown > 0 {
		p.Notes = append(p.Notes, fmt.Sprintf("%s of unknown class are not counted as failures.", report.Count(f.Unknown, "bounce")))
	}
	p.Fix = fixTable(r, opts, top)
	p.Tickets = ticketTable(r, opts, top)
	p.Refusals = refusalTable(r, top)
	p.Days = dayChart(r.Days, f.Failed)
	p.Bars = []barChart{
		rankingChart("reasons", "Top reasons", "Reason", r.Reasons, nil),
		rankingChart("statuses", "Top status codes", "Status code", r.Statuses, func(e report.Entry) string {
			return strings.TrimSpace(e.Value + " " + e.Title)
		}),
		rankingChart("domains", "Top recipient domains", "Domain", r.Domains, nil),
		rankingChart("servers", "Top reporting servers", "Server", r.Servers, nil),
	}
	p.Footer = "Made by " + p.Generator + ". A failure is one original message to one recipient, counted once by its " +
		"latest state (a delay followed by a failure counts as the failure). bounce report --format json has every address and ticket."
	return p
}

func gateChecked(g report.GateResult) string {
	var c []string
	if g.FailOn != "" {
		c = append(c, "--fail-on "+g.FailOn)
	}
	if g.MaxPermanent != nil {
		c = append(c, "--max-permanent "+strconv.Itoa(*g.MaxPermanent))
	}
	if g.MaxPermanentRate != nil {
		c = append(c, "--max-permanent-rate "+strconv.FormatFloat(*g.MaxPermanentRate, 'g', -1, 64))
	}
	return strings.Join(c, ", ")
}

// split puts rows into t: the first top shown, the rest up to rows
// collapsed, and the number of those beyond said in words.
func (t *table) split(all [][]cell, total, top, rows int) {
	if rows > 0 && len(all) > rows {
		all = all[:rows]
	}
	t.Rows = all
	if len(all) > top {
		t.Rows, t.More = all[:top], all[top:]
	}
	if n := total - len(all); n > 0 {
		t.Omitted = fmt.Sprintf("… and %s more, not listed here: bounce report --format json lists them all (or --rows 0).", report.Thousands(n))
	}
}

func fixTable(r *report.Report, opts *Options, top int) table {
	t := table{ID: "fix", Heading: fmt.Sprintf("Addresses to fix (%s)", report.Thousands(len(r.FixAddresses))),
		Intro: "Recipients whose latest failure is a permanent one about the address itself (unknown user or domain, " +
			"moved, suspended): correct them in the help desk or remove them.",
		Empty: "None: no recipient's latest failure is a permanent one about the address.",
		Head: []column{{"Recipient", false, "wrap"}, {"Reason", false, "nowrap"}, {"Status", false, ""},
			{"Last seen (UTC)", false, "nowrap"}, {"Failures", true, ""}, {"Tickets", false, ""}}}
	var rows [][]cell
	for i, a := range r.FixAddresses {
		if opts.Rows > 0 && i == opts.Rows {
			break
		}
		links := make([]link, len(a.Tickets))
		for j, tk := range a.Tickets {
			links[j] = ticketLink(tk, opts.TicketURL)
		}
		rows = append(rows, []cell{{Text: a.Recipient}, {Text: a.Reason}, {Text: statusText(a.Status)},
			{Text: when(a.Date), Sort: a.Date}, {Text: strconv.Itoa(a.Failures), Num: true}, {Links: links}})
	}
	t.split(rows, len(r.FixAddresses), top, opts.Rows)
	return t
}

func ticketTable(r *report.Report, opts *Options, top int) table {
	t := table{ID: "tickets", Heading: fmt.Sprintf("Tickets whose notification did not arrive (%s)", report.Thousands(len(r.Tickets))),
		Intro: "Help-desk tickets with a failed notification: tell the agent on the ticket that the customer did not get the answer.",
		Empty: "None: no failure was linked to a help-desk ticket.",
		Head: []column{{"Ticket", false, ""}, {"Recipients", false, "wrap"}, {"Class", false, ""}, {"Reason", false, ""},
			{"When (UTC)", false, "nowrap"}, {"Failures", true, ""}}}
	var rows [][]cell
	for i, tk := range r.Tickets {
		if opts.Rows > 0 && i == opts.Rows {
			break
		}
		rows = append(rows, []cell{{Links: []link{ticketLink(tk.TicketRef, opts.TicketURL)}, Sort: tk.Key()},
			{Text: report.RecipientList(tk.Recipients, 3)}, classCell(tk.WorstClass),
			{Text: strings.TrimSpace(tk.LatestReason + " " + paren(tk.LatestStatus))},
			{Text: when(tk.LatestDate), Sort: tk.LatestDate}, {Text: strconv.Itoa(tk.Failures), Num: true}})
	}
	t.split(rows, len(r.Tickets), top, opts.Rows)
	return t
}

func refusalTable(r *report.Report, top int) table {
	rf := r.Refusals
	t := table{ID: "refusals", Heading: fmt.Sprintf("Our sending is being refused (%s)", report.Count(rf.Failed, "failure")),
		Intro: "Failures on the sender's side, by receiving provider and reporting server: a blocklist names the sending " +
			"IP or domain, SPF, DKIM or DMARC failed, or the sender's reputation or address was refused. Retrying will not " +
			"help until the sending setup is fixed.",
		Empty: "None: no failure names a blocklist, a failed SPF/DKIM/DMARC check or a refused sender.",
		Head: []column{{"Provider", false, "wrap"}, {"Reporting server", false, "wrap"}, {"Cause", false, ""},
			{"Reason", false, ""}, {"Failures", true, ""}, {"Permanent", true, ""}, {"Temporary", true, ""},
			{"Last seen (UTC)", false, "nowrap"}}}
	rows := make([][]cell, 0, len(rf.Top))
	for _, x := range rf.Top {
		rows = append(rows, []cell{{Text: orNone(x.Provider)}, {Text: orNone(x.Server)}, {Text: x.Cause}, {Text: x.Reason},
			{Text: strconv.Itoa(x.Count), Num: true}, {Text: strconv.Itoa(x.Permanent), Num: true},
			{Text: strconv.Itoa(x.Temporary), Num: true}, {Text: when(x.LatestDate), Sort: x.LatestDate}})
	}
	t.split(rows, len(rows), top, 0)
	if rf.Other > 0 {
		t.Omitted = fmt.Sprintf("… and %s more from %d other provider, server and cause combinations (--top 0 lists all).",
			report.Count(rf.Other, "failure"), rf.Distinct-len(rf.Top))
	}
	return t
}

func ticketLink(ref report.TicketRef, u report.TicketURL) link {
	return link{Text: ref.Key(), Href: u.Link(ref)}
}

// classCell shows a class as a labelled badge; only the two known classes
// get a style.
func classCell(class string) cell {
	switch class {
	case "permanent", "temporary":
		return cell{Text: class, Class: class}
	}
	return cell{Text: class}
}

func statusText(code string) string {
	if code == "" {
		return ""
	}
	if c, ok := status.Parse(code); ok {
		if title := status.Describe(c); title != "" {
			return code + " " + title
		}
	}
	return code
}

// when shows an RFC 3339 date as a UTC minute; another text as it is.
func when(s string) string {
	if s == "" {
		return ""
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// dict builds a map for a sub-template from key, value pairs.
func dict(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// Align returns the class of the cell in column c: "num", "wrap", "nowrap"
// or "".
func (x cell) Align(c column) string {
	if x.Num || c.Num {
		return "num"
	}
	return c.Wrap
}
