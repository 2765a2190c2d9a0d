// Package dialect recovers the per-recipient facts of a bounce from what the
// reporting server wrote: the RFC 3464 fields when there are any, and the
// prose that every server writes in its own dialect (Postfix, Exim, qmail,
// Exchange, ...).
//
// Extract runs the recognisers in a fixed order. The structured report comes
// first; dialect recognisers handle what is genuinely specific to one
// server; the generic recogniser, last, looks for what every bounce has: an
// address near an SMTP reply and an enhanced status code. Recognisers are
// pure functions of their Input and never format output.
package dialect
