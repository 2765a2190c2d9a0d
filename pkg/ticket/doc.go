// Package ticket links a bounced notification to the help-desk ticket it
// belonged to.
//
// Help desks mark the mail they send: Zendesk puts an encoded ticket ID such
// as [1G7EOR-0Q2J] in the body, in the Reply-To plus-address and in the
// Message-ID; Freshdesk and osTicket write [#123] in the subject, OTRS and
// Znuny [Ticket#2024010110000011], Request Tracker [rt.example.com #123] and
// an RT-Ticket header field. The returned original inside a bounce carries
// these marks; a Finder reads them.
//
// # Where Find looks
//
// Only at the returned original: its header and its decoded text. The
// bounce's own header adds its In-Reply-To and References, and only when the
// original's Message-ID is unknown (no original came back, or one without a
// Message-ID): those fields then name the message that bounced. When no
// original came back at all, the bounce's Subject stands in for the
// original's where it quotes it after a report's prefix ("Undeliverable:
// [#91] Order update", sign.QuotedSubject). The bounce's prose is never
// read: an ID a mail server quotes there ("[#102]" in a Yahoo rejection) is
// not a ticket.
//
// # Precision first
//
// A wrong link is worse than none. A bare number is never a ticket, nor
// "#123" in prose; bracketed subject tags count only in the subject the help
// desk wrote; Zendesk's body mark counts only alone on a line, and never in a
// quoted reply line ("> ..."); all-digit lookalikes of Zendesk IDs
// ("[202401-0101]") need Zendesk's header marks; a Request Tracker tag needs a
// host-like name or RT's header fields. When Zendesk's own marks disagree
// about the encoded ID, or ticket links disagree about the number, nothing is
// linked.
//
// # Precedence
//
// Find tries, in order, and the first that finds a ticket wins:
//
//  1. Zendesk: encoded ID from the body mark, then the Reply-To (or From)
//     plus-address, then the Message-ID, then In-Reply-To/References; the
//     numeric ID from ticket links (agent/tickets/N, hc/<locale>/requests/N,
//     requests/N) and, in a message known to be Zendesk's (an encoded ID or
//     its header fields), from its own words: "Your request (N) has been
//     updated" (also in other languages) and a "Request #N: ..." subject.
//     Two different numbers give none. Ticket.Source names where the encoded
//     ID came from, else where the number was found.
//  2. Help Scout reply Message-IDs <reply-123-...@helpscout.net>.
//  3. Request Tracker's RT-Ticket header field.
//  4. Jira Message-IDs <JIRA.10042....@Atlassian.JIRA> (numeric issue ID),
//     with the issue key from a "[JIRA] (SD-123)" subject.
//  5. GLPI Message-IDs <GLPI_...-Ticket-123....@host>.
//  6. The user's Patterns, in order, each in its places.
//  7. Subject tags: [Ticket#N], [name #N], [JIRA] (KEY-N), [GLPI #N], [#N].
//
// Finally a Map fills the numeric ID of a ticket that has none (Source
// becomes "map"), or links a message nothing else linked by its Message-ID.
//
// Find is pure and cheap: no regular expression is compiled per call, and
// the built-in help desks are found with plain string scans.
package ticket
