// Package bounce turns one mail message into records that say what happened
// to each recipient: the bounce's facts (status, class, reason, reporting
// and remote servers), the returned original and the help-desk ticket it
// belonged to.
//
// Analyze is the whole pipeline for one message, in one direction: read the
// header (a cheap exit for ordinary mail), take the message apart (package
// parts), parse its delivery-status reports (package dsn), recover the
// recipients from the prose (package dialect), then resolve each recipient's
// status code, class and reason (packages status and reason). The Record type
// is the stable JSON contract of `bounce inspect --format json`
// (docs/json.md).
package bounce
