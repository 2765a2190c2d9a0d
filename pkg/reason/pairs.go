package reason

import (
	"bytes"
	"encoding/binary"
	"strings"
)

// Wording that a phrase table cannot list whole: a thing and what is wrong
// with it, with the server's own words between them ("Das Postfach des
// Empfängers ist voll", "the recipient's mailbox file is full", "domínio
// não encontrado", "the domain name (x.example) does not appear to be
// registered"). A pair decides when its first word stands before its second
// within a short distance, inside one sentence. Classify tries the pairs
// after the decisive phrases (step 4) and before the codes.

// A pair is a rule of two word lists.
type pair2 struct {
	reason        string
	things, wrong []string
	within        int // bytes between the end of the thing and the wrong
}

var pairs = []pair2{
	{reason: MailboxFull,
		things: []string{"mailbox", "mail box", "mail file", "mailfile", "inbox", "postfach", "boîte", "boite", "buzón",
			"buzon", "casella", "caixa", "brievenbus", "メールボックス", "メールボックスの容量"},
		wrong: []string{"is full", "file is full", "full", "ist voll", "voll", "pleine", "plein", "está lleno",
			"lleno", "piena", "cheia", "is vol", "vol|", "一杯", "いっぱい", "満杯"},
		within: 40},
	{reason: HostUnknown,
		things: []string{"domain", "domaine", "dominio", "domínio", "domein", "host name", "hostname"},
		wrong: []string{"not found", "nicht gefunden", "introuvable", "no encontrado", "não encontrado",
			"nao encontrado", "non trovato", "niet gevonden", "not appear to be registered", "not registered",
			"does not exist", "inconnu", "desconocido", "desconhecido", "sconosciuto", "onbekend", "unbekannt"},
		within: 60},
}

// thingQuads has bit p set at the quadHash of the first four bytes of
// every thing of pairs[p] (see markQuads): a text without the bit at any
// of its positions has none of the pair's things, and byPair passes over
// the pair without looking for each.
var thingQuads = func() *[1 << quadBits]uint8 {
	if len(pairs) > 8 {
		panic("reason: too many pairs for thingQuads")
	}
	q := new([1 << quadBits]uint8)
	for i, p := range pairs {
		for _, t := range p.things {
			if len(t) < 4 {
				panic("reason: a pair's thing shorter than 4 bytes: " + t) // pairsIn reads four
			}
			markQuads(q, t, 1<<i)
		}
	}
	return q
}()

// pairsIn returns the bits of thingQuads at the positions of words: the
// pairs whose things words may hold.
func pairsIn(words []byte) uint8 {
	var in uint8
	for i := 0; i+4 <= len(words); i++ {
		in |= thingQuads[quadHash(binary.LittleEndian.Uint32(words[i:]))]
	}
	return in
}

// byPair returns the reason of the first pair that words (see plain)
// holds, and the text that matched.
func byPair(words []byte) (string, string) {
	in := pairsIn(words)
	for pi, p := range pairs {
		if in&(1<<pi) == 0 {
			continue
		}
		for _, t := range p.things {
			for off := 0; ; {
				i := index(words[off:], t)
				if i < 0 {
					break
				}
				i += off
				off = i + len(t)
				end := min(len(words), off+p.within)
				window := words[off:end]
				if s := bytes.IndexAny(window, ".;!?\n"); s >= 0 && !bytes.HasPrefix(window[s:], []byte(".example")) {
					window = window[:s]
				}
				for _, w := range p.wrong {
					bound := strings.HasSuffix(w, "|")
					w = strings.TrimSuffix(w, "|")
					j := index(window, w)
					if j < 0 {
						continue
					}
					if bound && j+len(w) < len(window) && isWordByte(window[j+len(w)]) {
						continue
					}
					return p.reason, string(words[i : off+j+len(w)])
				}
			}
		}
	}
	return "", ""
}
