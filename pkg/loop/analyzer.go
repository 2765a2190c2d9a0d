package loop

import (
	"slices"
	"strings"
	"time"

	"github.com/bounce-tool/bounce/pkg/sign"
)

// An Analyzer replays the help-desk cap and looks for loops over a stream of
// messages. Feed it the messages in input order with Add, then call Result.
//
// An Analyzer keeps a few dozen bytes per message, plus a few more per
// automated message for threading, never the messages themselves. It is
// not safe for concurrent use.
type Analyzer struct {
	opts    Options
	support addressSet
	allow   addressSet

	facts   []fact
	sources interner
	labels  interner
	senders interner
	domains interner
	// Per sender: allowlisted, domain ID (-1 without domain).
	senderAllow  []bool
	senderDomain []int32
	threads      *threads
	// errs holds the errors of unreadable messages by fact index.
	errs map[int]string
}

// fact is what the Analyzer keeps of one message.
type fact struct {
	unix   int64 // seconds; only meaningful with flagDated
	index  int
	offset int32 // zone offset in seconds
	source int32
	sender int32 // -1: none
	label  int32 // thread label; -1: not threaded
	node   int32 // thread node; -1: not threaded
	sig    signalSet
	flags  uint8
}

const (
	flagDated uint8 = 1 << iota
	flagSupport
	flagUnreadable
)

// threaded reports whether a message has a sender and a thread: what a
// rotating sender without loop headers needs.
func (f *fact) threaded() bool { return f.sender >= 0 && f.node >= 0 }

// eligible reports whether a message can be part of a loop: automated or
// from a support address, with a sender.
func (f *fact) eligible() bool {
	return f.sender >= 0 && (f.sig != 0 || f.flags&flagSupport != 0)
}

// interner hands out small integer IDs for strings.
type interner struct {
	ids  map[string]int32
	strs []string
}

func (in *interner) id(s string) int32 {
	if in.ids == nil {
		in.ids = map[string]int32{}
	}
	if id, ok := in.ids[s]; ok {
		return id
	}
	id := int32(len(in.strs))
	in.ids[s] = id
	in.strs = append(in.strs, s)
	return id
}

// NewAnalyzer returns an Analyzer for the given options; opts may be nil.
// The error wraps ErrInvalidOption when a support address or allowlist
// entry is malformed.
func NewAnalyzer(opts *Options) (*Analyzer, error) {
	o := opts.withDefaults()
	support, err := newAddressSet("support address", o.SupportAddresses, false)
	if err != nil {
		return nil, err
	}
	allow, err := newAddressSet("allow", o.Allow, true)
	if err != nil {
		return nil, err
	}
	return &Analyzer{opts: o, support: support, allow: allow, threads: newThreads()}, nil
}

// Analyze runs an Analyzer over msgs, in order, and returns its result.
func Analyze(msgs []Message, opts *Options) (*Result, error) {
	a, err := NewAnalyzer(opts)
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		a.Add(m)
	}
	return a.Result(), nil
}

// Time bounds keep window arithmetic clear of overflow.
const (
	minUnix = -1 << 62
	maxUnix = 1 << 62
)

// Add records a message. Messages must come in input order; the order
// breaks ties between equal dates and places undated messages.
func (a *Analyzer) Add(m Message) {
	if m.Err != nil {
		if a.errs == nil {
			a.errs = map[int]string{}
		}
		a.errs[len(a.facts)] = m.Err.Error()
		a.facts = append(a.facts, fact{index: m.Index, source: a.sources.id(m.Source),
			sender: -1, label: -1, node: -1, flags: flagUnreadable})
		return
	}
	from := sign.Address(m.Header.Get("From"))
	subject, _ := m.Header.Text("Subject")
	sender := from
	if sender == "" {
		sender = envelopeAddress(m.EnvelopeSender)
	}
	f := fact{
		index:  m.Index,
		source: a.sources.id(m.Source),
		sender: -1,
		label:  -1,
		node:   -1,
		sig:    classify(m.Header, from, m.EnvelopeSender, subject),
	}
	if sender != "" {
		f.sender = a.senderID(sender)
		if a.support.match(sender) {
			f.flags |= flagSupport
		}
	}

	date, err := m.Header.Date()
	if err != nil || date.IsZero() {
		date = m.EnvelopeDate
	}
	if !date.IsZero() {
		f.flags |= flagDated
		f.unix = min(max(date.Unix(), minUnix), maxUnix)
		_, off := date.Zone()
		f.offset = int32(off)
	}

	if f.sender >= 0 {
		// Every message with a sender is threaded: a rotating sender
		// without loop headers is found by its thread alone.
		a.thread(&f, readThreadKeys(m.Header, subject))
	}
	a.facts = append(a.facts, f)
}

func (a *Analyzer) senderID(s string) int32 {
	id := a.senders.id(s)
	if int(id) == len(a.senderAllow) {
		a.senderAllow = append(a.senderAllow, a.allow.match(s))
		d := int32(-1)
		if _, domain := splitAddress(s); domain != "" {
			d = a.domains.id(domain)
		}
		a.senderDomain = append(a.senderDomain, d)
	}
	return id
}

// thread links a message into its thread and picks its thread label.
func (a *Analyzer) thread(f *fact, k threadKeys) {
	generic := isGenericSubject(k.label)
	label := k.label
	if generic && k.root != "" {
		label = "<" + k.root + ">"
	}
	f.label = a.labels.id(label)

	t := a.threads
	if k.own != "" {
		f.node = t.idNode(k.own)
	} else {
		f.node = t.newNode()
	}
	for _, r := range k.refs {
		t.union(f.node, t.idNode(r))
	}
	if !generic {
		t.union(f.node, t.subjectNode(f.label))
	}
}

// limit returns a sender's cap.
func (a *Analyzer) limit(sender int32) int {
	if a.senderAllow[sender] {
		return a.opts.Limit * a.opts.Factor
	}
	return a.opts.Limit
}

// timeline is the input in date order, shared by the cap and the loop
// detectors.
type timeline struct {
	eff      []int64   // effective time of each message, seconds
	effOff   []int32   // zone offset belonging to eff
	order    []int32   // message indices by (eff, input order)
	pos      []int32   // position of each message in order
	bySender [][]int32 // per sender, its messages in order
	anyDated bool
}

// timeline places undated messages and sorts the input by date.
func (a *Analyzer) timeline() *timeline {
	n := len(a.facts)
	tl := &timeline{eff: make([]int64, n), effOff: make([]int32, n)}
	first := -1
	for i := range a.facts {
		if a.facts[i].flags&flagDated != 0 {
			first = i
			break
		}
	}
	tl.anyDated = first >= 0
	var prev int64
	var prevOff int32
	if first >= 0 {
		prev, prevOff = a.facts[first].unix, a.facts[first].offset
	}
	for i := range a.facts {
		f := &a.facts[i]
		if f.flags&flagDated != 0 {
			prev, prevOff = f.unix, f.offset
		}
		tl.eff[i], tl.effOff[i] = prev, prevOff
	}

	tl.order = make([]int32, n)
	for i := range tl.order {
		tl.order[i] = int32(i)
	}
	slices.SortStableFunc(tl.order, func(x, y int32) int {
		switch ex, ey := tl.eff[x], tl.eff[y]; {
		case ex < ey:
			return -1
		case ex > ey:
			return 1
		}
		return 0
	})
	tl.pos = make([]int32, n)
	for p, i := range tl.order {
		tl.pos[i] = int32(p)
	}

	tl.bySender = make([][]int32, len(a.senders.strs))
	for _, i := range tl.order {
		if s := a.facts[i].sender; s >= 0 {
			tl.bySender[s] = append(tl.bySender[s], i)
		}
	}
	return tl
}

// seconds converts a window to whole seconds, at least one.
func seconds(d time.Duration) int64 {
	return max(int64(d/time.Second), 1)
}

// Result computes the records, sender summaries and loops of everything
// added so far. It may be called more than once, and Add may continue
// afterwards.
func (a *Analyzer) Result() *Result {
	tl := a.timeline()
	ranks, peaks := a.ranks(tl)
	loops, loopOf := a.detect(tl)

	zones := map[int32]*time.Location{}
	zone := func(off int32) *time.Location {
		loc, ok := zones[off]
		if !ok {
			loc = time.FixedZone("", int(off))
			zones[off] = loc
		}
		return loc
	}
	at := func(i int32) time.Time {
		if !tl.anyDated {
			return time.Time{}
		}
		return time.Unix(tl.eff[i], 0).In(zone(tl.effOff[i]))
	}

	res := &Result{
		Records: make([]Record, len(a.facts)),
		Senders: make([]SenderSummary, len(a.senders.strs)),
		Loops:   make([]Loop, len(loops)),
	}
	for s := range res.Senders {
		res.Senders[s] = SenderSummary{
			Sender:      a.senders.strs[s],
			PeakPerHour: peaks[s],
			Allowlisted: a.senderAllow[s],
		}
	}
	for i := range a.facts {
		f := &a.facts[i]
		r := &res.Records[i]
		r.Source = a.sources.strs[f.source]
		r.Index = f.index
		if f.sender >= 0 {
			r.Sender = a.senders.strs[f.sender]
		}
		if f.flags&flagDated != 0 {
			r.Date = time.Unix(f.unix, 0).In(zone(f.offset))
		}
		r.Signals = f.sig.names()
		r.Automated = f.sig != 0
		r.Bulk = f.sig.bulk()
		r.NoReply = f.sig.noReply()
		r.FromSupportAddress = f.flags&flagSupport != 0
		if f.flags&flagUnreadable != 0 {
			r.Error = a.errs[i]
		} else {
			r.Outcome, r.OutcomeReason, r.Notify = a.decide(f, ranks[i])
		}
		if l := loopOf[i]; l >= 0 {
			r.Loop = loops[l].id
		}
		if f.sender >= 0 {
			s := &res.Senders[f.sender]
			s.Messages++
			if r.Automated {
				s.AutomatedShare++
			}
			switch r.Outcome {
			case Accepted:
				s.Accepted++
			case Suspended:
				s.Suspended++
			case Rejected:
				s.Rejected++
			}
		}
	}
	for s := range res.Senders {
		if n := res.Senders[s].Messages; n > 0 {
			res.Senders[s].AutomatedShare /= float64(n)
		}
	}
	slices.SortFunc(res.Senders, func(x, y SenderSummary) int {
		if x.Messages != y.Messages {
			return y.Messages - x.Messages
		}
		return strings.Compare(x.Sender, y.Sender)
	})

	for n, l := range loops {
		members := make([]string, len(l.members))
		for k, s := range l.members {
			members[k] = a.senders.strs[s]
		}
		slices.Sort(members)
		res.Loops[n] = Loop{
			ID:       l.id,
			Kind:     l.kind,
			Members:  members,
			Thread:   a.labels.strs[a.facts[l.msgs[0]].label],
			Messages: len(l.msgs),
			First:    at(l.msgs[0]),
			Last:     at(l.msgs[len(l.msgs)-1]),
		}
	}
	return res
}
