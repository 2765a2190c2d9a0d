package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bounce-tool/bounce/pkg/internal/golden"
	"github.com/mattn/go-runewidth"
)

// runWidth runs the command line on a terminal of the given width.
func runWidth(t *testing.T, width int, args []string, stdin string) cliResult {
	t.Helper()
	ios, in, out, errOut := TestIOStreams()
	in.WriteString(stdin)
	ios.SetTTY(false, true, false)
	ios.SetWidth(width)
	code := Run(context.Background(), NewRootCmd(ios, "1.2.3", "abc1234"), ios, args)
	return cliResult{out: out.String(), errOut: errOut.String(), code: code}
}

// TestTerminalWidths: inspect, report and loops at 80 and 120 columns, as
// an operator sees them. No line is wider than the terminal, and the
// recipients and tickets show whole.
func TestTerminalWidths(t *testing.T) {
	inRepoRoot(t)
	bounces := []string{"testdata/eml/exchange/zendesk-recipient-not-found.eml", "testdata/eml/gmail/permanent-failure.eml",
		"testdata/eml/rfc3464/mixed-results.eml"}
	inbox := pingPongInbox().write(t)
	mbox := testdataMbox(t)
	tests := []struct {
		name  string
		args  []string
		stdin string
		whole []string
	}{
		{"inspect", append([]string{"inspect", "--color", "never"}, bounces...), "",
			[]string{"kim.ng@fabrikam.example", "zendesk #51902", "old.partner@legacy-corp.example", "sales-team@example.org", "userunknown", "5.1.10"}},
		{"report", []string{"report", "--color", "never"}, mbox,
			[]string{"kim.ng@fabrikam.example", "7TQW3H-9ZP1 #51902", "h.berg@agency.example"}},
		{"loops", []string{"loops", "--color", "never", "--support-address", "support@acme.example", inbox}, "",
			[]string{"support@acme.example", "ann@customer.example", "ping-pong"}},
	}
	for _, tc := range tests {
		for _, width := range []int{80, 120} {
			t.Run(fmt.Sprintf("%s-%d", tc.name, width), func(t *testing.T) {
				res := runWidth(t, width, tc.args, tc.stdin)
				if res.code != 0 {
					t.Fatalf("exit %d, stderr %q", res.code, res.errOut)
				}
				for i, l := range strings.Split(res.out, "\n") {
					if w := runewidth.StringWidth(l); w > width {
						t.Errorf("line %d is %d columns wide on a %d-column terminal: %q", i+1, w, width, l)
					}
				}
				for _, v := range tc.whole {
					if !strings.Contains(res.out, v) {
						t.Errorf("%q is not shown whole", v)
					}
				}
				out := strings.ReplaceAll(res.out, inbox, "inbox.mbox")
				golden.Check(t, filepath.Join("pkg/cli/testdata", fmt.Sprintf("tty-%s-%d.golden", tc.name, width)), []byte(out))
			})
		}
	}
}
