// Package ticket links a bounced notification to the help-desk ticket it
// belonged to.
//
// Help desks mark the mail they send: Zendesk puts an encoded ticket ID such
// as [1G7EOR-0Q2J] in the body and in the Message-ID, Freshdesk and osTicket
// write [#123] in the subject, OTRS and Znuny write [Ticket#2024010110000011],
// Request Tracker writes [rt.example.com #123]. The returned original inside
// a bounce carries these marks; this package finds them.
package ticket
