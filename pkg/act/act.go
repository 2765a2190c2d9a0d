package act

import (
	"context"
	"errors"
	"fmt"

	"github.com/bounce-tool/bounce/pkg/ticket"
)

// Target is a place notes are written to: a help desk's API or a webhook.
type Target interface {
	// Name identifies the target and its account in the state file and
	// in messages ("zendesk https://acme.zendesk.com"); it holds no
	// secret.
	Name() string
	// TicketID returns the ticket the target writes a note for t to, ""
	// when t cannot be written there (a Zendesk ticket without its
	// number, a ticket of another desk): the group is unresolved.
	TicketID(t *ticket.Ticket) string
	// Write writes the note. A *HTTPError reports an answer the target
	// refused; other errors are failures to reach it. A target that finds
	// some of the note's groups written already may leave them out: it
	// then changes *n to the note it sent.
	Write(ctx context.Context, n *Note) error
}

// The outcomes of a note (Outcome.Result).
const (
	Planned    = "planned"    // without Apply: the note would be written
	Written    = "written"    // the target accepted the note
	Skipped    = "skipped"    // every group of the note was written before
	Unresolved = "unresolved" // the ticket's number (or the ticket) is unknown
	Failed     = "failed"     // the target refused the note or could not be reached
)

// ErrOnTicket is returned by a Target's Write when every group of the note
// is found on the ticket already (Zendesk.CheckFirst): the outcome is
// Skipped, and the groups are recorded as written.
var ErrOnTicket = errors.New("act: the note is on the ticket already")

// HTTPError is an answer a target refused: its HTTP status and the error
// message it gave (Zendesk's error and description). It never holds a
// secret or the target's URL.
type HTTPError struct {
	Status  int    // HTTP status code
	Message string // the target's own words, sanitised and cut; may be empty
}

// Error returns "HTTP 404: RecordNotFound: Not found".
func (e *HTTPError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("HTTP %d", e.Status)
	}
	return fmt.Sprintf("HTTP %d: %s", e.Status, e.Message)
}

// HTTPStatus returns the HTTP status of the *HTTPError in err's chain, 0
// when there is none.
func HTTPStatus(err error) int {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.Status
	}
	return 0
}
