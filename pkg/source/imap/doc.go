// Package imap reads bounces straight from an IMAP mailbox: it is the
// source.Opener of the inputs imaps://user@host[:port]/MAILBOX and
// imap://user@host[:port]/MAILBOX.
//
// It never damages the mailbox by default: the mailbox is opened with
// EXAMINE (read-only) and messages are fetched with BODY.PEEK[], so their
// flags stay as they were. It changes the mailbox only when asked
// (Config.MoveTo, Config.Flag), and only for the messages whose records were
// written (source.Committer). It never deletes a message.
//
// Messages are fetched in batches of UIDs, one message in memory at a time
// (at most source.Options.MaxMessageSize bytes of it, through a partial
// fetch), so memory stays flat whatever the mailbox size. A dropped
// connection is reopened with backoff and the fetch goes on after the last
// message handed out.
//
// Resuming: with Config.StatePath, the state file (package state) keeps per
// mailbox its UIDVALIDITY and the highest UID whose records were written. A
// later run fetches only newer UIDs; a changed UIDVALIDITY (the server
// renumbered the mailbox) reads it all again, with a warning. The state is
// saved by Commit, which the caller runs after its output was flushed: a
// crash between the two repeats messages on the next run, never skips one
// (at-least-once).
//
// Secrets (the password, an OAuth access token) are read from the
// environment, a file or a command, never from the URL; they are never
// printed, and errors are redacted.
//
// The IMAP protocol itself is spoken by github.com/emersion/go-imap (v1)
// behind the small session interface (session.go), so that another client
// library can replace it in one file.
package imap
