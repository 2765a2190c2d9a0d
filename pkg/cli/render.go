package cli

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/status"
	"github.com/bounce-tool/bounce/pkg/ticket"
	"github.com/fatih/color"
	"github.com/mattn/go-runewidth"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// recordSink writes records in one output format. Write gets the records of
// one message at a time, in input order.
type recordSink interface {
	Write(recs []bounce.Record) error
	Close() error
}

// The output formats of inspect.
var inspectFormats = []string{"text", "table", "json", "ndjson", "csv"}

func newRecordSink(format string, ios *IOStreams, why bool) recordSink {
	switch format {
	case "json":
		return &jsonSink{w: newBlockWriter(ios)}
	case "ndjson":
		return &ndjsonSink{w: newBlockWriter(ios)}
	case "csv":
		w := newBlockWriter(ios)
		return &csvSink{bw: w, w: csv.NewWriter(w)}
	case "text":
		return &cardSink{ios: ios, why: why}
	case "table":
		return &tableSink{ios: ios, why: why}
	}
	return &autoSink{ios: ios, why: why}
}

func newEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// blockWriter buffers the output of the JSON and CSV sinks: one write
// system call per record costs more than encoding it on a large mbox. On a
// terminal it is flushed after every message, elsewhere when full; the
// sinks flush it at Close.
type blockWriter struct {
	*bufio.Writer
	tty bool
}

func newBlockWriter(ios *IOStreams) *blockWriter {
	return &blockWriter{Writer: bufio.NewWriterSize(ios.Out, 64<<10), tty: ios.IsStdoutTTY()}
}

// done ends the output of one message: on a terminal it shows now.
func (w *blockWriter) done(err error) error {
	if err == nil && w.tty {
		err = w.Flush()
	}
	return err
}

// ndjsonSink writes one JSON object per line.
type ndjsonSink struct {
	w   *blockWriter
	buf []byte // scratch: one record's line
}

func (s *ndjsonSink) Write(recs []bounce.Record) error {
	for i := range recs {
		s.buf = append(bounce.AppendJSON(s.buf[:0], &recs[i]), '\n')
		if _, err := s.w.Write(s.buf); err != nil {
			return err
		}
	}
	return s.w.done(nil)
}

// A preEncoder is a sink whose output for one message can be made ahead,
// on the goroutine that analysed it: encodeRecords encodes the records,
// writeEncoded writes that in input order. Encoding costs more than
// writing, so this keeps the one goroutine that writes from holding up the
// others.
type preEncoder interface {
	writeEncoded(lines []byte) error
}

// encodeRecords encodes records as the JSON sinks write them: one object a
// line, each line ended by "\n" (bounce.AppendJSON); nil when the output
// grows beyond maxPreEncoded: the sink then writes the records as it
// encodes them, so that no message's whole output is held in one buffer.
// The buffer comes from encodeBufs: releaseEncoded gives it back once it is
// written, so that the workers encode into a few buffers reused rather than
// a new one per message.
func encodeRecords(recs []bounce.Record) *[]byte {
	p := encodeBufs.Get().(*[]byte)
	buf := (*p)[:0]
	for i := range recs {
		buf = append(bounce.AppendJSON(buf, &recs[i]), '\n')
		if len(buf) > maxPreEncoded {
			*p = buf
			releaseEncoded(p)
			return nil
		}
	}
	*p = buf
	return p
}

// encodeBufs are the buffers of encodeRecords: as many as messages are
// encoded or wait to be written at once (a few per worker).
var encodeBufs = sync.Pool{New: func() any { return new([]byte) }}

// releaseEncoded gives back a buffer of encodeRecords once written. One
// that grew large for a message of many records is dropped, so that the
// pool holds little memory.
func releaseEncoded(p *[]byte) {
	if p == nil || cap(*p) > maxPooledEncoded {
		return
	}
	*p = (*p)[:0]
	encodeBufs.Put(p)
}

// maxPreEncoded bounds the output of one message encoded ahead on a worker.
const maxPreEncoded = 256 << 10

// maxPooledEncoded bounds the buffers encodeBufs keeps.
const maxPooledEncoded = 64 << 10

func (s *ndjsonSink) writeEncoded(lines []byte) error {
	_, err := s.w.Write(lines)
	return s.w.done(err)
}

func (s *ndjsonSink) Close() error { return s.w.Flush() }

// jsonSink writes one JSON array, streaming: one element per line.
type jsonSink struct {
	w   *blockWriter
	arr jsonArray
	buf []byte // scratch: one record's element
}

func (s *jsonSink) Write(recs []bounce.Record) error {
	for i := range recs {
		s.buf = bounce.AppendJSON(s.buf[:0], &recs[i])
		if err := s.arr.addEncoded(s.w, s.buf); err != nil {
			return err
		}
	}
	return s.w.done(nil)
}

func (s *jsonSink) writeEncoded(lines []byte) error {
	for len(lines) > 0 {
		line, rest, _ := bytes.Cut(lines, []byte("\n"))
		if err := s.arr.addEncoded(s.w, line); err != nil {
			return err
		}
		lines = rest
	}
	return s.w.done(nil)
}

func (s *jsonSink) Close() error {
	err := s.arr.end(s.w)
	if err == nil {
		_, err = io.WriteString(s.w, "\n")
	}
	if ferr := s.w.Flush(); err == nil {
		err = ferr
	}
	return err
}

// jsonArray writes the elements of a JSON array as they come, one a line:
// "[", the elements separated by ",", then "]" (or "[]" when empty).
type jsonArray struct{ n int }

func (a *jsonArray) add(w io.Writer, v any) error {
	// Like the ndjson encoder: no HTML escaping, so that "<a@b>" in a
	// diagnostic reads the same in both formats.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return a.addEncoded(w, bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// addEncoded writes an element already encoded, without a line end.
func (a *jsonArray) addEncoded(w io.Writer, b []byte) error {
	sep := ",\n"
	if a.n == 0 {
		sep = "[\n"
	}
	a.n++
	if _, err := io.WriteString(w, sep); err != nil {
		return err
	}
	_, err := w.Write(b)
	return err
}

// end closes the array, without a line end.
func (a *jsonArray) end(w io.Writer) error {
	end := "\n]"
	if a.n == 0 {
		end = "[]"
	}
	_, err := io.WriteString(w, end)
	return err
}

// csvColumns are the CSV columns: the record's fields in contract order.
var csvColumns = []string{"source", "index", "kind", "recipient", "original_recipient", "action", "status",
	"status_source", "class", "reply_code", "diagnostic", "reason", "reporting_mta", "remote_mta",
	"smtp_command", "date", "mta", "original_message_id", "original_from", "original_to", "original_subject",
	"original_date", "ticket_id", "ticket_encoded_id", "ticket_system", "ticket_source", "group", "error",
	"blocklist", "auth", "feedback_type", "truncated", "path", "status_title", "advice"}

func csvRow(r *bounce.Record) []string {
	var tid, tenc, tsys, tsrc string
	if r.Ticket != nil {
		tid, tenc, tsys, tsrc = r.Ticket.ID, r.Ticket.EncodedID, r.Ticket.System, r.Ticket.Source
	}
	row := []string{r.Source, strconv.Itoa(r.Index), r.Kind, r.Recipient, r.OriginalRecipient, r.Action, r.Status.String(),
		r.StatusSource, r.ClassText(), r.ReplyCode.String(), r.Diagnostic, r.Reason, r.ReportingMTA, r.RemoteMTA,
		r.SMTPCommand, r.Date, r.MTA, r.Original.MessageID, r.Original.From, r.Original.To, r.Original.Subject,
		r.Original.Date, tid, tenc, tsys, tsrc, r.Group, r.Error, r.Blocklist, r.Auth, r.FeedbackType, r.Truncated,
		r.Path, r.StatusTitle, r.Advice}
	for i := range row {
		row[i] = csvSafe(row[i])
	}
	return row
}

// csvSink writes a header row and one row per record, through a
// blockWriter.
type csvSink struct {
	bw     *blockWriter
	w      *csv.Writer
	header bool
}

func (s *csvSink) Write(recs []bounce.Record) error {
	if !s.header {
		s.header = true
		if err := s.w.Write(csvColumns); err != nil {
			return err
		}
	}
	for i := range recs {
		if err := s.w.Write(csvRow(&recs[i])); err != nil {
			return err
		}
	}
	s.w.Flush() // into the blockWriter, which writes when full or on a terminal
	return s.bw.done(s.w.Error())
}

func (s *csvSink) Close() error {
	if !s.header {
		s.header = true
		s.w.Write(csvColumns)
	}
	s.w.Flush()
	err := s.w.Error()
	if ferr := s.bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

// autoSink shows a card when the input held one message and a table when it
// held more: it holds the first message's records until it knows which.
type autoSink struct {
	ios   *IOStreams
	why   bool // show what decided each record (--why)
	first []bounce.Record
	msgs  int
	table *tableSink
}

func (s *autoSink) Write(recs []bounce.Record) error {
	s.msgs++
	switch s.msgs {
	case 1:
		s.first = recs
		return nil
	case 2:
		s.table = &tableSink{ios: s.ios, why: s.why}
		if err := s.table.Write(s.first); err != nil {
			return err
		}
		s.first = nil
	}
	return s.table.Write(recs)
}

func (s *autoSink) Close() error {
	if s.table != nil {
		return s.table.Close()
	}
	c := &cardSink{ios: s.ios, why: s.why}
	if err := c.Write(s.first); err != nil {
		return err
	}
	return c.Close()
}

// tableSink writes one row per record: a box sized to the terminal on a
// terminal, tab-separated values otherwise.
type tableSink struct {
	ios *IOStreams
	t   *rowTable
	why bool // a WHY column (--why)
}

var tableHeader = []string{"MESSAGE", "KIND", "RECIPIENT", "STATUS", "CLASS", "REASON", "TICKET", "SERVER", "DIAGNOSTIC"}

// tableFit lets the diagnostic, the server and the message's path give
// way first (the path is cut at its start: its file name stays), then
// drops them, the kind and the class; the recipient, status, reason and
// ticket are never cut. Below the width those need, each record becomes a
// block.
var tableFit = fitSpec{keep: []int{2, 3, 5, 6}, give: []int{8, 7, 0}, drop: []int{8, 7, 1, 4, 0}, keepEnd: []int{0}}

// ticketLabel names a ticket in a table cell: its system and number, or
// its encoded id when it has no number.
func ticketLabel(t *ticket.Ticket) string {
	switch {
	case t == nil:
		return ""
	case t.ID != "":
		return t.System + " #" + t.ID
	}
	return strings.TrimSpace(t.System + " " + t.EncodedID)
}

// messageLabel names the message a record came from: the file inside a
// folder or Maildir (from the folder given), else the input and the
// message's position in it.
func messageLabel(r *bounce.Record) string {
	if r.Path != "" && r.Path != r.Source {
		// Inside the folder given: the path from there (cur/1700....S),
		// which the table shows whole more often.
		if rel, ok := strings.CutPrefix(r.Path, strings.TrimSuffix(r.Source, "/")+"/"); ok && rel != "" {
			return rel
		}
		return r.Path
	}
	return fmt.Sprintf("%s#%d", r.Source, r.Index)
}

func tableRow(r *bounce.Record) []string {
	server := r.RemoteMTA
	if server == "" {
		server = r.ReportingMTA
	}
	detail := r.Diagnostic
	if r.Kind == bounce.KindError {
		detail = plainError(r.Error)
	}
	reason := r.Reason
	if reason == "" && r.Kind != bounce.KindBounce {
		reason = "(" + r.Kind + ")" // a row that is not a bounce says so even without its KIND column
	}
	row := []string{messageLabel(r), r.Kind, r.Recipient, r.Status.String(), r.ClassText(), reason, ticketLabel(r.Ticket), server, detail}
	for i := range row {
		row[i] = safe(row[i])
	}
	return row
}

func (s *tableSink) table() *rowTable {
	if s.t == nil {
		s.t = &rowTable{ios: s.ios, header: tableHeader, fit: tableFit, colour: func(row []string) {
			row[4] = classColor(status.ParseClass(row[4])).Sprint(row[4])
		}}
		if s.why {
			// The WHY column gives way first.
			s.t.header = append(append([]string(nil), tableHeader...), "WHY")
			w := len(tableHeader)
			s.t.fit.give = append([]int{w}, tableFit.give...)
			s.t.fit.drop = append([]int{w}, tableFit.drop...)
		}
	}
	return s.t
}

func (s *tableSink) Write(recs []bounce.Record) error {
	t := s.table()
	for i := range recs {
		row := tableRow(&recs[i])
		if s.why {
			row = append(row, safe(whyLine(&recs[i])))
		}
		if err := t.add(row); err != nil {
			return err
		}
	}
	return nil
}

func (s *tableSink) Close() error { return s.table().close() }

// rowTable writes rows of safe() cells under a header. On a terminal it
// holds the rows and draws a box sized to the terminal at close, after
// colour has been applied to each row; otherwise it streams tab-separated
// values (tabs inside cells become spaces), header first.
type rowTable struct {
	ios    *IOStreams
	header []string
	colour func(row []string) // may be nil
	// fit says how the columns give way to the terminal's width.
	fit   fitSpec
	rows  [][]string
	wrote bool
}

func (t *rowTable) add(row []string) error {
	if t.ios.IsStdoutTTY() {
		t.rows = append(t.rows, row)
		return nil
	}
	// Plain TSV streams: no need to hold rows.
	if err := t.writeHeader(); err != nil {
		return err
	}
	for j := range row {
		row[j] = strings.ReplaceAll(row[j], "\t", " ")
	}
	_, err := fmt.Fprintln(t.ios.Out, strings.Join(row, "\t"))
	return err
}

func (t *rowTable) writeHeader() error {
	if t.wrote {
		return nil
	}
	t.wrote = true
	_, err := fmt.Fprintln(t.ios.Out, strings.Join(t.header, "\t"))
	return err
}

func (t *rowTable) close() error {
	if !t.ios.IsStdoutTTY() {
		return t.writeHeader()
	}
	visible, ok := fitTable(t.header, t.rows, t.ios.Width(), t.fit)
	if !ok {
		return writeBlocks(t.ios.Out, t.header, t.rows, t.ios.Width())
	}
	tw := newTable(t.ios, len(visible))
	tw.Header(toAny(project(t.header, visible))...)
	for _, row := range t.rows {
		if t.colour != nil {
			t.colour(row)
		}
		if err := tw.Append(project(row, visible)); err != nil {
			return err
		}
	}
	return tw.Render()
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// newTable returns a boxed table for rows that fitRows has fitted to the
// terminal width.
func newTable(ios *IOStreams, cols int) *tablewriter.Table {
	return tablewriter.NewTable(ios.Out,
		tablewriter.WithRenderer(renderer.NewBlueprint()),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithMaxWidth(ios.Width()),
		tablewriter.WithRowAutoWrap(tw.WrapNone), // fitRows has made every row fit
	)
}

// truncate cuts s to w display columns with an ellipsis at its end, or at
// its start when keepEnd is set.
func truncate(s string, w int, keepEnd bool) string {
	if !keepEnd {
		return runewidth.Truncate(s, w, "…")
	}
	r := []rune(s)
	for i := range r {
		if runewidth.StringWidth(string(r[i:])) <= w-1 {
			return "…" + string(r[i:])
		}
	}
	return "…"
}

// classColor is the colour of a class: permanent red, temporary yellow,
// success green.
func classColor(class status.Class) *color.Color {
	switch class {
	case status.ClassPermanent:
		return color.New(color.FgRed, color.Bold)
	case status.ClassTemporary:
		return color.New(color.FgYellow, color.Bold)
	case status.ClassSuccess:
		return color.New(color.FgGreen, color.Bold)
	}
	return color.New(color.Reset)
}

// cardSink writes one readable card per record.
type cardSink struct {
	ios *IOStreams
	n   int
	why bool // show what decided the record (--why)
}

func (s *cardSink) Write(recs []bounce.Record) error {
	for i := range recs {
		if s.n > 0 {
			fmt.Fprintln(s.ios.Out)
		}
		s.n++
		if err := writeCard(s.ios.Out, &recs[i], wrapWidth(s.ios), s.why); err != nil {
			return err
		}
	}
	return nil
}

func (s *cardSink) Close() error { return nil }

// writeCard writes one record as a card: a title line, then "label value"
// lines, each value wrapped at spaces to width with a hanging indent under
// the value column; with why, what decided the record.
func writeCard(w io.Writer, r *bounce.Record, width int, why bool) error {
	bold := color.New(color.Bold)
	dim := color.New(color.Faint)
	var b strings.Builder
	line := func(label, value string) {
		if value == "" {
			return
		}
		b.WriteString(wrapValue(fmt.Sprintf("  %-12s ", label), value, width))
	}
	title := r.Kind
	switch r.Kind {
	case bounce.KindBounce:
		title = "Bounce"
	case bounce.KindFeedback:
		title = "Complaint (feedback report)"
	case bounce.KindAutoreply:
		title = "Auto-reply"
	case bounce.KindOther:
		title = "Not a bounce"
	case bounce.KindError:
		title = "Unreadable message"
	}
	where := fmt.Sprintf("%s #%d", r.Source, r.Index)
	if r.Path != "" && r.Path != r.Source {
		where = r.Path
	}
	fmt.Fprintf(&b, "%s  %s\n", bold.Sprint(title), dim.Sprint(safe(where)))
	if r.Kind == bounce.KindError {
		line("error", safe(plainError(r.Error)))
		_, err := io.WriteString(w, b.String())
		return err
	}
	line("recipient", safe(r.Recipient))
	if r.OriginalRecipient != "" && r.OriginalRecipient != r.Recipient {
		line("original to", safe(r.OriginalRecipient))
	}
	if r.Kind == bounce.KindBounce {
		cls := r.ClassText()
		if cls != "" {
			cls = classColor(r.Class).Sprint(cls)
		}
		// The code and its title are sanitised before the dim note is
		// added: safe would turn the note's escape sequence into U+FFFD.
		code := r.Status.String()
		inferred := false
		if !r.Status.IsZero() {
			if r.StatusTitle != "" {
				code += " " + r.StatusTitle
			}
			inferred = r.StatusSource == bounce.StatusInferred
		}
		code = safe(code)
		if code == "" {
			code = "(no status code)"
		}
		if inferred {
			code += dim.Sprint(" (inferred)")
		}
		line("status", code)
		line("class", cls+retryHint(r.Class))
		if r.ReplyCode != 0 {
			line("smtp reply", r.ReplyCode.String()+" "+status.ReplyMeaning(r.ReplyCode))
		}
	}
	line("reason", safe(r.Reason))
	line("action", safe(r.Action))
	line("reported by", safe(strings.TrimSpace(r.ReportingMTA+" "+mtaNote(r.MTA))))
	line("remote", safe(r.RemoteMTA))
	line("command", safe(r.SMTPCommand))
	line("date", safe(r.Date))
	line("diagnostic", safe(r.Diagnostic))
	if o := r.Original; o != (bounce.Original{}) {
		line("subject", safe(o.Subject))
		line("message-id", safe(o.MessageID))
		if o.From != "" || o.To != "" {
			line("original", safe(strings.TrimSpace(fmt.Sprintf("from %s to %s", o.From, o.To))))
		}
	}
	if t := r.Ticket; t != nil {
		v := t.System
		if t.EncodedID != "" {
			v += " " + t.EncodedID
		}
		if t.ID != "" {
			v += " #" + t.ID
		}
		line("ticket", safe(v+" (from "+t.Source+")"))
	}
	line("what to do", safe(r.Advice))
	if why {
		line("why kind", safe(r.Why.Kind))
		line("why status", safe(r.Why.Status))
		line("why reason", safe(r.Why.Reason))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// whyLine is a record's Why on one line, for the table's WHY column.
func whyLine(r *bounce.Record) string {
	var parts []string
	for _, p := range [...]struct{ label, text string }{{"kind", r.Why.Kind}, {"status", r.Why.Status}, {"reason", r.Why.Reason}} {
		if p.text != "" {
			parts = append(parts, p.label+": "+p.text)
		}
	}
	return strings.Join(parts, "; ")
}

func mtaNote(mta string) string {
	if mta == "" {
		return ""
	}
	return "(" + mta + ")"
}

func retryHint(class status.Class) string {
	switch class {
	case status.ClassPermanent:
		return " - a retry will not help"
	case status.ClassTemporary:
		return " - the sender retries; it may still get through"
	}
	return ""
}
