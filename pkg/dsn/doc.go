// Package dsn parses the machine-readable part of a delivery status
// notification: the message/delivery-status body of RFC 3464 and the
// message/global-delivery-status body of RFC 6533.
//
// Such a body is a block of per-message fields (Reporting-MTA,
// Received-From-MTA, Arrival-Date) followed by one block of per-recipient
// fields (Final-Recipient, Original-Recipient, Action, Status, Remote-MTA,
// Diagnostic-Code, Last-Attempt-Date, Will-Retry-Until) for each recipient.
// Header lines are read with the MIME walk's header scanner
// (pkg/header, which reads them as go-message's textproto does), so
// folded values are unfolded and names match in any case.
//
// Real reports are often untidy: stray blank lines inside a recipient's
// block, none between two recipients, lines that are not fields at all.
// Parse therefore groups fields by what they are, not by where the blank lines
// fall: a recipient starts at a Final-Recipient (or an Original-Recipient
// before one) or when a field repeats. Parse returns what it could read
// together with an error matching ErrMalformed when it skipped something.
package dsn
