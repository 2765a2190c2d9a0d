package bounce

import (
	"unicode/utf8"
)

// MaxFieldBytes bounds every text field of a record (recipient, diagnostic,
// servers, original subject, from, to, error, ticket references, ...): a
// longer value is cut at a UTF-8 character boundary and ends with
// FieldCutMark, and the record's Truncated names LimitFieldSize. With the
// recipients cap this bounds the output of one message whatever it holds:
// at most MaxRecipients records of bounded size.
const MaxFieldBytes = 1000

// FieldCutMark ends a field that was cut at MaxFieldBytes (it counts in the
// MaxFieldBytes).
const FieldCutMark = "…"

// LimitFieldSize is the name of the field size limit in Record.Truncated.
const LimitFieldSize = "field-size"

// capText returns s cut to at most MaxFieldBytes bytes, at a character
// boundary, with FieldCutMark at the end, and whether it was cut. The cut
// value is a fresh string, so a huge value is not kept alive by it.
func capText(s string) (string, bool) {
	if len(s) <= MaxFieldBytes {
		return s, false
	}
	n := MaxFieldBytes - len(FieldCutMark)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + FieldCutMark, true
}

// fieldCapper caps the text fields of the records of one message. It
// remembers, for each field, the last value it cut, so that a huge value
// shared by every record (the original's subject) is cut once, not once
// per record.
type fieldCapper struct {
	last [32]struct{ long, cut string }
}

// text caps field number i in place and reports whether it was cut.
func (c *fieldCapper) text(i int, p *string) bool {
	if len(*p) <= MaxFieldBytes {
		return false
	}
	// The same value seen again: strings equal in length and data pointer
	// compare in constant time.
	e := &c.last[i%len(c.last)]
	if *p != e.long {
		e.long = *p
		e.cut, _ = capText(*p)
	}
	*p = e.cut
	return true
}

// record caps every text field of r (the Source, a path the user named,
// is left whole) and reports whether one was cut.
func (c *fieldCapper) record(r *Record) bool {
	cut := false
	fields := []*string{&r.Kind, &r.Recipient, &r.OriginalRecipient, &r.Action,
		&r.StatusSource, &r.Diagnostic, &r.Reason, &r.ReportingMTA, &r.RemoteMTA,
		&r.SMTPCommand, &r.Date, &r.MTA, &r.Group, &r.Error, &r.Blocklist, &r.Auth, &r.FeedbackType,
		&r.Original.MessageID, &r.Original.From, &r.Original.To, &r.Original.Subject, &r.Original.Date, &r.Why.Kind, &r.Why.Status, &r.Why.Reason}
	if t := r.Ticket; t != nil {
		fields = append(fields, &t.ID, &t.EncodedID, &t.System, &t.Source)
	}
	for i, p := range fields {
		if len(*p) > MaxFieldBytes && c.text(i, p) { // most fields are short: no call
			cut = true
		}
	}
	return cut
}

// capRecords caps the text fields of recs (see MaxFieldBytes) and marks the
// records of a message where one was cut.
func capRecords(recs []Record) {
	var c fieldCapper
	cut := false
	for i := range recs {
		if c.record(&recs[i]) {
			cut = true
		}
	}
	if !cut {
		return
	}
	for i := range recs {
		recs[i].Truncated = joinLimit(LimitFieldSize, recs[i].Truncated)
	}
}
