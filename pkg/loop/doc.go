// Package loop detects mail loops in the mail that arrives at help-desk
// support addresses, and applies the per-sender hourly cap that help desks
// use to survive them.
//
// Help desks drown when two machines auto-reply to each other. Package loop
// recognises machine-generated mail from its header fields (the signals: RFC
// 3834 Auto-Submitted, RFC 2919 List-Id, RFC 2369 List-Unsubscribe,
// Precedence, the X-Loop family, auto-reply subjects in several languages,
// no-reply and mailer-daemon senders, help-desk mailers), replays the hourly
// cap a help desk applies to each sender, and reports the loops that a
// per-sender cap misses: two addresses answering each other (ping-pong) and
// a loop whose other side changes its sender address with every message
// (rotating-sender).
//
// # The cap
//
// Each message is counted against its sender: the lowercased addr-spec of
// the first From address, or the envelope sender when From is missing or
// unusable. Plus tags are part of the sender (bounce+1@x and bounce+2@x are
// two senders, which is how rotating senders escape the cap). A message's
// rank is the number of messages from the same sender dated within the
// window (Options.Window, 60 minutes by default) that ends at the message's
// own time, (t-60min, t], counting ties in input order. Ranks 1 to
// Options.Limit (20) are accepted, the next Limit are suspended and the rest
// rejected. Senders matched by Options.Allow get Limit*Options.Factor
// (200) instead. Every message counts towards the window whatever its
// outcome: suspended and rejected mail still arrived.
//
// Outcomes are decided in this order:
//
//   - no sender at all: suspended, not counted (a desk cannot create a ticket);
//   - from a support address (Options.SupportAddresses): suspended, because
//     accepting it would loop back into the desk;
//   - bulk mail (Precedence bulk, junk or list, List-Id, List-Unsubscribe) or
//     mail from a no-reply or mailer-daemon sender: suspended whatever the
//     count, as it would create no ticket; unless the sender is allowlisted,
//     in which case it counts against the raised cap like any other mail;
//   - otherwise by rank as above.
//
// Notify is true for accepted mail that is neither bulk nor from a no-reply
// sender: a desk sends no automatic notifications to bulk senders, and none
// for mail it suspended or rejected.
//
// A Message with Err set stands for a message that could not be read. It
// keeps its place among the records, with the error and an empty Outcome,
// and counts in no window, sender summary or loop.
//
// # Dates
//
// A message's time is its Date header, else its envelope (mbox From_ line)
// date, else unknown. Times are kept to the second. An undated message is
// placed at the time of the previous dated message in input order (or of
// the first dated message, when none precedes it) so that it still counts
// in the windows, in input order; its record shows an empty date. When no
// message is dated at all, they all share one instant.
//
// # Threads and loops
//
// Two messages are on the same thread when one's Message-ID appears in the
// other's In-Reply-To or References (first and last entry), transitively, or
// when they share a normalised subject (see NormalizeSubject). Generic
// subjects such as a bare "Out of office" or "Undelivered Mail Returned to
// Sender" don't join threads. Only loop-eligible messages are threaded:
// automated ones and those from a support address.
//
// Three kinds of loop are reported, each with its own thresholds in Options:
//
//   - ping-pong: at least PingPongMin (4) consecutive eligible messages on one
//     thread alternating between two senders A, B, A, B, each within
//     PingPongGap (60 minutes) of the previous one (a third sender in
//     between breaks the run; runs of one pair on one thread make one loop);
//   - rotating-sender: on one thread, at least RotatingMin (6) eligible
//     messages from one sender domain within RotatingWindow (60 minutes),
//     from at least RotatingSenders (3) distinct addresses; or, automated
//     or not, at least RotatingUnsigned (10) messages on one thread within
//     RotatingWindow, each from an address of one domain new on the thread
//     (systems that rotate addresses do it to look like people, and leave
//     out the loop headers too);
//   - single-sender: one sender with more eligible messages within the window
//     than its cap accepts (more than 20, or 200 when allowlisted).
//
// A message belongs to at most one loop. The kinds claim messages in the
// order above; a loop left with fewer messages than its kind requires is
// dropped. Loops are numbered L1, L2, ... in order of their first message.
//
// Feed an Analyzer (NewAnalyzer, Add, Result) or call Analyze on a slice.
// All functions are pure computations over the header fields they are
// given; the package does no I/O. Output never depends on map iteration
// order. Encoded words (RFC 2047) in subjects are decoded with go-message;
// import github.com/emersion/go-message/charset in the binary to decode
// charsets other than UTF-8, US-ASCII and ISO-8859-1.
package loop
