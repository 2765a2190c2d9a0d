package ticket

// Ticket is the help-desk ticket a message belongs to.
type Ticket struct {
	// ID is the numeric ticket ID ("48213"); it may be empty when only an
	// encoded ID is known. It is always made of digits.
	ID string `json:"id"`
	// EncodedID is the help desk's encoded reference, e.g. Zendesk's
	// "1G7EOR-0Q2J" or a Jira issue key "SD-123"; empty for help desks that
	// use plain numbers.
	EncodedID string `json:"encoded_id"`
	// System names the help desk: one of the System constants, or the name
	// a user pattern gives.
	System string `json:"system"`
	// Source says where the primary reference was found: one of the Source
	// constants.
	Source string `json:"source"`
}

// The help desks Find knows.
const (
	Zendesk   = "zendesk"
	Freshdesk = "freshdesk"
	OSTicket  = "osticket"
	OTRS      = "otrs"   // OTRS, Znuny and other users of the [Ticket#N] hook
	Zammad    = "zammad" // [Ticket#N] with Zammad's own headers
	RT        = "rt"     // Request Tracker
	Jira      = "jira"   // Jira Service Management
	GLPI      = "glpi"
	HelpScout = "helpscout"
	Custom    = "custom" // a user pattern or map without a system name
)

// Systems lists the System constants.
var Systems = []string{Zendesk, Freshdesk, OSTicket, OTRS, Zammad, RT, Jira, GLPI, HelpScout, Custom}

// The places a reference is found in (Ticket.Source).
const (
	SourceBody       = "body"       // the original's text
	SourceReplyTo    = "reply-to"   // the original's Reply-To or From address
	SourceMessageID  = "message-id" // the original's Message-ID
	SourceReferences = "references" // References or In-Reply-To
	SourceSubject    = "subject"    // the original's Subject
	SourceURL        = "url"        // a ticket link in the original's text
	SourceHeader     = "header"     // a help desk's own header field (RT-Ticket)
	SourceMap        = "map"        // a ticket map (Options.Map) gave the ID
)

// Sources lists the Source constants.
var Sources = []string{SourceBody, SourceReplyTo, SourceMessageID, SourceReferences, SourceSubject, SourceURL,
	SourceHeader, SourceMap}

// Key returns a short stable name of t for grouping and display:
// "zendesk 1G7EOR-0Q2J #48213", "otrs #2024010110000011".
func (t *Ticket) Key() string {
	if t == nil {
		return ""
	}
	s := t.System
	if t.EncodedID != "" {
		s += " " + t.EncodedID
	}
	if t.ID != "" {
		s += " #" + t.ID
	}
	return s
}
