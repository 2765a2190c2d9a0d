// Package reason decides why a delivery failed, in one word from the reason
// vocabulary (docs/reasons.md): userunknown, mailboxfull, blocked, ...
//
// Classify applies an ordered rule set to the facts of one recipient: the
// order is in Classify's documentation and in docs/reasons.md, the rules
// are data, one table per kind of evidence: providerCodes (provider.go),
// decisive and secondary wording (rules.go), exact and vague status codes
// and reply codes (codes.go), blocklist names and authentication checks
// (lists.go). It also names the blocklist (Spamhaus, SORBS, ...) and the
// failed authentication check (SPF, DKIM, DMARC, ARC) when the server's
// words do. The class (permanent or temporary) is not decided here: it
// comes from the status code.
//
// Classify is cheap: the text is lowercased once and read with
// strings.Index; no regular expression is compiled or run.
package reason
