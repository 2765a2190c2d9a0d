package dsn

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		reporting string
		want      []Recipient
		malformed bool
	}{
		{
			name: "postfix",
			in: "Reporting-MTA: dns; mail.example.com\nX-Postfix-Queue-ID: 4XK2\nArrival-Date: Tue,  3 Sep 2024 09:14:20 +0000 (UTC)\n\n" +
				"Final-Recipient: rfc822; jane@example.net\nOriginal-Recipient: rfc822;jane@example.net\nAction: failed\nStatus: 5.1.1\n" +
				"Remote-MTA: dns; mx1.example.net\nDiagnostic-Code: smtp; 550 5.1.1 <jane@example.net>: Recipient\n    address rejected\n",
			reporting: "mail.example.com",
			want: []Recipient{{FinalRecipient: "jane@example.net", OriginalRecipient: "jane@example.net", Action: "failed",
				Status: "5.1.1", RemoteMTA: "mx1.example.net", DiagnosticType: "smtp",
				DiagnosticCode: "550 5.1.1 <jane@example.net>: Recipient address rejected"}},
		},
		{
			name: "gmail: a root dot and a comment after the remote host",
			in: "Reporting-MTA: dns; googlemail.com\n\nFinal-Recipient: rfc822; jo@example.org\nAction: failed\nStatus: 5.1.1\n" +
				"Remote-MTA: dns; mx.example.org. (192.0.2.9, the server for the domain example.org.)\n",
			reporting: "googlemail.com",
			want:      []Recipient{{FinalRecipient: "jo@example.org", Action: "failed", Status: "5.1.1", RemoteMTA: "mx.example.org"}},
		},
		{
			name: "odd case, no blank line between recipients",
			in: "reporting-mta: DNS; gw.example.org\n\nfinal-recipient: RFC822; <A@example.org>\nACTION: Failed\nstatus: 5.0.0\n" +
				"FINAL-RECIPIENT: rfc822; b@example.org\naction: delayed\nStatus: 4.4.1\n",
			reporting: "gw.example.org",
			want: []Recipient{
				{FinalRecipient: "A@example.org", Action: "failed", Status: "5.0.0"},
				{FinalRecipient: "b@example.org", Action: "delayed", Status: "4.4.1"},
			},
		},
		{
			name: "stray blank lines inside a block",
			in: "Reporting-MTA: dns; gw.example.org\n\n\nFinal-Recipient: rfc822; c@example.org\n\nAction: failed\n\n" +
				"Status: 5.2.2\n\n\n",
			reporting: "gw.example.org",
			want:      []Recipient{{FinalRecipient: "c@example.org", Action: "failed", Status: "5.2.2"}},
		},
		{
			name: "action before the address",
			in: "Reporting-MTA: dns; out.example.org\n\nAction: failed\nFinal-Recipient: rfc822; e@example.org\n" +
				"Diagnostic-Code: smtp; 550 5.1.1 no such user\nStatus: 5.1.1\n\n" +
				"Status: 5.2.2\nAction: failed\nFinal-Recipient: rfc822; f@example.org\nOriginal-Recipient: rfc822; g@example.org\n",
			reporting: "out.example.org",
			want: []Recipient{
				{FinalRecipient: "e@example.org", Action: "failed", Status: "5.1.1", DiagnosticType: "smtp",
					DiagnosticCode: "550 5.1.1 no such user"},
				{FinalRecipient: "f@example.org", OriginalRecipient: "g@example.org", Action: "failed", Status: "5.2.2"},
			},
		},
		{
			name: "original recipient first",
			in: "Original-Recipient: rfc822; sales@example.org\nFinal-Recipient: rfc822; team@example.org\nAction: failed\nStatus: 5.1.1\n\n" +
				"Original-Recipient: rfc822; x@example.org\nFinal-Recipient: rfc822; y@example.org\nAction: failed\nStatus: 5.1.1\n",
			want: []Recipient{
				{FinalRecipient: "team@example.org", OriginalRecipient: "sales@example.org", Action: "failed", Status: "5.1.1"},
				{FinalRecipient: "y@example.org", OriginalRecipient: "x@example.org", Action: "failed", Status: "5.1.1"},
			},
		},
		{
			name: "garbage line is skipped",
			in: "Reporting-MTA: dns; gw.example.org\n\nFinal-Recipient: rfc822; d@example.org\n----- this is not a field\nAction: failed\n" +
				"Status: 5.1.1\n",
			reporting: "gw.example.org",
			want:      []Recipient{{FinalRecipient: "d@example.org", Action: "failed", Status: "5.1.1"}},
			malformed: true,
		},
		{
			name: "diagnostic without type",
			in:   "Final-Recipient: e@example.org\nAction: failed\nDiagnostic-Code: 550 no such user\n",
			want: []Recipient{{FinalRecipient: "e@example.org", Action: "failed", DiagnosticCode: "550 no such user"}},
		},
	}
	ignore := cmpopts.IgnoreFields(Recipient{}, "Fields")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Parse(strings.NewReader(tc.in))
			if tc.malformed != errors.Is(err, ErrMalformed) {
				t.Errorf("Parse error = %v, want malformed %v", err, tc.malformed)
			}
			if rep.ReportingMTA != tc.reporting {
				t.Errorf("ReportingMTA = %q, want %q", rep.ReportingMTA, tc.reporting)
			}
			if diff := cmp.Diff(tc.want, rep.Recipients, ignore); diff != "" {
				t.Errorf("recipients mismatch (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := Parse(strings.NewReader("")); !errors.Is(err, ErrNotDSN) {
		t.Errorf("Parse(empty) error = %v, want ErrNotDSN", err)
	}
}

func TestAddress(t *testing.T) {
	for in, want := range map[string]string{
		"rfc822; a@example.com":          "a@example.com",
		"RFC822; <B@Example.com>":        "B@Example.com",
		"rfc822;c@example.com (comment)": "c@example.com",
		"d@example.com":                  "d@example.com",
		"utf-8; 用户@例子.广告":                "用户@例子.广告",
	} {
		if got := Address(in); got != want {
			t.Errorf("Address(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseDate(t *testing.T) {
	for _, in := range []string{"Tue,  3 Sep 2024 09:14:20 +0000 (UTC)", "Thu, 17 Jul 2017 23:34:45 +0500 (PKT)",
		"Wed, 16 Oct 2013 14:15:35 +0900", "Mon Jan 2 15:04:05 2006", "3 Sep 2024 09:14:20 +0000"} {
		if _, ok := ParseDate(in); !ok {
			t.Errorf("ParseDate(%q) failed", in)
		}
	}
	if _, ok := ParseDate("yesterday"); ok {
		t.Error("ParseDate(yesterday) succeeded")
	}
}

// FuzzDSN: any input parses without panic, and every recipient found has a
// field list that includes its standard fields.
func FuzzDSN(f *testing.F) {
	seeds, _ := filepath.Glob("../../testdata/eml/*/*.eml")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err == nil {
			if i := strings.Index(string(b), "Reporting-MTA"); i >= 0 {
				f.Add(string(b[i:]))
			}
		}
	}
	f.Add("Final-Recipient: rfc822; a@b\nAction: failed\nStatus: 5.1.1\n")
	f.Add(" \n\t\nFinal-Recipient:\n\n: x\n")
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 1<<16 {
			t.Skip()
		}
		rep, _ := Parse(strings.NewReader(s))
		if rep == nil {
			t.Fatal("Parse returned a nil report")
		}
		for _, r := range rep.Recipients {
			if len(r.Fields) == 0 {
				t.Fatalf("recipient without fields: %+v", r)
			}
		}
	})
}

func TestRepeatedPerMessageField(t *testing.T) {
	rep, _ := Parse(strings.NewReader("Reporting-MTA: dns; first.example\nReporting-MTA: dns; second.example\n\nFinal-Recipient: rfc822; a@b.example\nAction: failed\n"))
	if rep.ReportingMTA != "first.example" || Get(rep.Fields, "Reporting-MTA") != "dns; first.example" {
		t.Errorf("ReportingMTA = %q, Get = %q; want the first value in both", rep.ReportingMTA, Get(rep.Fields, "Reporting-MTA"))
	}
}

// FuzzQuickDate: the dates quickDate reads itself give what every layout
// tried gives (everyLayout, without quickDate): the same instant, zone
// name and offset, and the local zone where time.Parse takes it.
func FuzzQuickDate(f *testing.F) {
	for _, s := range []string{"Mon, 2 Jan 2006 15:04:05 -0700", "Tue, 14 Mar 2023 09:30:00 +0900", "Sun, 28 Feb 2021 23:59:59 +0000",
		"Mon, 02 Jan 2006 15:04:05 -0000", "Wed, 31 Jan 2024 10:00:00 +0100", "mon, 2 Jan 2006 15:04:05 -0700", "Mon,  2 Jan 2006 15:04:05 -0700",
		"Thu, 29 Feb 2024 10:00:00 +0100", "Wed, 29 Feb 2023 10:00:00 +0100", "Thu, 31 Apr 2013 23:45:00 -0800", "Tue, 31 Dec 2013 23:45:00 -0800",
		"Thu, 18 Oct 24 10:00:00 UTC", "18 Oct 69 10:00:00 UTC (x)", "Thu, 18 Oct 68 10:00:00 +0900 (JST)", "2 Jan 2006 15:04:05 -0700 (a-bc)"} {
		f.Add(s)
	}
	for _, s := range dates {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := quickDate(s)
		if !ok {
			return
		}
		want, wantOK := everyLayout(s)
		if !wantOK {
			t.Fatalf("quickDate(%q) = %v, every layout fails", s, got)
		}
		gn, go_ := got.Zone()
		wn, wo := want.Zone()
		if !got.Equal(want) || gn != wn || go_ != wo || (got.Location() == time.Local) != (want.Location() == time.Local) ||
			got.Format(time.RFC3339) != want.Format(time.RFC3339) {
			t.Fatalf("quickDate(%q) = %v (%s %d), every layout = %v (%s %d)", s, got, gn, go_, want, wn, wo)
		}
	})
}

// TestQuickFields: the usual forms are read without time.Parse.
func TestQuickFields(t *testing.T) {
	for _, s := range []string{"Mon, 2 Jan 2006 15:04:05 -0700", "Tue, 14 Mar 2023 09:30:00 +0900", "Sun, 28 Feb 2021 23:59:59 +0000",
		"Tue,  2 May 2017 01:16:58 -0400 (EDT)", "24 Jun 2024 08:54:01 -0000", "1 Apr 2010 14:59:45 +0900",
		"Thu, 18 Oct 24 10:00:00 UTC", "Thu, 18 Sep 2008 17:54:04 +0900 (JST)", "9 May 2024 23:34:45 +0900 (JST)"} {
		if _, ok := quickFields(s); !ok {
			t.Errorf("quickFields(%q) = false", s)
		}
	}
}

// TestNameOf: nameOf ignores ASCII case, and a name with any other byte
// changed is none of the known ones.
func TestNameOf(t *testing.T) {
	names := []string{"reporting-mta", "received-from-mta", "arrival-date", "original-envelope-id", "dsn-gateway",
		"final-recipient", "original-recipient", "action", "status", "remote-mta", "diagnostic-code",
		"last-attempt-date", "final-log-id", "will-retry-until", "x-actual-recipient", "x-display-name",
		"x-supplementary-info"}
	for _, n := range names {
		want := nameOf(n)
		if want == other {
			t.Fatalf("nameOf(%q) = other", n)
		}
		for _, v := range []string{strings.ToUpper(n), strings.ToUpper(n[:1]) + n[1:], n[:len(n)-1] + strings.ToUpper(n[len(n)-1:])} {
			if got := nameOf(v); got != want {
				t.Errorf("nameOf(%q) = %v, want %v", v, got, want)
			}
		}
		for i := range len(n) {
			for _, c := range []string{"\u00e9", "@", "[", "`", "{", "\x00"} {
				if v := n[:i] + c + n[i+1:]; nameOf(v) != other {
					t.Errorf("nameOf(%q) = %v, want other", v, nameOf(v))
				}
			}
		}
	}
	if nameOf(strings.Repeat("a", 33)) != other || nameOf("") != other {
		t.Error("nameOf of a long or empty name is not other")
	}
}
