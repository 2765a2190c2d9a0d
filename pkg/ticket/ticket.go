package ticket

// Ticket is the help-desk ticket a message belongs to.
type Ticket struct {
	// ID is the numeric ticket ID ("48213"); it may be empty when only an
	// encoded ID is known.
	ID string `json:"id"`
	// EncodedID is the help desk's encoded reference, e.g. Zendesk's
	// "1G7EOR-0Q2J"; empty for help desks that use plain numbers.
	EncodedID string `json:"encoded_id"`
	// System names the help desk: "zendesk", "freshdesk", "otrs", "rt",
	// "jira", "glpi", "osticket", "helpscout" or "custom".
	System string `json:"system"`
	// Source says where the reference was found: "body", "reply-to",
	// "message-id", "references", "subject", "url", "header" or "map".
	Source string `json:"source"`
}
