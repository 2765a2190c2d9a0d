package dsn

import (
	"net/mail"
	"strings"
	"time"
)

// dateLayouts are the non-RFC 5322 dates seen in reports, tried after
// net/mail.ParseDate.
var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700 (MST)",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04:05",
	"2 Jan 2006 15:04:05 -0700",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 -0700 2006",
	"Mon Jan 2 15:04:05 MST 2006",
	"Mon, 2 Jan 2006 15:04 -0700",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02T15:04:05Z07:00",
	"2006/01/02 15:04:05",
	"Monday, January 2, 2006 3:04:05 PM",
	"Mon, 02 Jan 2006 15:04:05 -0700 MST",
}

// rfc5322 is the date layout of nearly every Date field: net/mail's first
// with a day name.
const rfc5322 = "Mon, _2 Jan 2006 15:04:05 -0700"

// ParseDate parses the dates found in reports and mail headers
// (Arrival-Date, Last-Attempt-Date, Date). It reports false when none of the
// known layouts fits.
func ParseDate(s string) (time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return time.Time{}, false
	}
	// The common RFC 5322 form first, bare or followed by a comment
	// ("(JST)"): net/mail.ParseDate tries the layouts without a day name
	// before it, each failure an allocated error. When this layout takes
	// the whole string (or all of it but the comment), ParseDate would
	// pick the same layout and give the same time.
	if t, err := time.Parse(rfc5322, s); err == nil {
		return t, true
	}
	bare := "" // s without a trailing comment
	if i := strings.LastIndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
		bare = strings.TrimSpace(s[:i])
		if t, err := time.Parse(rfc5322, bare); err == nil {
			return t, true
		}
	}
	if t, err := mail.ParseDate(s); err == nil {
		return t, true
	}
	// Drop a trailing comment such as "(JST)" or "(UTC)".
	if bare != "" {
		if t, err := mail.ParseDate(bare); err == nil {
			return t, true
		}
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
