package bounce

import (
	"encoding/json"

	"github.com/bounce-tool/bounce/pkg/status"
	"github.com/bounce-tool/bounce/pkg/ticket"
)

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
// present, empty strings and a null ticket stand for "unknown". Inside, the
// status, class and reply code are typed; MarshalJSON writes them as the
// contract's strings (the class "" for every kind but bounce).
//
// Group is shared by the bounce records about one original message and one
// recipient (a delay notice and the later failure, two servers reporting
// the same failure); it is empty for the other kinds. See GroupKey.
type Record struct {
	Source            string           `json:"source"`
	Index             int              `json:"index"`
	Kind              string           `json:"kind"`
	Recipient         string           `json:"recipient"`
	OriginalRecipient string           `json:"original_recipient"`
	Action            string           `json:"action"`
	Status            status.Code      `json:"status"`
	StatusSource      string           `json:"status_source"`
	Class             status.Class     `json:"class"` // "" in JSON for the kinds that are not bounce
	ReplyCode         status.ReplyCode `json:"reply_code"`
	Diagnostic        string           `json:"diagnostic"`
	Reason            string           `json:"reason"`
	ReportingMTA      string           `json:"reporting_mta"`
	RemoteMTA         string           `json:"remote_mta"`
	SMTPCommand       string           `json:"smtp_command"`
	Date              string           `json:"date"`
	MTA               string           `json:"mta"`
	Original          Original         `json:"original"`
	Ticket            *ticket.Ticket   `json:"ticket"`
	Group             string           `json:"group"`
	Error             string           `json:"error"`

	// Fields beyond the contract (it allows extra fields); always present.
	Blocklist    string `json:"blocklist"`     // the blocklist the text names: "spamhaus", "sorbs", ...
	Auth         string `json:"auth"`          // the failed authentication check: "spf", "dkim", "dmarc", "arc"
	FeedbackType string `json:"feedback_type"` // for kind feedback: "abuse", "fraud", "virus", "other", ...
	// Why says what decided the record's kind, status and reason, with the
	// text each rule matched (docs/json.md); never null.
	Why Why `json:"why"`
	// UIDValidity is, for a message read from an IMAP mailbox, the
	// mailbox's UIDVALIDITY: with Index (the UID) it names exactly one
	// message on the server. 0 for every other input.
	UIDValidity uint32 `json:"uid_validity"`
	// Truncated names the limits the message exceeded, comma-separated
	// ("message-size", "header-size", "depth", "parts", "text-size",
	// "report-size", "line-length", "recipients", "field-size"): the
	// record says what could be read before them. Empty when no limit was
	// reached.
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

// Why says what decided a record, in words, each at most MaxWhy bytes: the
// recogniser or rule and the text it matched. Empty strings where nothing
// was decided (no status for a feedback report, say).
type Why struct {
	Kind   string `json:"kind"`   // why this kind: "postfix by text \"this is the mail system at host\"; recipients from the prose"
	Status string `json:"status"` // why this status: "Status field of the delivery-status report", "in the server's words: \"550 5.1.1 ...\""
	Reason string `json:"reason"` // why this reason: "wording \"user unknown\"", "code 5.2.2", "fallback: nothing the rules know"
}

// MaxWhy bounds each text of a Why, in bytes.
const MaxWhy = 200

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
	return r.Kind == KindBounce && (r.Class == status.ClassPermanent || r.Class == status.ClassTemporary)
}

// ClassText is the class as the contract writes it: "permanent",
// "temporary", "success" or "unknown" for a bounce, "" for the other kinds.
func (r *Record) ClassText() string {
	if r.Kind != KindBounce {
		return ""
	}
	return r.Class.String()
}

// wireRecord is Record as the record contract writes it: every value a
// string. Its fields are Record's, in Record's order.
type wireRecord struct {
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
	Blocklist         string         `json:"blocklist"`
	Auth              string         `json:"auth"`
	FeedbackType      string         `json:"feedback_type"`
	Why               Why            `json:"why"`
	UIDValidity       uint32         `json:"uid_validity"`
	Truncated         string         `json:"truncated"`
	Path              string         `json:"path"`
	StatusTitle       string         `json:"status_title"`
	Advice            string         `json:"advice"`
}

// wire returns r as the contract writes it.
func (r *Record) wire() wireRecord {
	return wireRecord{r.Source, r.Index, r.Kind, r.Recipient, r.OriginalRecipient, r.Action, r.Status.String(),
		r.StatusSource, r.ClassText(), r.ReplyCode.String(), r.Diagnostic, r.Reason, r.ReportingMTA, r.RemoteMTA,
		r.SMTPCommand, r.Date, r.MTA, r.Original, r.Ticket, r.Group, r.Error, r.Blocklist, r.Auth, r.FeedbackType,
		r.Why, r.UIDValidity, r.Truncated, r.Path, r.StatusTitle, r.Advice}
}

// Encode writes r to enc as the record contract's JSON object, followed by
// a line end, through encoding/json: with enc's own settings (HTML
// escaping, indentation). AppendJSON writes the same object, with HTML
// escaping off, without reflection; the sinks of a large mbox use it.
func Encode(enc *json.Encoder, r *Record) error { return enc.Encode(r.wire()) }

// MarshalJSON writes r in the record contract's strings (AppendJSON).
// <, > and & stay as they are: an encoder that escapes them for HTML
// (json.Marshal's default) still does so when it copies this out.
func (r Record) MarshalJSON() ([]byte, error) {
	return AppendJSON(make([]byte, 0, 1024), &r), nil
}

// UnmarshalJSON reads a record written by MarshalJSON (or by any version
// of the contract). A status or reply code that does not parse is an
// error.
func (r *Record) UnmarshalJSON(b []byte) error {
	var w wireRecord
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = Record{Source: w.Source, Index: w.Index, Kind: w.Kind, Recipient: w.Recipient,
		OriginalRecipient: w.OriginalRecipient, Action: w.Action, StatusSource: w.StatusSource,
		Class: status.ParseClass(w.Class), Diagnostic: w.Diagnostic, Reason: w.Reason, ReportingMTA: w.ReportingMTA,
		RemoteMTA: w.RemoteMTA, SMTPCommand: w.SMTPCommand, Date: w.Date, MTA: w.MTA, Original: w.Original,
		Ticket: w.Ticket, Group: w.Group, Error: w.Error, Blocklist: w.Blocklist, Auth: w.Auth,
		FeedbackType: w.FeedbackType, Why: w.Why, UIDValidity: w.UIDValidity, Truncated: w.Truncated,
		Path: w.Path, StatusTitle: w.StatusTitle, Advice: w.Advice}
	if err := r.Status.UnmarshalText([]byte(w.Status)); err != nil {
		return err
	}
	return r.ReplyCode.UnmarshalText([]byte(w.ReplyCode))
}
