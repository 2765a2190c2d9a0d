package bounce

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/dsn"
	"github.com/bounce-tool/bounce/pkg/parts"
	"github.com/bounce-tool/bounce/pkg/reason"
)

// feedbackRecords turns ARF reports (RFC 5965) into records: one for each
// Original-Rcpt-To (or Removal-Recipient), else one for the original's
// recipient.
func feedbackRecords(m *parts.Message, orig Original) []Record {
	if len(m.Feedback) == 0 {
		return nil
	}
	rep, _ := dsn.ParseBytes(m.Feedback[0])
	if rep == nil {
		return nil
	}
	typ := strings.ToLower(dsn.Get(rep.Fields, "Feedback-Type"))
	var rcpts []string
	for _, f := range rep.Fields {
		if strings.EqualFold(f.Name, "Original-Rcpt-To") || strings.EqualFold(f.Name, "Removal-Recipient") {
			rcpts = append(rcpts, dsn.Address(f.Value))
		}
	}
	if len(rcpts) == 0 {
		rcpts = []string{strings.Split(orig.To, ",")[0]}
	}
	reporting := dsn.Get(rep.Fields, "Reporting-MTA")
	if reporting == "" {
		reporting = receivedBy(m.Header)
	}
	date := formatDate(dsn.Get(rep.Fields, "Arrival-Date"))
	if date == "" {
		date = formatDate(dsn.Get(rep.Fields, "Received-Date"))
	}
	if date == "" {
		date = formatDate(m.Header.Get("Date"))
	}
	recs := make([]Record, 0, len(rcpts))
	for _, rc := range rcpts {
		recs = append(recs, Record{
			Kind:         KindFeedback,
			Recipient:    strings.ToLower(clean(rc)),
			Reason:       reason.Feedback,
			Diagnostic:   clean(typ),
			ReportingMTA: strings.ToLower(clean(stripDNSType(reporting))),
			Date:         date,
			MTA:          "arf",
			Original:     orig,
		})
	}
	return recs
}

func stripDNSType(v string) string {
	if _, rest, ok := strings.Cut(v, ";"); ok {
		return strings.TrimSpace(rest)
	}
	return v
}

// autoreplyRecord describes a vacation or out-of-office reply: the recipient
// is the person who is away.
func autoreplyRecord(m *parts.Message, orig Original) Record {
	who := ""
	if list, err := m.Header.AddressList("From"); err == nil && len(list) > 0 {
		who = list[0].Address
	}
	return Record{
		Kind:       KindAutoreply,
		Recipient:  strings.ToLower(clean(who)),
		Reason:     reason.Vacation,
		Diagnostic: clean(subjectOf(m.Header)),
		Date:       formatDate(m.Header.Get("Date")),
		MTA:        "rfc3834",
		Original:   orig,
	}
}
