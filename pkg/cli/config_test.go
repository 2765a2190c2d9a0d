package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bounce-tool/bounce/pkg/ticket"
	"github.com/google/go-cmp/cmp"
)

// TestZendeskLinks is the acceptance test of ticket linking on testdata:
// every bounce whose original carries a Zendesk reference links to its
// encoded ID, and to the number when a ticket link is in the original's
// text; the near-misses link to nothing.
func TestZendeskLinks(t *testing.T) {
	inRepoRoot(t)
	tests := []struct {
		file string
		want *ticket.Ticket
	}{
		{"testdata/eml/postfix/user-unknown.eml", &ticket.Ticket{ID: "48213", EncodedID: "8K2LQP-4R7M", System: "zendesk", Source: "body"}},
		// The request link is only an href of the HTML part, which the
		// text conversion drops; the number comes from Zendesk's own words,
		// "Your request (51877) has been updated".
		{"testdata/eml/postfix/zendesk-delayed.eml", &ticket.Ticket{ID: "51877", EncodedID: "5RXD9M-2KQ8", System: "zendesk", Source: "body"}},
		{"testdata/eml/postfix/zendesk-user-unknown-headers.eml", &ticket.Ticket{EncodedID: "5RXD9M-2KQ8", System: "zendesk", Source: "reply-to"}},
		{"testdata/eml/exchange/zendesk-recipient-not-found.eml", &ticket.Ticket{ID: "51902", EncodedID: "7TQW3H-9ZP1", System: "zendesk", Source: "message-id"}},
		{"testdata/eml/qmail/zendesk-inline-disabled.eml", &ticket.Ticket{ID: "51944", EncodedID: "2HVN8C-4YT6", System: "zendesk", Source: "body"}},
		{"testdata/eml/autoreply/out-of-office.eml", &ticket.Ticket{EncodedID: "3QF7WZ-9K2L", System: "zendesk", Source: "references"}},
		{"testdata/eml/rfc3464/freshdesk-mailbox-full.eml", &ticket.Ticket{ID: "4711", System: "freshdesk", Source: "subject"}},
		{"testdata/eml/sendmail/rt-host-unknown.eml", &ticket.Ticket{ID: "8812", System: "rt", Source: "header"}},
		{"testdata/eml/exim/mailbox-full.eml", &ticket.Ticket{ID: "2024101410000031", System: "otrs", Source: "subject"}},
		{"testdata/eml/rfc3464/near-miss-ids.eml", nil},
		{"testdata/eml/rfc3464/mixed-results.eml", nil}, // "Ticket #553" in prose
		{"testdata/eml/sendmail/host-unknown.eml", nil},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			recs := decodeNDJSON(t, runCLI(t, []string{"inspect", "--format", "ndjson", tc.file}, "", false).out)
			if len(recs) == 0 {
				t.Fatal("no records")
			}
			for _, r := range recs {
				if diff := cmp.Diff(tc.want, r.Ticket); diff != "" {
					t.Errorf("%s: ticket = %+v, want %+v", r.Recipient, r.Ticket, tc.want)
				}
			}
		})
	}
}

func writeFile(t *testing.T, path, data string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTicketMapFlag(t *testing.T) {
	inRepoRoot(t)
	m := writeFile(t, filepath.Join(t.TempDir(), "tickets.csv"), "encoded_id,ticket_id\n5RXD9M-2KQ8,51877\n")
	for _, tc := range []struct {
		cmd    []string
		source string
	}{
		// The message's own number is kept; the map fills a missing one.
		{[]string{"inspect", "--format", "ndjson", "--ticket-map", m, "testdata/eml/postfix/zendesk-delayed.eml"}, "body"},
		{[]string{"inspect", "--format", "ndjson", "--ticket-map", m, "testdata/eml/postfix/zendesk-user-unknown-headers.eml"}, "map"},
	} {
		cmd := tc.cmd
		res := runCLI(t, cmd, "", false)
		recs := decodeNDJSON(t, res.out)
		want := &ticket.Ticket{ID: "51877", EncodedID: "5RXD9M-2KQ8", System: "zendesk", Source: tc.source}
		if len(recs) != 1 || !cmp.Equal(recs[0].Ticket, want) {
			t.Errorf("%v: ticket = %+v, want %+v (stderr %q)", cmd, recs, want, res.errOut)
		}
	}
	res := runCLI(t, []string{"report", "--json", "--ticket-map", m, "testdata/eml/postfix"}, "", false)
	if !strings.Contains(res.out, `"id": "51877",`) {
		t.Errorf("report with the map: no ticket 51877:\n%s", res.out)
	}
}

func TestConfigFile(t *testing.T) {
	inRepoRoot(t)
	xdg := os.Getenv("XDG_CONFIG_HOME")
	orig := "Return-Path: <>\nFrom: MAILER-DAEMON@mx.example.net\nSubject: Undelivered Mail Returned to Sender\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\n" +
		"Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; ann@example.org\nAction: failed\nStatus: 5.1.1\n\n" +
		"--b\nContent-Type: message/rfc822\n\nMessage-ID: <n1@crm.acme.example>\nSubject: [ACME-00042] Your repair\n\nhello\n--b--\n"
	tests := []struct {
		name     string
		config   string // written to $XDG_CONFIG_HOME/bounce/config.yaml; "" for none
		args     []string
		want     *ticket.Ticket
		code     int
		errSubst string
	}{
		{"no config", "", nil, nil, 0, ""},
		{"short pattern", "ticket_patterns:\n  - '\\[ACME-(?P<id>\\d+)\\]'\n", nil,
			&ticket.Ticket{ID: "42", System: "custom", Source: "subject"}, 0, ""},
		{"long pattern", "ticket_patterns:\n  - pattern: '\\[ACME-(?P<id>\\d+)\\]'\n    system: acme-desk\n    in: [subject]\n", nil,
			&ticket.Ticket{ID: "42", System: "acme-desk", Source: "subject"}, 0, ""},
		{"pattern in another place", "ticket_patterns:\n  - pattern: '\\[ACME-(?P<id>\\d+)\\]'\n    in: [body]\n", nil, nil, 0, ""},
		{"flag pattern", "", []string{"--ticket-pattern", `ACME-(?P<id>\d+)`},
			&ticket.Ticket{ID: "42", System: "custom", Source: "subject"}, 0, ""},
		{"map relative to the config", "ticket_map: tickets.csv\n", nil,
			&ticket.Ticket{ID: "9001", System: "acme-desk", Source: "map"}, 0, ""},
		{"map list", "ticket_map: [tickets.csv]\nsupport_addresses: [support@acme.example]\nallow: [vendor.example]\n", nil,
			&ticket.Ticket{ID: "9001", System: "acme-desk", Source: "map"}, 0, ""},
		{"unknown key warns", "ticket_patern: x\n", nil, nil, 0, "unknown key \"ticket_patern\" ignored"},
		{"bad pattern", "ticket_patterns:\n  - '(?P<nr>\\d+)'\n", nil, nil, 2, "line 2: bad pattern"},
		{"bad pattern key", "ticket_patterns:\n  - regex: x\n", nil, nil, 2, "unknown ticket pattern key \"regex\""},
		{"not a mapping", "- a\n- b\n", nil, nil, 2, "want a mapping"},
		{"bad yaml", "ticket_patterns: [\n", nil, nil, 2, "config "},
		{"bad flag pattern", "", []string{"--ticket-pattern", `(\d+)`}, nil, 2, "--ticket-pattern"},
		{"missing map", "", []string{"--ticket-map", "no-such.csv"}, nil, 2, "no-such.csv"},
		{"explicit missing config warns", "", []string{"--config", "no-such.yaml"}, nil, 0, "no-such.yaml does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(xdg, "bounce")
			os.RemoveAll(dir)
			writeFile(t, filepath.Join(dir, "tickets.csv"), "key,id,system\n<n1@crm.acme.example>,9001,acme-desk\n")
			if tc.config != "" {
				writeFile(t, filepath.Join(dir, "config.yaml"), tc.config)
			}
			res := runCLI(t, append(append([]string{"inspect", "--format", "ndjson"}, tc.args...), "-"), orig, false)
			if res.code != tc.code || !strings.Contains(res.errOut, tc.errSubst) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", res.code, res.errOut, tc.code, tc.errSubst)
			}
			if tc.code != 0 {
				return
			}
			recs := decodeNDJSON(t, res.out)
			if len(recs) != 1 || !cmp.Equal(recs[0].Ticket, tc.want) {
				t.Errorf("ticket = %+v, want %+v", recs[0].Ticket, tc.want)
			}
		})
	}
	// --config names another file; the default one is not read then.
	other := writeFile(t, filepath.Join(t.TempDir(), "other.yaml"), "ticket_patterns: ['ACME-(?P<id>\\d+)']\n")
	res := runCLI(t, []string{"--config", other, "report", "--json", "-"}, orig, false)
	if res.code != 0 || !strings.Contains(res.out, `"id": "42"`) {
		t.Errorf("--config before the command: exit %d, %s %s", res.code, res.out, res.errOut)
	}
}

func TestDefaultConfigPath(t *testing.T) {
	home := func() (string, error) { return "/home/ann", nil }
	noHome := func() (string, error) { return "", errors.New("no home") }
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "XDG_CONFIG_HOME" {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		name string
		env  func(string) string
		home func() (string, error)
		want string
	}{
		{"xdg", env("/cfg"), home, "/cfg/bounce/config.yaml"},
		{"relative xdg is ignored", env("cfg"), home, "/home/ann/.config/bounce/config.yaml"},
		{"home", env(""), home, "/home/ann/.config/bounce/config.yaml"},
		{"nothing", env(""), noHome, ""},
	}
	for _, tc := range tests {
		if got := defaultConfigPath(tc.env, tc.home); got != filepath.FromSlash(tc.want) {
			t.Errorf("%s: defaultConfigPath() = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestConfigLoops: loops takes support_addresses and allow from the file,
// before its flags.
func TestConfigLoops(t *testing.T) {
	inRepoRoot(t)
	path := pingPongInbox().write(t)
	flagged := func() int {
		doc, res := runLoopsJSON(t, path)
		if res.code != 0 {
			t.Fatalf("exit %d, stderr %q", res.code, res.errOut)
		}
		n := 0
		for _, r := range doc.Records {
			if r.FromSupportAddress {
				n++
			}
		}
		return n
	}
	if n := flagged(); n != 0 {
		t.Fatalf("without a config: %d records from a support address, want 0", n)
	}
	writeFile(t, filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "bounce", "config.yaml"),
		"support_addresses: [support@acme.example]\nallow: [lists.example]\n")
	if n := flagged(); n == 0 {
		t.Errorf("with support_addresses in the config: no record from the support address")
	}
	bad := writeFile(t, filepath.Join(t.TempDir(), "bad.yaml"), "support_addresses: [\"not an address <\"]\n")
	if res := runCLI(t, []string{"--config", bad, "loops", path}, "", false); res.code != ExitUsage {
		t.Errorf("bad support address in the config: exit %d, want 2 (%s)", res.code, res.errOut)
	}
}
