// Package state keeps the small files that let bounce pick up where it left
// off: the highest IMAP UID read per mailbox (so a rerun fetches only newer
// mail) and the failure groups already written onto tickets (so `bounce act`
// never writes the same note twice).
//
// Files live in the user's state directory ($XDG_STATE_HOME/bounce, else
// ~/.local/state/bounce) unless a caller names another path. They are JSON,
// read whole and written atomically: a temporary file in the same directory
// is synced and renamed over the old one, so a crash leaves either the old
// or the new state, never half of one.
package state
