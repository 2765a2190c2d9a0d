package dsn

import (
	"net/mail"
	"strings"
	"sync"
	"time"

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
	if len(s) < 6 || s[3] != ',' || s[4] != ' ' || !isWeekday(s[:3]) {
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

// parseRFC5322 is time.Parse(rfc5322, s). The plainest form ("Mon, 2 Jan
// 2006 15:04:05 -0700", exact-case names) is read here,
// and its numeric zone is a FixedZone made once per offset: time.Parse
// makes a new one for every date not in the local zone, three objects a
// date. Anything else goes to time.Parse; FuzzParseRFC5322 compares the
// two.
func parseRFC5322(s string) (time.Time, bool) {
	if t, ok := plainRFC5322(s); ok {
		return t, true
	}
	if !mayFit(rfc5322, s) {
		return time.Time{}, false
	}
	t, err := time.Parse(rfc5322, s)
	return t, err == nil
}

func plainRFC5322(s string) (time.Time, bool) {
	d, ok := plainFields(s)
	if !ok {
		return time.Time{}, false
	}
	t := time.Date(d.year, time.Month(d.month), d.day, d.hour, d.min, d.sec, 0, time.UTC).Add(-time.Duration(d.offset) * time.Second)
	// As time.Parse does: the local zone when it has that offset then.
	if _, local := t.In(time.Local).Zone(); local == d.offset {
		return t.In(time.Local), true
	}
	return t.In(fixedZone(d.offset)), true
}

// A dateFields is a date as written: its wall clock and its zone's offset
// in seconds east of UTC.
type dateFields struct {
	year, month, day, hour, min, sec, offset int
}

// plainFields reads s when it is "Mon, 2 Jan 2006 15:04:05 -0700" (the
// day one or two digits), a valid date, for plainRFC5322.
func plainFields(s string) (dateFields, bool) {
	if len(s) < 30 || s[3] != ',' || s[4] != ' ' || !isWeekday(s[:3]) {
		return dateFields{}, false
	}
	s = s[5:]
	day, s, ok := digits(s, 1, 2)
	if !ok || day < 1 || len(s) != 24 || s[0] != ' ' || s[4] != ' ' || s[9] != ' ' ||
		s[12] != ':' || s[15] != ':' || s[18] != ' ' || s[19] != '+' && s[19] != '-' {
		return dateFields{}, false
	}
	m := monthOf(s[1:4])
	year, _, ok1 := digits(s[5:9], 4, 4)
	hour, _, ok2 := digits(s[10:12], 2, 2)
	min, _, ok3 := digits(s[13:15], 2, 2)
	sec, _, ok4 := digits(s[16:18], 2, 2)
	zh, _, ok5 := digits(s[20:22], 2, 2)
	zm, _, ok6 := digits(s[22:24], 2, 2)
	if m == 0 || !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || hour > 23 || min > 59 || sec > 59 || zh > 23 || zm > 59 {
		return dateFields{}, false
	}
	if day > 28 && day > time.Date(year, time.Month(m+1), 0, 0, 0, 0, 0, time.UTC).Day() {
		return dateFields{}, false // not in the month
	}
	offset := (zh*60 + zm) * 60
	if s[19] == '-' {
		offset = -offset
	}
	return dateFields{year: year, month: m, day: day, hour: hour, min: min, sec: sec, offset: offset}, true
}

// appendRFC3339 appends d as time.Time.Format(time.RFC3339) writes a time
// with its wall clock and offset (four digits of year, "Z" for UTC).
func (d dateFields) appendRFC3339(dst []byte) []byte {
	dst = append2(append2(dst, d.year/100), d.year%100)
	dst = append2(append(dst, '-'), d.month)
	dst = append2(append(dst, '-'), d.day)
	dst = append2(append(dst, 'T'), d.hour)
	dst = append2(append(dst, ':'), d.min)
	dst = append2(append(dst, ':'), d.sec)
	if d.offset == 0 {
		return append(dst, 'Z')
	}
	off, sign := d.offset/60, byte('+')
	if off < 0 {
		off, sign = -off, '-'
	}
	dst = append2(append(dst, sign), off/60)
	return append2(append(dst, ':'), off%60)
}

// append2 appends n, below 100, as two digits.
func append2(dst []byte, n int) []byte {
	return append(dst, byte('0'+n/10), byte('0'+n%10))
}

// FormatDate is ParseDate's time of s as time.RFC3339 writes it, or ""
// when ParseDate reports false. A date of the usual form (quickDate's,
// plainFields') is written from its text, without a time.Time.
func FormatDate(s string) string {
	if d, ok := quickFields(s); ok {
		var buf [32]byte
		return string(d.appendRFC3339(buf[:0]))
	}
	t, ok := ParseDate(s)
	if !ok {
		return ""
	}
	return t.Format(time.RFC3339)
}

// quickFields is the fields of s when quickDate would take it by
// plainRFC5322, with or without a trailing comment.
func quickFields(s string) (dateFields, bool) {
	if !phrase.Folded(s) || '0' <= s[0] && s[0] <= '9' {
		return dateFields{}, false
	}
	if strings.HasSuffix(s, ")") {
		i := strings.LastIndexByte(s, '(')
		if i <= 0 {
			return dateFields{}, false
		}
		s = strings.TrimSpace(s[:i])
	}
	return plainFields(s)
}

// isWeekday reports whether s is a day's name as RFC 5322 writes it,
// "Mon" to "Sun" (case as written).
func isWeekday(s string) bool {
	switch s {
	case "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun":
		return true
	}
	return false
}

// monthOf returns the number (1 to 12) of a month's name as RFC 5322
// writes it, "Jan" to "Dec" (case as written), or 0.
func monthOf(s string) int {
	switch s {
	case "Jan":
		return 1
	case "Feb":
		return 2
	case "Mar":
		return 3
	case "Apr":
		return 4
	case "May":
		return 5
	case "Jun":
		return 6
	case "Jul":
		return 7
	case "Aug":
		return 8
	case "Sep":
		return 9
	case "Oct":
		return 10
	case "Nov":
		return 11
	case "Dec":
		return 12
	}
	return 0
}

// digits reads at least min and at most max decimal digits at the start of
// s.
func digits(s string, min, max int) (int, string, bool) {
	n, i := 0, 0
	for i < len(s) && i < max && '0' <= s[i] && s[i] <= '9' {
		n = n*10 + int(s[i]-'0')
		i++
	}
	return n, s[i:], i >= min
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

// rfc5322NoDay is rfc5322 without the optional day name.
const rfc5322NoDay = "2 Jan 2006 15:04:05 -0700"

// quickDate reads the usual date forms as parseDate would, without its
// copies and failed attempts: parseDate first folds the white space of s
// and tries the RFC 5322 layout on it, then on it without a trailing
// comment ("(JST)"). A date already folded (plain ASCII, single spaces), or
// Postfix's with two spaces after the day name, takes those two steps
// here without the copy, and a commented one without the first attempt,
// which cannot fit (the layout ends in a digit). It reports false for
// anything else, and for what the layout does not fit: parseDate decides
// those (FuzzParseDate holds the two together).
func quickDate(s string) (time.Time, bool) {
	if !phrase.Folded(s) && !spacedDay(s) {
		return time.Time{}, false
	}
	if '0' <= s[0] && s[0] <= '9' {
		// No day name: neither of those steps can fit. net/mail's
		// ParseDate (parseDate's next) then takes the date whole,
		// as its zone is the first '+' or '-', and any of its layouts
		// that parses it gives the time this one gives.
		t, err := time.Parse(rfc5322NoDay, s)
		return t, err == nil
	}
	if strings.HasSuffix(s, ")") {
		i := strings.LastIndexByte(s, '(')
		if i <= 0 {
			return time.Time{}, false
		}
		s = strings.TrimSpace(s[:i])
	}
	return parseRFC5322(s)
}

// spacedDay reports whether s is a date as Postfix writes it, "Tue,  2 May
// 2017 01:16:58 -0400 (EDT)": a day name, a comma, two spaces and a
// folded rest starting with a digit. The layout's "_2" takes the day with
// the space, so the time is the time of the folded date.
func spacedDay(s string) bool {
	return len(s) > 7 && isLetter(s[0]) && isLetter(s[1]) && isLetter(s[2]) && s[3] == ',' && s[4] == ' ' &&
		s[5] == ' ' && '0' <= s[6] && s[6] <= '9' && phrase.Folded(s[6:])
}

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }
