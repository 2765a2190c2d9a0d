package loop

import (
	"hash/fnv"

	"github.com/bounce-tool/bounce/pkg/parts"

	"github.com/bounce-tool/bounce/pkg/header"
)

// threads groups messages into threads with a union-find over message
// identifiers and normalised subjects. Message-IDs are kept as 64-bit
// hashes, so memory grows by a few words per threaded message.
type threads struct {
	parent []int32
	ids    map[uint64]int32 // Message-ID hash -> node
	subj   map[int32]int32  // interned subject label -> node
}

func newThreads() *threads {
	return &threads{ids: map[uint64]int32{}, subj: map[int32]int32{}}
}

func (t *threads) newNode() int32 {
	n := int32(len(t.parent))
	t.parent = append(t.parent, n)
	return n
}

func (t *threads) idNode(id string) int32 {
	h := fnv.New64a()
	h.Write([]byte(id))
	k := h.Sum64()
	n, ok := t.ids[k]
	if !ok {
		n = t.newNode()
		t.ids[k] = n
	}
	return n
}

func (t *threads) subjectNode(label int32) int32 {
	n, ok := t.subj[label]
	if !ok {
		n = t.newNode()
		t.subj[label] = n
	}
	return n
}

func (t *threads) find(n int32) int32 {
	for t.parent[n] != n {
		t.parent[n] = t.parent[t.parent[n]]
		n = t.parent[n]
	}
	return n
}

func (t *threads) union(a, b int32) {
	ra, rb := t.find(a), t.find(b)
	if ra == rb {
		return
	}
	// The older node stays the root, which keeps results independent of
	// the order unions happen in.
	if rb < ra {
		ra, rb = rb, ra
	}
	t.parent[rb] = ra
}

// threadKeys holds what a message says about its thread.
type threadKeys struct {
	own   string   // Message-ID
	refs  []string // In-Reply-To, first and last References
	root  string   // first References, else In-Reply-To, else own
	label string   // normalised subject
}

// readThreadKeys extracts the thread keys of a header with the given
// decoded subject.
func readThreadKeys(h header.Header, subject string) threadKeys {
	var k threadKeys
	if ids := parts.MsgIDs(h.Get("Message-Id")); len(ids) > 0 {
		k.own = ids[0]
	}
	refs := parts.MsgIDs(h.Get("References"))
	irt := parts.MsgIDs(h.Get("In-Reply-To"))
	if len(refs) > 0 {
		k.root = refs[0]
		k.refs = append(k.refs, refs[0])
		if len(refs) > 1 {
			k.refs = append(k.refs, refs[len(refs)-1])
		}
	}
	k.refs = append(k.refs, irt...)
	switch {
	case k.root != "":
	case len(irt) > 0:
		k.root = irt[0]
	default:
		k.root = k.own
	}
	k.label = NormalizeSubject(subject)
	return k
}
