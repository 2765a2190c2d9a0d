package act

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/bounce-tool/bounce/pkg/ticket"
)

// Zendesk writes notes onto Zendesk tickets through the Support API: one
// request per ticket,
//
//	PUT {BaseURL}/api/v2/tickets/{id}.json
//	{"ticket": {"comment": {"body": "...", "public": false}, "additional_tags": ["bounce", ...]}}
//
// with "status": "open" added when the note reopens the ticket. It
// authenticates with an API token (basic auth "{email}/token:{token}") or
// an OAuth access token (bearer). Before retrying after a timeout or a 5xx
// answer it reads the ticket's newest comments: when they already hold the
// note's marker lines, the update was carried out and is not sent again.
type Zendesk struct {
	// BaseURL is the account's URL without a trailing slash,
	// "https://acme.zendesk.com" (see ZendeskURL).
	BaseURL string
	// Email and APIToken are an agent's address and an API token.
	Email    string
	APIToken Secret
	// OAuthToken is an OAuth access token; it is used when set.
	OAuthToken Secret
	// Client sends the requests; nil means a Client with the defaults.
	Client *Client
	// CheckFirst reads the ticket's newest comments before writing and
	// leaves out the groups whose marker line is already there (for a
	// state file that was lost, or runs on several machines). It costs a
	// request per ticket.
	CheckFirst bool
}

// ErrConfig is wrapped by the errors about a target's settings.
var ErrConfig = errors.New("act: bad target settings")

// ZendeskURL returns the base URL of a Zendesk account: url itself
// (ZENDESK_URL, any base URL) when set, else https://{subdomain}.zendesk.com.
func ZendeskURL(subdomain, base string) (string, error) {
	if base != "" {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			return "", fmt.Errorf("%w: ZENDESK_URL: want http(s)://host[/path] without user or password", ErrConfig)
		}
		return strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/"), nil
	}
	if subdomain == "" {
		return "", fmt.Errorf("%w: no Zendesk account: set ZENDESK_SUBDOMAIN or ZENDESK_URL", ErrConfig)
	}
	for _, c := range subdomain {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return "", fmt.Errorf("%w: ZENDESK_SUBDOMAIN: want the account's name (acme for acme.zendesk.com)", ErrConfig)
		}
	}
	return "https://" + strings.ToLower(subdomain) + ".zendesk.com", nil
}

// Check reports missing settings: a base URL and credentials.
func (z *Zendesk) Check() error {
	if z.BaseURL == "" {
		return fmt.Errorf("%w: no Zendesk account: set ZENDESK_SUBDOMAIN or ZENDESK_URL", ErrConfig)
	}
	if z.OAuthToken == "" && (z.Email == "" || z.APIToken == "") {
		return fmt.Errorf("%w: no Zendesk credentials: set ZENDESK_EMAIL and ZENDESK_API_TOKEN, or ZENDESK_OAUTH_TOKEN", ErrConfig)
	}
	return nil
}

// Name returns "zendesk " and the base URL; "zendesk" when it is not set.
func (z *Zendesk) Name() string {
	if z.BaseURL == "" {
		return "zendesk"
	}
	return "zendesk " + z.BaseURL
}

// TicketID returns the number of a Zendesk ticket, "" for a ticket of
// another desk or one whose number is unknown.
func (z *Zendesk) TicketID(t *ticket.Ticket) string {
	if t == nil || t.System != ticket.Zendesk {
		return ""
	}
	return t.ID
}

// zendeskUpdate is the body of a ticket update.
type zendeskUpdate struct {
	Ticket zendeskTicket `json:"ticket"`
}

type zendeskTicket struct {
	Comment        zendeskComment `json:"comment"`
	AdditionalTags []string       `json:"additional_tags"`
	Status         string         `json:"status,omitempty"`
}

type zendeskComment struct {
	Body   string `json:"body"`
	Public bool   `json:"public"`
}

// Write adds the note to the ticket as a private comment, with its tags.
func (z *Zendesk) Write(ctx context.Context, n *Note) error {
	if err := z.Check(); err != nil {
		return err
	}
	if !isNumber(n.TicketID) {
		return fmt.Errorf("%w: ticket %s is not a number", ErrConfig, n.TicketID)
	}
	c := z.Client
	if c == nil {
		c = &Client{}
	}
	h, secrets := z.headers()
	if z.CheckFirst {
		on, err := z.markers(ctx, c, n.TicketID, h, secrets)
		if err != nil {
			return err
		}
		var todo []*Group
		for _, p := range n.Parts {
			if !on[p.Group.Key] {
				todo = append(todo, p.Group)
			}
		}
		if len(todo) == 0 {
			return ErrOnTicket
		}
		if len(todo) < len(n.Parts) {
			*n = *newNote(n.TicketID, n.Ticket, todo, n.Reopen) // the caller sees what was sent
		}
	}
	u := zendeskTicket{Comment: zendeskComment{Body: n.Body}, AdditionalTags: n.Tags}
	if n.Reopen {
		u.Status = "open"
	}
	body, err := json.Marshal(zendeskUpdate{Ticket: u})
	if err != nil {
		return err
	}
	_, err = c.do(ctx, &request{method: http.MethodPut, url: z.BaseURL + "/api/v2/tickets/" + n.TicketID + ".json",
		header: h, body: body, secrets: secrets,
		applied: func(ctx context.Context) (bool, error) {
			// One attempt: the update's own retries go on after it.
			c.Prepare()
			once := *c
			once.Retries = -1
			on, err := z.markers(ctx, &once, n.TicketID, h, secrets)
			for _, p := range n.Parts {
				if !on[p.Group.Key] {
					return false, err
				}
			}
			return len(n.Parts) > 0, err
		},
	}, zendeskError)
	return err
}

// headers returns the headers of an update, and the secrets they hold.
func (z *Zendesk) headers() (http.Header, []string) {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Accept", "application/json")
	secrets := []string{string(z.APIToken), string(z.OAuthToken)}
	if z.OAuthToken != "" {
		h.Set("Authorization", "Bearer "+string(z.OAuthToken))
	} else {
		cred := base64.StdEncoding.EncodeToString([]byte(z.Email + "/token:" + string(z.APIToken)))
		h.Set("Authorization", "Basic "+cred)
		secrets = append(secrets, cred)
	}
	return h, secrets
}

// markers returns the groups whose marker lines stand in the ticket's
// newest comments (one page, newest first):
//
//	GET {BaseURL}/api/v2/tickets/{id}/comments.json?sort_order=desc
//
// Before a retry after a timeout or a 5xx answer they tell whether the
// update was carried out all the same (writing it again would put the note
// on the ticket twice); with CheckFirst, which groups are there already.
func (z *Zendesk) markers(ctx context.Context, c *Client, id string, h http.Header, secrets []string) (map[string]bool, error) {
	g := http.Header{}
	g.Set("Authorization", h.Get("Authorization"))
	g.Set("Accept", "application/json")
	a, err := c.do(ctx, &request{method: http.MethodGet, url: z.BaseURL + "/api/v2/tickets/" + id + "/comments.json?sort_order=desc",
		header: g, secrets: secrets}, zendeskError)
	if err != nil {
		return nil, err
	}
	var page struct {
		Comments []struct {
			Body string `json:"body"`
		} `json:"comments"`
	}
	if err := json.Unmarshal(a.body, &page); err != nil {
		return nil, fmt.Errorf("the ticket's comments: %v", err)
	}
	on := map[string]bool{}
	for _, cm := range page.Comments {
		for _, line := range strings.Split(cm.Body, "\n") {
			if key, ok := strings.CutPrefix(strings.TrimSpace(line), Marker); ok {
				on[strings.TrimSpace(key)] = true
			}
		}
	}
	return on, nil
}

// zendeskError reads Zendesk's error answer,
//
//	{"error": "RecordInvalid", "description": "Record validation errors",
//	 "details": {"status": [{"description": "Status: closed prevents ticket update"}]}}
//
// or {"error": {"title": "...", "message": "..."}}, into one line.
func zendeskError(body []byte) string {
	var e struct {
		Error       json.RawMessage                        `json:"error"`
		Description string                                 `json:"description"`
		Details     map[string][]struct{ Description any } `json:"details"`
	}
	if json.Unmarshal(body, &e) != nil {
		return clean(string(body), 200)
	}
	var parts []string
	var s string
	var o struct{ Title, Message string }
	switch {
	case json.Unmarshal(e.Error, &s) == nil:
		parts = append(parts, s)
	case json.Unmarshal(e.Error, &o) == nil:
		parts = append(parts, o.Title, o.Message)
	}
	parts = append(parts, e.Description)
	keys := make([]string, 0, len(e.Details))
	for k := range e.Details {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, d := range e.Details[k] {
			if ds, ok := d.Description.(string); ok {
				parts = append(parts, ds)
			}
		}
	}
	parts = slices.DeleteFunc(parts, func(p string) bool { return strings.TrimSpace(p) == "" })
	return clean(strings.Join(parts, ": "), 300)
}

func isNumber(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
