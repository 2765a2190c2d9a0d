package dialect

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/dsn"
	"github.com/bounce-tool/bounce/pkg/internal/phrase"
	"github.com/bounce-tool/bounce/pkg/sign"
	"github.com/bounce-tool/bounce/pkg/status"
	"github.com/emersion/go-message/mail"
)

// Recipients written without a full address, and bounces in wording no
// rule knows. Old servers name a failed recipient the way their own
// directory does: an Exchange display name ("Bloggs, Joe"), an X.400
// originator/recipient name ("c=DE;a= ;p=Corp;s=Meyer;g=Karl"), a Lotus
// Notes name ("Klaus Weber/Sales/Corp@Corp"), an AOL screen name, or an
// address wrapped in a gateway's words ("dda:SMTP=ann@example.com",
// "[SMTP:ann@example.com]"; Exchange's IMCEASMTP- encapsulation is decoded
// by decodeIMCEA).
// recoverAddress turns such a name into the address the text or the
// returned original holds for it; a name it cannot place is kept as
// written.

// undeliveredStatements, lowercase, say in a notice that a message was not
// delivered or is not delivered yet, in the languages bounces are written
// in (English, German, French, Spanish, Italian, Portuguese, Dutch,
// Japanese, Russian, Chinese). They are statements about a delivery, stronger than failureWords
// ("error", "rejected"), which ordinary mail uses as freely.
var undeliveredStatements = []string{
	"could not be delivered", "couldn't be delivered", "could not deliver", "was not delivered",
	"were not delivered", "not been delivered", "not yet been delivered", "undeliverable", "was undeliverable",
	"delivery failed", "delivery has failed", "delivery to the following", "unable to deliver",
	"failed to deliver", "not be delivered", "could not be sent", "did not reach", "not reachable",
	"could not be reached", "delivery delayed", "delivery is delayed", "has been delayed",
	"will continue to try", "will continue trying", "will keep trying", "could not be handed",
	"non-delivery", "nondelivery", "delivery failure", "not deliverable",
	"message was returned", "mail was returned", "message has been returned", "mail has been returned",
	// de, fr, es, it, pt, nl, ja
	"nicht zugestellt", "unzustellbar", "nicht erreicht", "nicht ausgeliefert", "konnte nicht",
	"pas pu être remis", "pas pu etre remis", "pas pu être délivré", "pas pu etre delivre", "non remis",
	"n'est pas parvenu", "injoignable",
	"no se pudo entregar", "no ha podido ser entregado", "no pudo ser entregado", "no entregado", "no llegó",
	"non è stato recapitato", "non e' stato recapitato", "impossibile recapitare", "non recapitato",
	"não foi possível entregar", "nao foi possivel entregar", "não pôde ser entregue", "nao pode ser entregue",
	"não entregue",
	"niet worden afgeleverd", "niet bezorgd", "niet afgeleverd", "niet bereikt", "onbestelbaar",
	"配信できません", "配信に失敗", "配送できません", "届きませんでした", "送信できませんでした",
	// ru, zh
	"не может быть доставлено", "не удалось доставить", "не доставлено", "无法投递", "投递失败", "未能送达",
	"被退回", "退信", "发送失败", "無法投遞", "投遞失敗",
	// pl, cs, sv, da and nb, fi, tr, hu, ko
	"nie może zostać dostarczona", "nie mogła zostać dostarczona", "nie została dostarczona",
	"nie można dostarczyć", "nemohla být doručena", "nebyla doručena", "nelze doručit",
	"kunde inte levereras", "kunne ikke leveres", "kan ikke leveres", "ei voitu toimittaa",
	"teslim edilemedi", "nem sikerült kézbesíteni", "nem kézbesíthető", "전달되지 않았습니다", "배달하지 못했습니다",
}

var undeliveredSet = phrase.New(undeliveredStatements...)

// statesUndelivered reports whether the bounce is a notice of a failed or
// delayed delivery whose wording no rule may know: its report says a
// delivery failed or is delayed (undeliveredStatements, delayWords), and it
// comes from the mail system (systemSender: an empty Return-Path, a mailer
// daemon or a postmaster in From; a no-reply sender is not enough, shops
// write "your parcel could not be delivered" from those), or it has a
// delivery report's subject and its statement is about a message
// (mailWords). A reply or a forward (sign.ReplySubject) is a person
// writing about a delivery, whoever sends it.
func (in *Input) statesUndelivered() bool {
	p := in.prep()
	if !undeliveredSet.AnyFold(p.report) && !in.delayed() {
		return false
	}
	subj := in.subject()
	if sign.ReplySubject(subj) {
		return false // a postmaster answering a question about a bounce
	}
	if in.systemSender() {
		return true
	}
	return sign.ReportSubject(subj) && mailWordSet.AnyFold(p.report)
}

// mailWords, lowercase, name what a delivery report is about: a message.
var mailWords = []string{"your message", "the message", "this message", "your mail", "your e-mail", "your email",
	"ihre nachricht", "die nachricht", "votre message", "le message", "su mensaje", "el mensaje", "il messaggio",
	"il tuo messaggio", "a mensagem", "sua mensagem", "uw bericht", "het bericht", "メール"}

var mailWordSet = phrase.New(mailWords...)

// proseAction is the action of the recipients a report names in prose:
// "delayed" when it says the delivery goes on (delayWords), else "failed".
func (in *Input) proseAction() string {
	if in.delayed() {
		return "delayed"
	}
	return "failed"
}

// delayed reports whether the report says the delivery goes on
// (delayWords); the report is searched once.
func (in *Input) delayed() bool {
	p := in.prep()
	if p.delay == unknown {
		p.delay = known(delayWordSet.AnyFold(p.report))
	}
	return p.delay == yes
}

// contradicts reports whether text holds an enhanced status code other
// than the one a report's Status field (as written) states.
func contradicts(text, stated string) bool {
	st, ok := status.Parse(strings.Fields(stated + " ")[0])
	if !ok {
		return false
	}
	for _, m := range status.FindAll(text, 16) {
		if m.Code != st {
			return true
		}
	}
	return false
}

// fromMentions names the recipients of a notice from the mail system (not
// only with a report's subject) that says a delivery failed but names no
// one in a recipient's place: the
// addresses its report mentions that are not senders or the mail system
// ("User Klaus Weber (k.weber@example.com) not listed"), else those its
// subject names. It gives up when there are more than a few.
func fromMentions(in *Input) *Result {
	if !in.systemSender() || !in.statesUndelivered() {
		return nil
	}
	rd := in.prose()
	exclude := in.senderSet()
	var out []candidate
	seen := map[string]bool{}
	for _, c := range rd.cands {
		if seen[c.key] || rd.senders[c.key] || exclude[c.key] || sign.MailSystem(c.key) {
			continue
		}
		seen[c.key] = true
		out = append(out, c)
	}
	if len(out) == 0 {
		// "Subject: Undeliverable: mail to ann@example.com" over a
		// text that names no one.
		for _, a := range FindAddresses(in.subject()) {
			k := LowerASCII(a)
			if !seen[k] && !exclude[k] && !sign.MailSystem(k) {
				seen[k] = true
				out = append(out, candidate{addr: a, key: k})
			}
		}
	}
	if len(out) == 0 || len(out) > 3 {
		return nil
	}
	action := in.proseAction()
	res := &Result{}
	for _, c := range out {
		res.Recipients = append(res.Recipients, in.wordsOf(c.addr, action, rd.evidence(c.key)))
	}
	return res
}

// fromListedNames names the recipients of a notice from the mail system
// that lists them by name only ("The message that you sent was
// undeliverable to the following:" and "mgreen (user not found)", "Petra
// Lange on Wed, 17 Nov 1999"): the name at the start of each line of the
// list. recoverAddresses later finds the address behind each name where it
// can; the others are kept as written.
func fromListedNames(in *Input) *Result {
	if !in.systemSender() || !in.statesUndelivered() {
		return nil
	}
	rd := in.prose()
	if !rd.hasList {
		return nil
	}
	action := in.proseAction()
	res := &Result{}
	for i := 0; i < len(rd.lines); i++ {
		if !rd.lines[i].list {
			continue
		}
		j := i + 1
		if j < len(rd.lines) && rd.lines[j].blank {
			j++
		}
		for ; j < len(rd.lines) && len(res.Recipients) < 20; j++ {
			pl := rd.lines[j]
			if pl.blank || pl.heading || pl.list {
				break
			}
			name := listedName(pl.text)
			if name == "" {
				break
			}
			res.Recipients = append(res.Recipients, Recipient{Address: name, Action: action, Diagnostic: Fold(pl.text)})
		}
		if len(res.Recipients) > 0 {
			break
		}
	}
	if empty(res) {
		return nil
	}
	return res
}

// listedName returns the name a line of a list of recipients starts with,
// cut before its comment ("mgreen (user not found)"), its date ("Petra
// Lange on Wed, ..."), a colon or a tab, or "" when the line does not look
// like a name (more than four words, a sentence's punctuation).
func listedName(line string) string {
	t := strings.TrimSpace(line)
	t = strings.TrimLeft(t, "*-•> ")
	for _, sep := range []string{" (", " on ", ": ", "\t", "  ", " - "} {
		if i := strings.Index(t, sep); i > 0 {
			t = t[:i]
		}
	}
	t = strings.Trim(t, " <>\"'[],;.")
	if t == "" || len(t) > 64 || len(strings.Fields(t)) > 4 || strings.ContainsAny(t, "!?:") {
		return ""
	}
	return t
}

// reportRecipientName returns what a report's Final-Recipient field says
// when it holds no address, with its type removed, or "": a name of type
// X400, LOCAL or unknown, or a bare local part of type rfc822 ("rfc822;
// clerk", as GroupWise and Sendmail's local mailer write it). Anything
// else of type rfc822 that the report parser could not read is not a
// name: the prose reads it.
func reportRecipientName(rc dsn.Recipient) string {
	v := strings.TrimSpace(dsn.Get(rc.Fields, "Final-Recipient"))
	typ, rest, ok := strings.Cut(v, ";")
	if !ok || len(typ) > 20 || strings.ContainsAny(typ, " =/") {
		return ""
	}
	rest = strings.TrimSpace(rest)
	if strings.EqualFold(strings.TrimSpace(typ), "rfc822") && (rest == "" || strings.ContainsAny(rest, "@<>\"' \t();,")) {
		return ""
	}
	return rest
}

// recoverAddresses gives each recipient written without an address the
// address the text or the returned original holds for it (recoverAddress).
// It returns which recipients a delivery-status report named without an
// address (those with a Status), or nil when there are none.
func (in *Input) recoverAddresses(res *Result) []bool {
	var named []bool
	unresolved := 0
	for i, r := range res.Recipients {
		if strings.Contains(r.Address, "@") {
			continue
		}
		unresolved++
		if r.Status != "" {
			if named == nil {
				named = make([]bool, len(res.Recipients))
			}
			named[i] = true
		}
	}
	for i := range res.Recipients {
		r := &res.Recipients[i]
		if strings.Contains(r.Address, "@") {
			continue
		}
		if a := in.recoverAddress(r.Address, unresolved == 1 && len(res.Recipients) == 1); a != "" {
			r.Address = a
		}
	}
	return named
}

// recoverAddress returns the address behind a recipient written without
// one, or "": an address inside the name (dda:SMTP=, [SMTP:...]); else the returned original's recipient whose
// display name or local part is the name; else, when alone is true (one
// recipient, written as a name), the original's only recipient.
func (in *Input) recoverAddress(name string, alone bool) string {
	if strings.Contains(name, "@") && !strings.Contains(name, "/") {
		return ""
	}
	if as := FindAddresses(name); len(as) == 1 {
		return as[0]
	}
	if in.Message == nil || in.Message.Original == nil {
		return ""
	}
	want := nameWords(name)
	if len(want) == 0 {
		return ""
	}
	var all []*mail.Address
	for _, k := range []string{"To", "Cc"} {
		if list, err := in.Message.Original.Header.AddressList(k); err == nil {
			all = append(all, list...)
		}
	}
	for _, a := range all {
		local, _, _ := strings.Cut(LowerASCII(a.Address), "@")
		if sameWords(nameWords(a.Name), want) || len(want) == 1 && local == want[0] {
			return a.Address
		}
	}
	if alone && len(all) == 1 {
		return all[0].Address
	}
	return ""
}

// nameWords returns the words of a person's name, lowercase and sorted by
// first appearance: "Bloggs, Joe" gives bloggs, joe; an X.400 name gives
// its surname and given name; a Notes name its first component.
func nameWords(name string) []string {
	n := LowerASCII(strings.TrimSpace(name))
	if strings.Contains(n, "s=") && (strings.Contains(n, ";") || strings.Contains(n, "/")) {
		var w []string
		for _, f := range strings.FieldsFunc(n, func(r rune) bool { return r == ';' || r == '/' }) {
			if k, v, ok := strings.Cut(strings.TrimSpace(f), "="); ok && (k == "s" || k == "g") && v != "" {
				w = append(w, v)
			}
		}
		return w
	}
	if i := strings.IndexByte(n, '/'); i > 0 {
		n = n[:i]
	}
	return strings.FieldsFunc(n, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '"' || r == '\'' })
}

// sameWords reports whether two names have the same words, in any order.
func sameWords(a, b []string) bool {
	if len(a) == 0 || len(a) != len(b) {
		return false
	}
	for _, x := range a {
		found := false
		for _, y := range b {
			if x == y {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
