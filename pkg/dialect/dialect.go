package dialect

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/dsn"
	"github.com/bounce-tool/bounce/pkg/parts"
)

// Input is what a recogniser looks at.
type Input struct {
	Message *parts.Message // the bounce taken apart
	Reports []*dsn.Report  // its delivery-status parts, parsed
	// Text is the human-readable text of the bounce (its text parts, or the
	// raw body when the MIME structure gave none).
	Text string
}

// Recipient is what a recogniser learnt about one recipient.
type Recipient struct {
	Address         string // the failed address as written
	OriginalAddress string // Original-Recipient, when given
	Action          string // failed, delayed, delivered, relayed, expanded; "" when not said
	Status          string // the Status field of a delivery-status report, as written
	Diagnostic      string // the server's own words about this recipient
	RemoteMTA       string // the host that refused the message
	Command         string // the SMTP command it failed at (RCPT, DATA, ...)
	Date            string // when it failed, as written
	// Hint is a reason the dialect knows for certain (for example
	// "mailererror" for a failed pipe); usually empty.
	Hint string
}

// Result is what Extract found.
type Result struct {
	MTA          string // the dialect: "rfc3464", "postfix", "exim", ...
	ReportingMTA string
	Date         string // the report's date, as written, when the dialect knows it
	Recipients   []Recipient
}

// Recogniser is one dialect's recogniser. Recognise returns nil when the
// message is not in its dialect.
type Recogniser struct {
	Name      string
	Recognise func(in *Input) *Result
}

// Recognisers are tried in this order after the structured report. The
// generic recogniser is always last.
var Recognisers = []Recogniser{
	{Name: "generic", Recognise: generic},
}

// Extract returns the recipients of a bounce, or nil when nothing in it looks
// like a bounce.
func Extract(in *Input) *Result {
	if r := fromReports(in); r != nil {
		return r
	}
	for _, rc := range Recognisers {
		if r := rc.Recognise(in); r != nil && len(r.Recipients) > 0 {
			if r.MTA == "" {
				r.MTA = rc.Name
			}
			return r
		}
	}
	return nil
}

// fromReports turns delivery-status reports into a Result.
func fromReports(in *Input) *Result {
	var res *Result
	for _, rep := range in.Reports {
		if len(rep.Recipients) == 0 {
			continue
		}
		if res == nil {
			res = &Result{MTA: "rfc3464", ReportingMTA: rep.ReportingMTA, Date: rep.ArrivalDate}
		}
		for _, rc := range rep.Recipients {
			r := Recipient{
				Address:         rc.FinalRecipient,
				OriginalAddress: rc.OriginalRecipient,
				Action:          rc.Action,
				Status:          rc.Status,
				Diagnostic:      rc.DiagnosticCode,
				RemoteMTA:       rc.RemoteMTA,
				Date:            rc.LastAttemptDate,
			}
			if r.Address == "" {
				r.Address = rc.OriginalRecipient
			}
			if r.Address == "" {
				r.Address = dsn.Address(dsn.Get(rc.Fields, "X-Actual-Recipient"))
			}
			if r.Date == "" {
				r.Date = rep.ArrivalDate
			}
			r.Command = FindCommand(r.Diagnostic)
			res.Recipients = append(res.Recipients, r)
		}
	}
	if res != nil {
		fillFromText(res, in.Text)
	}
	return res
}

// fillFromText completes report recipients from the prose: an empty
// diagnostic takes the text's sentence about the recipient, a missing
// command or remote host is looked for near the address.
func fillFromText(res *Result, text string) {
	if text == "" {
		return
	}
	for i := range res.Recipients {
		r := &res.Recipients[i]
		if r.Diagnostic != "" && r.Command != "" && r.RemoteMTA != "" {
			continue
		}
		near := Near(text, r.Address)
		if near == "" {
			continue
		}
		if r.Diagnostic == "" {
			r.Diagnostic = near
		}
		if r.Command == "" {
			r.Command = FindCommand(near)
		}
		if r.RemoteMTA == "" {
			r.RemoteMTA = FindRemoteHost(near)
		}
	}
}

// Near returns the lines of text that mention addr and the few that follow
// it, folded to one line; "" when text does not name addr.
func Near(text, addr string) string {
	if addr == "" {
		return ""
	}
	lower := strings.ToLower(text)
	i := strings.Index(lower, strings.ToLower(addr))
	if i < 0 {
		return ""
	}
	start := strings.LastIndexByte(text[:i], '\n') + 1
	end := i
	for n := 0; n < 4; n++ {
		j := strings.IndexByte(text[end:], '\n')
		if j < 0 {
			end = len(text)
			break
		}
		end += j + 1
		if end < len(text) && text[end] == '\n' {
			break // a blank line ends the paragraph
		}
	}
	return Fold(text[start:end])
}

// Fold folds all whitespace runs, line breaks included, to single spaces.
func Fold(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
