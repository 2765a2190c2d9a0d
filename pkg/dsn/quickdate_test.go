package dsn

import (
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
}

// FuzzParseDate: ParseDate, its shortcut included, is its general path.
func FuzzParseDate(f *testing.F) {
	for _, s := range dates {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkQuickDate(t, s) })
}
