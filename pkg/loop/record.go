package loop

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/bounce-tool/bounce/pkg/header"
)

// Message is one inbound message as the Analyzer needs it: its header and
// where it came from.
type Message struct {
	// Source names the input the message came from (a path, "-" for
	// standard input). It is copied to the Record unchanged.
	Source string
	// Index is the 1-based position of the message within Source. It is
	// copied to the Record unchanged.
	Index int
	// Header is the message's header (a header.Header, as parts reads it;
	// it answers as go-message's mail.Header does). The Analyzer reads it
	// during Add only and keeps no reference to it.
	Header header.Header
	// EnvelopeSender is the sender of the mbox From_ line; may be empty.
	EnvelopeSender string
	// EnvelopeDate is the date of the mbox From_ line; may be zero.
	EnvelopeDate time.Time
	// Err is set when the message could not be read. The Analyzer then
	// ignores the other fields but Source and Index: the message gets a
	// Record with an empty Outcome and the error, and counts nowhere else
	// (no sender, no window, no loop).
	Err error
}

// Outcome is what a help desk would do with a message.
type Outcome string

// The outcomes of the cap.
const (
	// Accepted mail creates or updates a ticket.
	Accepted Outcome = "accepted"
	// Suspended mail waits for an agent to recover or delete it.
	Suspended Outcome = "suspended"
	// Rejected mail is dropped.
	Rejected Outcome = "rejected"
)

// Record is the verdict on one message. Its JSON encoding is a contract
// with the command line: source, index, sender, date (RFC 3339, "" when
// unknown), automated, signals (never null), from_support_address, outcome,
// outcome_reason, notify and loop (null when none), plus error for a
// message that could not be read (left out otherwise).
type Record struct {
	// Source and Index are copied from the Message.
	Source string
	Index  int
	// Sender is the lowercased From addr-spec, else the envelope sender;
	// "" when the message has neither.
	Sender string
	// Date is the message's own date in its own time zone; zero when it
	// had none (see the package documentation for how it is counted).
	Date time.Time
	// Automated is true when any signal fired.
	Automated bool
	// Signals are the names of the signals that fired, sorted; never nil.
	Signals []string
	// Bulk is true for bulk mail (Precedence bulk, junk or list, List-Id,
	// List-Unsubscribe). Not part of the JSON: it follows from Signals.
	Bulk bool
	// NoReply is true for mail from a no-reply or mailer-daemon sender. Not
	// part of the JSON: it follows from Signals.
	NoReply bool
	// FromSupportAddress is true when Sender is one of the support
	// addresses: accepting the message would loop back into the desk.
	FromSupportAddress bool
	// Outcome is what the desk would do with the message; empty when the
	// message could not be read (see Error).
	Outcome Outcome
	// OutcomeReason explains Outcome in a short sentence.
	OutcomeReason string
	// Notify is true when the desk would send automatic notifications
	// (acknowledgements, updates) for the message.
	Notify bool
	// Loop is the ID of the suspected loop the message belongs to, or "".
	Loop string
	// Error says why the message could not be read (Message.Err); empty
	// for every message that was analysed.
	Error string
}

type recordJSON struct {
	Source             string   `json:"source"`
	Index              int      `json:"index"`
	Sender             string   `json:"sender"`
	Date               string   `json:"date"`
	Automated          bool     `json:"automated"`
	Signals            []string `json:"signals"`
	FromSupportAddress bool     `json:"from_support_address"`
	Outcome            Outcome  `json:"outcome"`
	OutcomeReason      string   `json:"outcome_reason"`
	Notify             bool     `json:"notify"`
	Loop               *string  `json:"loop"`
	Error              string   `json:"error"`
}

// MarshalJSON encodes the record in its JSON contract.
func (r Record) MarshalJSON() ([]byte, error) {
	j := recordJSON{
		Source:             r.Source,
		Index:              r.Index,
		Sender:             r.Sender,
		Date:               FormatTime(r.Date),
		Automated:          r.Automated,
		Signals:            r.Signals,
		FromSupportAddress: r.FromSupportAddress,
		Outcome:            r.Outcome,
		OutcomeReason:      r.OutcomeReason,
		Notify:             r.Notify,
		Error:              r.Error,
	}
	if j.Signals == nil {
		j.Signals = []string{}
	}
	if r.Loop != "" {
		j.Loop = &r.Loop
	}
	return marshal(j)
}

// UnmarshalJSON decodes a record from its JSON contract; Bulk and NoReply
// are derived from the signals.
func (r *Record) UnmarshalJSON(b []byte) error {
	var j recordJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	t, err := parseTime(j.Date)
	if err != nil {
		return err
	}
	*r = Record{
		Source:             j.Source,
		Index:              j.Index,
		Sender:             j.Sender,
		Date:               t,
		Automated:          j.Automated,
		Signals:            j.Signals,
		Bulk:               IsBulk(j.Signals),
		NoReply:            IsNoReply(j.Signals),
		FromSupportAddress: j.FromSupportAddress,
		Outcome:            j.Outcome,
		OutcomeReason:      j.OutcomeReason,
		Notify:             j.Notify,
		Error:              j.Error,
	}
	if r.Signals == nil {
		r.Signals = []string{}
	}
	if j.Loop != nil {
		r.Loop = *j.Loop
	}
	return nil
}

// SenderSummary sums up the mail of one sender. JSON: sender, messages,
// peak_per_hour, accepted, suspended, rejected, automated_share,
// allowlisted.
type SenderSummary struct {
	Sender   string `json:"sender"`
	Messages int    `json:"messages"`
	// PeakPerHour is the most messages within any rolling window
	// (Options.Window, an hour by default).
	PeakPerHour int `json:"peak_per_hour"`
	Accepted    int `json:"accepted"`
	Suspended   int `json:"suspended"`
	Rejected    int `json:"rejected"`
	// AutomatedShare is the fraction, 0 to 1, of the sender's messages that
	// are automated.
	AutomatedShare float64 `json:"automated_share"`
	// Allowlisted is true when the sender matches Options.Allow.
	Allowlisted bool `json:"allowlisted"`
}

// Kind names the shape of a suspected loop.
type Kind string

// The kinds of loop.
const (
	// PingPong is two addresses answering each other on one thread.
	PingPong Kind = "ping-pong"
	// RotatingSender is many addresses of one domain on one thread, none of
	// which need hit the cap.
	RotatingSender Kind = "rotating-sender"
	// SingleSender is one sender sending more automated mail than its cap
	// accepts.
	SingleSender Kind = "single-sender"
)

// Loop is a suspected mail loop. JSON: id, kind, members, thread, messages,
// first, last (RFC 3339, "" when no message was dated).
type Loop struct {
	// ID is "L1", "L2", ..., numbered in order of the loops' first messages.
	ID   string
	Kind Kind
	// Members are the sender addresses in the loop, sorted.
	Members []string
	// Thread is the normalised subject of the loop's first message or, when
	// that is generic, its root Message-ID in angle brackets.
	Thread string
	// Messages is how many messages belong to the loop.
	Messages int
	// First and Last are the times of the loop's first and last messages.
	First, Last time.Time
}

type loopJSON struct {
	ID       string   `json:"id"`
	Kind     Kind     `json:"kind"`
	Members  []string `json:"members"`
	Thread   string   `json:"thread"`
	Messages int      `json:"messages"`
	First    string   `json:"first"`
	Last     string   `json:"last"`
}

// MarshalJSON encodes the loop in its JSON contract.
func (l Loop) MarshalJSON() ([]byte, error) {
	j := loopJSON{l.ID, l.Kind, l.Members, l.Thread, l.Messages, FormatTime(l.First), FormatTime(l.Last)}
	if j.Members == nil {
		j.Members = []string{}
	}
	return marshal(j)
}

// marshal encodes v as json.Marshal does but leaves <, > and & as they are
// (a thread such as "<root@id>"), as docs/loops-json.md promises. An
// encoder that escapes HTML (json.Marshal) still escapes them around it.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON decodes a loop from its JSON contract.
func (l *Loop) UnmarshalJSON(b []byte) error {
	var j loopJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	first, err := parseTime(j.First)
	if err != nil {
		return err
	}
	last, err := parseTime(j.Last)
	if err != nil {
		return err
	}
	*l = Loop{j.ID, j.Kind, j.Members, j.Thread, j.Messages, first, last}
	return nil
}

// Result is everything an Analyzer found. JSON: records, senders, loops;
// the slices are never nil.
type Result struct {
	// Records holds one record per message, in input order.
	Records []Record `json:"records"`
	// Senders sums up each sender, by messages (descending) then address.
	Senders []SenderSummary `json:"senders"`
	// Loops lists the suspected loops by ID.
	Loops []Loop `json:"loops"`
}

// FormatTime writes a time as the JSON of records and loops does: RFC 3339
// in the time's own zone, "" for the zero time (unknown).
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339, s)
}
