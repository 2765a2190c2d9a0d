// Package imap reads bounces from an IMAP mailbox (RFC 9051, RFC 3501) as
// a source of package source: `imaps://user@host[:port]/MAILBOX` (TLS,
// port 993, certificates verified) or `imap://...` (port 143, STARTTLS
// required unless Options.Insecure).
//
// It never changes the mailbox unless asked: the mailbox is opened with
// EXAMINE (read-only) and messages are fetched with BODY.PEEK[], so their
// \Seen flags stay as they were. Options.MoveTo and Options.Flag act on a
// message only after its records were written and the output flushed
// (source.Reader.Commit); nothing is ever deleted.
//
// A run can resume: with Options.StatePath, the mailbox's UIDVALIDITY and
// the highest UID whose records were written are saved (package state) at
// Commit, and the next run fetches only newer UIDs. A changed UIDVALIDITY
// means the server renumbered the mailbox: it is read again, with a
// warning. The promise is at least once: a crash between writing records
// and Commit repeats those messages next time, it never skips one.
//
// The protocol is spoken by github.com/emersion/go-imap v1 behind the small
// mailbox interface (client.go), so that v2 can replace it in one file.
package imap
