package verify

import (
	"testing"
	"time"

	"github.com/bounce-tool/bounce/pkg/verify/verifytest"
)

// testWorld starts the DNS and SMTP servers of package verifytest and
// returns Options that use them. The timeouts are generous, because the
// machine may be busy; tests that expect a timeout set short ones.
func testWorld(t *testing.T) (*verifytest.DNS, *verifytest.SMTP, Options) {
	t.Helper()
	d := verifytest.StartDNS(t)
	s := verifytest.StartSMTP(t)
	return d, s, Options{
		SMTP:        true,
		DNSServer:   d.Addr,
		DNSTimeout:  2 * time.Second,
		Timeout:     2 * time.Second,
		SMTPPort:    s.Port,
		HELOName:    "probe.test",
		Concurrency: 4,
		// The test world's servers are on loopback.
		AllowPrivate: true,
		// No need to spare the test servers.
		ProbeInterval: time.Millisecond,
	}
}
