// Package acttest runs, on loopback, the servers that package act and the
// bounce act command write to in their tests: a fake Zendesk that enforces
// the documented contract of the ticket update API, and a webhook receiver
// that verifies the signature of every post.
//
// The fake Zendesk answers PUT /api/v2/tickets/{id}.json. It refuses with
// 401 a request without the expected Authorization header, with 415 one
// that is not application/json, and with 400 a body that is not exactly
// {"ticket": {"comment": {"body": "<text>", "public": false},
// "additional_tags": [...], "status": "open" (optional)}}. Tickets behave by
// number as Zendesk would:
//
//	404         404 RecordNotFound
//	422         422 RecordInvalid: the ticket is closed
//	429         429 with Retry-After: 1 on the first request, then 200
//	500         500 on the first request, then 200
//	504         the first request is carried out, but answered only after
//	            SlowAnswer (a client gives up first); then 200
//	any other   200 with the updated ticket
//
// GET /api/v2/tickets/{id}/comments.json lists the comments written, newest
// first when sort_order=desc, as {"comments": [{"body": ..., "public": ...}]}.
//
// Every request is recorded, refused or not.
package acttest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bounce-tool/bounce/pkg/act"
)

// Request is a request a server received.
type Request struct {
	Method, Path string
	Header       http.Header
	Body         []byte
	Status       int // the status answered
}

// Update is the body of a ticket update as the fake Zendesk read it.
type Update struct {
	Ticket struct {
		Comment struct {
			Body   string `json:"body"`
			Public *bool  `json:"public"`
		} `json:"comment"`
		AdditionalTags []string `json:"additional_tags"`
		Status         string   `json:"status"`
	} `json:"ticket"`
}

// Zendesk is the fake Zendesk.
type Zendesk struct {
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL string
	// Auth is the Authorization header it expects.
	Auth string

	// SlowAnswer is how long ticket 504's first answer takes at most: it
	// comes once the client has given up (closed the request), or after
	// this long.
	SlowAnswer time.Duration

	mu       sync.Mutex
	requests []Request
	seen     map[string]int
	comments map[string][]Update // written, by ticket
}

// BasicAuth returns the Authorization value of an API token.
func BasicAuth(email, token string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(email+"/token:"+token))
}

// NewZendesk starts a fake Zendesk that expects the Authorization value
// auth; it stops when the test ends.
func NewZendesk(t testing.TB, auth string) *Zendesk {
	z := &Zendesk{Auth: auth, seen: map[string]int{}, comments: map[string][]Update{}, SlowAnswer: 10 * time.Second}
	srv := httptest.NewServer(http.HandlerFunc(z.serve))
	t.Cleanup(srv.Close)
	z.URL = srv.URL
	return z
}

// AddComment puts a private comment on a ticket, as if written before.
func (z *Zendesk) AddComment(id, body string) {
	var u Update
	u.Ticket.Comment.Body = body
	u.Ticket.Comment.Public = new(bool)
	z.mu.Lock()
	z.comments[id] = append(z.comments[id], u)
	z.mu.Unlock()
}

// Requests returns the requests received so far.
func (z *Zendesk) Requests() []Request {
	z.mu.Lock()
	defer z.mu.Unlock()
	return append([]Request(nil), z.requests...)
}

// Updates returns the accepted updates by ticket number, in order.
func (z *Zendesk) Updates() map[string][]Update {
	z.mu.Lock()
	defer z.mu.Unlock()
	out := map[string][]Update{}
	for id, u := range z.comments {
		out[id] = append([]Update(nil), u...)
	}
	return out
}

func (z *Zendesk) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var status int
	var answer string
	slow := false
	if strings.HasSuffix(r.URL.Path, "/comments.json") {
		status, answer = z.list(r)
	} else {
		status, answer = z.answer(r, body)
		if status == http.StatusOK {
			var u Update
			json.Unmarshal(body, &u)
			id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v2/tickets/"), ".json")
			z.mu.Lock()
			z.comments[id] = append(z.comments[id], u)
			slow = id == "504" && z.seen[id] == 1
			z.mu.Unlock()
		}
	}
	z.mu.Lock()
	z.requests = append(z.requests, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body, Status: status})
	z.mu.Unlock()
	if slow {
		select {
		case <-r.Context().Done():
		case <-time.After(z.SlowAnswer):
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "1")
	}
	w.WriteHeader(status)
	io.WriteString(w, answer)
}

func (z *Zendesk) answer(r *http.Request, body []byte) (int, string) {
	id, ok := strings.CutPrefix(r.URL.Path, "/api/v2/tickets/")
	id, ok2 := strings.CutSuffix(id, ".json")
	if !ok || !ok2 || id == "" || strings.Trim(id, "0123456789") != "" {
		return http.StatusNotFound, `{"error":"InvalidEndpoint","description":"Not found"}`
	}
	if r.Method != http.MethodPut {
		return http.StatusMethodNotAllowed, `{"error":"MethodNotAllowed"}`
	}
	if r.Header.Get("Authorization") != z.Auth {
		return http.StatusUnauthorized, `{"error":"Couldn't authenticate you"}`
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return http.StatusUnsupportedMediaType, `{"error":"UnsupportedMediaType"}`
	}
	if err := checkUpdate(body); err != nil {
		return http.StatusBadRequest, fmt.Sprintf(`{"error":"InvalidValue","description":%q}`, err.Error())
	}
	z.mu.Lock()
	z.seen[id]++
	n := z.seen[id]
	z.mu.Unlock()
	switch {
	case id == "404":
		return http.StatusNotFound, `{"error":"RecordNotFound","description":"Not found"}`
	case id == "422":
		return http.StatusUnprocessableEntity, `{"error":"RecordInvalid","description":"Record validation errors",` +
			`"details":{"status":[{"description":"Status: closed prevents ticket update"}]}}`
	case id == "429" && n == 1:
		return http.StatusTooManyRequests, `{"error":"TooManyRequests"}`
	case id == "500" && n == 1:
		return http.StatusInternalServerError, `{"error":"InternalError"}`
	}
	return http.StatusOK, fmt.Sprintf(`{"ticket":{"id":%s,"status":"open"}}`, id)
}

// list answers GET /api/v2/tickets/{id}/comments.json.
func (z *Zendesk) list(r *http.Request) (int, string) {
	if r.Method != http.MethodGet {
		return http.StatusMethodNotAllowed, `{"error":"MethodNotAllowed"}`
	}
	if r.Header.Get("Authorization") != z.Auth {
		return http.StatusUnauthorized, `{"error":"Couldn't authenticate you"}`
	}
	id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v2/tickets/"), "/comments.json")
	type comment struct {
		Body   string `json:"body"`
		Public bool   `json:"public"`
	}
	var page struct {
		Comments []comment `json:"comments"`
		Count    int       `json:"count"`
	}
	page.Comments = []comment{}
	z.mu.Lock()
	for _, u := range z.comments[id] {
		page.Comments = append(page.Comments, comment{Body: u.Ticket.Comment.Body, Public: *u.Ticket.Comment.Public})
	}
	z.mu.Unlock()
	if r.URL.Query().Get("sort_order") == "desc" {
		slices.Reverse(page.Comments)
	}
	page.Count = len(page.Comments)
	b, _ := json.Marshal(page)
	return http.StatusOK, string(b)
}

// checkUpdate enforces the shape of a ticket update.
func checkUpdate(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var u Update
	if err := dec.Decode(&u); err != nil {
		return fmt.Errorf("body: %v", err)
	}
	c := u.Ticket.Comment
	switch {
	case strings.TrimSpace(c.Body) == "":
		return fmt.Errorf("comment body is empty")
	case c.Public == nil || *c.Public:
		return fmt.Errorf("comment must say public: false")
	case u.Ticket.AdditionalTags == nil:
		return fmt.Errorf("no additional_tags")
	case u.Ticket.Status != "" && u.Ticket.Status != "open":
		return fmt.Errorf("status %q", u.Ticket.Status)
	}
	for _, tag := range u.Ticket.AdditionalTags {
		if tag == "" || strings.ContainsAny(tag, " ,") {
			return fmt.Errorf("bad tag %q", tag)
		}
	}
	return nil
}

// Webhook is a webhook receiver that verifies X-Bounce-Signature under
// Secret; it answers 401 to a post without a valid signature and 400 to a
// body that is not a WebhookEvent.
type Webhook struct {
	URL    string
	Secret string

	mu       sync.Mutex
	requests []Request
	events   []act.WebhookEvent
}

// NewWebhook starts a receiver; it stops when the test ends.
func NewWebhook(t testing.TB, secret string) *Webhook {
	h := &Webhook{Secret: secret}
	srv := httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(srv.Close)
	h.URL = srv.URL + "/hooks/bounce"
	return h
}

func (h *Webhook) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	status := http.StatusNoContent
	var ev act.WebhookEvent
	switch {
	case r.Method != http.MethodPost:
		status = http.StatusMethodNotAllowed
	case r.Header.Get("Content-Type") != "application/json":
		status = http.StatusUnsupportedMediaType
	case !act.Verify([]byte(h.Secret), body, r.Header.Get("X-Bounce-Signature")):
		status = http.StatusUnauthorized
	case json.Unmarshal(body, &ev) != nil || ev.Event != "bounce" || ev.Group == "":
		status = http.StatusBadRequest
	}
	h.mu.Lock()
	h.requests = append(h.requests, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body, Status: status})
	if status == http.StatusNoContent {
		h.events = append(h.events, ev)
	}
	h.mu.Unlock()
	w.WriteHeader(status)
}

// Requests returns the posts received so far.
func (h *Webhook) Requests() []Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Request(nil), h.requests...)
}

// Events returns the events accepted so far.
func (h *Webhook) Events() []act.WebhookEvent {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]act.WebhookEvent(nil), h.events...)
}
