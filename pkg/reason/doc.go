// Package reason decides why a delivery failed, in one word from the reason
// vocabulary (docs/reasons.md): userunknown, mailboxfull, blocked, ...
//
// Classify applies an ordered rule set to the facts of one recipient (see
// rules.go for the order and docs/reasons.md for the words). It also names the
// blocklist (Spamhaus, SORBS, ...) and the authentication method (SPF, DKIM,
// DMARC, ARC) when the server's text does. The class (permanent or
// temporary) is not decided here: it comes from the status code.
package reason
