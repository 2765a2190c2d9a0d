package report

import "github.com/bounce-tool/bounce/pkg/ticket"

// Version is the version of the JSON schema of Report. It changes only when
// a field is renamed or removed, or its meaning changes; new fields may be
// added within a version.
const Version = 1

// Report is the summary of a batch. Every field is always present in its
// JSON encoding: lists are [] when empty, never null.
type Report struct {
	Version  int      `json:"version"`
	Totals   Totals   `json:"totals"`
	Failures Failures `json:"failures"`
	// Reasons, Statuses, Domains and Servers rank the failures (each group
	// counted once, by its latest state).
	Reasons  Ranking `json:"reasons"`
	Statuses Ranking `json:"statuses"`
	Domains  Ranking `json:"domains"`
	Servers  Ranking `json:"servers"`
	// Blocklists ranks the failures that cite a blocklist by its name
	// (the record's Blocklist); failures that cite none are not counted.
	Blocklists Ranking `json:"blocklists"`
	// FixAddresses are the recipients whose latest state is a permanent
	// failure about the address itself (AddressReasons): correct or remove
	// them. Sorted by domain, then address. Always complete.
	FixAddresses []Address `json:"fix_addresses"`
	// Tickets are the help-desk tickets with at least one failure. Always
	// complete.
	Tickets []Ticket `json:"tickets"`
	// Days count the failures by the UTC day of their latest state's date,
	// oldest first; failures without a date are not counted. One entry per
	// day that has failures.
	Days []Day `json:"days"`
	// Refusals are the failures on the sender's side (a blocklist named, an
	// SPF/DKIM/DMARC check failed, or one of SenderReasons) by receiving
	// provider, reporting server and cause.
	Refusals Refusals `json:"refusals"`
	// Gate is the outcome of Check; the zero GateResult when not checked.
	Gate GateResult `json:"gate"`
}

// Totals count records as `bounce inspect` prints them: every record once,
// whatever its group.
type Totals struct {
	Messages  int `json:"messages"`  // messages read
	Records   int `json:"records"`   // records of all kinds
	Bounces   int `json:"bounces"`   // records of kind bounce
	Permanent int `json:"permanent"` // bounce records of class permanent
	Temporary int `json:"temporary"` // bounce records of class temporary
	Success   int `json:"success"`   // bounce records of class success
	Unknown   int `json:"unknown"`   // bounce records of class unknown
	Feedback  int `json:"feedback"`  // records of kind feedback
	Autoreply int `json:"autoreply"` // records of kind autoreply
	Other     int `json:"other"`     // records of kind other
	Errors    int `json:"errors"`    // records of kind error
}

// Failures count groups (one original message and one recipient) by their
// latest state: a failure reported twice, or first delayed and then failed,
// counts once.
type Failures struct {
	Groups    int `json:"groups"`    // groups of bounce records
	Failed    int `json:"failed"`    // groups whose latest state is permanent or temporary
	Permanent int `json:"permanent"` // groups whose latest state is permanent
	Temporary int `json:"temporary"` // groups whose latest state is temporary
	Success   int `json:"success"`   // groups whose latest state is success (delivered after all)
	Unknown   int `json:"unknown"`   // groups whose latest state has no known class
	// PermanentRate is Permanent / Failed, 0 when nothing failed.
	PermanentRate float64 `json:"permanent_rate"`
	// Recipients counts the distinct recipients of the failed groups.
	Recipients int `json:"recipients"`
	// WithTicket counts the failed groups linked to a ticket.
	WithTicket int `json:"with_ticket"`
}

// Ranking is the top of a count of failures by one value.
type Ranking struct {
	Distinct int     `json:"distinct"` // distinct values in all
	Other    int     `json:"other"`    // failures whose value is not in Top
	Top      []Entry `json:"top"`      // by count, then value
}

// Entry is one value of a Ranking.
type Entry struct {
	Value     string `json:"value"`     // "" when the failures had none (no status code, no server)
	Title     string `json:"title"`     // for status codes, the IANA registry title; else ""
	Count     int    `json:"count"`     // failures
	Permanent int    `json:"permanent"` // of which permanent
	Temporary int    `json:"temporary"` // of which temporary
}

// Address is a recipient to correct or remove.
type Address struct {
	Recipient string      `json:"recipient"`
	Reason    string      `json:"reason"`   // the latest reason: one of AddressReasons
	Status    string      `json:"status"`   // the latest status code, may be ""
	Date      string      `json:"date"`     // the latest record's date (RFC 3339), may be ""
	Failures  int         `json:"failures"` // its permanent address failures (groups)
	Tickets   []TicketRef `json:"tickets"`  // the tickets of those failures, sorted
}

// TicketRef names a ticket.
type TicketRef struct {
	System    string `json:"system"`
	ID        string `json:"id"`
	EncodedID string `json:"encoded_id"`
}

// Key returns the ref as ticket.Ticket.Key does: "zendesk 1G7EOR-0Q2J #48213".
func (t TicketRef) Key() string {
	return (&ticket.Ticket{System: t.System, ID: t.ID, EncodedID: t.EncodedID}).Key()
}

// Ticket is a help-desk ticket with failures.
type Ticket struct {
	TicketRef
	Recipients   []string `json:"recipients"`    // failing recipients, sorted
	Failures     int      `json:"failures"`      // failed groups
	WorstClass   string   `json:"worst_class"`   // permanent when any failure is, else temporary
	LatestStatus string   `json:"latest_status"` // of the latest failure
	LatestReason string   `json:"latest_reason"`
	LatestDate   string   `json:"latest_date"`
}

// Day is the number of failures of one day.
type Day struct {
	Date      string `json:"date"`      // the day, UTC: "2024-09-03"
	Failed    int    `json:"failed"`    // failures whose latest state is of that day
	Permanent int    `json:"permanent"` // of which permanent
	Temporary int    `json:"temporary"` // of which temporary
}

// Refusals rank the failures on the sender's side.
type Refusals struct {
	Failed   int       `json:"failed"`   // failures on the sender's side in all
	Distinct int       `json:"distinct"` // distinct (provider, server, cause) in all
	Other    int       `json:"other"`    // failures not in Top
	Top      []Refusal `json:"top"`      // by count, then provider, server and cause
}

// Refusal counts the failures of one cause at one receiving provider, as
// one reporting server reported them.
type Refusal struct {
	Provider   string `json:"provider"`    // the recipients' domain
	Server     string `json:"server"`      // the reporting server, may be ""
	Cause      string `json:"cause"`       // the blocklist named, else the failed check ("spf", "dkim", "dmarc", "arc"), else the reason
	Reason     string `json:"reason"`      // the reason of the latest of these failures
	Count      int    `json:"count"`       // failures
	Permanent  int    `json:"permanent"`   // of which permanent
	Temporary  int    `json:"temporary"`   // of which temporary
	LatestDate string `json:"latest_date"` // the latest of their dates, may be ""
}

// SenderReasons are the reasons that say the receiver refused the sender
// (its address, IP, domain or authentication), not the recipient or the
// message: problems the sender must fix.
var SenderReasons = []string{"blocked", "badreputation", "authfailure", "requireptr", "rejected"}

// AddressReasons are the reasons that say the address itself is wrong, as
// opposed to the message, the sender or the network.
var AddressReasons = []string{"userunknown", "hostunknown", "hasmoved", "suspend"}
