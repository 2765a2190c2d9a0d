package verify

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestLyingResolver: a resolver that says NXDOMAIN for every name, the
// canaries included, is reported instead of every address being called
// undeliverable; an honest NXDOMAIN still is one.
func TestLyingResolver(t *testing.T) {
	d, _, opts := testWorld(t)
	opts.SMTP = false
	v := newVerifier(t, opts)
	addrs := []string{"alice@users.test", "not an address", "bob@nosuch.test"}
	collect := func() ([]Result, error) {
		var got []Result
		err := v.VerifyChecked(context.Background(), addrs, func(r Result) { got = append(got, r) })
		return got, err
	}

	got, err := collect()
	if err != nil || len(got) != 3 || got[0].Verdict != Deliverable && got[0].Verdict != Unknown || !got[2].NXDomain() {
		t.Fatalf("honest resolver: %v, %+v", err, got)
	}
	// Only NXDOMAIN domains, but the canaries exist: the answer stands.
	var only []Result
	if err := v.VerifyChecked(context.Background(), []string{"a@nosuch.test", "b@gone.test"}, func(r Result) { only = append(only, r) }); err != nil ||
		len(only) != 2 || only[0].Verdict != Undeliverable {
		t.Fatalf("honest NXDOMAIN: %v, %+v", err, only)
	}

	d.Lie(true)
	got, err = collect()
	var re *ResolverError
	if !errors.As(err, &re) || len(got) != 0 {
		t.Fatalf("lying resolver: err %v, %d results, want a *ResolverError and none", err, len(got))
	}
	if !strings.Contains(err.Error(), d.Addr) || !strings.Contains(err.Error(), "NXDOMAIN") {
		t.Errorf("error %q does not name the resolver and the answer", err)
	}
	if d.Count("MX gmail.com.") == 0 {
		t.Errorf("the canary was not asked")
	}
}
