package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bounce-tool/bounce/pkg/internal/golden"
	"github.com/bounce-tool/bounce/pkg/report"
	"golang.org/x/net/html"
)

const ticketURLFlag = "https://acme.zendesk.com/agent/tickets/{id}"

// runCLIAt runs bounce like runCLI with the clock stopped at a fixed time,
// so that the page's "Generated" line does not change.
func runCLIAt(t *testing.T, args []string, stdin string) cliResult {
	t.Helper()
	ios, in, out, errOut := TestIOStreams()
	in.WriteString(stdin)
	ios.SetClock(func() time.Time { return time.Date(2024, 9, 16, 12, 0, 0, 0, time.UTC) })
	root := NewRootCmd(ios, "1.2.3", "abc1234")
	code := Run(context.Background(), root, ios, args)
	return cliResult{out: out.String(), errOut: errOut.String(), code: code}
}

func TestReportHTMLGolden(t *testing.T) {
	inRepoRoot(t)
	res := runCLIAt(t, []string{"report", "--format", "html", "--ticket-url", ticketURLFlag, "--max-permanent", "3"}, testdataMbox(t))
	if res.code != ExitThreshold {
		t.Fatalf("exit %d, want %d (the gate); stderr %q", res.code, ExitThreshold, res.errOut)
	}
	golden.Check(t, "pkg/cli/testdata/report-html.golden", []byte(res.out))
}

// TestReportHTMLHostileMbox: subjects, diagnostics, addresses, server
// names, ticket references and the file name of an mbox carry markup and
// script URLs; the page shows them as text and runs none of them.
func TestReportHTMLHostileMbox(t *testing.T) {
	inRepoRoot(t)
	dir := t.TempDir()
	name := filepath.Join(dir, `<svg onload=alert('file')>" onload="x.mbox`)
	if err := os.WriteFile(name, []byte(hostileMbox), 0o644); err != nil {
		t.Fatal(err)
	}
	res := runCLIAt(t, []string{"report", "--format", "html", "--ticket-url", ticketURLFlag,
		"--ticket-pattern", `\[CASE-(?P<id>[^\]]+)\]`, name}, "")
	if res.code != 0 {
		t.Fatalf("exit %d; stderr %q", res.code, res.errOut)
	}
	doc, err := html.Parse(strings.NewReader(res.out))
	if err != nil {
		t.Fatal(err)
	}
	scripts := 0
	var text strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			if n.Parent == nil || n.Parent.Data != "script" {
				text.WriteString(n.Data)
			}
		case html.ElementNode:
			if n.Data == "script" {
				scripts++
				if len(n.Attr) > 0 {
					t.Errorf("script element with attributes %v", n.Attr)
				}
			}
			for _, a := range n.Attr {
				k := strings.ToLower(a.Key)
				if strings.HasPrefix(k, "on") || k == "src" || k == "style" {
					t.Errorf("attribute %s=%q on <%s> came from data", a.Key, a.Val, n.Data)
				}
				if k == "href" && !strings.HasPrefix(a.Val, "https://acme.zendesk.com/agent/tickets/") {
					t.Errorf("link %q is not a ticket link", a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if scripts != 1 {
		t.Errorf("%d script elements, want the page's own only", scripts)
	}
	shown := text.String()
	for _, want := range []string{`<svg onload=alert('file')>" onload="x.mbox`,
		`<img src=x onerror=alert(3)>@evil.example`, `mx.'onmouseover='alert(8).example`, `custom <script>alert(6)</script>`, "spamhaus"} {
		if !strings.Contains(shown, want) {
			t.Errorf("page text lacks %q: hostile values must be shown as text", want)
		}
	}
	if strings.Contains(res.out, "<img") || strings.Contains(res.out, "<script>alert") {
		t.Error("hostile markup unescaped in the page source")
	}
}

// hostileMbox holds two bounces whose every field carries markup.
const hostileMbox = `From MAILER-DAEMON Mon Sep 16 12:00:00 2024
Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@mx.<script>.example>
To: support@acme.example
Subject: Undelivered Mail Returned to Sender <script>alert(1)</script>
Date: Mon, 16 Sep 2024 12:00:00 +0000
Message-ID: <bounce-1@mx.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

<script>alert(2)</script> your mail to "<img src=x onerror=alert(3)>" failed.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; javascript:alert(9)
Arrival-Date: Mon, 16 Sep 2024 11:59:00 +0000

Final-Recipient: rfc822; "<img src=x onerror=alert(3)>"@evil.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <script>alert(4)</script> 'user' "unknown" javascript:alert(5)

--b1
Content-Type: message/rfc822

From: Acme Support <support@acme.example>
To: "<img src=x onerror=alert(3)>"@evil.example
Subject: [CASE-<script>alert(6)</script>] Re: "your" 'order'
Message-ID: <orig-1@acme.example>
Date: Mon, 16 Sep 2024 11:58:00 +0000

<a href="javascript:alert(7)">click</a>

--b1--

From MAILER-DAEMON Mon Sep 16 12:05:00 2024
Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@mx.example>
To: support@acme.example
Subject: Undelivered Mail Returned to Sender
Date: Mon, 16 Sep 2024 12:05:00 +0000
Message-ID: <bounce-2@mx.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b2"

--b2
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.'onmouseover='alert(8).example

Final-Recipient: rfc822; jane@customer.example
Action: failed
Status: 5.7.1
Diagnostic-Code: smtp; 554 5.7.1 Service unavailable; client host blocked using zen.spamhaus.org "><script>alert(10)</script>

--b2
Content-Type: text/rfc822-headers

From: Acme Support <support@acme.example>
To: jane@customer.example
Subject: [CASE-48213] Re: <script>alert(11)</script>
Message-ID: <orig-2@acme.example>

--b2--
`

// TestReportTicketLinks: --ticket-url (or ticket_url in the configuration
// file) links tickets in text, markdown and html; a template that is not
// an http(s) URL with {id} is a usage error.
func TestReportTicketLinks(t *testing.T) {
	inRepoRoot(t)
	mbox := testdataMbox(t)
	const link = "https://acme.zendesk.com/agent/tickets/48213"
	md := runCLI(t, []string{"report", "--format", "markdown", "--ticket-url", "zendesk=" + ticketURLFlag,
		"--ticket-url", "freshdesk=https://acme.freshdesk.com/a/tickets/{id}"}, mbox, false)
	for _, want := range []string{"[zendesk 8K2LQP-4R7M \\#48213](" + link + ")",
		"[freshdesk \\#4711](https://acme.freshdesk.com/a/tickets/4711)", "| rt \\#8812 "} {
		if !strings.Contains(md.out, want) {
			t.Errorf("markdown has no %s:\n%s", want, md.out)
		}
	}
	text := runCLI(t, []string{"report", "--ticket-url", ticketURLFlag}, mbox, false)
	if !strings.Contains(text.out, link) {
		t.Errorf("text has no ticket link:\n%s", text.out)
	}
	plain := runCLI(t, []string{"report", "--format", "html"}, mbox, false)
	if strings.Contains(plain.out, "<a ") || strings.Contains(plain.out, "https://") {
		t.Error("html without --ticket-url has a link")
	}
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("ticket_url: '"+ticketURLFlag+"'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	page := runCLI(t, []string{"--config", cfg, "report", "--format", "html"}, mbox, false)
	if !strings.Contains(page.out, `<a href="`+link+`"`) || page.errOut != "" {
		t.Errorf("ticket_url from the config file: no link, stderr %q", page.errOut)
	}
	for _, bad := range []string{"javascript:alert(1)//{id}", "https://acme.zendesk.com/agent/tickets/", "/tickets/{id}"} {
		res := runCLI(t, []string{"report", "--ticket-url", bad}, mbox, false)
		if res.code != ExitUsage || !strings.Contains(res.errOut, "--ticket-url") {
			t.Errorf("--ticket-url %q: exit %d, stderr %q; want a usage error", bad, res.code, res.errOut)
		}
	}
	if err := os.WriteFile(cfg, []byte("ticket_url: 'data:text/html,{id}'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := runCLI(t, []string{"--config", cfg, "report"}, mbox, false); res.code != ExitUsage || !strings.Contains(res.errOut, "ticket_url") {
		t.Errorf("bad ticket_url in the config: exit %d, stderr %q", res.code, res.errOut)
	}
}

// reportJSON runs report --format json on mbox.
func reportJSON(t *testing.T, mbox string) report.Report {
	t.Helper()
	var rep report.Report
	if err := json.Unmarshal([]byte(runCLI(t, []string{"report", "--format", "json"}, mbox, false).out), &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestReportHTMLSizeBounded: the page of a batch a hundred times bigger
// (more messages, recipients, domains, tickets and days) is of the same
// size: it grows with --top, --rows and the days, not with the input.
func TestReportHTMLSizeBounded(t *testing.T) {
	inRepoRoot(t)
	gen := func(n int) string {
		var b strings.Builder
		start := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
		for i := range n {
			d := start.Add(time.Duration(i%300) * 24 * time.Hour).Format(time.RFC1123Z)
			fmt.Fprintf(&b, `From MAILER-DAEMON Mon Sep 16 12:00:00 2024
From: Mail Delivery System <MAILER-DAEMON@mx%d.example>
To: support@acme.example
Subject: Undelivered Mail Returned to Sender
Date: %s
Message-ID: <b%d@mx.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx%d.example

Final-Recipient: rfc822; user%d@domain%d.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--b
Content-Type: text/rfc822-headers

From: support@acme.example
To: user%d@domain%d.example
Subject: [Ticket #%d] Re: your order
Message-ID: <o%d@acme.example>

--b--

`, i%50, d, i, i%50, i, i%200, i, i%200, 10000+i, i)
		}
		return b.String()
	}
	size := func(n int) int {
		res := runCLIAt(t, []string{"report", "--format", "html", "--ticket-pattern", `\[Ticket #(?P<id>\d+)\]`}, gen(n))
		if res.code != 0 {
			t.Fatalf("exit %d: %s", res.code, res.errOut)
		}
		for _, want := range []string{fmt.Sprintf("Addresses to fix (%s)", report.Thousands(n)),
			fmt.Sprintf("Tickets whose notification did not arrive (%s)", report.Thousands(n))} {
			if !strings.Contains(res.out, want) {
				t.Fatalf("page of %d messages lacks %q", n, want)
			}
		}
		return len(res.out)
	}
	small, big := size(30), size(3000)
	t.Logf("page of 30 messages: %d bytes; of 3,000: %d bytes", small, big)
	if big > 2*small {
		t.Errorf("page of 3,000 messages is %d bytes, of 30 messages %d: want the same order", big, small)
	}
}
