package cli

import (
	"strings"
	"time"

	"github.com/bounce-tool/bounce/pkg/report"
	"github.com/bounce-tool/bounce/pkg/report/htmlpage"
)

// ticketCell writes tickets for a table cell: their keys, or with a ticket
// URL their links (in text the URL itself, which terminals make
// clickable).
func ticketCell(rw reportWriter, links report.TicketURL, refs ...report.TicketRef) string {
	md, _ := rw.(*markdownWriter)
	parts := make([]string, len(refs))
	for i, ref := range refs {
		parts[i] = ref.Key()
		u := links.Link(ref)
		switch {
		case u == "":
			if md != nil {
				parts[i] = mdEscape(parts[i])
			}
		case md != nil:
			parts[i] = "[" + mdEscape(parts[i]) + "](" + mdURL(u) + ")"
		default:
			parts[i] = u
		}
	}
	cell := strings.Join(parts, ", ")
	if md != nil {
		if md.raw == nil {
			md.raw = map[string]bool{}
		}
		md.raw[cell] = true
	}
	return cell
}

// mdURL percent-encodes the characters that would end a markdown link
// destination or a table cell.
func mdURL(u string) string {
	return strings.NewReplacer("(", "%28", ")", "%29", "|", "%7C", "<", "%3C", ">", "%3E", " ", "%20").Replace(u)
}

// writeHTMLReport writes rep as one HTML page (pkg/report/htmlpage).
func writeHTMLReport(ios *IOStreams, opts *reportOptions, rep *report.Report) error {
	now := time.Now
	if ios.now != nil {
		now = ios.now
	}
	inputs := opts.Paths
	if len(inputs) == 0 || len(inputs) == 1 && inputs[0] == "-" {
		inputs = []string{"standard input"}
	}
	gen := "bounce"
	if opts.version != "" {
		gen += " " + opts.version
	}
	top := opts.Top
	if top <= 0 {
		top = 10
	}
	ew := &errWriter{w: ios.Out}
	err := htmlpage.Write(ew, rep, &htmlpage.Options{Inputs: inputs, Generated: now(), Generator: gen,
		TicketURL: opts.ticketURL, Top: top, Rows: opts.Rows})
	if err == nil {
		err = ew.err
	}
	return err
}
