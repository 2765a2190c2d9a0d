package verify

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bounce-tool/bounce/pkg/status"
)

func TestAddressClass(t *testing.T) {
	for _, tc := range []struct {
		ip, class string
	}{
		{"127.0.0.1", "loopback"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"10.1.2.3", "private (RFC 1918)"},
		{"172.16.0.1", "private (RFC 1918)"},
		{"192.168.1.1", "private (RFC 1918)"},
		{"169.254.169.254", "link-local (169.254.0.0/16, fe80::/10)"},
		{"fe80::1", "link-local (169.254.0.0/16, fe80::/10)"},
		{"fd00::25", "unique-local (fc00::/7)"},
		{"0.0.0.0", "unspecified (0.0.0.0/8, ::)"},
		{"::", "unspecified (0.0.0.0/8, ::)"},
		{"224.0.0.251", "multicast or broadcast"},
		{"ff02::1", "multicast or broadcast"},
		{"255.255.255.255", "multicast or broadcast"},
		{"100.64.0.1", "shared (carrier-grade NAT, 100.64.0.0/10)"},
		{"192.0.2.25", ""}, // documentation range: public as far as routing goes
		{"8.8.8.8", ""},
		{"172.32.0.1", ""},
		{"2001:db8::25", ""},
	} {
		if got := addressClass(netip.MustParseAddr(tc.ip)); got != tc.class {
			t.Errorf("addressClass(%s) = %q, want %q", tc.ip, got, tc.class)
		}
	}
}

// TestProbeRefusesLoopback: an MX that resolves to 127.0.0.1 is not
// contacted without AllowPrivate, and the verdict says why; with it the
// probe goes ahead.
func TestProbeRefusesLoopback(t *testing.T) {
	_, _, opts := testWorld(t)
	for _, allow := range []bool{false, true} {
		opts.AllowPrivate = allow
		v := newVerifier(t, opts)
		var dials atomic.Int32
		dial := v.prober.dial
		v.prober.dial = func(ctx context.Context, network, address string) (net.Conn, error) {
			dials.Add(1)
			return dial(ctx, network, address)
		}
		rs := v.Verify(context.Background(), []string{"nobody@users.test", "x@[127.0.0.1]"})
		if !allow {
			if r := rs[0]; r.Verdict != Unknown || r.Class != status.ClassUnknown || !strings.Contains(r.Error, "loopback") || r.SMTP != nil {
				t.Errorf("%s: %+v, want unknown naming loopback", r.Address, r)
			}
			if r := rs[1]; r.Verdict != Unknown || !strings.Contains(r.Error, "127.0.0.1) is a loopback address") {
				t.Errorf("address literal: %+v", r)
			}
			if n := dials.Load(); n != 0 {
				t.Errorf("%d connections opened, want none", n)
			}
			continue
		}
		if rs[0].Verdict != Undeliverable || dials.Load() == 0 {
			t.Errorf("with AllowPrivate: %+v after %d connections", rs[0], dials.Load())
		}
	}
}
