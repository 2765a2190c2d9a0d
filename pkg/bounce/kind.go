package bounce

import (
	"github.com/bounce-tool/bounce/pkg/dialect"
	"github.com/bounce-tool/bounce/pkg/header"
	"github.com/bounce-tool/bounce/pkg/sign"
)

type look int

const (
	lookOrdinary look = iota // nothing in the header suggests a report
	lookMaybe                // worth taking apart
)

// sniff takes the cheap first look at a header. It errs on the side of
// looking closer: only mail with none of the signs of a report is ordinary.
// What a report looks like is the recognisers' to say (dialect.Sniff);
// Auto-Submitted with any value but "no" (RFC 3834) marks automated mail,
// which is always read.
func sniff(h header.Header) look {
	if dialect.Sniff(h) {
		return lookMaybe
	}
	if t := sign.FirstToken(h.Get("Auto-Submitted")); t != "" && t != "no" {
		return lookMaybe
	}
	return lookOrdinary
}
