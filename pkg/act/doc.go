// Package act writes bounces back onto the help-desk tickets they belong
// to: the agent on a ticket learns that the customer never got the reply.
//
// A Collector gathers bounce records into failure groups (one original
// message and one recipient: a delay and the later failure are one group,
// and its latest state counts). Plan turns the groups whose latest state is
// a failure and that carry a ticket into one Note per ticket: a private
// note saying what failed, why and what to do, with tags and a marker line
// per group ("bounce-group: <key>"). A Runner hands the notes to a Target
// (Zendesk, or a signed webhook for any other desk) and remembers the
// groups already written in a State file, so that running the same input
// twice writes nothing the second time. Without Apply it writes nothing
// and reports what it would write.
//
// Targets share one HTTP Client: a client-side rate limit, 429 answers
// honoured with their Retry-After, 5xx answers and timeouts retried with
// backoff and jitter a bounded number of times, a timeout per request and
// the caller's context for cancellation. Secrets (API tokens, the webhook
// secret) are sent in headers only and never appear in errors.
package act
