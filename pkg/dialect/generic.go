package dialect

import (
	"strings"

	mimeheader "github.com/bounce-tool/bounce/pkg/header"
	"github.com/bounce-tool/bounce/pkg/internal/phrase"
	"github.com/bounce-tool/bounce/pkg/parts"
	"github.com/bounce-tool/bounce/pkg/sign"
	"github.com/bounce-tool/bounce/pkg/status"
)

// failedRecipients returns the addresses of the X-Failed-Recipients header
// fields (Exim, Gmail, Google Groups), in order, without repeats.
func (in *Input) failedRecipients() []string {
	if in.Message == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, v := range in.Message.Header.Values("X-Failed-Recipients") {
		for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			a := cleanAddress(f)
			k := LowerASCII(a)
			if !strings.Contains(a, "@") || seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, a)
		}
	}
	return out
}

// originalSenders returns the sender addresses of the returned original
// (From, Sender, Return-Path), lowercase.
func (in *Input) originalSenders() []string {
	var out []string
	if in.Message != nil && in.Message.Original != nil {
		h := in.Message.Original.Header
		for _, k := range []string{"From", "Sender", "Return-Path"} {
			for _, a := range headerAddresses(h, k) {
				out = append(out, LowerASCII(a))
			}
		}
	}
	// An original returned as text after the report.
	p := in.prep()
	rest := p.text[len(p.report):]
	for n := 0; n < 80 && rest != ""; n++ {
		line, next, _ := strings.Cut(rest, "\n")
		rest = next
		if line == "" || !senderFieldStart[line[0]] {
			continue
		}
		for _, k := range []string{"from:", "return-path:", "sender:"} {
			if phrase.HasPrefixFold(line, k) {
				out = append(out, FindAddresses(LowerASCII(line))...)
			}
		}
	}
	return out
}

// senderFieldStart marks the first bytes, in either case, of the sender
// fields originalSenders looks for in a returned text.
var senderFieldStart = [256]bool{'f': true, 'F': true, 'r': true, 'R': true, 's': true, 'S': true}

// looksLikeBounce reports whether a message from an unknown server is a
// bounce, when its prose names recipients by their place: it must come
// from the mail system (or have a bounce's subject), and list its
// recipients, return the original, or quote the server's codes. Ordinary
// mail that names an address ("Email: ann@example.com") and a number
// ("250 points") must not pass.
func (in *Input) looksLikeBounce(listed bool) bool {
	if !in.systemSender() && (!sign.ReportSubject(in.subject()) || sign.ReplySubject(in.subject())) {
		return false
	}
	return listed || in.returnsOriginal() || hasStatusCode(in.prep().report) || in.statesUndelivered()
}

// hasStatusCode reports whether text holds an enhanced status code, or an
// SMTP reply code at the start of a line, after an address that starts the
// line ("ann@example.com: 550 User not found"), or after "said:".
func hasStatusCode(text string) bool {
	if _, ok := status.Find(text); ok {
		return true
	}
	for _, line := range strings.Split(text, "\n") {
		l := strings.TrimLeft(line, " \t<>#")
		if sp := strings.IndexByte(l, ' '); sp > 0 && l[sp-1] == ':' && strings.IndexByte(l[:sp], '@') > 0 {
			l = strings.TrimLeft(l[sp:], " \t")
		}
		if len(l) >= 4 && (l[3] == ' ' || l[3] == '-') {
			if _, ok := status.ParseReply(l[:3]); ok {
				return true
			}
		}
	}
	return strings.Contains(LowerASCII(text), " said: ")
}

// returnsOriginal reports whether the bounce returns the original, as a
// part or as text after the report.
func (in *Input) returnsOriginal() bool {
	p := in.prep()
	return in.Message != nil && in.Message.Original != nil || len(p.report) < len(p.text)
}

// senderSet returns the addresses that are not failed recipients by their
// place alone: the original's senders and the bounce's own addressee (the
// sender the bounce goes back to). The set is computed once; callers must
// not change it.
func (in *Input) senderSet() map[string]bool {
	p := in.prep()
	if p.senders == nil {
		p.senders = in.makeSenderSet()
	}
	return p.senders
}

// prose returns the report's prose taken apart, read on first use.
func (in *Input) prose() *reading {
	p := in.prep()
	if p.reading == nil {
		r := &in.work().reading
		r.read(p.report, in.senderSet())
		p.reading = r
	}
	return p.reading
}

func (in *Input) makeSenderSet() map[string]bool {
	set := in.work().senders
	for _, a := range in.originalSenders() {
		set[a] = true
	}
	if in.Message != nil {
		for _, a := range headerAddresses(in.Message.Header, "To") {
			set[LowerASCII(a)] = true
		}
	}
	return set
}

// originalRecipients returns the To addresses of the returned original, or
// of a "To:" line in the text after the report when the original came back
// as text.
func (in *Input) originalRecipients() []string {
	if in.Message != nil && in.Message.Original != nil {
		if to := headerAddresses(in.Message.Original.Header, "To"); len(to) > 0 {
			return to
		}
	}
	p := in.prep()
	rest := p.text[len(p.report):]
	for _, line := range strings.Split(rest, "\n") {
		if len(line) > 3 && strings.EqualFold(line[:3], "to:") {
			return FindAddresses(line)
		}
	}
	return nil
}

// headerAddresses returns the addresses of a header field.
func headerAddresses(h mimeheader.Header, key string) []string {
	if list, ok := parts.AddressList(nil, h, key); ok {
		return list
	}
	return FindAddresses(h.Get(key))
}

// failureWords, lowercase, say that a text reports a failed delivery.
var failureWords = []string{"could not be delivered", "couldn't be delivered", "undeliverable", "not delivered",
	"delivery failed", "delivery has failed", "failed to deliver", "unable to deliver", "was not delivered",
	"permanent error", "permanent failure", "delivery failure", "returned mail", "mail delivery failed",
	"not be delivered", "rejected", "no such user", "user unknown", "unknown user", "does not exist",
	"mailbox is full", "could not deliver", "failure notice", "undelivered", "delivery status notification",
	"error", "bounce"}

// failureWordSet indexes failureWords.
var failureWordSet = phrase.New(failureWords...)

// fromHeaders names the recipients of a failure notice that names them
// nowhere in its prose: the X-Failed-Recipients field, else the To of the
// returned original. It needs a bounce's signs: a header from the mail
// system, a text that says the delivery failed, and a returned original.
func fromHeaders(in *Input) *Result {
	p := in.prep()
	addrs := in.failedRecipients()
	if len(addrs) == 0 {
		if !in.systemSender() || !failureWordSet.AnyFold(p.text) && !failureWordSet.Any(in.subject()) {
			return nil
		}
		if in.Message == nil || in.Message.Original == nil && len(p.report) == len(p.text) {
			return nil
		}
		addrs = in.originalRecipients()
	}
	if len(addrs) == 0 {
		return nil
	}
	rd := in.prose()
	action := in.proseAction()
	res := &Result{}
	for _, a := range addrs {
		res.Recipients = append(res.Recipients, in.wordsOf(a, action, rd.evidence(LowerASCII(a))))
	}
	return res
}

// systemSender reports whether the bounce comes from the mail system (its
// From names a mailer daemon, postmaster, ...) or has an empty Return-Path.
func (in *Input) systemSender() bool {
	return sign.NullSender(in.header("Return-Path")) || sign.FromMailSystem(in.header("From"))
}
