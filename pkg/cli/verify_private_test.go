package cli

import (
	"slices"
	"strings"
	"testing"
)

// TestVerifyRefusesLoopbackMX: without --allow-private, an MX that resolves
// to 127.0.0.1 is not probed; the record is unknown and says loopback.
func TestVerifyRefusesLoopbackMX(t *testing.T) {
	args := slices.DeleteFunc(verifyArgs(t), func(a string) bool { return a == "--allow-private" })
	res := runCLI(t, append(args, "--format", "ndjson", "alice@users.test"), "", false)
	rs := decodeResults(t, res.out)
	if len(rs) != 1 || rs[0].Verdict != "unknown" || rs[0].SMTP != nil || !strings.Contains(rs[0].Error, "loopback address") {
		t.Fatalf("exit %d, results %+v", res.code, rs)
	}
	res = runCLI(t, append(verifyArgs(t), "--format", "ndjson", "alice@users.test"), "", false)
	if rs := decodeResults(t, res.out); len(rs) != 1 || rs[0].Verdict != "deliverable" {
		t.Fatalf("with --allow-private: %+v", rs)
	}
}
