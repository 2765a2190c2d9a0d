package ticket

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewPatternErrors(t *testing.T) {
	tests := []struct {
		name, expr, system string
		in                 []string
		want               string
	}{
		{"no id group", `\[ACME-(\d+)\]`, "", nil, "no named group"},
		{"bad syntax", `\[ACME-(?P<id>\d+`, "", nil, "missing closing )"},
		{"bad system", `(?P<id>\d+)`, "Acme Desk", nil, "system \"Acme Desk\""},
		{"bad place", `(?P<id>\d+)`, "", []string{"signature"}, "unknown place \"signature\""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewPattern(tc.expr, tc.system, tc.in...)
			if err == nil || !errors.Is(err, ErrPattern) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewPattern(%q) error = %v, want ErrPattern containing %q", tc.expr, err, tc.want)
			}
		})
	}
}

func TestPatterns(t *testing.T) {
	acme := MustPattern(`\[ACME-(?P<id>\d+)\]`, "acme-desk")
	caseRef := MustPattern(`Case (?P<id>CS-[0-9]{4})`, "", SourceBody)
	subjectOnly := MustPattern(`\((?P<id>\d{5})\)`, "", SourceSubject)
	tests := []struct {
		name     string
		patterns []Pattern
		orig     string
		want     *Ticket
	}{
		{"subject", []Pattern{acme}, "Subject: Re: [ACME-00042] Printer\n\nhi",
			&Ticket{ID: "42", System: "acme-desk", Source: SourceSubject}},
		{"body", []Pattern{acme}, "Subject: Printer\n\nYour reference: [ACME-42]",
			&Ticket{ID: "42", System: "acme-desk", Source: SourceBody}},
		{"reply-to", []Pattern{MustPattern(`tickets\+(?P<id>\d+)@`, "")}, "Reply-To: tickets+77@acme.example\n\nhi",
			&Ticket{ID: "77", System: Custom, Source: SourceReplyTo}},
		{"message-id", []Pattern{MustPattern(`^case-(?P<id>\d+)\.`, "")}, "Message-ID: <case-9.x@acme.example>\n\nhi",
			&Ticket{ID: "9", System: Custom, Source: SourceMessageID}},
		{"references", []Pattern{MustPattern(`^case-(?P<id>\d+)\.`, "")}, "References: <case-9.x@acme.example>\n\nhi",
			&Ticket{ID: "9", System: Custom, Source: SourceReferences}},
		{"encoded reference", []Pattern{caseRef}, "Subject: x\n\nCase CS-1234 was updated",
			&Ticket{EncodedID: "CS-1234", System: Custom, Source: SourceBody}},
		{"quoted body line skipped", []Pattern{acme}, "Subject: Printer\n\n> [ACME-42]\n", nil},
		{"place not allowed", []Pattern{subjectOnly}, "Subject: Printer\n\nOrder (12345)", nil},
		{"place allowed", []Pattern{subjectOnly}, "Subject: Printer (12345)\n\nhi",
			&Ticket{ID: "12345", System: Custom, Source: SourceSubject}},
		{"first pattern wins", []Pattern{caseRef, acme}, "Subject: [ACME-1]\n\nCase CS-1234",
			&Ticket{EncodedID: "CS-1234", System: Custom, Source: SourceBody}},
		{"built-in header marks come first", []Pattern{acme}, "Subject: [ACME-1]\nMessage-ID: <1G7EOR0Q2J@zendesk.com>\n\nhi",
			&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceMessageID}},
		{"patterns before subject tags", []Pattern{acme}, "Subject: [#5] [ACME-1]\n\nhi",
			&Ticket{ID: "1", System: "acme-desk", Source: SourceSubject}},
		{"empty capture", []Pattern{MustPattern(`Ref:(?P<id>\d*)`, "")}, "Subject: Ref:\n\nhi", nil},
		{"prose capture", []Pattern{MustPattern(`Ref: (?P<id>.*)`, "")}, "Subject: Ref: see the attached file\n\nhi", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := NewFinder(Options{Patterns: tc.patterns})
			got := f.Find(original(t, tc.orig, ""))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Find(%q) = %+v, want %+v:\n%s", tc.orig, got, tc.want, diff)
			}
		})
	}
}

const testMap = "\ufeffkey,ticket_id,system\n" +
	"# exported from the help desk\n" +
	"1G7EOR-0Q2J,48213\n" +
	"AAAAAA1111,500\n" +
	"<20240903.4f21@mail.acme.example>,48214,freshdesk\n" +
	"case-7@crm.acme.example,9\n"

func TestMap(t *testing.T) {
	var m Map
	if err := m.Read(strings.NewReader(testMap), "tickets.csv"); err != nil {
		t.Fatal(err)
	}
	f := NewFinder(Options{Map: &m})
	tests := []struct {
		name, orig, bounce string
		want               *Ticket
	}{
		{"encoded id", "Subject: x\n\n[1G7EOR-0Q2J]", "",
			&Ticket{ID: "48213", EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceMap}},
		{"encoded id mapped without dash", "Message-ID: <AAAAAA1111_1_2_sprut@zendesk.com>\n\nhi", "",
			&Ticket{ID: "500", EncodedID: "AAAAAA-1111", System: Zendesk, Source: SourceMap}},
		{"id from the message is kept", "Subject: x\n\nhttps://acme.zendesk.com/agent/tickets/7\n[1G7EOR-0Q2J]", "",
			&Ticket{ID: "7", EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceBody}},
		{"message-id with system", "Message-ID: <20240903.4F21@mail.acme.example>\n\nhi", "",
			&Ticket{ID: "48214", System: Freshdesk, Source: SourceMap}},
		{"message-id without system", "Message-ID: <case-7@crm.acme.example>\n\nhi", "",
			&Ticket{ID: "9", System: Custom, Source: SourceMap}},
		{"message-id, system from marks", "Message-ID: <case-7@crm.acme.example>\nX-Zendesk-From-Account-Id: 1\n\nhi", "",
			&Ticket{ID: "9", System: Zendesk, Source: SourceMap}},
		{"references", "Message-ID: <other@x.example>\nReferences: <case-7@crm.acme.example>\n\nhi", "",
			&Ticket{ID: "9", System: Custom, Source: SourceMap}},
		{"bounce in-reply-to", "", "In-Reply-To: <case-7@crm.acme.example>",
			&Ticket{ID: "9", System: Custom, Source: SourceMap}},
		{"not in the map", "Message-ID: <nope@x.example>\n\nhi", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := f.Find(original(t, tc.orig, tc.bounce))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Find(%q) = %+v, want %+v:\n%s", tc.orig, got, tc.want, diff)
			}
		})
	}
}

func TestMapErrors(t *testing.T) {
	tests := []struct{ name, csv, want string }{
		{"not a number", "1G7EOR-0Q2J,48213\nBBBBBB-2222,SD-4\n", "line 2: ticket ID \"SD-4\" is not a number"},
		{"conflict", "1G7EOR-0Q2J,1\n1G7EOR0Q2J,2\n", "line 2: 1G7EOR0Q2J maps to ticket 2 and to 1 (m.csv line 1)"},
		{"one column", "key,id\n1G7EOR-0Q2J\n", "line 2: want 2 or 3 columns"},
		{"empty key", ",5\n", "line 1: empty key"},
		{"bad quotes", "\"a,5\n", "m.csv"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Map
			err := m.Read(strings.NewReader(tc.csv), "m.csv")
			if err == nil || !errors.Is(err, ErrMap) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Read(%q) error = %v, want ErrMap containing %q", tc.csv, err, tc.want)
			}
		})
	}
	var m Map
	if err := m.Read(strings.NewReader("a@b.example,1\na@b.example,1\n"), "same.csv"); err != nil {
		t.Errorf("a repeated row with the same ID: %v", err)
	}
	if m.Len() != 1 {
		t.Errorf("Len() = %d, want 1", m.Len())
	}
}

func TestKey(t *testing.T) {
	tests := []struct {
		t    *Ticket
		want string
	}{
		{nil, ""},
		{&Ticket{ID: "48213", EncodedID: "8K2LQP-4R7M", System: Zendesk}, "zendesk 8K2LQP-4R7M #48213"},
		{&Ticket{ID: "5", System: OTRS}, "otrs #5"},
		{&Ticket{EncodedID: "SD-1", System: Jira}, "jira SD-1"},
	}
	for _, tc := range tests {
		if got := tc.t.Key(); got != tc.want {
			t.Errorf("Key(%+v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

func TestMapFill(t *testing.T) {
	var m Map
	if err := m.Read(strings.NewReader("1G7EOR-0Q2J,48213\n<abc@mail.acme.example>,48214,zendesk\n<x@y.example>,9\n"), "map.csv"); err != nil {
		t.Fatal(err)
	}
	enc := &Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceReplyTo}
	tests := []struct {
		name  string
		t     *Ticket
		msgID string
		want  *Ticket
	}{
		{"encoded id", enc, "", &Ticket{ID: "48213", EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceMap}},
		{"message-id for a ticket without number", &Ticket{EncodedID: "AAAAAA-1111", System: Zendesk, Source: SourceBody},
			"ABC@mail.acme.example", &Ticket{ID: "48214", EncodedID: "AAAAAA-1111", System: Zendesk, Source: SourceMap}},
		{"message-id without ticket", nil, "abc@mail.acme.example", &Ticket{ID: "48214", System: Zendesk, Source: SourceMap}},
		{"message-id without system", nil, "x@y.example", &Ticket{ID: "9", System: Custom, Source: SourceMap}},
		{"a number is kept", &Ticket{ID: "7", EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceBody}, "",
			&Ticket{ID: "7", EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceBody}},
		{"unknown", nil, "other@host.example", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, m.Fill(tc.t, tc.msgID)); diff != "" {
				t.Errorf("Fill (-want +got):\n%s", diff)
			}
		})
	}
	if enc.ID != "" {
		t.Error("Fill changed its argument")
	}
	if got := (*Map)(nil).Fill(enc, ""); got != enc {
		t.Error("a nil map changed the ticket")
	}
}
