package report

import "fmt"

// Gate is a CI condition on a Report. The zero Gate checks nothing.
type Gate struct {
	// FailOn is "permanent", "temporary", "any" (either) or "error": the
	// gate is exceeded when a failure's latest state has that class (each
	// failure counted once, so a delay that was later delivered does not
	// count), or for "error" when a message could not be read. "" checks
	// nothing.
	FailOn string
	// MaxPermanent, when not nil, is the most permanent failures allowed.
	MaxPermanent *int
	// MaxPermanentRate, when not nil, is the largest share of permanent
	// failures among all failures (Failures.PermanentRate) allowed.
	MaxPermanentRate *float64
}

// GateResult is the outcome of Check: the gate's settings, whether it was
// exceeded and why, in words.
type GateResult struct {
	FailOn           string   `json:"fail_on"`
	MaxPermanent     *int     `json:"max_permanent"`
	MaxPermanentRate *float64 `json:"max_permanent_rate"`
	Exceeded         bool     `json:"exceeded"`
	Why              []string `json:"why"`
}

// Check evaluates g on r, stores the result in r.Gate and returns it.
func (r *Report) Check(g Gate) GateResult {
	res := GateResult{FailOn: g.FailOn, MaxPermanent: g.MaxPermanent, MaxPermanentRate: g.MaxPermanentRate, Why: []string{}}
	f := &r.Failures
	why := func(format string, args ...any) { res.Why = append(res.Why, fmt.Sprintf(format, args...)) }
	switch g.FailOn {
	case "permanent":
		if f.Permanent > 0 {
			why("--fail-on permanent: %d permanent failures", f.Permanent)
		}
	case "temporary":
		if f.Temporary > 0 {
			why("--fail-on temporary: %d temporary failures", f.Temporary)
		}
	case "any":
		if f.Failed > 0 {
			why("--fail-on any: %d failures", f.Failed)
		}
	case "error":
		if r.Totals.Errors > 0 {
			why("--fail-on error: %d unreadable messages", r.Totals.Errors)
		}
	}
	if g.MaxPermanent != nil && f.Permanent > *g.MaxPermanent {
		why("%d permanent failures, more than --max-permanent %d", f.Permanent, *g.MaxPermanent)
	}
	if g.MaxPermanentRate != nil && f.PermanentRate > *g.MaxPermanentRate {
		why("permanent rate %.4g (%d of %d failures), more than --max-permanent-rate %g",
			f.PermanentRate, f.Permanent, f.Failed, *g.MaxPermanentRate)
	}
	res.Exceeded = len(res.Why) > 0
	r.Gate = res
	return res
}
