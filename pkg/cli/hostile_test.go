package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/spf13/cobra"
)

// The hostile suite: inputs a stranger's server or a spammer could send,
// generated here. Each case states its bounds: the run must finish well
// within a hang guard (not a speed test: speed is measured by benchmarks),
// the heap may grow by at most a stated amount over the input's size, and
// every message must be accounted for by a record.

type hostileCase struct {
	name     string
	files    map[string][]byte // relative path -> content
	input    string            // the path given to bounce (relative to the temp dir)
	messages int               // messages the input holds
	maxHeap  int64             // bound on the heap growth during the run, in bytes
	setup    func(t *testing.T, dir string)
	// check inspects the records further; may be nil.
	check func(t *testing.T, recs []recordView)
}

// recordView is the part of a record the checks look at.
type recordView struct {
	Source, Kind, Recipient, Error, Truncated string
	Index                                     int
}

// wantTruncated checks that every record names the limits.
func wantTruncated(limits string, records int) func(t *testing.T, recs []recordView) {
	return func(t *testing.T, recs []recordView) {
		t.Helper()
		if records > 0 && len(recs) != records {
			t.Errorf("%d records, want %d", len(recs), records)
		}
		for _, r := range recs {
			if r.Truncated != limits {
				t.Errorf("record %+v: truncated = %q, want %q", r, r.Truncated, limits)
				return
			}
		}
	}
}

const hangGuard = 60 * time.Second

// maxHostileOutput bounds the NDJSON of any hostile case (issue 17).
const maxHostileOutput = 16 * mib

// bounceDefaultMaxRecipients is the default of --max-recipients.
const bounceDefaultMaxRecipients = bounce.DefaultMaxRecipients

func TestHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("hostile suite skipped in -short mode")
	}
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, data := range tc.files {
				p := filepath.Join(dir, name)
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			tc.files = nil
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			runtime.GC()
			peak, stop := heapPeak()
			res, elapsed := runWithGuard(t, []string{"inspect", "--format", "ndjson", filepath.Join(dir, tc.input)})
			growth := stop()
			t.Logf("%s: %v, heap growth %.1f MiB, exit %d", tc.name, elapsed.Round(time.Millisecond), float64(growth)/(1<<20), res.code)
			_ = peak
			if growth > tc.maxHeap {
				t.Errorf("heap grew by %d bytes, bound %d", growth, tc.maxHeap)
			}
			recs := decodeNDJSON(t, res.out)
			pairs := map[string]bool{}
			var views []recordView
			for _, r := range recs {
				pairs[fmt.Sprintf("%s#%d", r.Source, r.Index)] = true
				views = append(views, recordView{Source: r.Source, Kind: r.Kind, Recipient: r.Recipient, Error: r.Error,
					Truncated: r.Truncated, Index: r.Index})
			}
			if len(res.out) > maxHostileOutput {
				t.Errorf("%d bytes of NDJSON, bound %d", len(res.out), maxHostileOutput)
			}
			perMessage := map[string]int{}
			for _, r := range recs {
				key := fmt.Sprintf("%s#%d", r.Source, r.Index)
				if perMessage[key]++; perMessage[key] == bounceDefaultMaxRecipients+2 {
					t.Errorf("%s: more than --max-recipients + 1 records", key)
				}
			}
			if len(pairs) != tc.messages {
				t.Errorf("records cover %d messages, want %d", len(pairs), tc.messages)
			}
			if tc.messages > 1 && !strings.Contains(res.errOut, fmt.Sprintf("%d messages read", tc.messages)) {
				t.Errorf("stderr summary %q does not state %d messages read", res.errOut, tc.messages)
			}
			if tc.check != nil {
				tc.check(t, views)
			}
			checkLoopsAccountsForAll(t, filepath.Join(dir, tc.input), tc.messages, res.code)
		})
	}
}

// checkLoopsAccountsForAll runs bounce loops over a hostile input: one
// record per message, each message once, and the same exit status as
// inspect's (1 exactly when an input could not be read).
func checkLoopsAccountsForAll(t *testing.T, input string, messages, inspectCode int) {
	t.Helper()
	res, _ := runWithGuard(t, []string{"loops", "--format", "ndjson", input})
	if res.code != inspectCode {
		t.Errorf("loops: exit %d, inspect's was %d (stderr %q)", res.code, inspectCode, res.errOut)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(res.out), "\n") {
		var r struct {
			Source string `json:"source"`
			Index  int    `json:"index"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("loops: not NDJSON: %q: %v", line, err)
		}
		key := fmt.Sprintf("%s#%d", r.Source, r.Index)
		if seen[key] {
			t.Errorf("loops: two records for %s", key)
		}
		seen[key] = true
	}
	if len(seen) != messages {
		t.Errorf("loops: records cover %d messages, want %d", len(seen), messages)
	}
}

// runWithGuard runs the CLI and fails the test if it does not return within
// the hang guard.
func runWithGuard(t *testing.T, args []string) (cliResult, time.Duration) {
	t.Helper()
	done := make(chan cliResult, 1)
	start := time.Now()
	go func() {
		ios, _, out, errOut := TestIOStreams()
		code := Run(context.Background(), NewRootCmd(ios, "test", "test"), ios, args)
		done <- cliResult{out: out.String(), errOut: errOut.String(), code: code}
	}()
	select {
	case res := <-done:
		return res, time.Since(start)
	case <-time.After(hangGuard):
		t.Fatalf("no result after %v: hang", hangGuard)
	}
	return cliResult{}, 0
}

// heapPeak samples the heap until stop is called and returns the largest
// growth over the heap at the start.
func heapPeak() (int64, func() int64) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := int64(ms.HeapAlloc)
	var mu sync.Mutex
	peak := base
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				mu.Lock()
				peak = max(peak, int64(m.HeapAlloc))
				mu.Unlock()
			}
		}
	}()
	return base, func() int64 {
		close(quit)
		wg.Wait()
		return peak - base
	}
}

const mib = 1 << 20

func dsnHeader(boundary string) string {
	return "From: MAILER-DAEMON@mx.example.com\nTo: a@example.com\nSubject: Undelivered Mail Returned to Sender\n" +
		"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"" + boundary + "\"\n\n"
}

func dsnWithRecipients(n int) []byte {
	var b strings.Builder
	b.WriteString(dsnHeader("B"))
	b.WriteString("--B\nContent-Type: text/plain\n\nMany failed.\n\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "Final-Recipient: rfc822; user%d@example.net\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\n\n", i)
	}
	b.WriteString("--B--\n")
	return []byte(b.String())
}

func manyParts(n int) []byte {
	var b strings.Builder
	b.WriteString("From: MAILER-DAEMON@example.com\nSubject: Undelivered Mail\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"P\"\n\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "--P\nContent-Type: text/plain\n\npart %d\n", i)
	}
	b.WriteString("--P--\n")
	return []byte(b.String())
}

func nested(depth int) []byte {
	var b strings.Builder
	for i := 0; i < depth; i++ {
		fmt.Fprintf(&b, "From: MAILER-DAEMON@example.com\nSubject: Undelivered %d\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"N%d\"\n\n--N%d\nContent-Type: message/rfc822\n\n", i, i, i)
	}
	b.WriteString("Subject: innermost\n\nhello\n")
	for i := depth - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "\n--N%d--\n", i)
	}
	return []byte(b.String())
}

// nestedMultipart nests multipart/mixed depth times in a bounce.
func nestedMultipart(depth int) []byte {
	var b strings.Builder
	b.WriteString("From: MAILER-DAEMON@example.com\nSubject: Undelivered Mail\nMIME-Version: 1.0\n")
	for i := 0; i < depth; i++ {
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"M%d\"\n\n--M%d\n", i, i)
	}
	b.WriteString("Content-Type: text/plain\n\ninnermost\n")
	for i := depth - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "--M%d--\n", i)
	}
	return []byte(b.String())
}

func mboxOf(msgs ...string) []byte {
	var b strings.Builder
	for i, m := range msgs {
		if !strings.HasSuffix(m, "\n") {
			m += "\n"
		}
		fmt.Fprintf(&b, "From sender%d@example.com Thu Sep 18 17:54:04 2008\n%s\n", i, m)
	}
	return []byte(b.String())
}

func hostileCases() []hostileCase {
	rng := rand.New(rand.NewSource(7))
	garbage := make([]byte, 1*mib)
	rng.Read(garbage)
	bounce := string(dsnWithRecipients(2))
	return []hostileCase{
		{name: "truncated message", files: map[string][]byte{"t.eml": []byte(bounce[:len(bounce)/2])}, input: "t.eml", messages: 1, maxHeap: 16 * mib},
		{name: "binary garbage", files: map[string][]byte{"g.eml": garbage}, input: "g.eml", messages: 1, maxHeap: 32 * mib},
		{name: "NUL bytes", files: map[string][]byte{"n.eml": []byte("From: a\x00b@example.com\nSubject: x\x00y\n\nbody\x00\x00\n")}, input: "n.eml", messages: 1, maxHeap: 16 * mib},
		{name: "50 MB single line", files: map[string][]byte{"l.eml": []byte("Subject: long\nFrom: MAILER-DAEMON@example.com\n\n" + strings.Repeat("x", 50*mib))},
			input: "l.eml", messages: 1, maxHeap: 160 * mib, check: wantTruncated("line-length,message-size,text-size", 1)},
		{name: "10000 MIME parts", files: map[string][]byte{"p.eml": manyParts(10000)}, input: "p.eml", messages: 1, maxHeap: 64 * mib,
			check: wantTruncated("parts", 1)},
		// Returned originals are read for their header and text only, so
		// a nest of them never goes deep.
		{name: "message/rfc822 nested 100 deep", files: map[string][]byte{"d.eml": nested(100)}, input: "d.eml", messages: 1, maxHeap: 32 * mib},
		{name: "multipart nested 100 deep", files: map[string][]byte{"m.eml": nestedMultipart(100)}, input: "m.eml", messages: 1, maxHeap: 32 * mib,
			check: wantTruncated("depth", 1)},
		{name: "2 MB header block", files: map[string][]byte{"h.eml": []byte("Subject: x\nX-Junk: " + strings.Repeat("y", 2*mib) + "\n\nbody\n")},
			input: "h.eml", messages: 1, maxHeap: 32 * mib, check: func(t *testing.T, recs []recordView) {
				if len(recs) != 1 || recs[0].Kind != "error" || recs[0].Truncated != "header-size" || !strings.Contains(recs[0].Error, "--max-header-size") {
					t.Errorf("records = %+v, want one error record naming the header limit", recs)
				}
			}},
		{name: "broken base64 and quoted-printable", files: map[string][]byte{"b.eml": []byte(dsnHeader("B") +
			"--B\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!not base64@@@\n====\n" +
			"--B\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: quoted-printable\n\nFinal-Recipient: rfc822; x@example.net=\nAction: failed=ZZ\n=\n" +
			"--B--\n")}, input: "b.eml", messages: 1, maxHeap: 16 * mib},
		{name: "unknown and lying charsets", files: map[string][]byte{"c.eml": []byte(dsnHeader("B") +
			"--B\nContent-Type: text/plain; charset=x-no-such-charset\n\n\xff\xfe bytes\n" +
			"--B\nContent-Type: text/plain; charset=utf-8\n\nlatin1 \xe9\xe8 in utf-8\n" +
			"--B\nContent-Type: text/plain; charset=iso-2022-jp\n\n\x1b$B\xff\xff\x1b(B\n" +
			"--B\nContent-Type: message/rfc822\n\nSubject: =?x-bogus?B?AAAA?= =?utf-8?Q?=FF?=\nFrom: =?koi8-r?B?////?= <a@b.example>\n\nhi\n--B--\n")},
			input: "c.eml", messages: 1, maxHeap: 16 * mib},
		{name: "DSN with 10000 recipients", files: map[string][]byte{"r.eml": dsnWithRecipients(10000)}, input: "r.eml", messages: 1, maxHeap: 96 * mib,
			check: wantTruncated("recipients,report-size", 1000)},
		// Issue 17: one message that once wrote hundreds of MB.
		{name: "recipient blow-up DSN", files: map[string][]byte{"blow.eml": blowUpDSN(2000, 300<<10)}, input: "blow.eml", messages: 1,
			maxHeap: 160 * mib, check: wantTruncated("recipients", 1000)},
		{name: "ARF with 20000 recipients", files: map[string][]byte{"arf.eml": bigARF(20000, 200<<10)}, input: "arf.eml", messages: 1,
			maxHeap: 160 * mib, check: func(t *testing.T, recs []recordView) {
				wantTruncated("recipients", 1000)(t, recs)
				if len(recs) > 0 && (recs[0].Kind != "feedback" || recs[0].Recipient != "complainer0@isp.example") {
					t.Errorf("first record %+v, want complainer0's feedback", recs[0])
				}
			}},
		{name: "12 MB prose notice with 100000 addresses", files: map[string][]byte{"prose.eml": proseNotice(100000, 12*mib)}, input: "prose.eml",
			messages: 1, maxHeap: 160 * mib, check: func(t *testing.T, recs []recordView) {
				if len(recs) == 0 || len(recs) > bounceDefaultMaxRecipients {
					t.Errorf("%d records", len(recs))
				}
			}},
		{name: "20 MB part header", files: map[string][]byte{"ph.eml": bigPartHeader(20 * mib)}, input: "ph.eml", messages: 1,
			maxHeap: 160 * mib, check: wantTruncated("header-size,line-length", 1)},
		{name: "mbox with unescaped From in bodies", files: map[string][]byte{"u.mbox": mboxOf(
			"Subject: one\n\nFrom here I start a line\nand From there\n", "Subject: two\n\nbody\n")},
			input: "u.mbox", messages: 2, maxHeap: 16 * mib},
		{name: "mbox cut mid-message", files: map[string][]byte{"cut.mbox": mboxOf(bounce, "Subject: two\n\nbody", bounce)[:len(bounce)*2]},
			input: "cut.mbox", messages: 3, maxHeap: 16 * mib},
		{name: "CR-only file", files: map[string][]byte{"cr.eml": []byte(strings.ReplaceAll(bounce, "\n", "\r"))}, input: "cr.eml", messages: 1, maxHeap: 16 * mib,
			check: func(t *testing.T, recs []recordView) {
				if len(recs) != 2 || recs[0].Recipient != "user0@example.net" {
					t.Errorf("CR-only bounce not read: %+v", recs)
				}
			}},
		{name: "folder with dangling link and symlink loop", files: map[string][]byte{"dir/a.eml": []byte(bounce), "dir/z.eml": []byte(bounce)},
			input: "dir", messages: 3, maxHeap: 16 * mib,
			setup: func(t *testing.T, dir string) {
				// An unreadable file: a link to nothing (root reads any mode,
				// so a chmod would not do), and a link back to the folder.
				if err := os.Symlink(filepath.Join(dir, "nowhere.eml"), filepath.Join(dir, "dir", "m-dangling.eml")); err != nil {
					t.Skip("no symlinks:", err)
				}
				os.Symlink(filepath.Join(dir, "dir"), filepath.Join(dir, "dir", "loop"))
			},
			check: func(t *testing.T, recs []recordView) {
				if len(recs) != 5 || recs[2].Kind != "error" || !strings.Contains(recs[2].Error, "m-dangling.eml") {
					t.Errorf("records = %+v, want the dangling link as an error record between the two bounces", recs)
				}
			}},
	}
}

// TestErrorsNeutralised checks that the error Run prints cannot drive the
// terminal: it may quote a ticket map's key, the configuration file or a
// path, all written by someone else.
func TestErrorsNeutralised(t *testing.T) {
	inRepoRoot(t)
	dir := t.TempDir()
	evil := "\x1b]0;pwned\x07\x1b[31m"
	dup := writeFile(t, filepath.Join(dir, "tickets.csv"), "key,id\n"+evil+",1\n"+evil+",2\n")
	eml := "testdata/eml/postfix/user-unknown.eml"
	for _, args := range [][]string{
		{"inspect", "--ticket-map", dup, eml},
		{"inspect", "--ticket-map", filepath.Join(dir, "no-such"+evil+".csv"), eml},
		{"report", "--config", writeFile(t, filepath.Join(dir, "bad"+evil+".yaml"), "ticket_patterns: [\n"), eml},
	} {
		res := runCLI(t, args, "", false)
		if res.code != ExitUsage {
			t.Errorf("%q: exit %d, want %d (stderr %q)", args, res.code, ExitUsage, res.errOut)
		}
		if strings.ContainsAny(res.errOut, "\x1b\x07") || !strings.Contains(res.errOut, "\uFFFD]0;pwned") {
			t.Errorf("%q: stderr not neutralised: %q", args, res.errOut)
		}
	}
	// A runtime error (status 1) is neutralised too.
	ios, _, _, errOut := TestIOStreams()
	root := &cobra.Command{Use: "x", SilenceErrors: true, SilenceUsage: true,
		RunE: func(*cobra.Command, []string) error { return errors.New("read " + evil) }}
	if code := Run(context.Background(), root, ios, nil); code != ExitError || strings.ContainsAny(errOut.String(), "\x1b\x07") {
		t.Errorf("runtime error: exit %d, stderr %q", code, errOut.String())
	}
}
