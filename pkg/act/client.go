package act

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Client sends the requests of the targets: at most Rate requests a
// second, each attempt cut off after Timeout, 429 answers retried after
// their Retry-After, 5xx answers, timeouts and network errors retried with
// exponential backoff and jitter, at most Retries times. The zero value
// uses the defaults. A Client is safe for concurrent use once its fields
// are set.
type Client struct {
	// HTTP is the client used; nil means http.DefaultClient.
	HTTP *http.Client
	// Rate is the most requests a second; 0 means DefaultRate, a negative
	// value no limit.
	Rate float64
	// Timeout bounds each attempt; 0 means DefaultTimeout.
	Timeout time.Duration
	// Retries is the most attempts after the first; 0 means
	// DefaultRetries, a negative value none.
	Retries int
	// MaxWait is the longest wait before a retry: a longer Retry-After
	// fails the request at once. 0 means DefaultMaxWait.
	MaxWait time.Duration
	// Backoff is the wait before the first retry of a 5xx answer or a
	// timeout, doubled for each further retry, with jitter; 0 means
	// DefaultBackoff.
	Backoff time.Duration
	// Sleep waits d or until ctx is done; nil means a timer. Tests
	// replace it to record the waits.
	Sleep func(ctx context.Context, d time.Duration) error
	// UserAgent is sent with every request; "" means "bounce".
	UserAgent string

	limiter *rate.Limiter
}

// The Client's defaults: well under Zendesk's plan limits (which start at
// 200 requests a minute, and 30 updates of one ticket in 10 minutes).
const (
	DefaultRate    = 2.0 // requests a second
	DefaultTimeout = 30 * time.Second
	DefaultRetries = 4
	DefaultMaxWait = 2 * time.Minute
	DefaultBackoff = time.Second
)

// maxAnswer bounds the answer body read, for error messages.
const maxAnswer = 64 << 10

// request is one HTTP request a target makes; secrets are the values that
// must never appear in an error (they are cut from the answer's words).
type request struct {
	method, url string
	header      http.Header
	body        []byte
	secrets     []string
	// applied, when set, is asked before a retry that follows a timeout,
	// a network error or a 5xx answer (after which the request may have
	// been carried out all the same) whether it was: true ends the
	// request as a success.
	applied func(ctx context.Context) (bool, error)
}

// answer is a successful answer.
type answer struct {
	status int
	body   []byte
}

// do sends req, retrying as the Client says. A refused answer comes back
// as a *HTTPError whose Message is errMsg(body), with the secrets cut.
func (c *Client) do(ctx context.Context, req *request, errMsg func([]byte) string) (*answer, error) {
	retries := c.Retries
	if retries == 0 {
		retries = DefaultRetries
	}
	retries = max(retries, 0)
	var last error
	for attempt := 0; ; attempt++ {
		if err := c.wait(ctx); err != nil {
			return nil, err
		}
		status, body, hdr, err := c.once(ctx, req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			last = err
		} else if status < 300 {
			return &answer{status: status, body: body}, nil
		} else {
			msg := ""
			if errMsg != nil {
				msg = errMsg(body)
			}
			last = &HTTPError{Status: status, Message: redact(msg, req.secrets)}
			if status != http.StatusTooManyRequests && status < 500 {
				return nil, last
			}
		}
		if attempt >= retries {
			if attempt > 0 {
				return nil, fmt.Errorf("%w (%d attempts)", last, attempt+1)
			}
			return nil, last
		}
		d := c.backoff(attempt)
		if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
			if ra, ok := retryAfter(hdr.Get("Retry-After"), time.Now()); ok {
				d = ra
			}
		}
		if mw := c.maxWait(); d > mw {
			return nil, fmt.Errorf("%w (the server asks to wait %s, more than %s)", last, d.Round(time.Second), mw)
		}
		if err := c.sleep(ctx, d); err != nil {
			return nil, err
		}
		if req.applied != nil && status != http.StatusTooManyRequests {
			if ok, err := req.applied(ctx); err != nil && ctx.Err() != nil {
				return nil, ctx.Err()
			} else if ok {
				return &answer{status: http.StatusOK}, nil
			}
		}
	}
}

// once makes one attempt. A network error comes back without the URL
// (which may hold a webhook's token in its query).
func (c *Client) once(ctx context.Context, req *request) (int, []byte, http.Header, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, req.method, req.url, bytes.NewReader(req.body))
	if err != nil {
		return 0, nil, nil, errors.New("bad target URL")
	}
	for k, v := range req.header {
		hr.Header[k] = v
	}
	ua := c.UserAgent
	if ua == "" {
		ua = "bounce"
	}
	hr.Header.Set("User-Agent", ua)
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(hr)
	if err != nil {
		return 0, nil, nil, netError(err, timeout)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil && resp.StatusCode < 300 {
		return 0, nil, nil, netError(err, timeout)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswer))
	return resp.StatusCode, body, resp.Header, nil
}

// netError describes a failure to reach the target without its URL.
func netError(err error, timeout time.Duration) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("no answer within %s", timeout)
	}
	return fmt.Errorf("cannot reach the target: %v", err)
}

func (c *Client) wait(ctx context.Context) error {
	if c.Rate < 0 {
		return ctx.Err()
	}
	return c.limit().Wait(ctx)
}

// limit returns the Client's limiter, made on first use.
func (c *Client) limit() *rate.Limiter {
	if c.limiter == nil {
		r := c.Rate
		if r == 0 {
			r = DefaultRate
		}
		c.limiter = rate.NewLimiter(rate.Limit(r), 1)
	}
	return c.limiter
}

// Prepare makes the Client's rate limiter; call it before using the
// Client from several goroutines.
func (c *Client) Prepare() { c.limit() }

// backoff is the wait before retry attempt+1: Backoff doubled attempt
// times, then half of it plus a random part of the other half.
func (c *Client) backoff(attempt int) time.Duration {
	b := c.Backoff
	if b <= 0 {
		b = DefaultBackoff
	}
	d := b << min(attempt, 16)
	if mw := c.maxWait(); d > mw {
		d = mw
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func (c *Client) maxWait() time.Duration {
	if c.MaxWait > 0 {
		return c.MaxWait
	}
	return DefaultMaxWait
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryAfter reads a Retry-After value: seconds, or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > 1<<31 {
			n = 1 << 31
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// redact cuts every secret from s.
func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}

// Secret is a value never to be printed: fmt and encoding/json show
// "[redacted]".
type Secret string

// String returns "[redacted]".
func (Secret) String() string { return "[redacted]" }

// GoString returns "[redacted]".
func (Secret) GoString() string { return "[redacted]" }

// MarshalText returns "[redacted]".
func (Secret) MarshalText() ([]byte, error) { return []byte("[redacted]"), nil }
