package dialect

import (
	"strings"

	mimeheader "github.com/bounce-tool/bounce/pkg/header"
	"github.com/bounce-tool/bounce/pkg/internal/phrase"
	"github.com/bounce-tool/bounce/pkg/parts"
	"github.com/bounce-tool/bounce/pkg/sign"
)

// headerSign is a header test of a recogniser's Detect: field contains sub
// (lowercase), or is present when sub is empty.
type headerSign struct{ field, sub string }

// headerSigns are the header tests of all Recognisers' Detect functions,
// collected by the helpers header, from, subject, received and failedAt
// as the table is built. Sniff asks them, so that a header a recogniser
// would accept never makes a message look ordinary.
var headerSigns []headerSign

// reportTypes are the media types of reports: a message of one of them is
// always read.
var reportTypes = []string{"multipart/report", "message/delivery-status", "message/feedback-report"}

// Sniff reports whether a message with top-level header h may be a
// delivery report that Extract can read: a report
// media type, the mail system as sender (sign.FromMailSystem) or the null
// Return-Path, a delivery-report subject (sign.ReportSubject), the marks of
// a complaint report or an auto-reply (noticeSign), any header test of a
// recogniser's Detect, or a forward with attachments (a multipart/mixed
// message with a forward's subject, sign.ForwardSubject), which may carry a
// bounce whatever its subject says. A message for which Sniff is false
// is ordinary mail, and its body need not be read: Extract, given the
// whole message, would find no recipients in it.
func Sniff(h mimeheader.Header) bool {
	mediaType, subject := looks(h)
	return reportSigns(h, mediaType, subject) || noticeSign(h, subject) ||
		mediaType == "multipart/mixed" && sign.ForwardSubject(subject)
}

// looks returns what Sniff reads of header h besides its fields: its media
// type, and its Subject decoded and in lowercase.
func looks(h mimeheader.Header) (mediaType, subject string) {
	typ, charset := parts.MediaType(h.Get("Content-Type"))
	return typ, phrase.ToLower(parts.DecodeHeader(h.Get("Subject"), charset))
}

// innerReport reports whether a message found inside another (a returned
// original, a forwarded or quoted message) with header h may itself be a
// delivery report: Sniff's signs of a report, not those of a notice or a
// forward.
func innerReport(h mimeheader.Header) bool {
	if sign.FromMailSystem(h.Get("From")) {
		return true // the usual inner bounce, told without decoding its subject
	}
	mediaType, subject := looks(h)
	return reportSigns(h, mediaType, subject)
}

// reportSigns are Sniff's tests of a delivery report: a report media type,
// the mail system as sender or the null Return-Path, a delivery-report
// subject, or a header test of a recogniser's Detect.
func reportSigns(h mimeheader.Header, mediaType, subject string) bool {
	for _, t := range reportTypes {
		if mediaType == t {
			return true
		}
	}
	if sign.FromMailSystem(h.Get("From")) || sign.ReportSubject(subject) {
		return true
	}
	for _, f := range h.List() {
		key := f.Key // as written: compared ignoring case
		if len(key) == len("Return-Path") && strings.EqualFold(key, "Return-Path") && sign.NullSender(f.Value) {
			return true
		}
		for _, s := range headerSigns {
			if s.field != "Subject" && len(key) == len(s.field) && strings.EqualFold(key, s.field) && (s.sub == "" || phrase.ContainsFold(f.Value, s.sub)) {
				return true
			}
		}
	}
	for _, s := range headerSigns {
		if s.field == "Subject" && strings.Contains(subject, s.sub) {
			return true
		}
	}
	return false
}
