package act

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/ticket"
)

// Webhook posts one JSON object per group to a URL, for any help desk or
// automation tool:
//
//	POST {URL}
//	Content-Type: application/json
//	X-Bounce-Signature: sha256=<hex HMAC-SHA256 of the body under Secret>
//
//	{"event": "bounce", "ticket_id": "...", "ticket": {...}, "group": "...",
//	 "record": {...the group's latest record...}, "note": "...", "tags": [...]}
//
// The receiver checks the signature with the shared secret (Sign). A ticket
// of any desk can be written: TicketID is its numeric ID, else its encoded
// ID.
type Webhook struct {
	// URL receives the posts.
	URL string
	// Secret keys the signature; empty means no X-Bounce-Signature.
	Secret Secret
	// Client sends the requests; nil means a Client with the defaults.
	Client *Client
}

// WebhookEvent is the JSON object a Webhook posts.
type WebhookEvent struct {
	Event    string         `json:"event"` // always "bounce"
	TicketID string         `json:"ticket_id"`
	Ticket   *ticket.Ticket `json:"ticket"`
	Group    string         `json:"group"`
	Record   bounce.Record  `json:"record"` // the group's latest record, with the group's ticket
	Note     string         `json:"note"`   // the text a note on the ticket would have
	Tags     []string       `json:"tags"`
}

// Check reports a URL that is not an http(s) URL.
func (w *Webhook) Check() error {
	u, err := url.Parse(w.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%w: --webhook: want an http(s) URL", ErrConfig)
	}
	return nil
}

// Name returns "webhook " and the URL without its query, user or
// fragment, which may hold a token.
func (w *Webhook) Name() string {
	u, err := url.Parse(w.URL)
	if err != nil {
		return "webhook"
	}
	return "webhook " + u.Scheme + "://" + u.Host + u.Path
}

// TicketID returns the ticket's numeric ID, else its encoded ID.
func (w *Webhook) TicketID(t *ticket.Ticket) string {
	if t == nil {
		return ""
	}
	if t.ID != "" {
		return t.ID
	}
	return t.EncodedID
}

// Sign returns the X-Bounce-Signature value of body under secret:
// "sha256=" and the hex HMAC-SHA256.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether signature is body's X-Bounce-Signature under
// secret, in constant time.
func Verify(secret, body []byte, signature string) bool {
	return hmac.Equal([]byte(signature), []byte(Sign(secret, body)))
}

// Write posts one event per part of the note, in order, and stops at the
// first that fails.
func (w *Webhook) Write(ctx context.Context, n *Note) error {
	if err := w.Check(); err != nil {
		return err
	}
	c := w.Client
	if c == nil {
		c = &Client{}
	}
	for _, p := range n.Parts {
		t := n.Ticket
		rec := p.Group.Latest
		rec.Ticket = &t
		ev := WebhookEvent{Event: "bounce", TicketID: n.TicketID, Ticket: &t, Group: p.Group.Key, Record: rec,
			Note: p.Text, Tags: Tags(&p.Group.Latest)}
		body, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		if w.Secret != "" {
			h.Set("X-Bounce-Signature", Sign([]byte(w.Secret), body))
		}
		if _, err := c.do(ctx, &request{method: http.MethodPost, url: w.URL, header: h, body: body,
			secrets: []string{string(w.Secret)}}, webhookError); err != nil {
			return err
		}
	}
	return nil
}

// webhookError quotes the start of a refusing answer.
func webhookError(body []byte) string { return clean(string(body), 200) }
