package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bounce-tool/bounce/pkg/status"
)

func newVerifier(t *testing.T, opts Options) *Verifier {
	t.Helper()
	v, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return v
}

var verifyTests = []struct {
	name       string
	address    string
	verdict    Verdict
	reason     string
	class      status.Class
	status     string // of the SMTP reply; "-" for no reply
	mx         []string
	catchAll   bool
	role       bool
	disposable bool
	short      bool // expects a timeout: use short ones
}{
	{name: "known user", address: "alice@users.test", verdict: Deliverable, class: status.ClassSuccess,
		status: "2.0.0", mx: []string{"mx.users.test"}},
	{name: "unknown user", address: "nobody@users.test", verdict: Undeliverable, reason: "userunknown",
		class: status.ClassPermanent, status: "5.1.1"},
	{name: "role address", address: "postmaster@users.test", verdict: Risky, class: status.ClassUnknown,
		status: "2.0.0", role: true},
	{name: "quoted local part", address: `"john doe"@users.test`, verdict: Deliverable, class: status.ClassSuccess,
		status: "2.0.0"},
	{name: "UTF-8 local part", address: "josé@users.test", verdict: Deliverable, class: status.ClassSuccess,
		status: "2.0.0"},
	{name: "mailbox full", address: "full@users.test", verdict: Undeliverable, reason: "mailboxfull",
		class: status.ClassPermanent, status: "5.2.2"},
	{name: "catch-all domain", address: "anyone@catchall.test", verdict: Risky, class: status.ClassUnknown,
		status: "2.0.0", catchAll: true},
	{name: "greylisting", address: "x@grey.test", verdict: Unknown, reason: "ratelimited", class: status.ClassTemporary,
		status: "4.2.0"},
	{name: "listed on a DNSBL", address: "x@blocked.test", verdict: Unknown, reason: "blocked",
		class: status.ClassUnknown, status: "5.7.1"},
	{name: "bare 550", address: "x@vague.test", verdict: Undeliverable, reason: "userunknown",
		class: status.ClassPermanent, status: ""},
	{name: "IDN domain", address: "user@bücher.example", verdict: Deliverable, class: status.ClassSuccess,
		status: "2.0.0"},
	{name: "disposable, accepted", address: "keep@mailinator.com", verdict: Risky, class: status.ClassUnknown,
		status: "2.0.0", disposable: true},
	{name: "disposable, unknown user", address: "gone@mailinator.com", verdict: Undeliverable,
		reason: "userunknown", class: status.ClassPermanent, status: "5.1.1", disposable: true},
	{name: "implicit MX", address: "alice@amx.test", verdict: Deliverable, class: status.ClassSuccess,
		status: "2.0.0", mx: []string{"amx.test"}},
	{name: "null MX", address: "a@nullmx.test", verdict: Undeliverable, reason: "notaccept",
		class: status.ClassPermanent, status: "-"},
	{name: "NXDOMAIN", address: "a@nx.test", verdict: Undeliverable, reason: "hostunknown",
		class: status.ClassPermanent, status: "-"},
	{name: "no MX and no A", address: "a@nomail.test", verdict: Undeliverable, reason: "hostunknown",
		class: status.ClassPermanent, status: "-"},
	{name: "MX without address", address: "a@badmx.test", verdict: Undeliverable, reason: "hostunknown",
		class: status.ClassPermanent, status: "-", mx: []string{"nowhere.badmx.test"}},
	{name: "SERVFAIL", address: "a@servfail.test", verdict: Unknown, reason: "networkerror",
		class: status.ClassTemporary, status: "-"},
	{name: "REFUSED", address: "a@refused.test", verdict: Unknown, reason: "networkerror",
		class: status.ClassTemporary, status: "-"},
	{name: "DNS timeout", address: "a@dnstimeout.test", verdict: Unknown, reason: "networkerror",
		class: status.ClassTemporary, status: "-", short: true},
	{name: "silent server", address: "a@hang.test", verdict: Unknown, reason: "networkerror",
		class: status.ClassTemporary, status: "-", mx: []string{"mx.hang.test"}, short: true},
	{name: "first MX refuses connections", address: "alice@fallback.test", verdict: Deliverable,
		class: status.ClassSuccess, status: "2.0.0", mx: []string{"dead.fallback.test", "mx.users.test"}},
	{name: "address literal", address: "alice@[127.0.0.1]", verdict: Deliverable, class: status.ClassSuccess,
		status: "2.0.0", mx: []string{"[127.0.0.1]"}},
	{name: "broken STARTTLS", address: "alice@badtls.test", verdict: Deliverable, class: status.ClassSuccess,
		status: "2.0.0"},
	{name: "bad syntax", address: "alice.users.test", verdict: Undeliverable, reason: "syntaxerror",
		class: status.ClassPermanent, status: "-"},
}

func TestVerify(t *testing.T) {
	_, _, opts := testWorld(t)
	v := newVerifier(t, opts)
	opts.Timeout, opts.DNSTimeout = 300*time.Millisecond, 300*time.Millisecond
	short := newVerifier(t, opts)
	for _, tc := range verifyTests {
		t.Run(tc.name, func(t *testing.T) {
			v := v
			if tc.short {
				v = short
			}
			rs := v.Verify(context.Background(), []string{tc.address})
			if len(rs) != 1 {
				t.Fatalf("Verify(%q) returned %d results, want 1", tc.address, len(rs))
			}
			r := rs[0]
			if r.Address != tc.address {
				t.Errorf("Verify(%q).Address = %q, want it unchanged", tc.address, r.Address)
			}
			if r.Verdict != tc.verdict {
				t.Errorf("Verify(%q).Verdict = %q, want %q (error %q)", tc.address, r.Verdict, tc.verdict, r.Error)
			}
			if r.Reason != tc.reason {
				t.Errorf("Verify(%q).Reason = %q, want %q", tc.address, r.Reason, tc.reason)
			}
			if r.Class != tc.class {
				t.Errorf("Verify(%q).Class = %q, want %q", tc.address, r.Class, tc.class)
			}
			switch {
			case tc.status == "-" && r.SMTP != nil:
				t.Errorf("Verify(%q).SMTP = %+v, want nil", tc.address, *r.SMTP)
			case tc.status != "-" && r.SMTP == nil:
				t.Errorf("Verify(%q).SMTP = nil, want status %q", tc.address, tc.status)
			case tc.status != "-" && r.SMTP.Status != tc.status:
				t.Errorf("Verify(%q).SMTP.Status = %q, want %q", tc.address, r.SMTP.Status, tc.status)
			}
			if tc.mx != nil && !slices.Equal(r.MX, tc.mx) {
				t.Errorf("Verify(%q).MX = %q, want %q", tc.address, r.MX, tc.mx)
			}
			if r.CatchAll != tc.catchAll || r.Role != tc.role || r.Disposable != tc.disposable {
				t.Errorf("Verify(%q) catch-all, role, disposable = %v, %v, %v, want %v, %v, %v", tc.address,
					r.CatchAll, r.Role, r.Disposable, tc.catchAll, tc.role, tc.disposable)
			}
			if (r.Verdict == Undeliverable || r.Verdict == Unknown) && r.Error == "" {
				t.Errorf("Verify(%q).Error is empty for verdict %q", tc.address, r.Verdict)
			}
		})
	}
}

// TestVerifyBatch runs all the cases in one call: results come back in
// input order whatever the concurrency, and match the one-by-one verdicts.
func TestVerifyBatch(t *testing.T) {
	_, _, opts := testWorld(t)
	opts.Concurrency = 2
	opts.Timeout, opts.DNSTimeout = time.Second, time.Second
	v := newVerifier(t, opts)
	var open, maxOpen atomic.Int32
	dial := v.prober.dial
	v.prober.dial = func(ctx context.Context, network, address string) (net.Conn, error) {
		c, err := dial(ctx, network, address)
		if err != nil {
			return nil, err
		}
		n := open.Add(1)
		for m := maxOpen.Load(); n > m && !maxOpen.CompareAndSwap(m, n); m = maxOpen.Load() {
		}
		return &closeHook{Conn: c, f: func() { open.Add(-1) }}, nil
	}
	var addrs []string
	for _, tc := range verifyTests {
		addrs = append(addrs, tc.address)
	}
	start := time.Now()
	var got []Result
	v.VerifyEach(context.Background(), addrs, func(r Result) { got = append(got, r) })
	if len(got) != len(addrs) {
		t.Fatalf("VerifyEach gave %d results, want %d", len(got), len(addrs))
	}
	for i, r := range got {
		if r.Address != addrs[i] {
			t.Errorf("result %d is for %q, want %q", i, r.Address, addrs[i])
		}
		if r.Verdict != verifyTests[i].verdict {
			t.Errorf("Verify(%q).Verdict = %q, want %q (error %q)", r.Address, r.Verdict, verifyTests[i].verdict, r.Error)
		}
	}
	if n := int(maxOpen.Load()); n > opts.Concurrency || n == 0 {
		t.Errorf("%d SMTP connections open at once, want 1 to %d", n, opts.Concurrency)
	}
	t.Logf("%d addresses in %v", len(addrs), time.Since(start))
}

// closeHook calls f once when the connection is closed.
type closeHook struct {
	net.Conn
	f    func()
	once sync.Once
}

func (c *closeHook) Close() error {
	c.once.Do(c.f)
	return c.Conn.Close()
}

func TestVerifyCachesPerDomain(t *testing.T) {
	d, srv, opts := testWorld(t)
	opts.Timeout = 300 * time.Millisecond
	v := newVerifier(t, opts)
	addrs := []string{"alice@users.test", "bob@users.test", "nobody@users.test",
		"a@catchall.test", "b@catchall.test", "a@hang.test", "b@hang.test", "c@hang.test"}
	rs := v.Verify(context.Background(), addrs)
	if n := d.Count("MX users.test."); n != 1 {
		t.Errorf("MX users.test asked %d times, want 1", n)
	}
	for _, domain := range []string{"@users.test", "@catchall.test"} {
		if n := srv.RcptCount(catchAllPrefix, domain); n != 1 {
			t.Errorf("catch-all probes at %s = %d, want 1", domain, n)
		}
	}
	if !rs[4].CatchAll {
		t.Errorf("Verify(%q).CatchAll = false, want the cached true", addrs[4])
	}
	if rs[7].Verdict != Unknown || rs[7].Reason != "networkerror" {
		t.Errorf("Verify(%q) = %q/%q, want unknown/networkerror", addrs[7], rs[7].Verdict, rs[7].Reason)
	}
	// The silent host is waited for once, not once per address.
	if n := srv.SilentConns(); n != 1 {
		t.Errorf("silent server got %d connections for 3 addresses, want 1", n)
	}
}

func TestVerifyTimeout(t *testing.T) {
	_, _, opts := testWorld(t)
	opts.Timeout = 200 * time.Millisecond
	v := newVerifier(t, opts)
	start := time.Now()
	r := v.Verify(context.Background(), []string{"a@hang.test"})[0]
	if elapsed := time.Since(start); elapsed > 1500*time.Millisecond {
		t.Errorf("Verify(silent server) took %v with Timeout %v", elapsed, opts.Timeout)
	}
	if !strings.Contains(r.Error, "timeout") {
		t.Errorf("Verify(silent server).Error = %q, want a timeout", r.Error)
	}
}

func TestVerifySTARTTLS(t *testing.T) {
	_, srv, opts := testWorld(t)
	v := newVerifier(t, opts)
	v.Verify(context.Background(), []string{"alice@users.test", "alice@badtls.test"})
	if srv.TLSMails() == 0 {
		t.Error("no MAIL command came over TLS, want STARTTLS used when offered")
	}
	if n := srv.BadTLSConns(); n != 2 {
		t.Errorf("broken-STARTTLS server got %d connections, want 2 (TLS, then plain)", n)
	}
}

func TestVerifySenderRejected(t *testing.T) {
	_, _, opts := testWorld(t)
	opts.From = "spammer@bad.example"
	v := newVerifier(t, opts)
	r := v.Verify(context.Background(), []string{"alice@users.test"})[0]
	if r.Verdict != Unknown || r.Reason != "rejected" || r.Class != status.ClassUnknown {
		t.Errorf("Verify with a refused sender = %q/%q/%q, want unknown/rejected/unknown", r.Verdict, r.Reason, r.Class)
	}
	if r.SMTP == nil || r.SMTP.Command != "MAIL" || r.SMTP.ReplyCode != 550 {
		t.Errorf("Verify with a refused sender: SMTP = %+v, want the 550 reply to MAIL", r.SMTP)
	}
}

func TestVerifyDNSOnly(t *testing.T) {
	_, srv, opts := testWorld(t)
	opts.SMTP = false
	v := newVerifier(t, opts)
	tests := []struct {
		address string
		verdict Verdict
		reason  string
	}{
		{"alice@users.test", Unknown, ""},
		{"postmaster@users.test", Risky, ""},
		{"keep@mailinator.com", Risky, ""},
		{"a@nx.test", Undeliverable, "hostunknown"},
		{"a@nullmx.test", Undeliverable, "notaccept"},
		{"a@servfail.test", Unknown, "networkerror"},
	}
	for _, tc := range tests {
		r := v.Verify(context.Background(), []string{tc.address})[0]
		if r.Verdict != tc.verdict || r.Reason != tc.reason {
			t.Errorf("Verify(%q) without SMTP = %q/%q, want %q/%q", tc.address, r.Verdict, r.Reason, tc.verdict, tc.reason)
		}
		if r.SMTP != nil {
			t.Errorf("Verify(%q).SMTP = %+v without SMTP probe, want nil", tc.address, r.SMTP)
		}
	}
	if n := srv.RcptCount("", ""); n != 0 {
		t.Errorf("SMTP server saw %d RCPT commands, want none without the probe", n)
	}
}

func TestVerifySyntaxOnly(t *testing.T) {
	v := newVerifier(t, Options{SyntaxOnly: true, DNSServer: "192.0.2.1:53"})
	rs := v.Verify(context.Background(), []string{"a@example.com", "a@@example.com", "info@mailinator.com"})
	want := []Verdict{Unknown, Undeliverable, Unknown}
	for i, r := range rs {
		if r.Verdict != want[i] {
			t.Errorf("Verify(%q).Verdict = %q, want %q", r.Address, r.Verdict, want[i])
		}
	}
	if !rs[2].Role || !rs[2].Disposable {
		t.Errorf("Verify(%q) role, disposable = %v, %v, want true, true", rs[2].Address, rs[2].Role, rs[2].Disposable)
	}
}

func TestVerifyCanceled(t *testing.T) {
	_, _, opts := testWorld(t)
	opts.Timeout = 10 * time.Second
	v := newVerifier(t, opts)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, r := range v.Verify(ctx, []string{"alice@users.test", "a@hang.test"}) {
		if r.Verdict != Unknown || !strings.Contains(r.Error, "canceled") {
			t.Errorf("Verify(%q) with a canceled context = %q, %q; want unknown, not checked", r.Address, r.Verdict, r.Error)
		}
	}

	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	r := v.Verify(ctx, []string{"a@hang.test"})[0]
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Verify(silent server) took %v after the context ended at 200ms", elapsed)
	}
	if r.Verdict != Unknown {
		t.Errorf("Verify(silent server).Verdict = %q after cancel, want unknown", r.Verdict)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []Options{
		{DNSServer: "no-port"},
		{DNSServer: "127.0.0.1:53", From: "not an address"},
		{DNSServer: "127.0.0.1:53", Concurrency: -1},
		{DNSServer: "127.0.0.1:53", HELOName: "two words"},
	}
	for _, opts := range tests {
		if _, err := New(opts); err == nil || !strings.HasPrefix(err.Error(), "verify: ") {
			t.Errorf("New(%+v) error = %v, want a verify: error", opts, err)
		}
	}
}

func TestResultJSON(t *testing.T) {
	r := Result{Address: "a@example.com", Verdict: Undeliverable, Reason: "userunknown", Class: status.ClassPermanent,
		Domain: "example.com", ASCII: "a@example.com", MX: []string{"mx.example.com"},
		SMTP: &SMTPReply{Host: "mx.example.com", Command: "RCPT", ReplyCode: 550, Status: "5.1.1", Text: "User unknown"}}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"address":"a@example.com","verdict":"undeliverable","reason":"userunknown","class":"permanent",` +
		`"domain":"example.com","ascii":"a@example.com","mx":["mx.example.com"],` +
		`"smtp":{"host":"mx.example.com","command":"RCPT","reply_code":550,"status":"5.1.1","text":"User unknown"},` +
		`"catch_all":false,"role":false,"disposable":false,"error":""}`
	if string(b) != want {
		t.Errorf("json.Marshal(Result) =\n%s\nwant\n%s", b, want)
	}
	// Empty values are there too: [] for a list, null for the reply.
	b, _ = json.Marshal(Result{Address: "x", Verdict: Undeliverable})
	if !strings.Contains(string(b), `"mx":[],"smtp":null,`) || !strings.HasSuffix(string(b), `"error":""}`) {
		t.Errorf("json.Marshal(empty Result) = %s", b)
	}
}

func BenchmarkVerifySyntaxOnly(b *testing.B) {
	v, err := New(Options{SyntaxOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	addrs := make([]string, 100)
	for i := range addrs {
		addrs[i] = fmt.Sprintf("user%d@bücher%d.example", i, i%10)
	}
	b.ReportAllocs()
	for b.Loop() {
		v.Verify(context.Background(), addrs)
	}
}
