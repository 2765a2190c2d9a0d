package bounce

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/bounce-tool/bounce/pkg/dialect"
	"github.com/bounce-tool/bounce/pkg/dsn"
	"github.com/bounce-tool/bounce/pkg/header"
	"github.com/bounce-tool/bounce/pkg/internal/phrase"
	"github.com/bounce-tool/bounce/pkg/parts"
	"github.com/bounce-tool/bounce/pkg/reason"
	"github.com/bounce-tool/bounce/pkg/status"
)

// records turns what Extract found into records: one per recipient, of
// the kind the message is; a bounce recipient is resolved (resolve).
func records(m *parts.Message, res *dialect.Result, orig Original, dates *dateMemo) []Record {
	reporting := phrase.ToLower(clean(res.ReportingMTA))
	date := dates.format(res.Date)
	if res.Original != nil {
		orig = describeNotice(res.Original, dates)
	}
	why := whyText(res.Why)
	recs := make([]Record, 0, len(res.Recipients))
	for _, rc := range res.Recipients {
		var rec Record
		switch res.Kind {
		case dialect.KindFeedback:
			rec = Record{Kind: KindFeedback, Recipient: phrase.ToLower(clean(rc.Address)), Reason: reason.Feedback,
				Diagnostic: clean(rc.Diagnostic), Auth: rc.Auth, FeedbackType: clean(rc.FeedbackType),
				Why: Why{Kind: why, Reason: "a complaint report is feedback"}}
		case dialect.KindAutoreply:
			rec = Record{Kind: KindAutoreply, Recipient: phrase.ToLower(clean(rc.Address)), Reason: reason.Vacation,
				Diagnostic: clean(rc.Diagnostic), Why: Why{Kind: why, Reason: "an auto-reply is vacation"}}
		default:
			rec = resolve(rc, m.Charset, dates)
			rec.Kind = KindBounce
			rec.Why.Kind = why
		}
		rec.MTA = res.MTA
		rec.ReportingMTA = reporting
		rec.Original = orig
		if rec.Date == "" {
			rec.Date = date
		}
		recs = append(recs, rec)
	}
	return recs
}

// describeNotice describes the original a notice describes itself.
func describeNotice(o *dialect.Original, dates *dateMemo) Original {
	to := make([]string, 0, len(o.To))
	for _, a := range o.To {
		to = append(to, phrase.ToLower(a))
	}
	return Original{
		MessageID: clean(o.MessageID),
		From:      phrase.ToLower(clean(o.From)),
		To:        clean(strings.Join(to, ", ")),
		Subject:   clean(o.Subject),
		Date:      dates.format(o.Date),
	}
}

// resolve decides one recipient's status, class, reply code and reason.
//
// The status code comes from, in order: the code the remote server gave
// with its reply ("550 5.7.1", see repliedCode) when it differs from the
// report's Status field, which a relay often fills with a summary of its own
// (4.4.7 "gave up", 5.1.1 for any refused recipient); the report's Status
// field, unless it only says its class (X.0.0) and the server's words carry
// a specific code of the same class; the server's words; the reason, when
// that is confident (status_source "inferred"). The reply code is the one of the code's class
// the server's words carry (status.FindReplyIn). Class follows the chosen
// code, else the reply code, else the action.
//
// The diagnostic is decoded to UTF-8 with charset, the charset the bounce
// declares, when it came raw from a delivery-status part (parts.Decode).
func resolve(rc dialect.Recipient, charset string, dates *dateMemo) Record {
	rec := Record{
		Recipient:         phrase.ToLower(clean(rc.Address)),
		OriginalRecipient: phrase.ToLower(clean(rc.OriginalAddress)),
		Action:            phrase.ToLower(rc.Action),
		Diagnostic:        cleanDecoded(rc.Diagnostic, charset),
		RemoteMTA:         phrase.ToLower(clean(rc.RemoteMTA)),
		SMTPCommand:       strings.ToUpper(rc.Command),
		Date:              dates.format(rc.Date),
	}
	fromDSN, okDSN := status.Parse(firstToken(rc.Status))
	var buf [8]status.Match
	found := status.AppendAll(buf[:0], rec.Diagnostic, 32)
	fromText, okText := status.Best(found)
	replied, okReplied := repliedCode(found, fromDSN)
	var code status.Code
	switch {
	case okDSN && okReplied:
		code, rec.StatusSource = replied, StatusFromDiagnostic
	case okDSN && okText && fromDSN.Generic() && !fromText.Generic() && fromText.Class == fromDSN.Class:
		code, rec.StatusSource = fromText, StatusFromDiagnostic
	case okDSN:
		code, rec.StatusSource = fromDSN, StatusFromDSN
	case okText:
		code, rec.StatusSource = fromText, StatusFromDiagnostic
	}
	reply, _ := status.FindReplyIn(rec.Diagnostic, code.Class)
	if reply.Class() == status.ClassSuccess && (rec.Action == "failed" || rec.Action == "delayed") {
		reply = 0 // a success reply cannot be about a failure
	}
	cls := code.Class
	if cls == status.ClassUnknown {
		cls = reply.Class()
	}
	if cls == status.ClassUnknown {
		cls = classOfAction(rec.Action)
	}
	facts := reason.Facts{
		Status: code, Reply: reply, Action: rec.Action, Diagnostic: joinWords(rec.Diagnostic, statusComment(rc.Status)),
		Command: rec.SMTPCommand, Hint: rc.Hint,
	}
	var r reason.Result
	if facts.Diagnostic == rec.Diagnostic {
		r = reason.ClassifyFound(facts, found) // the same text's codes
	} else {
		r = reason.Classify(facts)
	}
	if code.IsZero() && r.Confident && cls != status.ClassUnknown && cls != status.ClassSuccess {
		if c := reason.InferStatus(r.Reason, cls); !c.IsZero() {
			code, rec.StatusSource = c, StatusInferred
		}
	}
	rec.Status = code
	rec.Class = cls
	rec.ReplyCode = reply
	rec.Reason = r.Reason
	rec.Why.Status = whyStatus(rec, code, fromDSN)
	rec.Why.Reason = whyReason(r)
	rec.Blocklist = r.Blocklist
	rec.Auth = r.Auth
	return rec
}

// repliedCode returns the first specific enhanced code of a text (found:
// its codes, status.AppendAll) that follows an SMTP reply code of its class
// ("550 5.7.1", "421-4.4.2"): the remote server's own words. X.0.0 codes
// say nothing specific and do not count. It reports false when the text
// gives the report's code (dsn) that way too: the report then agrees with
// one of the server's replies.
func repliedCode(found []status.Match, dsn status.Code) (status.Code, bool) {
	var first status.Code
	for _, m := range found {
		if m.Reply == 0 || m.Reply.Class() != m.Code.Class || m.Code.Generic() {
			continue
		}
		if m.Code == dsn {
			return status.Code{}, false
		}
		if first.IsZero() {
			first = m.Code
		}
	}
	return first, !first.IsZero()
}

// statusComment returns the comment of a Status field, "4.0.0 (host name
// lookup failure)": RFC 3464 section 2.3.4 lets the reporter say there why,
// and some say it nowhere else.
func statusComment(v string) string {
	i := strings.IndexByte(v, '(')
	j := strings.LastIndexByte(v, ')')
	if i < 0 || j < i {
		return ""
	}
	c := clean(v[i+1 : j])
	switch phrase.ToLower(c) {
	case "permanent failure", "temporary failure", "transient failure", "success", "delayed", "failed":
		return "" // the class in words, nothing more
	}
	return c
}

// joinWords joins the server's words and more evidence for the reason.
func joinWords(a, b string) string {
	if b == "" || strings.Contains(a, b) {
		return a
	}
	if a == "" {
		return b
	}
	return a + " " + b
}

func classOfAction(action string) status.Class {
	switch action {
	case "failed":
		return status.ClassPermanent
	case "delayed":
		return status.ClassTemporary
	case "delivered", "relayed", "expanded":
		return status.ClassSuccess
	}
	return status.ClassUnknown
}

func firstToken(s string) string {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ' ' || c == '\t' || c == '(' {
			if i == 0 {
				break // as strings.IndexAny(s, " \t(") > 0 would have it
			}
			return s[:i]
		}
	}
	return s
}

// originalOf describes the returned original.
func originalOf(m *parts.Message, r dialect.Returned, dates *dateMemo) Original {
	if !r.OK {
		return Original{}
	}
	return describe(r.Header, m.Charset, dates)
}

// firstMsgID returns the first message identifier of a header value,
// without its angle brackets or a trailing comment, or "".
func firstMsgID(v string) string {
	var buf [4]string
	if ids := parts.AppendMsgIDs(buf[:0], v); len(ids) > 0 {
		return clean(ids[0])
	}
	return ""
}

// firstAddress returns the first address of a header field, lowercased:
// as an address list when it parses, else the addr-spec a lenient reading
// finds ("Mail Delivery System. <x@y>" is not a valid list).
func firstAddress(h header.Header, key string) string {
	var buf [4]string
	if list, ok := parts.AddressList(buf[:0], h, key); ok {
		return phrase.ToLower(clean(list[0]))
	}
	return phrase.ToLower(clean(dsn.Address(h.Get(key))))
}

// describe reads the returned original's header; hint is the bounce's
// charset, for header fields the original does not declare one for.
func describe(h header.Header, hint string, dates *dateMemo) Original {
	var o Original
	o.MessageID = firstMsgID(h.Get("Message-Id"))
	o.From = firstAddress(h, "From")
	var buf [8]string
	if list, ok := parts.AddressList(buf[:0], h, "To"); ok {
		for i, a := range list {
			list[i] = phrase.ToLower(a)
		}
		o.To = strings.Join(list, ", ")
	} else {
		o.To = phrase.ToLower(dsn.Address(h.Get("To")))
	}
	o.To = clean(o.To)
	o.Subject = clean(parts.SubjectOf(h, hint))
	o.Date = dates.format(h.Get("Date"))
	return o
}

// dateMemo is dsn.FormatDate for the dates of one message, which often repeat
// (a report's Arrival-Date in each recipient's Last-Attempt-Date, the
// notice's date in the original's): each distinct text is parsed once.
type dateMemo struct {
	n    int
	from [4]string
	to   [4]string
}

// format returns dsn.FormatDate(s).
func (d *dateMemo) format(s string) string {
	if s == "" {
		return ""
	}
	for i := range d.n {
		if d.from[i] == s {
			return d.to[i]
		}
	}
	t := dsn.FormatDate(s)
	if d.n < len(d.from) {
		d.from[d.n], d.to[d.n] = s, t
		d.n++
	}
	return t
}

// decode is parts.Decode of a string: valid UTF-8 without an ISO-2022
// escape, which Decode returns as it is, is not copied twice.
func decode(s, charset string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0x1b) < 0 {
		return s
	}
	return parts.Decode([]byte(s), charset)
}

// cleanDecoded is clean(decode(s, charset)), without decode's tests of
// a text that clean takes as it is (printable ASCII: valid UTF-8 without
// an escape), the most of diagnostics.
func cleanDecoded(s, charset string) string {
	if isClean(s) {
		return s
	}
	return clean(decode(s, charset))
}

// clean makes a value fit for a record: valid UTF-8, one line, whitespace
// folded.
func clean(s string) string {
	if isClean(s) {
		return s
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if unfolded(s) {
		s = strings.Join(strings.Fields(s), " ")
	}
	return strings.TrimSpace(s)
}

// isClean reports whether clean returns s as it is: printable ASCII (or
// DEL), no two spaces in a row, no space at either end. It tests 8 bytes at
// once (see plain8); a space next to '!' may look like two spaces, which
// only sends s the long way.
func isClean(s string) bool {
	n := len(s)
	if n > 0 && (s[0] == ' ' || s[n-1] == ' ') {
		return false
	}
	if n < 8 {
		for i := 0; i < n; i++ {
			if c := s[i]; c < ' ' || c >= utf8.RuneSelf || c == ' ' && i > 0 && s[i-1] == ' ' {
				return false
			}
		}
		return true
	}
	// The 8-byte steps, then the last 8 bytes, which may overlap the
	// steps: pairs of bytes that the steps tested already pass again.
	var prev uint64 // unclean8's spaces of the 8 bytes before i
	i := 0
	for ; i+8 <= n; i += 8 {
		var bad bool
		if prev, bad = unclean8(load8(s[i:]), prev); bad {
			return false
		}
	}
	if i < n {
		if _, bad := unclean8(load8(s[n-8:]), 0); bad {
			return false
		}
	}
	return true
}

// unclean8 tests 8 bytes w (load8) for isClean: it reports true when one
// is not printable ASCII (or DEL), or a space follows a space, within w or
// after the last byte of the 8 before, whose spaces prev holds (the high
// bit of each space's byte, as unclean8 returns them for w).
func unclean8(w, prev uint64) (spaces uint64, bad bool) {
	x := w ^ (' ' * ones)
	sp := (x - ones) &^ x // the high bit of each space's byte
	return sp, (w|(w-0x20*ones)&^w|sp&(sp>>8|prev>>56))&highs != 0
}

// unfolded reports whether s has a line break, a tab or two spaces in a
// row: white space for clean to fold.
func unfolded(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n', '\r', '\t':
			return true
		case ' ':
			if i+1 < len(s) && s[i+1] == ' ' {
				return true
			}
		}
	}
	return false
}

// whyStatus says where a record's status code came from.
func whyStatus(rec Record, code, fromDSN status.Code) string {
	var buf [2 * MaxWhy]byte
	switch rec.StatusSource {
	case StatusFromDSN:
		if w, ok := whyFromDSN[code]; ok {
			return w
		}
		return string(appendCode(append(buf[:0], whyDSN...), code))
	case StatusFromDiagnostic:
		b := append(buf[:0], "in the server's words"...)
		if !fromDSN.IsZero() && fromDSN != code {
			b = append(b, " (the report's Status "...)
			b = append(appendCode(b, fromDSN), " is the relay's own)"...)
		}
		b = appendQuoteAround(append(b, ": "...), rec.Diagnostic, code.String())
		return whyTextBytes(b)
	case StatusInferred:
		if w, ok := whyInferred[rec.Reason]; ok {
			return w
		}
		return "inferred from the reason " + rec.Reason + whyInferredEnd
	}
	return "no code in the report or the server's words, and the reason implies none"
}

// The words of whyStatus around a code or a reason.
const (
	whyDSN         = "the Status field of the delivery-status report: "
	whyInferredEnd = ": no code in the report or the server's words"
)

// whyFromDSN holds whyStatus's text for each registered code given by a
// Status field, the source of most records' codes, made once.
var whyFromDSN = func() map[status.Code]string {
	m := map[status.Code]string{}
	for _, cls := range []status.Class{status.ClassSuccess, status.ClassTemporary, status.ClassPermanent} {
		for sub := 0; sub <= 7; sub++ {
			for det := 0; det < 100; det++ {
				if c := (status.Code{Class: cls, Subject: sub, Detail: det}); c.Registered() {
					m[c] = whyDSN + c.String()
				}
			}
		}
	}
	return m
}()

// whyInferred holds whyStatus's text for a code inferred from each reason
// of the vocabulary, made once.
var whyInferred = func() map[string]string {
	m := make(map[string]string, len(reason.Vocabulary))
	for _, r := range reason.Vocabulary {
		m[r] = "inferred from the reason " + r + whyInferredEnd
	}
	return m
}()

// whyReason says which rule of reason.Classify decided, and what it matched.
func whyReason(r reason.Result) string {
	switch r.Step {
	case "wording":
		return whyWords(r.Evidence)
	case "fallback":
		return "nothing the rules know: no decisive words, no code with one meaning"
	case "":
		return ""
	}
	return whyText(r.Step + " " + r.Evidence)
}

// whyWords is whyReason's text for the wording rules, which quote the
// phrase they found. The phrases come from reason's tables, so the texts
// are few: each is made once and kept in wordsWhy, not once per record.
// A rule that quotes the server's words (reason's word pairs) can quote
// anything: at most maxWordsWhy texts are kept.
func whyWords(evidence string) string {
	if w, ok := wordsWhy.Load(evidence); ok {
		return w.(string)
	}
	var buf [2 * MaxWhy]byte
	w := whyTextBytes(strconv.AppendQuote(append(buf[:0], "the words "...), evidence))
	if wordsWhyN.Load() < maxWordsWhy {
		if _, loaded := wordsWhy.LoadOrStore(evidence, w); !loaded {
			wordsWhyN.Add(1)
		}
	}
	return w
}

var (
	wordsWhy  sync.Map // evidence -> whyReason's text
	wordsWhyN atomic.Int32
)

const maxWordsWhy = 4096

// quoteAround quotes the part of text around its first occurrence of sub,
// cut to fit MaxWhy.
func quoteAround(text, sub string) string {
	return string(appendQuoteAround(nil, text, sub))
}

// appendQuoteAround appends quoteAround(text, sub) to dst.
func appendQuoteAround(dst []byte, text, sub string) []byte {
	i := strings.Index(text, sub)
	if i < 0 {
		i = 0
	}
	start := max(0, i-60)
	for start > 0 && !utf8.RuneStart(text[start]) {
		start--
	}
	end := min(len(text), start+MaxWhy-40)
	for end < len(text) && !utf8.RuneStart(text[end]) {
		end--
	}
	// strconv quotes rune by rune, and start and end are rune starts: the
	// marks can go around the quoted text.
	dst = append(dst, '"')
	if start > 0 {
		dst = append(dst, "..."...)
	}
	if q := text[start:end]; quotedAsIs(q) {
		dst = append(dst, q...)
	} else {
		n := len(dst)
		dst = strconv.AppendQuote(dst, q)
		dst = append(dst[:n], dst[n+1:len(dst)-1]...)
	}
	if end < len(text) {
		dst = append(dst, "..."...)
	}
	return append(dst, '"')
}

// quotedAsIs reports whether strconv.Quote writes s as it is between its
// quotes: s is printable ASCII without '"' or '\\' (JSON's plain bytes,
// plainPrefix, less DEL).
func quotedAsIs(s string) bool {
	return plainPrefix(s) == len(s) && strings.IndexByte(s, 0x7f) < 0
}

// whyTextBytes is whyText of a string in b, made with one allocation.
func whyTextBytes(b []byte) string {
	if len(b) <= MaxWhy {
		return string(b)
	}
	n := MaxWhy - 3
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return string(b[:n]) + "..."
}

// whyText cuts s to MaxWhy bytes at a character boundary.
func whyText(s string) string {
	if len(s) <= MaxWhy {
		return s
	}
	n := MaxWhy - 3
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
