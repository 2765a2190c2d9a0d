package loop

import (
	"cmp"
	"slices"
	"strconv"
)

// candidate is a suspected loop before messages are shared out.
type candidate struct {
	kind Kind
	msgs []int32 // message indices in date order
	need int     // messages it must keep; 0: the kind's minimum
}

// foundLoop is a loop that kept messages of its own.
type foundLoop struct {
	id      string
	kind    Kind
	msgs    []int32 // in date order
	members []int32 // sender IDs, distinct
}

// detect finds the loops and returns them numbered by first message, with
// the loop index of every message (-1 for none).
func (a *Analyzer) detect(tl *timeline) ([]foundLoop, []int32) {
	var cands []candidate
	comps := a.components(tl, (*fact).eligible)
	for _, comp := range comps {
		cands = append(cands, a.pingPong(tl, comp)...)
	}
	for _, comp := range comps {
		cands = append(cands, a.rotating(tl, comp)...)
	}
	for _, comp := range a.components(tl, (*fact).threaded) {
		cands = append(cands, a.rotatingUnsigned(tl, comp)...)
	}
	cands = append(cands, a.singleSender(tl)...)

	// Share out messages: kinds in the order found above, so a ping-pong
	// claims its messages before the single-sender loops of its two
	// members can.
	loopOf := make([]int32, len(a.facts))
	for i := range loopOf {
		loopOf[i] = -1
	}
	var loops []foundLoop
	for _, c := range cands {
		var own []int32
		same := 0
		for _, i := range c.msgs {
			switch l := loopOf[i]; {
			case l < 0:
				own = append(own, i)
			case loops[l].kind == c.kind:
				same++
			}
		}
		if len(own) == 0 || len(own)+same < a.need(c) {
			continue
		}
		n := int32(len(loops))
		l := foundLoop{kind: c.kind, msgs: own}
		seen := map[int32]bool{}
		for _, i := range own {
			loopOf[i] = n
			if s := a.facts[i].sender; !seen[s] {
				seen[s] = true
				l.members = append(l.members, s)
			}
		}
		loops = append(loops, l)
	}

	// Number by first message; renumber loopOf to match.
	perm := make([]int32, len(loops))
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortFunc(perm, func(x, y int32) int {
		return cmp.Compare(tl.pos[loops[x].msgs[0]], tl.pos[loops[y].msgs[0]])
	})
	renum := make([]int32, len(loops))
	sorted := make([]foundLoop, len(loops))
	for n, old := range perm {
		renum[old] = int32(n)
		sorted[n] = loops[old]
		sorted[n].id = "L" + strconv.Itoa(n+1)
	}
	for i, l := range loopOf {
		if l >= 0 {
			loopOf[i] = renum[l]
		}
	}
	return sorted, loopOf
}

// need is how many messages a candidate must keep to stay a loop.
func (a *Analyzer) need(c candidate) int {
	if c.need > 0 {
		return c.need
	}
	switch c.kind {
	case PingPong:
		return a.opts.PingPongMin
	case RotatingSender:
		return a.opts.RotatingMin
	default:
		return a.limit(a.facts[c.msgs[0]].sender) + 1
	}
}

// components returns the messages that pass keep (loop-eligible ones, or
// all with a sender) grouped by thread, each group in date order, the
// groups in order of their first message.
func (a *Analyzer) components(tl *timeline, keep func(*fact) bool) [][]int32 {
	index := map[int32]int{}
	var out [][]int32
	for _, i := range tl.order {
		f := &a.facts[i]
		if f.node < 0 || !keep(f) {
			continue
		}
		root := a.threads.find(f.node)
		k, ok := index[root]
		if !ok {
			k = len(out)
			index[root] = k
			out = append(out, nil)
		}
		out[k] = append(out[k], i)
	}
	return out
}

// pingPong finds runs of messages on one thread that alternate between two
// senders, A B A B, each within PingPongGap of the previous one. Runs of the
// same pair on the same thread make one candidate.
func (a *Analyzer) pingPong(tl *timeline, msgs []int32) []candidate {
	gap := seconds(a.opts.PingPongGap)
	sender := func(k int) int32 { return a.facts[msgs[k]].sender }
	// step reports whether msgs[k] answers msgs[k-1].
	step := func(k int) bool {
		return sender(k) != sender(k-1) && tl.eff[msgs[k]]-tl.eff[msgs[k-1]] <= gap
	}
	type pair struct{ x, y int32 }
	index := map[pair]int{}
	var out []candidate
	start := 0
	for k := 1; k <= len(msgs); k++ {
		if k < len(msgs) && step(k) && (k-start < 2 || sender(k) == sender(k-2)) {
			continue
		}
		if k-start >= a.opts.PingPongMin {
			p := pair{min(sender(start), sender(start+1)), max(sender(start), sender(start+1))}
			n, ok := index[p]
			if !ok {
				n = len(out)
				index[p] = n
				out = append(out, candidate{kind: PingPong})
			}
			run := msgs[start:k]
			if m := out[n].msgs; len(m) > 0 && m[len(m)-1] == run[0] {
				run = run[1:] // runs of one pair may share a message
			}
			out[n].msgs = append(out[n].msgs, run...)
		}
		start = k
		if k < len(msgs) && step(k) {
			start = k - 1
		}
	}
	return out
}

// rotating finds, per sender domain on one thread, windows of
// RotatingWindow holding at least RotatingMin messages from at least
// RotatingSenders addresses. The messages covered by such windows make one
// candidate per domain.
func (a *Analyzer) rotating(tl *timeline, msgs []int32) []candidate {
	if len(msgs) < a.opts.RotatingMin {
		return nil
	}
	groups := a.byDomain(msgs, false)
	w := seconds(a.opts.RotatingWindow)
	var out []candidate
	for _, g := range groups {
		if len(g) < a.opts.RotatingMin {
			continue
		}
		count := map[int32]int{}
		lo, covered := 0, -1
		var c candidate
		for k, i := range g {
			for tl.eff[g[lo]] <= tl.eff[i]-w {
				s := a.facts[g[lo]].sender
				if count[s]--; count[s] == 0 {
					delete(count, s)
				}
				lo++
			}
			count[a.facts[i].sender]++
			if k-lo+1 >= a.opts.RotatingMin && len(count) >= a.opts.RotatingSenders {
				for j := max(lo, covered+1); j <= k; j++ {
					c.msgs = append(c.msgs, g[j])
				}
				covered = k
			}
		}
		if len(c.msgs) > 0 {
			c.kind = RotatingSender
			out = append(out, c)
		}
	}
	return out
}

// byDomain splits msgs by sender domain, keeping their order, the groups
// in order of their first message; with firstOnly, only each address's
// first message.
func (a *Analyzer) byDomain(msgs []int32, firstOnly bool) [][]int32 {
	index := map[int32]int{}
	var groups [][]int32
	seen := map[int32]bool{}
	for _, i := range msgs {
		s := a.facts[i].sender
		d := a.senderDomain[s]
		if d < 0 || firstOnly && seen[s] {
			continue
		}
		seen[s] = true
		k, ok := index[d]
		if !ok {
			k = len(groups)
			index[d] = k
			groups = append(groups, nil)
		}
		groups[k] = append(groups[k], i)
	}
	return groups
}

// rotatingUnsigned finds rotating senders that carry no sign of being
// automated (no Auto-Submitted, Precedence, empty Return-Path ...): those
// systems rotate addresses precisely because they look like people. Per
// sender domain on one thread it looks at the messages whose sender is new
// on the thread, and takes windows of RotatingWindow holding at least
// RotatingUnsigned of them: no group of people writes into one thread
// from that many fresh addresses of one domain at that pace.
func (a *Analyzer) rotatingUnsigned(tl *timeline, msgs []int32) []candidate {
	least := a.opts.RotatingUnsigned
	if len(msgs) < least {
		return nil
	}
	groups := a.byDomain(msgs, true)
	w := seconds(a.opts.RotatingWindow)
	var out []candidate
	for _, g := range groups {
		if len(g) < least {
			continue
		}
		lo, covered := 0, -1
		c := candidate{kind: RotatingSender, need: least}
		for k, i := range g {
			for tl.eff[g[lo]] <= tl.eff[i]-w {
				lo++
			}
			if k-lo+1 >= least {
				for j := max(lo, covered+1); j <= k; j++ {
					c.msgs = append(c.msgs, g[j])
				}
				covered = k
			}
		}
		if len(c.msgs) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// singleSender finds senders with more eligible messages within the window
// than their cap accepts. The messages covered by such windows make one
// candidate per sender.
func (a *Analyzer) singleSender(tl *timeline) []candidate {
	w := seconds(a.opts.Window)
	var out []candidate
	var list []int32
	for s, all := range tl.bySender {
		limit := a.limit(int32(s))
		list = list[:0]
		for _, i := range all {
			if a.facts[i].eligible() {
				list = append(list, i)
			}
		}
		if len(list) <= limit {
			continue
		}
		lo, covered := 0, -1
		var c candidate
		for k, i := range list {
			for tl.eff[list[lo]] <= tl.eff[i]-w {
				lo++
			}
			if k-lo+1 > limit {
				for j := max(lo, covered+1); j <= k; j++ {
					c.msgs = append(c.msgs, list[j])
				}
				covered = k
			}
		}
		if len(c.msgs) > 0 {
			c.kind = SingleSender
			out = append(out, c)
		}
	}
	// By first message, so that numbering and claims are deterministic.
	slices.SortFunc(out, func(x, y candidate) int {
		return cmp.Compare(tl.pos[x.msgs[0]], tl.pos[y.msgs[0]])
	})
	return out
}
