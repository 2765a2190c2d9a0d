package report

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/status"
	"github.com/bounce-tool/bounce/pkg/ticket"
)

// Options tune an Aggregator. A nil *Options means the defaults.
type Options struct {
	// Top is the number of entries each Ranking keeps: 0 means 10, a
	// negative number all of them.
	Top int
}

// Aggregator sums up records into a Report. Add the records of each message
// in input order, then call Report. It is not safe for concurrent use.
type Aggregator struct {
	top     int
	totals  Totals
	seq     int64
	groups  map[[8]byte]int32
	states  []groupState
	strs    map[string]string
	tickets []ticket.Ticket
	ticketN map[ticket.Ticket]int32
}

// groupState is the latest record of a group, reduced to what the report
// shows.
type groupState struct {
	recipient, reason, server, date, blocklist, auth string
	class                                            status.Class
	status                                           status.Code
	at                                               int64 // date as Unix nanoseconds
	dated                                            bool
	seq                                              int64 // input order of the record
	ticket                                           int32 // index into tickets, -1 for none
}

// New returns an empty Aggregator.
func New(opts *Options) *Aggregator {
	top := 10
	if opts != nil && opts.Top != 0 {
		top = opts.Top
	}
	return &Aggregator{top: top, groups: map[[8]byte]int32{}, strs: map[string]string{}, ticketN: map[ticket.Ticket]int32{}}
}

// Add counts the records of one message.
func (a *Aggregator) Add(recs []bounce.Record) {
	a.totals.Messages++
	for i := range recs {
		a.add(&recs[i])
	}
}

func (a *Aggregator) add(r *bounce.Record) {
	t := &a.totals
	t.Records++
	switch r.Kind {
	case bounce.KindBounce:
		t.Bounces++
		switch r.Class {
		case status.ClassPermanent:
			t.Permanent++
		case status.ClassTemporary:
			t.Temporary++
		case status.ClassSuccess:
			t.Success++
		default:
			t.Unknown++
		}
	case bounce.KindFeedback:
		t.Feedback++
		return
	case bounce.KindAutoreply:
		t.Autoreply++
		return
	case bounce.KindError:
		t.Errors++
		return
	default:
		t.Other++
		return
	}
	a.seq++
	s := groupState{
		recipient: a.intern(r.Recipient),
		class:     r.Class,
		status:    r.Status,
		reason:    a.intern(r.Reason),
		server:    a.intern(r.ReportingMTA),
		date:      a.intern(r.Date),
		blocklist: a.intern(r.Blocklist),
		auth:      a.intern(r.Auth),
		seq:       a.seq,
		ticket:    a.ticketIndex(r.Ticket),
	}
	if tm, err := time.Parse(time.RFC3339, r.Date); err == nil {
		s.at, s.dated = tm.UnixNano(), true
	}
	key := groupKey(r)
	i, ok := a.groups[key]
	if !ok {
		a.groups[key] = int32(len(a.states))
		a.states = append(a.states, s)
		return
	}
	cur := &a.states[i]
	if s.ticket < 0 {
		s.ticket = cur.ticket
	}
	if later(&s, cur) {
		*cur = s
	} else if cur.ticket < 0 {
		cur.ticket = s.ticket
	}
}

// later reports whether state s replaces cur as its group's latest: unless
// both are dated and s is older, the record read later wins.
func later(s, cur *groupState) bool {
	if s.dated && cur.dated && s.at != cur.at {
		return s.at > cur.at
	}
	return s.seq > cur.seq
}

// groupKey returns the record's group as 8 bytes. A record without a group
// (made by other code than bounce.Analyze) groups by its recipient.
func groupKey(r *bounce.Record) [8]byte {
	var k [8]byte
	g := r.Group
	if g == "" {
		g = bounce.GroupKey("none:", r.Recipient)
	}
	if len(g) == 16 {
		if _, err := hex.Decode(k[:], []byte(g)); err == nil {
			return k
		}
	}
	sum := sha256.Sum256([]byte(g))
	copy(k[:], sum[:8])
	return k
}

func (a *Aggregator) intern(s string) string {
	if v, ok := a.strs[s]; ok {
		return v
	}
	a.strs[s] = s
	return s
}

func (a *Aggregator) ticketIndex(t *ticket.Ticket) int32 {
	if t == nil {
		return -1
	}
	k := ticket.Ticket{System: t.System, ID: t.ID, EncodedID: t.EncodedID}
	if i, ok := a.ticketN[k]; ok {
		return i
	}
	i := int32(len(a.tickets))
	a.tickets = append(a.tickets, k)
	a.ticketN[k] = i
	return i
}

// Report returns the summary of what was added so far.
func (a *Aggregator) Report() *Report {
	r := &Report{Version: Version, Totals: a.totals, FixAddresses: []Address{}, Tickets: []Ticket{}, Days: []Day{}}
	r.Gate = GateResult{Why: []string{}}
	refs := a.ticketRefs()
	reasons, statuses, domains, servers, blocklists := counter{}, counter{}, counter{}, counter{}, counter{}
	failing := map[string]bool{}
	type ticketAcc struct {
		ref        TicketRef
		recipients map[string]bool
		failures   int
		permanent  bool
		latest     *groupState
	}
	byTicket := map[string]*ticketAcc{}
	latestOf := map[string]*groupState{} // recipient -> latest state over its groups
	days := map[string]*Day{}
	refusals := map[refusalKey]*refusalAcc{}
	for i := range a.states {
		s := &a.states[i]
		r.Failures.Groups++
		if l := latestOf[s.recipient]; l == nil || later(s, l) {
			latestOf[s.recipient] = s
		}
		switch s.class {
		case status.ClassPermanent:
			r.Failures.Permanent++
		case status.ClassTemporary:
			r.Failures.Temporary++
		case status.ClassSuccess:
			r.Failures.Success++
			continue
		default:
			r.Failures.Unknown++
			continue
		}
		r.Failures.Failed++
		failing[s.recipient] = true
		perm := s.class == status.ClassPermanent
		reasons.add(s.reason, perm)
		statuses.add(s.status.String(), perm)
		domains.add(domainOf(s.recipient), perm)
		servers.add(s.server, perm)
		if s.blocklist != "" {
			blocklists.add(s.blocklist, perm)
		}
		if s.dated {
			addDay(days, s, perm)
		}
		if c := s.senderCause(); c != "" {
			addRefusal(refusals, s, c, perm)
		}
		if s.ticket < 0 {
			continue
		}
		r.Failures.WithTicket++
		ref := refs[s.ticket]
		k := ref.Key()
		acc := byTicket[k]
		if acc == nil {
			acc = &ticketAcc{ref: ref, recipients: map[string]bool{}}
			byTicket[k] = acc
		}
		acc.recipients[s.recipient] = true
		acc.failures++
		acc.permanent = acc.permanent || perm
		if acc.latest == nil || later(s, acc.latest) {
			acc.latest = s
		}
	}
	r.Failures.Recipients = len(failing)
	if r.Failures.Failed > 0 {
		r.Failures.PermanentRate = float64(r.Failures.Permanent) / float64(r.Failures.Failed)
	}
	r.Reasons = reasons.rank(a.top, nil)
	r.Statuses = statuses.rank(a.top, statusTitle)
	r.Domains = domains.rank(a.top, nil)
	r.Servers = servers.rank(a.top, nil)
	r.Blocklists = blocklists.rank(a.top, nil)
	r.FixAddresses = a.fixAddresses(latestOf, refs)
	r.Days = sortedDays(days)
	r.Refusals = rankRefusals(refusals, a.top)
	for _, acc := range byTicket {
		t := Ticket{TicketRef: acc.ref, Failures: acc.failures, WorstClass: status.ClassTemporary.String(),
			LatestStatus: acc.latest.status.String(), LatestReason: acc.latest.reason, LatestDate: acc.latest.date}
		if acc.permanent {
			t.WorstClass = status.ClassPermanent.String()
		}
		t.Recipients = sortedKeys(acc.recipients)
		r.Tickets = append(r.Tickets, t)
	}
	slices.SortFunc(r.Tickets, func(x, y Ticket) int {
		if x.WorstClass != y.WorstClass {
			return cmp.Compare(x.WorstClass, y.WorstClass) // permanent before temporary
		}
		return compareRefs(x.TicketRef, y.TicketRef)
	})
	return r
}

// ticketRefs returns the refs of the tickets seen, with the ID-only ones of
// a system merged into the ticket with an encoded ID and the same ID, when
// exactly one such ticket was seen (a link found only a URL in one
// notification, an encoded ID and the URL in another).
func (a *Aggregator) ticketRefs() []TicketRef {
	type sysID struct{ system, id string }
	enc := map[sysID]string{}
	for _, t := range a.tickets {
		if t.ID == "" || t.EncodedID == "" {
			continue
		}
		k := sysID{t.System, t.ID}
		if e, ok := enc[k]; ok && e != t.EncodedID {
			enc[k] = "" // two encoded IDs claim the number: merge nothing
		} else if !ok {
			enc[k] = t.EncodedID
		}
	}
	// Encoded-only tickets take the number a fuller ticket gives them.
	num := map[sysID]string{}
	for k, e := range enc {
		if e != "" {
			num[sysID{k.system, e}] = k.id
		}
	}
	refs := make([]TicketRef, len(a.tickets))
	for i, t := range a.tickets {
		ref := TicketRef{System: t.System, ID: t.ID, EncodedID: t.EncodedID}
		if ref.EncodedID == "" {
			ref.EncodedID = enc[sysID{t.System, t.ID}]
		}
		if ref.ID == "" {
			ref.ID = num[sysID{t.System, t.EncodedID}]
		}
		refs[i] = ref
	}
	return refs
}

// fixAddresses lists the recipients whose latest state is a permanent
// failure for an address reason, with the tickets of those failures.
func (a *Aggregator) fixAddresses(latestOf map[string]*groupState, refs []TicketRef) []Address {
	type acc struct {
		failures int
		tickets  map[string]TicketRef
	}
	fix := map[string]*acc{}
	for rcpt, s := range latestOf {
		if s.class == status.ClassPermanent && slices.Contains(AddressReasons, s.reason) {
			fix[rcpt] = &acc{tickets: map[string]TicketRef{}}
		}
	}
	for i := range a.states {
		s := &a.states[i]
		f := fix[s.recipient]
		if f == nil || s.class != status.ClassPermanent || !slices.Contains(AddressReasons, s.reason) {
			continue
		}
		f.failures++
		if s.ticket >= 0 {
			ref := refs[s.ticket]
			f.tickets[ref.Key()] = ref
		}
	}
	out := make([]Address, 0, len(fix))
	for rcpt, f := range fix {
		s := latestOf[rcpt]
		ad := Address{Recipient: rcpt, Reason: s.reason, Status: s.status.String(), Date: s.date, Failures: f.failures,
			Tickets: make([]TicketRef, 0, len(f.tickets))}
		for _, t := range f.tickets {
			ad.Tickets = append(ad.Tickets, t)
		}
		slices.SortFunc(ad.Tickets, compareRefs)
		out = append(out, ad)
	}
	slices.SortFunc(out, func(x, y Address) int {
		if c := cmp.Compare(domainOf(x.Recipient), domainOf(y.Recipient)); c != 0 {
			return c
		}
		return cmp.Compare(x.Recipient, y.Recipient)
	})
	return out
}

// compareRefs orders tickets by system, then number (shorter first), then
// encoded ID.
func compareRefs(x, y TicketRef) int {
	if c := cmp.Compare(x.System, y.System); c != 0 {
		return c
	}
	if c := cmp.Compare(len(x.ID), len(y.ID)); c != 0 {
		return c
	}
	if c := cmp.Compare(x.ID, y.ID); c != 0 {
		return c
	}
	return cmp.Compare(x.EncodedID, y.EncodedID)
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return ""
}

func statusTitle(code string) string {
	c, ok := status.Parse(code)
	if !ok {
		return ""
	}
	return status.Describe(c)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// counter counts failures by value.
type counter map[string]*Entry

func (c counter) add(v string, permanent bool) {
	e := c[v]
	if e == nil {
		e = &Entry{Value: v}
		c[v] = e
	}
	e.Count++
	if permanent {
		e.Permanent++
	} else {
		e.Temporary++
	}
}

// rank returns the top entries by count, then value.
func (c counter) rank(top int, title func(string) string) Ranking {
	all := make([]Entry, 0, len(c))
	for _, e := range c {
		all = append(all, *e)
	}
	slices.SortFunc(all, func(x, y Entry) int {
		if x.Count != y.Count {
			return cmp.Compare(y.Count, x.Count)
		}
		return cmp.Compare(x.Value, y.Value)
	})
	r := Ranking{Distinct: len(all), Top: all}
	if top >= 0 && len(all) > top {
		r.Top = all[:top]
		for _, e := range all[top:] {
			r.Other += e.Count
		}
	}
	if title != nil {
		for i := range r.Top {
			r.Top[i].Title = title(r.Top[i].Value)
		}
	}
	return r
}

// senderCause returns what a failure on the sender's side was refused for:
// the blocklist named, else the failed authentication check, else the
// reason when it is one of SenderReasons; "" for other failures.
func (s *groupState) senderCause() string {
	switch {
	case s.blocklist != "":
		return s.blocklist
	case s.auth != "":
		return s.auth
	case slices.Contains(SenderReasons, s.reason):
		return s.reason
	}
	return ""
}

func addDay(days map[string]*Day, s *groupState, perm bool) {
	k := time.Unix(0, s.at).UTC().Format(time.DateOnly)
	d := days[k]
	if d == nil {
		d = &Day{Date: k}
		days[k] = d
	}
	d.Failed++
	if perm {
		d.Permanent++
	} else {
		d.Temporary++
	}
}

func sortedDays(days map[string]*Day) []Day {
	out := make([]Day, 0, len(days))
	for _, d := range days {
		out = append(out, *d)
	}
	slices.SortFunc(out, func(x, y Day) int { return cmp.Compare(x.Date, y.Date) })
	return out
}

type refusalKey struct{ provider, server, cause string }

type refusalAcc struct {
	Refusal
	latest *groupState
}

func addRefusal(m map[refusalKey]*refusalAcc, s *groupState, cause string, perm bool) {
	k := refusalKey{domainOf(s.recipient), s.server, cause}
	acc := m[k]
	if acc == nil {
		acc = &refusalAcc{Refusal: Refusal{Provider: k.provider, Server: k.server, Cause: cause}}
		m[k] = acc
	}
	acc.Count++
	if perm {
		acc.Permanent++
	} else {
		acc.Temporary++
	}
	if acc.latest == nil || later(s, acc.latest) {
		acc.latest = s
	}
}

// rankRefusals returns the top refusals by count, then provider, server
// and cause.
func rankRefusals(m map[refusalKey]*refusalAcc, top int) Refusals {
	all := make([]Refusal, 0, len(m))
	total := 0
	for _, acc := range m {
		r := acc.Refusal
		r.Reason, r.LatestDate = acc.latest.reason, acc.latest.date
		all = append(all, r)
		total += r.Count
	}
	slices.SortFunc(all, func(x, y Refusal) int {
		if x.Count != y.Count {
			return cmp.Compare(y.Count, x.Count)
		}
		return cmp.Or(cmp.Compare(x.Provider, y.Provider), cmp.Compare(x.Server, y.Server), cmp.Compare(x.Cause, y.Cause))
	})
	out := Refusals{Failed: total, Distinct: len(all), Top: all}
	if top >= 0 && len(all) > top {
		out.Top = all[:top]
		for _, r := range all[top:] {
			out.Other += r.Count
		}
	}
	return out
}
