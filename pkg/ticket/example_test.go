package ticket_test

import (
	"fmt"
	"strings"

	"github.com/bounce-tool/bounce/pkg/parts"
	"github.com/bounce-tool/bounce/pkg/ticket"
)

// A bounce returned a Zendesk notification: the encoded ID comes from the
// mark at the end of its text, the number from the request link.
func ExampleFinder_Find() {
	original := "From: Acme Support <support@acme.zendesk.example>\n" +
		"Message-ID: <1G7EOR0Q2J_5e41e701f984_4bbe_sprut@zendesk.com>\n" +
		"Subject: Re: Printer on fire\n" +
		"Content-Type: text/plain\n\n" +
		"You can view this request at https://acme.zendesk.example/hc/en-us/requests/48213\n\n" +
		"[1G7EOR-0Q2J]\n"
	m, _ := parts.Parse(strings.NewReader("Content-Type: message/rfc822\n\n"+original), nil)
	t := (*ticket.Finder)(nil).Find(ticket.Message{Header: m.Original.Header, Body: m.Original.Body})
	fmt.Println(t.System, t.EncodedID, t.ID, t.Source)
	// Output: zendesk 1G7EOR-0Q2J 48213 body
}

// A user pattern links a help desk Find does not know; a map fills the
// numeric ID of a Zendesk ticket whose mail carried only the encoded ID.
func ExampleNewFinder() {
	acme, err := ticket.NewPattern(`\[ACME-(?P<id>\d+)\]`, "acme-desk", "subject")
	if err != nil {
		panic(err)
	}
	var m ticket.Map
	if err := m.Read(strings.NewReader("key,id\n1G7EOR-0Q2J,48213\n"), "tickets.csv"); err != nil {
		panic(err)
	}
	f := ticket.NewFinder(ticket.Options{Patterns: []ticket.Pattern{acme}, Map: &m})

	h, _ := parts.Parse(strings.NewReader("Subject: Re: [ACME-314] Invoice\n\nhi\n"), nil)
	fmt.Println(f.Find(ticket.Message{Header: h.Header}).Key())

	z, _ := parts.Parse(strings.NewReader("Reply-To: support+id1G7EOR-0Q2J@acme.example\n\nhi\n"), nil)
	t := f.Find(ticket.Message{Header: z.Header})
	fmt.Println(t.Key(), "from", t.Source)
	// Output:
	// acme-desk #314
	// zendesk 1G7EOR-0Q2J #48213 from map
}
