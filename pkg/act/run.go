package act

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/bounce-tool/bounce/pkg/state"
	"github.com/bounce-tool/bounce/pkg/ticket"
)

// StateFile is the name of the default state file in state.Dir.
const StateFile = "act.json"

// State remembers the groups written to each target. It is kept in a JSON
// file (see pkg/state):
//
//	{"version": 1, "written": {"zendesk https://acme.zendesk.com":
//	    {"1a2b3c4d5e6f7a8b": {"ticket": "48213", "class": "permanent", "at": "2026-11-22T07:30:00Z"}}}}
type State struct {
	Version int                                `json:"version"`
	Written map[string]map[string]WrittenGroup `json:"written"`

	path string
}

// WrittenGroup is a group written to a target: the ticket, the class of
// the state written and the time.
type WrittenGroup struct {
	Ticket string    `json:"ticket"`
	Class  string    `json:"class"`
	At     time.Time `json:"at"`
}

// LoadState reads the state file at path; a missing file is an empty
// state. An empty path is a state that is never saved.
func LoadState(path string) (*State, error) {
	s := &State{Version: 1, path: path}
	if path != "" {
		if _, err := state.Load(path, s); err != nil {
			return nil, err
		}
		if s.Version != 1 {
			return nil, fmt.Errorf("state: %s: version %d, want 1", path, s.Version)
		}
	}
	return s, nil
}

// Done reports whether the group was written to the target in the state
// class (permanent or temporary) or as a permanent failure. A group
// written as a delay is written again when it fails for good: the agent
// learns that the delay became a failure.
func (s *State) Done(target, group, class string) bool {
	if s == nil {
		return false
	}
	w, ok := s.Written[target][group]
	return ok && (w.Class == "" || w.Class == class || w.Class == "permanent")
}

// mark records a written group.
func (s *State) mark(target, group, ticketID, class string, at time.Time) {
	if s == nil {
		return
	}
	if s.Written == nil {
		s.Written = map[string]map[string]WrittenGroup{}
	}
	if s.Written[target] == nil {
		s.Written[target] = map[string]WrittenGroup{}
	}
	s.Written[target][group] = WrittenGroup{Ticket: ticketID, Class: class, At: at.UTC().Truncate(time.Second)}
}

// markAll records groups written to ticket id.
func (s *State) markAll(target string, groups []*Group, id string, at time.Time) {
	for _, g := range groups {
		s.mark(target, g.Key, id, g.Latest.Class.String(), at)
	}
}

// Path returns the state's file, "" for none.
func (s *State) Path() string { return s.path }

// Save writes the state to its file atomically.
func (s *State) Save() error {
	if s == nil || s.path == "" {
		return nil
	}
	return state.Save(s.path, s)
}

// Outcome is what happened to the note for one ticket (or, for Unresolved,
// to the groups of one ticket that cannot be written).
type Outcome struct {
	Result     string         `json:"result"`    // Planned, Written, Skipped, Unresolved or Failed
	Target     string         `json:"target"`    // Target.Name
	TicketID   string         `json:"ticket_id"` // the ticket written to; "" when unresolved
	Ticket     *ticket.Ticket `json:"ticket"`    // the ticket as found
	Groups     []string       `json:"groups"`    // the groups reported (for Skipped: the groups written before)
	Recipients []string       `json:"recipients"`
	Note       string         `json:"note"`        // the note's text ("" for Skipped and Unresolved)
	Tags       []string       `json:"tags"`        // the tags added
	Reopen     bool           `json:"reopen"`      // the note reopens the ticket
	HTTPStatus int            `json:"http_status"` // for Failed: the target's HTTP status, 0 when it was not reached
	Error      string         `json:"error"`       // for Failed and Unresolved: why
}

// Summary counts the outcomes of a run.
type Summary struct {
	Planned, Written, Skipped, Unresolved, Failed int
}

// Add adds the counts of o to s.
func (s *Summary) Add(o Summary) {
	s.Planned += o.Planned
	s.Written += o.Written
	s.Skipped += o.Skipped
	s.Unresolved += o.Unresolved
	s.Failed += o.Failed
}

func (s *Summary) add(result string) {
	switch result {
	case Planned:
		s.Planned++
	case Written:
		s.Written++
	case Skipped:
		s.Skipped++
	case Unresolved:
		s.Unresolved++
	case Failed:
		s.Failed++
	}
}

// Runner writes the notes of failed groups to a target.
type Runner struct {
	// Target receives the notes.
	Target Target
	// Apply writes; without it nothing is sent and the outcomes are
	// Planned (or Skipped, Unresolved).
	Apply bool
	// Reopen sets the ticket open when a note reports a permanent failure.
	Reopen bool
	// State remembers the written groups; nil remembers nothing.
	State *State
	// Now returns the time recorded in the state; nil means time.Now.
	Now func() time.Time
}

// Run plans one note per ticket for groups (Collector.Groups), writes each
// (with Apply) and calls emit with its outcome, ticket after ticket in the
// order of the groups. A failed note does not stop the others, except
// that after a 401 answer (wrong credentials) no more requests are made and
// the remaining notes fail at once. The state is saved after every note
// written. Run returns early only when ctx is done, emit fails or the
// state cannot be saved.
func (r *Runner) Run(ctx context.Context, groups []*Group, emit func(*Outcome) error) (Summary, error) {
	var sum Summary
	w := &writing{r: r, name: r.Target.Name(), now: r.Now}
	if w.now == nil {
		w.now = time.Now
	}
	for _, b := range r.buckets(groups) {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		o, err := w.one(ctx, b)
		if o != nil {
			sum.add(o.Result)
			if eerr := emit(o); err == nil {
				err = eerr
			}
		}
		if err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// bucket is the groups of one ticket, or of one unresolved ticket and
// cause.
type bucket struct {
	id     string // the ticket written to; "" when unresolved
	ticket ticket.Ticket
	groups []*Group
	why    string // why it is unresolved
}

// buckets sorts groups by the ticket they are written to, in the order of
// the groups.
func (r *Runner) buckets(groups []*Group) []*bucket {
	var order []*bucket
	byKey := map[string]*bucket{}
	for _, g := range groups {
		id, why := "", ""
		switch {
		case g.Ticket == nil:
			continue
		case g.Conflict:
			why = "the bounces of this group name different tickets"
		default:
			id = r.Target.TicketID(g.Ticket)
			if id == "" {
				why = "no ticket number (a ticket map can give it)"
				if g.Ticket.ID != "" {
					why = "a " + g.Ticket.System + " ticket, which this target does not write"
				}
			}
		}
		k := "id:" + id
		if id == "" {
			k = "unresolved:" + g.Ticket.Key() + "\x00" + why
		}
		b := byKey[k]
		if b == nil {
			b = &bucket{id: id, ticket: *g.Ticket, why: why}
			byKey[k] = b
			order = append(order, b)
		}
		b.groups = append(b.groups, g)
	}
	return order
}

// writing is the progress of one Run.
type writing struct {
	r       *Runner
	name    string // the target's
	now     func() time.Time
	refused bool // the target refused the credentials: send no more
}

// one plans and (with Apply) writes the note of one bucket. The error is
// the context's or the state file's; the outcome is there even then, when
// the note was written.
func (w *writing) one(ctx context.Context, b *bucket) (*Outcome, error) {
	r := w.r
	t := b.ticket
	o := &Outcome{Target: w.name, TicketID: b.id, Ticket: &t}
	if b.id == "" {
		o.Result, o.Error = Unresolved, b.why
		o.Groups, o.Recipients = keys(b.groups), recipients(b.groups)
		return o, nil
	}
	var todo []*Group
	for _, g := range b.groups {
		if r.State.Done(w.name, g.Key, g.Latest.Class.String()) {
			o.Groups = append(o.Groups, g.Key)
		} else {
			todo = append(todo, g)
		}
	}
	if len(todo) == 0 {
		o.Result, o.Recipients = Skipped, recipients(b.groups)
		return o, nil
	}
	n := newNote(b.id, b.ticket, todo, r.Reopen)
	o.Result = Planned
	describe := func() {
		o.Note, o.Tags, o.Reopen = n.Body, n.Tags, n.Reopen
		o.Groups, o.Recipients = keys(groupsOf(n)), recipients(groupsOf(n))
	}
	describe()
	if !r.Apply {
		return o, nil
	}
	if w.refused {
		o.Result, o.HTTPStatus = Failed, http.StatusUnauthorized
		o.Error = "not sent: the target refused the credentials (HTTP 401) for an earlier note"
		return o, nil
	}
	err := r.Target.Write(ctx, n)
	switch {
	case errors.Is(err, ErrOnTicket):
		o.Result, o.Note, o.Tags, o.Reopen = Skipped, "", nil, false
	case err != nil:
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		o.Result, o.HTTPStatus, o.Error = Failed, HTTPStatus(err), err.Error()
		if hint := statusHint(o.HTTPStatus); hint != "" {
			o.Error += " (" + hint + ")"
		}
		w.refused = o.HTTPStatus == http.StatusUnauthorized
		return o, nil
	default:
		o.Result = Written
		describe() // the target may have left out groups found on the ticket
	}
	r.State.markAll(w.name, todo, b.id, w.now())
	return o, r.State.Save()
}

// statusHint says what an HTTP status usually means for a ticket update.
func statusHint(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "the credentials were refused"
	case http.StatusForbidden:
		return "the credentials may not update this ticket"
	case http.StatusNotFound:
		return "no such ticket"
	case http.StatusUnprocessableEntity:
		return "a closed ticket, or one at its comment limit"
	case http.StatusTooManyRequests:
		return "rate limited; lower --rate"
	}
	return ""
}

func groupsOf(n *Note) []*Group {
	out := make([]*Group, len(n.Parts))
	for i, p := range n.Parts {
		out[i] = p.Group
	}
	return out
}

func keys(groups []*Group) []string {
	out := make([]string, len(groups))
	for i, g := range groups {
		out[i] = g.Key
	}
	return out
}

// recipients returns the distinct recipients of groups, sorted.
func recipients(groups []*Group) []string {
	seen := map[string]bool{}
	var out []string
	for _, g := range groups {
		if r := g.Latest.Recipient; !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	sort.Strings(out)
	return out
}
