package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/bounce-tool/bounce/pkg/status"

	"github.com/bounce-tool/bounce/pkg/report"
	"github.com/fatih/color"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// renderReport writes rep in opts' format.
func renderReport(ios *IOStreams, opts *reportOptions, rep *report.Report) error {
	if opts.Format == "json" {
		enc := json.NewEncoder(ios.Out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	if opts.Format == "html" {
		return writeHTMLReport(ios, opts, rep)
	}
	ew := &errWriter{w: ios.Out}
	var rw reportWriter
	switch {
	case opts.Format == "markdown":
		rw = &markdownWriter{w: ew}
	case ios.IsStdoutTTY():
		rw = &terminalWriter{plainWriter: plainWriter{w: ew, width: ios.Width(), bold: true, wrap: true}, ios: ios}
	default:
		rw = &plainWriter{w: ew, width: ios.Width()}
	}
	writeReport(rw, rep, opts.Rows, opts.ticketURL)
	return ew.err
}

// errWriter keeps the first write error, so that rendering code can write
// freely and check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return len(p), nil
	}
	_, e.err = e.w.Write(p)
	return len(p), nil
}

// reportWriter lays out the parts of a report in one output style.
type reportWriter interface {
	title(s string)
	section(s string)
	para(s string)
	// table writes rows under header; right marks right-aligned columns.
	table(header []string, right []bool, rows [][]string)
	// bars draws one bar per entry, permanent and temporary parts apart.
	bars(label string, entries []report.Entry, other int)
}

// writeReport lays out rep: the same content in every style.
func writeReport(rw reportWriter, rep *report.Report, rows int, links report.TicketURL) {
	t, f := rep.Totals, rep.Failures
	rw.title("Bounce report")
	rw.para(fmt.Sprintf("%s read, %s.", report.Count(t.Messages, "message"), report.Count(t.Records, "record")))

	rw.section("Totals")
	n := strconv.Itoa
	rw.table([]string{"", "RECORDS", "COUNTED ONCE"}, []bool{false, true, true}, [][]string{
		{"bounce: permanent", n(t.Permanent), n(f.Permanent)},
		{"bounce: temporary", n(t.Temporary), n(f.Temporary)},
		{"bounce: success", n(t.Success), n(f.Success)},
		{"bounce: unknown class", n(t.Unknown), n(f.Unknown)},
		{"bounce", n(t.Bounces), n(f.Groups)},
		{"feedback", n(t.Feedback), ""},
		{"autoreply", n(t.Autoreply), ""},
		{"other", n(t.Other), ""},
		{"errors", n(t.Errors), ""},
	})
	if f.Failed == 0 {
		rw.para("No failures.")
	} else {
		rw.para(fmt.Sprintf("%s (%s permanent, %s temporary), each counted once: %s permanent; %s; %s linked to a ticket.",
			report.Count(f.Failed, "failure"), report.Thousands(f.Permanent), report.Thousands(f.Temporary), report.Percent(f.PermanentRate),
			report.Count(f.Recipients, "recipient"), report.Thousands(f.WithTicket)))
	}

	if f.Failed > 0 {
		rw.section("Reasons")
		rw.bars("REASON", rep.Reasons.Top, rep.Reasons.Other)
		rankingTable(rw, "Status codes", "STATUS", rep.Statuses, true)
		rankingTable(rw, "Recipient domains", "DOMAIN", rep.Domains, false)
		rankingTable(rw, "Reporting servers", "SERVER", rep.Servers, false)
		if rep.Blocklists.Distinct > 0 {
			rankingTable(rw, "Blocklists named", "BLOCKLIST", rep.Blocklists, false)
		}
	}

	rw.section(fmt.Sprintf("Fix these addresses (%d)", len(rep.FixAddresses)))
	if len(rep.FixAddresses) == 0 {
		rw.para("None: no recipient's latest failure is a permanent one about the address.")
	} else {
		var body [][]string
		for i, a := range rep.FixAddresses {
			if rows > 0 && i == rows {
				break
			}
			body = append(body, []string{a.Recipient, a.Reason, a.Status, day(a.Date), ticketCell(rw, links, a.Tickets...)})
		}
		rw.table([]string{"RECIPIENT", "REASON", "STATUS", "DATE", "TICKETS"}, nil, body)
		more(rw, len(rep.FixAddresses), rows)
	}

	rw.section(fmt.Sprintf("Tickets affected (%d)", len(rep.Tickets)))
	if len(rep.Tickets) == 0 {
		rw.para("None: no failure was linked to a help-desk ticket.")
	} else {
		var body [][]string
		for i, tk := range rep.Tickets {
			if rows > 0 && i == rows {
				break
			}
			body = append(body, []string{ticketCell(rw, links, tk.TicketRef), report.RecipientList(tk.Recipients, 3), tk.WorstClass,
				strings.TrimSpace(tk.LatestStatus + " " + tk.LatestReason)})
		}
		rw.table([]string{"TICKET", "FAILING RECIPIENTS", "WORST", "LATEST"}, nil, body)
		more(rw, len(rep.Tickets), rows)
	}

	if g := rep.Gate; g.FailOn != "" || g.MaxPermanent != nil || g.MaxPermanentRate != nil {
		rw.section("Gate")
		if g.Exceeded {
			rw.para("Exceeded: " + strings.Join(g.Why, "; ") + ".")
		} else {
			rw.para("Passed.")
		}
	}
}

func rankingTable(rw reportWriter, title, column string, r report.Ranking, titled bool) {
	rw.section(title)
	header := []string{column, "FAILURES", "PERMANENT", "TEMPORARY"}
	right := []bool{false, true, true, true}
	if titled {
		header = []string{column, "TITLE", "FAILURES", "PERMANENT", "TEMPORARY"}
		right = []bool{false, false, true, true, true}
	}
	var rows [][]string
	for _, e := range r.Top {
		v := e.Value
		if v == "" {
			v = "(none)"
		}
		row := []string{v, strconv.Itoa(e.Count), strconv.Itoa(e.Permanent), strconv.Itoa(e.Temporary)}
		if titled {
			row = append([]string{v, e.Title}, row[1:]...)
		}
		rows = append(rows, row)
	}
	if r.Other > 0 {
		row := []string{fmt.Sprintf("(%d more)", r.Distinct-len(r.Top)), strconv.Itoa(r.Other), "", ""}
		if titled {
			row = append([]string{row[0], ""}, row[1:]...)
		}
		rows = append(rows, row)
	}
	rw.table(header, right, rows)
}

func more(rw reportWriter, total, rows int) {
	if rows > 0 && total > rows {
		rw.para(fmt.Sprintf("... and %d more (--rows 0 shows all; --format json always has all).", total-rows))
	}
}

// day returns the date of an RFC 3339 time, as the sender wrote it.
func day(rfc3339 string) string {
	if len(rfc3339) >= 10 {
		return rfc3339[:10]
	}
	return rfc3339
}

// The glyphs of the bar chart: full blocks for permanent failures, shaded
// ones for temporary, so the two parts differ without colour too.
const (
	barPermanent = "█"
	barTemporary = "▒"
)

// barCells splits a bar of width cells (for a count of max) into its
// permanent and temporary parts; a non-zero part gets at least one cell.
func barCells(e report.Entry, max, width int) (perm, temp int) {
	if max <= 0 {
		return 0, 0
	}
	total := int(math.Round(float64(e.Count) * float64(width) / float64(max)))
	perm = int(math.Round(float64(e.Permanent) * float64(width) / float64(max)))
	if e.Permanent > 0 && perm == 0 {
		perm = 1
	}
	temp = total - perm
	if e.Temporary > 0 && temp < 1 {
		temp = 1
	}
	if e.Temporary == 0 {
		temp = 0
	}
	return perm, temp
}

// plainWriter writes plain text: aligned columns, no colour.
type plainWriter struct {
	w         io.Writer
	width     int
	bold      bool // bold headings (terminalWriter's)
	wrap      bool // wrap paragraphs to width (on a terminal)
	n         int  // blocks written
	afterList bool // the last block was a table or chart
}

func (p *plainWriter) gap() {
	if p.n > 0 {
		fmt.Fprintln(p.w)
	}
	p.n++
}

func (p *plainWriter) title(s string) {
	p.gap()
	p.heading(s)
}

func (p *plainWriter) section(s string) {
	p.afterList = false
	p.gap()
	p.heading(s)
}

// heading writes the line of a title or section, in bold when p.bold.
func (p *plainWriter) heading(s string) {
	s = safe(s)
	if p.bold {
		s = color.New(color.Bold).Sprint(s)
	}
	fmt.Fprintln(p.w, s)
	p.n = 0
}

func (p *plainWriter) para(s string) {
	if p.afterList {
		fmt.Fprintln(p.w)
	}
	if p.wrap {
		io.WriteString(p.w, wrapValue("  ", safe(s), p.width))
	} else {
		fmt.Fprintln(p.w, "  "+safe(s))
	}
	p.n++
	p.afterList = false
}

func (p *plainWriter) table(header []string, right []bool, rows [][]string) {
	all := append([][]string{header}, rows...)
	widths := make([]int, len(header))
	for _, row := range all {
		for i, c := range row {
			widths[i] = max(widths[i], displayWidth(safe(c)))
		}
	}
	for _, row := range all {
		var b strings.Builder
		for i, c := range row {
			c = safe(c)
			pad := strings.Repeat(" ", widths[i]-displayWidth(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if i < len(right) && right[i] {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		fmt.Fprintln(p.w, "  "+strings.TrimRight(b.String(), " "))
	}
	p.n++
	p.afterList = true
}

func (p *plainWriter) bars(label string, entries []report.Entry, other int) {
	p.drawBars(entries, other, func(s string, _ bool) string { return s })
	p.n++
}

// drawBars draws the bar chart, painting each part with paint.
func (p *plainWriter) drawBars(entries []report.Entry, other int, paint func(s string, permanent bool) string) {
	labelW, countW, maxCount := 0, 0, 0
	for _, e := range entries {
		labelW = max(labelW, displayWidth(safe(e.Value)))
		countW = max(countW, len(strconv.Itoa(e.Count)))
		maxCount = max(maxCount, e.Count)
	}
	width := min(40, p.width-labelW-countW-6)
	width = max(width, 10)
	for _, e := range entries {
		perm, temp := barCells(e, maxCount, width)
		label := safe(e.Value)
		fmt.Fprintf(p.w, "  %s%s  %*d  %s%s\n", label, strings.Repeat(" ", labelW-displayWidth(label)), countW, e.Count,
			paint(strings.Repeat(barPermanent, perm), true), paint(strings.Repeat(barTemporary, temp), false))
	}
	if other > 0 {
		fmt.Fprintf(p.w, "  (%d more failures with other reasons)\n", other)
	}
	fmt.Fprintf(p.w, "  %s permanent  %s temporary\n", paint(barPermanent, true), paint(barTemporary, false))
}

// terminalWriter draws bold headings, boxed tables sized to the terminal
// and a coloured bar chart.
type terminalWriter struct {
	plainWriter
	ios *IOStreams
}

func (t *terminalWriter) table(header []string, right []bool, rows [][]string) {
	cells := make([][]string, len(rows))
	for r, row := range rows {
		cells[r] = make([]string, len(row))
		for i, c := range row {
			cells[r][i] = safe(c)
			if header[i] == "TICKETS" || header[i] == "FAILING RECIPIENTS" {
				// One ticket or address a line: the column stays narrow
				// and none is cut.
				cells[r][i] = strings.ReplaceAll(cells[r][i], ", ", "\n")
			}
		}
	}
	// The columns that say who failed and where it belongs are never cut;
	// the others give way, and below the width those need each row
	// becomes a block.
	var spec fitSpec
	for i, h := range header {
		switch h {
		case "RECIPIENT", "FAILING RECIPIENTS", "STATUS", "REASON", "TICKET", "TICKETS", "WORST":
			spec.keep = append(spec.keep, i)
		case "DATE":
			spec.drop = append(spec.drop, i)
		default:
			spec.give = append(spec.give, i)
		}
	}
	visible, ok := fitTable(header, cells, t.ios.Width(), spec)
	if !ok {
		writeBlocks(t.w, header, cells, t.ios.Width())
		t.n++
		t.afterList = true
		return
	}
	for r := range cells {
		for i, h := range header {
			if h == "WORST" {
				cells[r][i] = classColor(status.ParseClass(rows[r][i])).Sprint(cells[r][i])
			}
		}
	}
	align := alignments(len(header), right)
	tb := tablewriter.NewTable(t.w,
		tablewriter.WithRenderer(renderer.NewBlueprint()),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: project(align, visible)}),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
	)
	tb.Header(toAny(project(header, visible))...)
	for _, row := range cells {
		tb.Append(project(row, visible))
	}
	tb.Render()
	t.n++
	t.afterList = true
}

func (t *terminalWriter) bars(label string, entries []report.Entry, other int) {
	t.drawBars(entries, other, func(s string, permanent bool) string {
		if s == "" {
			return s
		}
		cls := status.ClassTemporary
		if permanent {
			cls = status.ClassPermanent
		}
		return classColor(cls).Sprint(s)
	})
	t.n++
}

// alignments returns the alignment of n columns: right where right says
// so, left otherwise.
func alignments(n int, right []bool) []tw.Align {
	align := make([]tw.Align, n)
	for i := range align {
		align[i] = tw.AlignLeft
		if i < len(right) && right[i] {
			align[i] = tw.AlignRight
		}
	}
	return align
}

// markdownWriter writes GitHub-flavoured markdown, for CI job summaries.
type markdownWriter struct {
	w   io.Writer
	n   int
	raw map[string]bool // cells already in markdown (ticket links), not escaped again
}

func (m *markdownWriter) gap() {
	if m.n > 0 {
		fmt.Fprintln(m.w)
	}
	m.n++
}

func (m *markdownWriter) title(s string)   { m.gap(); fmt.Fprintf(m.w, "## %s\n", mdEscape(s)) }
func (m *markdownWriter) section(s string) { m.gap(); fmt.Fprintf(m.w, "### %s\n", mdEscape(s)) }
func (m *markdownWriter) para(s string)    { m.gap(); fmt.Fprintln(m.w, mdEscape(s)) }

func (m *markdownWriter) table(header []string, right []bool, rows [][]string) {
	m.gap()
	align := alignments(len(header), right)
	h := make([]any, len(header))
	for i := range header {
		h[i] = mdEscape(strings.ToLower(header[i]))
	}
	tb := tablewriter.NewTable(m.w,
		tablewriter.WithRenderer(renderer.NewMarkdown()),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
	)
	tb.Header(h...)
	for _, row := range rows {
		cells := make([]string, len(row))
		for i, c := range row {
			if !m.raw[c] {
				c = mdEscape(c)
			}
			cells[i] = c
		}
		tb.Append(cells)
	}
	tb.Render()
}

func (m *markdownWriter) bars(label string, entries []report.Entry, other int) {
	maxCount := 0
	for _, e := range entries {
		maxCount = max(maxCount, e.Count)
	}
	var rows [][]string
	for _, e := range entries {
		perm, temp := barCells(e, maxCount, 20)
		rows = append(rows, []string{e.Value, strconv.Itoa(e.Count), strconv.Itoa(e.Permanent), strconv.Itoa(e.Temporary),
			strings.Repeat(barPermanent, perm) + strings.Repeat(barTemporary, temp)})
	}
	if other > 0 {
		rows = append(rows, []string{"(other reasons)", strconv.Itoa(other), "", "", ""})
	}
	m.table([]string{label, "FAILURES", "PERMANENT", "TEMPORARY", barPermanent + " PERMANENT " + barTemporary + " TEMPORARY"},
		[]bool{false, true, true, true, false}, rows)
}

// mdEscape makes text safe inside markdown: control characters go (as in
// safe), and the characters that start markup or end a table cell are
// escaped.
func mdEscape(s string) string {
	s = safe(s)
	if !strings.ContainsAny(s, "\\|*_`<>[]#~") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\|*_`<>[]#~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// displayWidth is the number of terminal cells s takes (wide East Asian
// characters take two).
func displayWidth(s string) int { return twwidth.Width(s) }
