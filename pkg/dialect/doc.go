// Package dialect recovers the per-recipient facts of a bounce from what the
// reporting server wrote: the RFC 3464 fields when there are any, and the
// prose that every server writes in its own dialect (Postfix, Exim, qmail,
// Exchange, ...).
//
// Extract names the server (the first of Recognisers whose Detect matches,
// from header fields and fixed phrases) and reads the recipients: the
// dialect's own Recognise when it has one, then the structured reports, then
// the prose reader, then the failed recipients a header names. The prose
// reader knows what every bounce has: recipients listed after a phrase
// ("The following address(es) failed"), at the start of a line, or after a
// recipient word ("RCPT TO:"), and the server's words next to them or in a
// paragraph that carries an SMTP reply or a status code. Dialect modules
// hold only what one server does differently: Sendmail's session
// transcripts, Amazon SES's JSON notifications, fml's list notices.
//
// Recognisers are pure functions of their Input, never format output, and
// give the same result for the same input.
package dialect
