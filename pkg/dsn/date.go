package dsn

import (
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/bounce-tool/bounce/pkg/internal/datename"
	"github.com/bounce-tool/bounce/pkg/internal/phrase"
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
	if t, ok := quickDate(s); ok {
		return t, true
	}
	return parseDate(s)
}

// parseDate is ParseDate's general path: fold the white space, try the
// RFC 5322 layout with and without a trailing comment, then net/mail's
// layouts, then dateLayouts.
func parseDate(s string) (time.Time, bool) {
	if !phrase.Folded(s) {
		s = strings.Join(strings.Fields(s), " ")
		// Folded, s may now be of a usual form.
		if t, ok := quickDate(s); ok {
			return t, true
		}
	}
	if s == "" {
		return time.Time{}, false
	}
	// The common RFC 5322 form first, bare or followed by a comment
	// ("(JST)"): net/mail.ParseDate tries the layouts without a day name
	// before it, each failure an allocated error. When this layout takes
	// the whole string (or all of it but the comment), ParseDate would
	// pick the same layout and give the same time.
	if t, ok := parseRFC5322(s); ok {
		return t, true
	}
	bare := "" // s without a trailing comment
	if i := strings.LastIndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
		bare = strings.TrimSpace(s[:i])
		if t, ok := parseRFC5322(bare); ok {
			return t, true
		}
	}
	if t, ok := mailDate(s); ok {
		return t, true
	}
	// Drop a trailing comment such as "(JST)" or "(UTC)".
	if bare != "" {
		if t, ok := mailDate(bare); ok {
			return t, true
		}
	}
	for _, layout := range dateLayouts {
		if !mayFit(layout, s) {
			continue
		}
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// mailDate is net/mail.ParseDate(s), not tried when it would fail at the
// start of every layout it tries: each of those failures is an allocated
// error, 48 of them for a date of another form.
//
// A date with a day name ("Thu, 18 Oct 24 10:00:00 UTC") fails the 24
// layouts without one first; ParseDate reads the rest without its day
// name as the layouts with one would, since time.Parse checks a day
// name's spelling only (and net/mail looks for its zone in the rest,
// which starts with a digit, from the same byte on: a "T" at the start
// of the text, of "Tue" or "Thu", is passed over).
func mailDate(s string) (time.Time, bool) {
	if !mayBeMailDate(s) {
		return time.Time{}, false
	}
	if rest, ok := cutDayName(s); ok {
		s = rest
	}
	t, err := mail.ParseDate(s)
	return t, err == nil
}

// cutDayName returns s without its leading day name, comma and spaces
// ("Thu, "), the name spelt exactly and the rest starting with a digit.
func cutDayName(s string) (string, bool) {
	if len(s) < 6 || s[3] != ',' || s[4] != ' ' || !datename.Weekday(s[:3]) {
		return "", false
	}
	rest := strings.TrimLeft(s[4:], " ")
	return rest, rest != "" && isDigit(rest[0])
}

// mayBeMailDate reports false when net/mail.ParseDate certainly fails on
// s. Every layout it tries starts with an optional day name and a comma
// ("Mon, ", the comma after three bytes, then one or more spaces) and a
// day of one or two digits followed by a space (and more: the month,
// ...); it passes over leading spaces and tabs, and cuts the text only
// after the zone, which comes later. A text with a CR or LF, which it
// edits first, is left to it.
func mayBeMailDate(s string) bool {
	if strings.ContainsAny(s, "\r\n") {
		return true
	}
	s = strings.TrimLeft(s, " \t")
	if len(s) > 3 && s[3] == ',' {
		if len(s) < 5 || s[4] != ' ' {
			return false
		}
		s = strings.TrimLeft(s[4:], " ")
	}
	return len(s) > 1 && isDigit(s[0]) && (s[1] == ' ' || len(s) > 2 && isDigit(s[1]) && s[2] == ' ')
}

// mayFit reports false when time.Parse(layout, s) certainly fails, judged
// by the first element of layout and the byte after it: a long day name
// ("Monday") starts with a letter; a day name ("Mon") is three bytes, and
// the layout's next byte follows them; a year ("2006") is four digits,
// and the layout's next byte follows them; a day ("2") starts with a
// digit. Any other layout may fit.
func mayFit(layout, s string) bool {
	switch {
	case strings.HasPrefix(layout, "Monday"):
		return s != "" && isLetter(s[0])
	case strings.HasPrefix(layout, "Mon") && len(layout) > 3:
		return len(s) > 3 && s[3] == layout[3]
	case strings.HasPrefix(layout, "2006") && len(layout) > 4:
		return len(s) > 4 && isDigit(s[0]) && isDigit(s[1]) && isDigit(s[2]) && isDigit(s[3]) && s[4] == layout[4]
	case strings.HasPrefix(layout, "2"):
		return s != "" && isDigit(s[0])
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// parseRFC5322 is time.Parse(rfc5322, s), not tried when it certainly
// fails.
func parseRFC5322(s string) (time.Time, bool) {
	if !mayFit(rfc5322, s) {
		return time.Time{}, false
	}
	t, err := time.Parse(rfc5322, s)
	return t, err == nil
}

// quickDate is ParseDate's time of s when s is of a usual form
// (quickFields), made without time.Parse: a numeric zone is the local one
// when it has that offset then, as time.Parse decides, else a FixedZone
// made once per offset (time.Parse makes a new one for every such date,
// three objects a date). It reports false for anything else.
func quickDate(s string) (time.Time, bool) {
	d, ok := quickFields(s)
	if !ok {
		return time.Time{}, false
	}
	if d.utc {
		return time.Date(d.year, time.Month(d.month), d.day, d.hour, d.min, d.sec, 0, time.UTC), true
	}
	t := time.Date(d.year, time.Month(d.month), d.day, d.hour, d.min, d.sec, 0, time.UTC).Add(-time.Duration(d.offset) * time.Second)
	if _, local := t.In(time.Local).Zone(); local == d.offset {
		return t.In(time.Local), true
	}
	return t.In(fixedZone(d.offset)), true
}

// A dateFields is a date as written: its wall clock and its zone's offset
// in seconds east of UTC. utc is a zone named "UTC", which time.Parse
// puts in time.UTC whatever the local zone.
type dateFields struct {
	year, month, day, hour, min, sec, offset int
	utc                                      bool
}

// quickFields reads s in one pass when it is a valid date of the usual
// forms, each of which parseDate reads to the same time:
//
//	Mon, 2 Jan 2006 15:04:05 -0700
//
// with or without the day name, which may be followed by two spaces, as
// Postfix writes it ("Tue,  2 May"); the day of one or two digits; the
// year of four digits or two (1969 to 2068, as time.Parse takes "06"); the
// zone numeric or "UTC"; and a trailing comment ("(JST)") without "(".
// Names are spelt as RFC 5322 writes them. It reports false for anything
// else, left to parseDate (FuzzParseDate and FuzzQuickDate hold the two
// together).
//
// Why parseDate gives the same time: it folds the white space first (the
// two spaces become one), and tries the RFC 5322 layout, which takes a
// plain date whole; with a comment, it tries it on the date before the
// comment, net/mail's ParseDate taking a two-digit year or "UTC", with the
// comment or else without it.
func quickFields(s string) (dateFields, bool) {
	var d dateFields
	if len(s) > 5 && s[3] == ',' {
		if s[4] != ' ' || !datename.Weekday(s[:3]) {
			return d, false
		}
		s = s[5:]
		if s[0] == ' ' {
			s = s[1:]
		}
	}
	// The day and month: "2 Jan " or "02 Jan ".
	if len(s) > 1 && s[1] == ' ' && isDigit(s[0]) {
		d.day = int(s[0] - '0')
		s = s[1:]
	} else if len(s) > 2 && s[2] == ' ' {
		d.day = twoDigits(s)
		s = s[2:]
	} else {
		return d, false
	}
	if d.day < 1 || len(s) < 5 || s[4] != ' ' {
		return d, false
	}
	d.month = int(datename.Month(s[1:4]))
	s = s[5:]
	// The year: "2006 " or "06 ".
	switch {
	case len(s) > 4 && s[4] == ' ':
		hi, lo := twoDigits(s), twoDigits(s[2:])
		if hi < 0 || lo < 0 {
			return d, false
		}
		d.year = hi*100 + lo
		s = s[4:]
	case len(s) > 2 && s[2] == ' ':
		d.year = twoDigits(s)
		if d.year < 0 {
			return d, false
		}
		if d.year >= 69 {
			d.year += 1900
		} else {
			d.year += 2000
		}
		s = s[2:]
	default:
		return d, false
	}
	// The time: " 15:04:05 ".
	if len(s) < 10 || s[3] != ':' || s[6] != ':' || s[9] != ' ' {
		return d, false
	}
	d.hour, d.min, d.sec = twoDigits(s[1:]), twoDigits(s[4:]), twoDigits(s[7:])
	s = s[10:]
	// The zone: "-0700" or "UTC".
	switch {
	case len(s) >= 5 && (s[0] == '+' || s[0] == '-'):
		zh, zm := twoDigits(s[1:]), twoDigits(s[3:])
		if zh < 0 || zh > 23 || zm < 0 || zm > 59 {
			return d, false
		}
		d.offset = (zh*60 + zm) * 60
		if s[0] == '-' {
			d.offset = -d.offset
		}
		s = s[5:]
	case strings.HasPrefix(s, "UTC"):
		d.utc = true
		s = s[3:]
	default:
		return d, false
	}
	// Nothing more, or a comment.
	if s != "" && (len(s) < 3 || s[0] != ' ' || s[1] != '(' || s[len(s)-1] != ')' || strings.IndexByte(s[2:], '(') >= 0) {
		return d, false
	}
	if d.month == 0 || d.hour < 0 || d.hour > 23 || d.min < 0 || d.min > 59 || d.sec < 0 || d.sec > 59 {
		return d, false
	}
	if d.day > 28 && d.day > datename.DaysIn(time.Month(d.month), d.year) {
		return d, false // not in the month
	}
	return d, true
}

// twoDigits returns the number the first two bytes of s write as decimal
// digits, or -1 when they are not two digits.
func twoDigits(s string) int {
	hi, lo := int(s[0])-'0', int(s[1])-'0'
	if uint(hi) > 9 || uint(lo) > 9 {
		return -1
	}
	return hi*10 + lo
}

// rfc3339 is d as time.Time.Format(time.RFC3339) writes a time with its
// wall clock and offset (four digits of year, "Z" for UTC).
func (d dateFields) rfc3339() string {
	var b [25]byte
	put2(b[0:], d.year/100)
	put2(b[2:], d.year%100)
	b[4] = '-'
	put2(b[5:], d.month)
	b[7] = '-'
	put2(b[8:], d.day)
	b[10] = 'T'
	put2(b[11:], d.hour)
	b[13] = ':'
	put2(b[14:], d.min)
	b[16] = ':'
	put2(b[17:], d.sec)
	if d.offset == 0 {
		b[19] = 'Z'
		return string(b[:20])
	}
	off := d.offset / 60
	b[19] = '+'
	if off < 0 {
		off, b[19] = -off, '-'
	}
	put2(b[20:], off/60)
	b[22] = ':'
	put2(b[23:], off%60)
	return string(b[:])
}

// put2 writes n, below 100, as two digits at the start of b.
func put2(b []byte, n int) {
	b[0], b[1] = byte('0'+n/10), byte('0'+n%10)
}

// FormatDate is ParseDate's time of s as time.RFC3339 writes it, or ""
// when ParseDate reports false. A date of a usual form (quickFields') is
// written from its text, without a time.Time.
func FormatDate(s string) string {
	if d, ok := quickFields(s); ok {
		return d.rfc3339()
	}
	t, ok := ParseDate(s)
	if !ok {
		return ""
	}
	return t.Format(time.RFC3339)
}

// zones holds the FixedZone of each offset seen, as time.Parse names it
// (no name).
var zones sync.Map

func fixedZone(offset int) *time.Location {
	if z, ok := zones.Load(offset); ok {
		return z.(*time.Location)
	}
	z, _ := zones.LoadOrStore(offset, time.FixedZone("", offset))
	return z.(*time.Location)
}

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }
