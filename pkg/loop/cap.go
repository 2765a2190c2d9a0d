package loop

import (
	"fmt"
	"strconv"
	"time"
)

// ranks computes, for every message, its rank within the rolling window
// ending at its own time: how many messages of its sender are dated in
// (t-Window, t], counting ties up to itself in input order. It also returns
// each sender's peak, the highest rank. Messages without a sender rank 0.
func (a *Analyzer) ranks(tl *timeline) (ranks []int32, peaks []int) {
	ranks = make([]int32, len(a.facts))
	peaks = make([]int, len(tl.bySender))
	w := seconds(a.opts.Window)
	for s, list := range tl.bySender {
		lo := 0
		for k, i := range list {
			for tl.eff[list[lo]] <= tl.eff[i]-w {
				lo++
			}
			r := k - lo + 1
			ranks[i] = int32(r)
			peaks[s] = max(peaks[s], r)
		}
	}
	return ranks, peaks
}

// decide applies the help-desk rules to one message of the given rank.
func (a *Analyzer) decide(f *fact, rank int32) (out Outcome, reason string, notify bool) {
	if f.sender < 0 {
		return Suspended, "no sender address; a help desk cannot create a ticket", false
	}
	if f.flags&flagSupport != 0 {
		return Suspended, "sent from a support address; accepting it would loop back into the desk", false
	}
	allowed := a.senderAllow[f.sender]
	special := f.sig.bulk() || f.sig.noReply()
	if special && !allowed {
		return Suspended, specialReason(f.sig) + " creates no ticket", false
	}

	limit := a.limit(f.sender)
	window := windowText(a.opts.Window)
	var what string
	switch {
	case allowed && f.sig.bulk():
		what = fmt.Sprintf("allowlisted bulk sender, %s update within %s", ordinal(int(rank)), window)
	case allowed && f.sig.noReply():
		what = fmt.Sprintf("allowlisted no-reply sender, %s update within %s", ordinal(int(rank)), window)
	case allowed:
		what = fmt.Sprintf("allowlisted sender, %s update within %s", ordinal(int(rank)), window)
	default:
		what = fmt.Sprintf("%s update from this sender within %s", ordinal(int(rank)), window)
	}
	switch {
	case int(rank) <= limit:
		out, notify = Accepted, !special
		reason = fmt.Sprintf("%s (limit %d)", what, limit)
		if special {
			reason += "; no notifications to a bulk or no-reply sender"
		}
	case int(rank) <= 2*limit:
		out = Suspended
		reason = fmt.Sprintf("%s (limit %d)", what, limit)
	default:
		out = Rejected
		reason = fmt.Sprintf("%s (limit %d, rejected beyond %d)", what, limit, 2*limit)
	}
	return out, reason, notify
}

// specialReason names why bulk or no-reply mail creates no ticket.
func specialReason(s signalSet) string {
	switch {
	case s.has(bitPrecedenceBulk):
		return "bulk mail (precedence: bulk)"
	case s.has(bitPrecedenceJunk):
		return "bulk mail (precedence: junk)"
	case s.has(bitPrecedenceList):
		return "bulk mail (precedence: list)"
	case s.has(bitListID):
		return "list mail (List-Id)"
	case s.has(bitListUnsubscribe):
		return "bulk mail (List-Unsubscribe)"
	case s.has(bitMailerDaemon):
		return "mail from a mailer-daemon"
	default:
		return "mail from a no-reply sender"
	}
}

// windowText words a window for reasons: "60 minutes", "90 seconds".
func windowText(d time.Duration) string {
	switch {
	case d%time.Minute == 0 && d == time.Minute:
		return "1 minute"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + " minutes"
	default:
		return d.String()
	}
}

// ordinal writes 1st, 2nd, 3rd, 4th, 11th, 21st, 112th.
func ordinal(n int) string {
	suffix := "th"
	switch n % 100 {
	case 11, 12, 13:
	default:
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}
