package dsn

import (
	"net/mail"
	"strings"
	"testing"
	"time"
)

// dates are usual and odd date fields: Postfix's two spaces, comments,
// no day name, named zones, bad values.
var dates = []string{
	"", " ", "Mon, 2 Sep 2024 10:00:00 +0000", "Mon,  2 Sep 2024 10:00:00 +0000", " Mon, 2 Sep 2024 10:00:00 +0000",
	"Thu, 18 Sep 2008 17:54:04 +0900 (JST)", "Thu, 18 Sep 2008 17:54:04 +0900 (JST", "(x)", "Thu, 18 Sep 2008 17:54:04 +0900 ()",
	"18 Sep 2008 17:54:04 +0900", "Thu, 18 Sep 2008 17:54:04 JST", "Thu Sep 18 17:54:04 2008", "2024-09-02T10:00:00Z",
	"Mon, 2 Sep 2024 10:00:00 +0000\t", "Mon,\t2 Sep 2024 10:00:00 +0000", "Mon, 2 Sep 2024 10:00:00 +0000 (a) (b)",
	"Mon, 2 Sep 2024 10:00:00 +0000 (caf\u00e9)", "Mon, 2 Sep 2024 10:00:00\u00a0+0000", "Mon, 2 Sep 2024 25:00:00 +0000",
	"Mon, 02 Sep 2024 10:00:00 -0700", "Tue, 2 Sep 2024 10:00:00 +0000", "Mon, 2 Sep 2024 10:00:00 +0000 ",
	"24 Jun 2024 08:54:01 -0000", "1 Apr 2010 14:59:45 +0900", "9 May 2024 23:34:45 +0900 (JST)", "24 Jun 2024 08:54 -0000",
	"24 Jun 24 08:54:01 -0000", "24 Jun 2024 08:54:01 +0000 x", "31 Feb 2024 08:54:01 -0000", "2016-11-25T01:49:01.000Z",
	"24 Jun 2024 08:54:01 -00000", "24 Jun 2024 08:54:01 GMT", "Sat, 08 Feb 2025 11:22:28 GMT", "0 Jun 2024 08:54:01 -0000",
	"Tue,  2 May 2017 01:16:58 -0400 (EDT)", "Thu,  29 Apr 2016 23:34:45 +0900 (JST)", "Thu,  29 Apr 2016 23:34:45 +0900",
	"Thu,   9 Apr 2016 23:34:45 +0900", "Thu,  9  Apr 2016 23:34:45 +0900", "1ue,  2 May 2017 01:16:58 -0400",
	"2024-01-02 10-11-12", "Thu 18 Apr 2024 10:00:00 +0900", "Thu,18 Apr 2024 10:00:00 +0900", "Thu, 18 Oct 24 10:00:00 UTC",
	"Thu, 18 Apr 2024 10:00:00 PST", "Wed, 9 May 2024 10:00:00", "Thu, 18 Apr 2024 10:00:00 UT", "Monday, January 2, 2006 3:04:05 PM",
	"2006/01/02 15:04:05", "2006-01-02 15:04:05 -0700", "Mon Jan 2 15:04:05 2006", "Mon Jan 2 15:04:05 -0700 2006",
	"Mon Jan 2 15:04:05 MST 2006", "Mon, 2 Jan 2006 15:04 -0700", "Mon, 02 Jan 2006 15:04:05 -0700 MST", "2006-01-02T15:04:05+09:00",
	"Tue, 123 Apr 2024 10:00:00 -0700 (PST)", "Thu, 18 Apr 2024 10:00:00 -0700 From: x <y@z>", "\tThu, 18 Apr 2024 10:00:00 +0900",
	"Thu, 18 Apr 2024 10:00:00 +0900\r\n", "18 Apr 24 10:00 UT", "Thu,  18 Apr 2024 10:00:00 GMT", "1 -0000", "Thu, 1 +0000",
	"Thu, 18 Oct 24 10:00:00 UTC (x)", "Thu, 18 Oct 2024 10:00:00 UTC ()", "18 Oct 24 10:00:00 UTC (a-bcd)", "18 Oct 24 10:00:00 UTC (a-bcde)",
	"Thu, 18 Oct 24 10:00:00 UTCX", "Thu, 18 Oct 99 10:00:00 +0900", "1 Jan 70 00:00:00 -0000", "31 Dec 68 23:59:59 +2359 (a) b)",
	"Fri,  1 Mar 24 10:00:00 UTC (JST\\)", "Fri, 1 Mar 24 10:00:00 UTC (\u00e9)", "Fri, 1 Mar 024 10:00:00 +0000", "Fri, 1 Mar 2024 10:00:00 +0000 (\r\n)",
}

// TestQuickDate: ParseDate, its shortcut (quickDate) included, gives what
// its general path gives.
func TestQuickDate(t *testing.T) {
	quick := 0
	for _, s := range dates {
		checkQuickDate(t, s)
		if _, ok := quickDate(s); ok {
			quick++
		}
	}
	if quick < 10 {
		t.Errorf("only %d of the usual dates took the shortcut", quick)
	}
}

func checkQuickDate(t *testing.T, s string) {
	t.Helper()
	got, ok := ParseDate(s)
	want, wantOK := parseDate(s)
	if ok != wantOK || !got.Equal(want) || got.Format(time.RFC3339Nano) != want.Format(time.RFC3339Nano) {
		t.Fatalf("ParseDate(%q) = %v, %v; its general path %v, %v", s, got, ok, want, wantOK)
	}
	want, wantOK = everyLayout(s)
	if ok != wantOK || !got.Equal(want) || got.Format(time.RFC3339Nano) != want.Format(time.RFC3339Nano) {
		t.Fatalf("ParseDate(%q) = %v, %v; every layout tried: %v, %v", s, got, ok, want, wantOK)
	}
	wantText := ""
	if ok {
		wantText = got.Format(time.RFC3339)
	}
	if text := FormatDate(s); text != wantText {
		t.Fatalf("FormatDate(%q) = %q, ParseDate's time formatted %q", s, text, wantText)
	}
}

// everyLayout is parseDate trying every layout, without the checks that
// pass over those that cannot fit (mayFit, mayBeMailDate).
func everyLayout(s string) (time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return time.Time{}, false
	}
	try := []string{s}
	if i := strings.LastIndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
		try = append(try, strings.TrimSpace(s[:i]))
	}
	for _, v := range try {
		if t, err := time.Parse(rfc5322, v); err == nil {
			return t, true
		}
	}
	for _, v := range try {
		if t, err := mail.ParseDate(v); err == nil {
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

// TestMayFit: the checks pass over no layout that fits.
func TestMayFit(t *testing.T) {
	for _, s := range dates {
		for _, layout := range append([]string{rfc5322}, dateLayouts...) {
			if _, err := time.Parse(layout, s); err == nil && !mayFit(layout, s) {
				t.Errorf("mayFit(%q, %q) = false; time.Parse takes it", layout, s)
			}
		}
		if _, err := mail.ParseDate(s); err == nil && !mayBeMailDate(s) {
			t.Errorf("mayBeMailDate(%q) = false; net/mail takes it", s)
		}
	}
}

// FuzzParseDate: ParseDate, its shortcut included, is its general path.
func FuzzParseDate(f *testing.F) {
	for _, s := range dates {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkQuickDate(t, s) })
}
