package ticket

import (
	"bufio"
	"strings"
	"testing"

	mimeheader "github.com/bounce-tool/bounce/pkg/header"
	"github.com/google/go-cmp/cmp"
)

// header parses a header block written one field per line.
func header(t testing.TB, s string) mimeheader.Header {
	t.Helper()
	h, err := mimeheader.Read(bufio.NewReader(strings.NewReader(strings.TrimLeft(s, "\n") + "\n\n")))
	if err != nil {
		t.Fatalf("header %q: %v", s, err)
	}
	return h
}

// original splits "header\n\nbody" into a Message.
func original(t testing.TB, raw, bounce string) Message {
	t.Helper()
	head, body, _ := strings.Cut(strings.TrimLeft(raw, "\n"), "\n\n")
	m := Message{Body: body}
	if head != "" {
		m.Header = header(t, head)
	}
	if bounce != "" {
		m.Bounce = header(t, bounce)
	}
	return m
}

const zendeskFull = `
From: Acme Support <support@acme.zendesk.com>
Reply-To: Acme Support <support+id8K2LQP-4R7M@acme.zendesk.com>
Message-ID: <8K2LQP4R7M_66d6d35b1c2e4_3a9f_sprut@zendesk.com>
In-Reply-To: <8K2LQP4R7M@zendesk.com>
References: <8K2LQP4R7M@zendesk.com>
Subject: [Acme Support] Re: Invoice 2024-118 is missing a line
X-Mailer: Zendesk Mailer
X-Zendesk-From-Account-Id: 4f21c9a

##- Please type your reply above this line -##

Your request (48213) has been updated.

You can view this request at https://acme.zendesk.com/hc/en-us/requests/48213

[8K2LQP-4R7M]
`

type findTest struct {
	name   string
	orig   string // header, blank line, body
	bounce string // the bounce's own header
	want   *Ticket
}

var findTests = []findTest{
	// Zendesk, each mark on its own, and combined.
	{"zendesk full notification", zendeskFull, "",
		&Ticket{ID: "48213", EncodedID: "8K2LQP-4R7M", System: Zendesk, Source: SourceBody}},
	{"zendesk body mark only", "Subject: Re: help\n\nThanks!\n\n[1G7EOR-0Q2J]\n", "",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceBody}},
	{"zendesk body mark with five", "Subject: x\n\nText.\n  [1G7EOR-0Q2JX]  \n", "",
		&Ticket{EncodedID: "1G7EOR-0Q2JX", System: Zendesk, Source: SourceBody}},
	{"zendesk body mark last wins", "Subject: x\n\n[AAAAAA-1111]\nmore text\n[1G7EOR-0Q2J]\n", "",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceBody}},
	{"zendesk reply-to", "Reply-To: \"Acme\" <support+id1G7EOR-0Q2J@acme.zendesk.com>\n\nHello", "",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceReplyTo}},
	{"zendesk reply-to lowercased", "Reply-To: support+id1g7eor-0q2j@help.acme.example\n\nHello", "",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceReplyTo}},
	{"zendesk from plus-address", "From: support+id1G7EOR-0Q2J@acme.zendesk.com\n\nHello", "",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceReplyTo}},
	{"zendesk message-id", "Message-ID: <1G7EOR0Q2J_5e41e701f984_4bbe_sprut@zendesk.com>\n\nHello", "",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceMessageID}},
	{"zendesk message-id eleven", "Message-ID: <1G7EOR0Q2JX_5e41e701f984_4bbe_sprut@zendesk.com>\n\nHello", "",
		&Ticket{EncodedID: "1G7EOR-0Q2JX", System: Zendesk, Source: SourceMessageID}},
	{"zendesk references", "Message-ID: <abc@mail.acme.example>\nReferences: <x@y.example> <1G7EOR0Q2J@zendesk.com>\n\nHello", "",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceReferences}},
	{"zendesk in-reply-to", "In-Reply-To: <1G7EOR0Q2J@zendesk.com>\n\nHello", "",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceReferences}},
	{"zendesk headers only", "Message-ID: <1G7EOR0Q2J_5e41_4bbe_sprut@zendesk.com>\nSubject: x\n\n", "",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceMessageID}},
	{"zendesk agent link", "Subject: x\n\nSee https://acme.zendesk.com/agent/tickets/48213.\n\n[1G7EOR-0Q2J]", "",
		&Ticket{ID: "48213", EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceBody}},
	{"zendesk link only", "Subject: x\n\nSee <https://acme.zendesk.com/agent/tickets/48213>", "",
		&Ticket{ID: "48213", System: Zendesk, Source: SourceURL}},
	{"zendesk old requests link", "Subject: x\n\nhttps://acme.zendesk.com/requests/48213", "",
		&Ticket{ID: "48213", System: Zendesk, Source: SourceURL}},
	{"zendesk hc link without locale", "Subject: x\n\nhttps://acme.zendesk.com/hc/requests/48213?page=1", "",
		&Ticket{ID: "48213", System: Zendesk, Source: SourceURL}},
	{"zendesk host-mapped link with marks", "X-Zendesk-From-Account-Id: 1\n\nhttps://support.acme.example/hc/de/requests/77\n[1G7EOR-0Q2J]", "",
		&Ticket{ID: "77", EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceBody}},
	{"zendesk references disagree with mark", "References: <AAAAAA1111@zendesk.com>\n\n[1G7EOR-0Q2J]", "",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceBody}},
	{"zendesk links disagree", "Subject: x\n\nhttps://acme.zendesk.com/agent/tickets/1\nhttps://acme.zendesk.com/agent/tickets/2\n[1G7EOR-0Q2J]", "",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceBody}},
	{"zendesk all-digit mark with marks", "X-Mailer: Zendesk Mailer\n\n[202401-0101]", "",
		&Ticket{EncodedID: "202401-0101", System: Zendesk, Source: SourceBody}},
	{"zendesk request text", "Reply-To: support+id1G7EOR-0Q2J@acme.zendesk.com\n\nYour request (48213) has been updated.\n", "",
		&Ticket{ID: "48213", EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceReplyTo}},
	{"zendesk request text in german", "X-Mailer: Zendesk Mailer\n\nIhre Anfrage (00712) wurde aktualisiert.", "",
		&Ticket{ID: "712", System: Zendesk, Source: SourceBody}},
	{"zendesk request subject", "Subject: Request #48213: Printer on fire\nMessage-ID: <1G7EOR0Q2J_5e41_4bbe_sprut@zendesk.com>\n\n", "",
		&Ticket{ID: "48213", EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceMessageID}},
	{"zendesk request subject after a tag", "Subject: [Acme] Re: AW: request #77: Drucker\nX-Zendesk-From-Account-Id: 1\n\nhi", "",
		&Ticket{ID: "77", System: Zendesk, Source: SourceSubject}},
	{"zendesk request number in the customer's title", "Subject: [Acme] Re: Request #123 for a refund\nX-Zendesk-From-Account-Id: 1\n\nhi", "", nil},
	{"zendesk request number later in the subject", "Subject: [Acme] Refund: Request #123: please\nX-Zendesk-From-Account-Id: 1\n\nhi", "", nil},
	{"zendesk text agrees with link", "Subject: x\n\nYour request (48213) has been updated.\nhttps://acme.zendesk.com/hc/en-us/requests/48213\n[1G7EOR-0Q2J]", "",
		&Ticket{ID: "48213", EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceBody}},
	{"zendesk text disagrees with link", "Subject: x\n\nYour request (1) has been updated.\nhttps://acme.zendesk.com/hc/en-us/requests/2\n[1G7EOR-0Q2J]", "",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceBody}},
	{"zendesk subject disagrees with text", "Subject: Request #5: x\n\nYour request (6) has been updated.\n[1G7EOR-0Q2J]", "",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceBody}},
	{"zendesk two request numbers in text", "Subject: x\n\nYour request (5) has been merged into this request (6).\n[1G7EOR-0Q2J]", "",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceBody}},
	{"zendesk request text in a quoted line", "Subject: x\n\n> Your request (48213) has been updated.\n[1G7EOR-0Q2J]", "",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceBody}},
	{"zendesk other noun before a number", "Subject: Order #48213: shipped\n\nYour order (48213) has shipped; subrequest (9), requests (8), request (7a).\n[1G7EOR-0Q2J]", "",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceBody}},
	{"zendesk agent notification text", "X-Zendesk-From-Account-Id: 1\n\nThis ticket (#48213) has been updated.\n", "",
		&Ticket{ID: "48213", System: Zendesk, Source: SourceBody}},
	{"zendesk hash without ticket noun", "X-Mailer: Zendesk Mailer\n\nYour order (#48213) has shipped.\n", "", nil},
	{"zendesk customer's own request number", "Subject: x\n\nMy request (4711) from last year is still open.\n[1G7EOR-0Q2J]", "",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceBody}},
	{"zendesk request text at the start of a line", "X-Mailer: Zendesk Mailer\n\nrequest (4711) closed", "", nil},
	{"zendesk request subject with more digits", "Subject: Request #48213-2: x\nX-Mailer: Zendesk Mailer\n\nhi", "", nil},
	{"bounce's subject quotes the original's when none came back", "", "Subject: Undeliverable: [#123] Printer",
		&Ticket{ID: "123", System: Freshdesk, Source: SourceSubject}},
	{"exchange's delay notice, no space after the prefix", "", "Subject: Delivery delayed:[Ticket#2024010110000011] Printer",
		&Ticket{ID: "2024010110000011", System: OTRS, Source: SourceSubject}},
	{"bounce in-reply-to without original", "", "In-Reply-To: <1G7EOR0Q2J_5e41_4bbe_sprut@zendesk.com>\nSubject: Undeliverable",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceReferences}},
	{"bounce references, original without message-id", "Subject: x\n\nhi", "References: <1G7EOR0Q2J@zendesk.com>",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceReferences}},

	// Other help desks.
	{"freshdesk", "Subject: Re: [#123] Printer on fire\n\nhi", "",
		&Ticket{ID: "123", System: Freshdesk, Source: SourceSubject}},
	{"osticket by x-mailer", "Subject: [#482910] Printer on fire\nX-Mailer: osTicket Mailer\n\nhi", "",
		&Ticket{ID: "482910", System: OSTicket, Source: SourceSubject}},
	{"otrs", "Subject: [Ticket#2024010110000011] Printer on fire\n\nhi", "",
		&Ticket{ID: "2024010110000011", System: OTRS, Source: SourceSubject}},
	{"otrs hook on the right", "Subject: RE: Printer on fire [Ticket#2024010110000011]\nX-OTRS-Loop: yes\n\nhi", "",
		&Ticket{ID: "2024010110000011", System: OTRS, Source: SourceSubject}},
	{"zammad", "Subject: Printer [Ticket#31007]\nX-Zammad-Ticket-Id: 7\n\nhi", "",
		&Ticket{ID: "31007", System: Zammad, Source: SourceSubject}},
	{"rt subject", "Subject: [rt.example.com #123] Printer on fire\n\nhi", "",
		&Ticket{ID: "123", System: RT, Source: SourceSubject}},
	{"rt subject short name with rt fields", "Subject: [ACME #45] Printer on fire\nX-RT-Loop-Prevention: ACME\n\nhi", "",
		&Ticket{ID: "45", System: RT, Source: SourceSubject}},
	{"rt header", "Subject: Printer on fire\nRT-Ticket: rt.example.com #123\n\nhi", "",
		&Ticket{ID: "123", System: RT, Source: SourceHeader}},
	{"jira subject", "Subject: [JIRA] (SD-123) Printer on fire\n\nhi", "",
		&Ticket{EncodedID: "SD-123", System: Jira, Source: SourceSubject}},
	{"jira message-id and subject", "Subject: [JIRA] (SD-123) Printer on fire\nMessage-ID: <JIRA.10042.1700000000000.1234.1700000000001@Atlassian.JIRA>\n\nhi", "",
		&Ticket{ID: "10042", EncodedID: "SD-123", System: Jira, Source: SourceSubject}},
	{"jira message-id", "Subject: Printer on fire\nMessage-ID: <JIRA.10042.1700000000000.1234.1700000000001@Atlassian.JIRA>\n\nhi", "",
		&Ticket{ID: "10042", System: Jira, Source: SourceMessageID}},
	{"glpi subject", "Subject: [GLPI #0000123] New ticket Printer on fire\n\nhi", "",
		&Ticket{ID: "123", System: GLPI, Source: SourceSubject}},
	{"glpi message-id", "Message-ID: <GLPI_5f3a9c-Ticket-123.1700000000.987654@glpi.example.com>\n\nhi", "",
		&Ticket{ID: "123", System: GLPI, Source: SourceMessageID}},
	{"helpscout message-id", "Message-ID: <reply-87654321-123456789-1234@helpscout.net>\n\nhi", "",
		&Ticket{ID: "87654321", System: HelpScout, Source: SourceMessageID}},
	{"helpscout references", "Message-ID: <a@b.example>\nReferences: <reply-87654321-1-2@helpscout.net>\n\nhi", "",
		&Ticket{ID: "87654321", System: HelpScout, Source: SourceReferences}},
	{"zendesk beats a subject tag", "Subject: Re: [#123] order\nMessage-ID: <1G7EOR0Q2J_5e41_4bbe_sprut@zendesk.com>\n\nhi", "",
		&Ticket{EncodedID: "1G7EOR-0Q2J", System: Zendesk, Source: SourceMessageID}},

	// Near-misses: none of these may link.
	{"date in brackets", "Subject: Report\n\nPeriod:\n[2024-0101]\n", "", nil},
	{"all-digit zendesk lookalike without marks", "Subject: Report\n\n[202401-0101]\n", "", nil},
	{"zendesk id inside a sentence", "Subject: x\n\nYour part [1G7EOR-0Q2J] has shipped.", "", nil},
	{"zendesk id in a quoted line", "Subject: x\n\nThanks.\n\n> [1G7EOR-0Q2J]\n", "", nil},
	{"zendesk id in a deeper quote", "Subject: x\n\n  >> [1G7EOR-0Q2J]\n", "", nil},
	{"lowercase zendesk lookalike in body", "Subject: x\n\n[1g7eor-0q2j]", "", nil},
	{"zendesk lookalike message-id elsewhere", "Message-ID: <1G7EOR0Q2J@mail.acme.example>\n\nhi", "", nil},
	{"plus-address without dash", "Reply-To: support+id1G7EOR0Q2J@acme.zendesk.com\n\nhi", "", nil},
	{"plus-address with other tag", "Reply-To: jane+news@acme.example\n\nhi", "", nil},
	{"zendesk marks disagree", "Message-ID: <AAAAAA1111_5e41_4bbe_sprut@zendesk.com>\n\n[1G7EOR-0Q2J]", "", nil},
	{"zendesk link in a quoted line", "Subject: x\n\n> https://acme.zendesk.com/agent/tickets/48213", "", nil},
	{"zendesk article link", "Subject: x\n\nhttps://acme.zendesk.com/hc/en-us/articles/360001234", "", nil},
	{"requests link on an unknown host", "Subject: x\n\nhttps://shop.example.com/requests/123", "", nil},
	{"requests link under another path", "X-Mailer: Zendesk Mailer\n\nhttps://shop.example.com/api/requests/123", "", nil},
	{"zendesk link with letters after the number", "Subject: x\n\nhttps://acme.zendesk.com/agent/tickets/48213abc", "", nil},
	{"zendesk link without scheme", "Subject: x\n\nacme.zendesk.com/agent/tickets/48213", "", nil},
	{"bare number in subject", "Subject: Re: 48213\n\nhi", "", nil},
	{"price in subject", "Subject: Your order #123 total $45\n\nhi", "", nil},
	{"hash number in body prose", "Subject: Order\n\nItem #123 costs 4 EUR. Ticket #55 is closed. [#123]", "", nil},
	{"freshdesk tag only in a quoted line", "Subject: Re: Order\n\n> [#123] Printer on fire", "", nil},
	{"freshdesk tag zero", "Subject: [#0] x\n\nhi", "", nil},
	{"freshdesk tag not closed", "Subject: [#123 x\n\nhi", "", nil},
	{"otrs lookalike date", "Subject: [Ticket#2024-0101] x\n\nhi", "", nil},
	{"rt lookalike note", "Subject: [Note #12] Printer\n\nhi", "", nil},
	{"rt lookalike version", "Subject: [2.5 #3] release\n\nhi", "", nil},
	{"jira lowercase key", "Subject: [JIRA] (sd-123) x\n\nhi", "", nil},
	{"jira without tag", "Subject: (SD-123) x\n\nhi", "", nil},
	{"glpi message-id without ticket", "Message-ID: <GLPI_5f3a9c-Change-123.1700000000.987654@glpi.example.com>\n\nhi", "", nil},
	{"helpscout lookalike", "Message-ID: <reply-87654321-1-2@mail.acme.example>\n\nhi", "", nil},
	{"bounce's subject is read only after a report's prefix", "", "Subject: [#123] Printer", nil},
	{"bounce's subject is not read when the original came back", "Subject: Printer\n\nhi", "Subject: Undeliverable: [#123] Printer", nil},
	{"bounce references ignored when the original has a message-id", "Message-ID: <abc@mail.acme.example>\n\nhi",
		"References: <1G7EOR0Q2J@zendesk.com>", nil},
	{"request text without zendesk marks", "Subject: x\n\nYour request (48213) has been updated.\n", "", nil},
	{"request subject without zendesk marks", "Subject: Request #48213: Printer on fire\n\nhi", "", nil},
	{"request number zero", "X-Mailer: Zendesk Mailer\nSubject: Request #0\n\nYour request (000) has been updated.", "", nil},
	{"empty", "", "", nil},
}

func TestFind(t *testing.T) {
	for _, tc := range findTests {
		t.Run(tc.name, func(t *testing.T) {
			got := (*Finder)(nil).Find(original(t, tc.orig, tc.bounce))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Find(%q) = %+v, want %+v (-want +got):\n%s", tc.orig, got, tc.want, diff)
			}
		})
	}
}
