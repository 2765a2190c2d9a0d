package bounce

import "github.com/bounce-tool/bounce/pkg/ticket"

// The kinds of record.
const (
	KindBounce    = "bounce"    // a delivery status notification
	KindFeedback  = "feedback"  // an ARF complaint report (RFC 5965)
	KindAutoreply = "autoreply" // a vacation or out-of-office reply (RFC 3834)
	KindOther     = "other"     // not a report
	KindError     = "error"     // could not be read
)

// The sources of a record's status code.
const (
	StatusFromDSN        = "dsn"        // the Status field of a delivery-status report
	StatusFromDiagnostic = "diagnostic" // found in the server's own words
	StatusInferred       = "inferred"   // derived from a confident reason
)

// Record is what bounce knows about one recipient of one message, or about a
// message that is not a bounce. Its JSON encoding is the record contract of
// `bounce inspect --format json|ndjson` (docs/json.md): every field is always
// present, empty strings and a null ticket stand for "unknown".
//
// Group is shared by the bounce records about one original message and one
// recipient (a delay notice and the later failure, two servers reporting
// the same failure); it is empty for the other kinds. See GroupKey.
type Record struct {
	Source            string         `json:"source"`
	Index             int            `json:"index"`
	Kind              string         `json:"kind"`
	Recipient         string         `json:"recipient"`
	OriginalRecipient string         `json:"original_recipient"`
	Action            string         `json:"action"`
	Status            string         `json:"status"`
	StatusSource      string         `json:"status_source"`
	Class             string         `json:"class"`
	ReplyCode         string         `json:"reply_code"`
	Diagnostic        string         `json:"diagnostic"`
	Reason            string         `json:"reason"`
	ReportingMTA      string         `json:"reporting_mta"`
	RemoteMTA         string         `json:"remote_mta"`
	SMTPCommand       string         `json:"smtp_command"`
	Date              string         `json:"date"`
	MTA               string         `json:"mta"`
	Original          Original       `json:"original"`
	Ticket            *ticket.Ticket `json:"ticket"`
	Group             string         `json:"group"`
	Error             string         `json:"error"`

	// Fields beyond the contract (it allows extra fields); always present.
	Blocklist    string `json:"blocklist"`     // the blocklist the text names: "spamhaus", "sorbs", ...
	Auth         string `json:"auth"`          // the failed authentication check: "spf", "dkim", "dmarc", "arc"
	FeedbackType string `json:"feedback_type"` // for kind feedback: "abuse", "fraud", "virus", "other", ...
	// Truncated names the limits the message exceeded, comma-separated
	// ("message-size", "header-size", "depth", "parts", "text-size",
	// "report-size", "line-length", "recipients"): the record says what
	// could be read before them. Empty when no limit was reached.
	Truncated string `json:"truncated"`
	// Path is the file the message was read from (inside a folder or
	// Maildir, that file's path); empty for standard input.
	Path string `json:"path"`
	// StatusTitle is the title of Status: the reporting provider's own
	// meaning when it has one (Gmail's 5.7.27: SPF did not pass), else
	// the IANA registry's. Empty without a status code.
	StatusTitle string `json:"status_title"`
	// Advice says what to do about a failure (see Advise); empty for
	// records that are not failures.
	Advice string `json:"advice"`
}

// Original describes the returned original message.
type Original struct {
	MessageID string `json:"message_id"` // without angle brackets
	From      string `json:"from"`       // addr-spec of the first From address
	To        string `json:"to"`         // addr-specs of the To addresses, comma-separated
	Subject   string `json:"subject"`    // decoded to UTF-8
	Date      string `json:"date"`       // RFC 3339
}

// IsFailure reports whether r is a bounce record about a failed or delayed
// delivery (class permanent or temporary).
func (r *Record) IsFailure() bool {
	return r.Kind == KindBounce && (r.Class == "permanent" || r.Class == "temporary")
}
