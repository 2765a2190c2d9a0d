package dialect

import (
	"errors"
	mathbits "math/bits"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bounce-tool/bounce/pkg/dsn"
	"github.com/bounce-tool/bounce/pkg/internal/phrase"
	"github.com/bounce-tool/bounce/pkg/parts"
)

// Input is what a recogniser looks at.
type Input struct {
	Message *parts.Message // the bounce taken apart
	Reports []*dsn.Report  // its delivery-status parts, parsed
	// Text is the human-readable text of the bounce (its text parts, or the
	// raw body when the MIME structure gave none).
	Text string

	p       prepared // computed on first use; see prep
	prepped bool     // p is computed
	w       *work    // taken from workPool on first use; see release
	depth   int      // 1 for a bounce found inside another (see forwarded)
}

// Recipient is what a recogniser learnt about one recipient.
type Recipient struct {
	Address         string // the failed address as written
	OriginalAddress string // Original-Recipient, when given
	Action          string // failed, delayed, delivered, relayed, expanded; "" when not said
	Status          string // the Status field of a delivery-status report, as written
	Diagnostic      string // the server's own words about this recipient
	RemoteMTA       string // the host that refused the message
	Command         string // the SMTP command it failed at (RCPT, DATA, ...)
	Date            string // when it failed, as written
	// Hint is a reason the dialect knows for certain (for example
	// "mailererror" for a failed pipe); usually empty.
	Hint string
	// FeedbackType is a complaint report's type ("abuse", "opt-out", ...);
	// empty for a delivery report.
	FeedbackType string
	// Auth is the authentication check an RFC 6591 report is about.
	Auth string
}

// Original describes the original message when a notice describes it
// itself (an SES complaint's JSON), rather than returning it.
type Original struct {
	MessageID, From, Subject, Date string
	To                             []string
}

// Result is what Extract found.
type Result struct {
	// Kind is what the message is: KindBounce, KindFeedback or
	// KindAutoreply.
	Kind         string
	MTA          string // the dialect: "rfc3464", "postfix", "exim", ...
	ReportingMTA string // the server that wrote the report, from the report, its text or its header
	// Date is the report's date as written: the report's own, else the
	// message's Date field.
	Date       string
	Recipients []Recipient
	// Original is the original as the notice describes it, when it does
	// (an SES complaint); nil means the returned message (Input.Returned).
	Original *Original
	// Returned is the message the failures are about when it is not the
	// one the input returns: for recipients read from a bounce inside this
	// one (forwarded, or returned by a second server), what that bounce
	// returns. nil means Input.Returned.
	Returned *Returned
	// Why says, in words, what made this a bounce: the sign that named the
	// dialect ("header X-MC-System", "text \"this is the mail system at
	// host\"") and the reader that found the recipients.
	Why string
}

// The readers that find recipients, as Result.Why names them.
const (
	foundByDialect  = "the dialect's own reader"
	foundByReport   = "the delivery-status report"
	foundByProse    = "the prose"
	foundByHeaders  = "X-Failed-Recipients or the returned original's To"
	foundByInner    = "a bounce returned inside this one"
	foundByForward  = "a bounce forwarded in this one's text"
	foundByMentions = "the addresses a notice of the mail system mentions"
	foundByNames    = "the names a notice of the mail system lists"
)

// NewInput prepares a bounce taken apart for Extract: its text (the raw
// body when the MIME structure gave none) and its delivery-status parts,
// parsed; a part with no delivery-status field at all is left out.
func NewInput(m *parts.Message) *Input {
	in := &Input{Message: m, Text: m.Text()}
	if strings.TrimSpace(in.Text) == "" {
		in.Text = m.Raw
	}
	for _, b := range m.Reports {
		if rep, err := dsn.ParseBytes(b); !errors.Is(err, dsn.ErrNotDSN) {
			in.Reports = append(in.Reports, rep)
		}
	}
	return in
}

// Recogniser is one server's dialect.
type Recogniser struct {
	// Name is the dialect's name, lowercase ("postfix", "exim", ...).
	Name string
	// Detect reports whether the message was written by this server. It
	// looks at header fields and fixed phrases only, so that it is cheap.
	Detect func(in *Input) bool
	// Recognise reads the recipients the way this server writes them, and
	// returns nil when it finds none. A nil Recognise means the server's
	// bounces are read well by the structured report and the prose reader.
	Recognise func(in *Input) *Result
	// Hints are the server's fixed sentences that say a reason for
	// certain, whatever the stage (Recipient.Hint): IMail's "Delivery
	// failed 3 attempts" is a message that expired. A recipient's words
	// that start with a hint's phrase (ASCII case ignored) take its reason.
	Hints []Hint
}

// Hint is a server's fixed sentence and the reason it says.
type Hint struct {
	Phrase, Reason string
}

// hint sets the Hint of the recipients whose words start with one of d's
// hints.
func (d *Recogniser) hint(res *Result) {
	for i := range res.Recipients {
		r := &res.Recipients[i]
		if r.Hint != "" {
			continue
		}
		words := strings.TrimSpace(r.Diagnostic)
		for _, h := range d.Hints {
			if len(words) >= len(h.Phrase) && strings.EqualFold(words[:len(h.Phrase)], h.Phrase) {
				r.Hint = h.Reason
				break
			}
		}
	}
}

// fromInner is Extract of a bounce found inside this one (nil: none), its
// Why saying where it was found (how) and its Returned what that bounce
// returns; nil when it names no one.
func fromInner(inner *Input, how string) *Result {
	if inner == nil {
		return nil
	}
	r := Extract(inner)
	if empty(r) {
		return nil
	}
	r.Why = "recipients from " + how + " (" + r.Why + ")"
	if r.Returned == nil {
		ret := inner.Returned()
		r.Returned = &ret
	}
	return r
}

// Extract returns the recipients of a bounce, or nil when nothing in it looks
// like a bounce.
//
// The dialect is the first of Recognisers whose Detect matches. Its
// Recognise goes first; then the delivery-status reports; then the prose
// reader (an address in a recipient's place, the server's words next to
// it); last, the failed recipients a header names (X-Failed-Recipients) or
// the returned original's To. Report recipients whose words are missing
// take them from the prose.
func Extract(in *Input) *Result {
	in.work() // for what is read once (facts) and the prose
	defer in.release()
	if res := notice(in); res != nil {
		in.finish(res)
		return res
	}
	if r := fromInner(in.inlineForward(), foundByForward); r != nil {
		return r
	}
	p := in.prep()
	var d *Recogniser
	// Each Detect starts with no sign matched: one that matched signs
	// but not as a whole leaves them for the next to clear (most match
	// none, and nothing needs clearing).
	p.matched = matchedSign{}
	for i := range Recognisers {
		if Recognisers[i].Detect(in) {
			d = &Recognisers[i]
			break
		}
		if p.matched.what != "" {
			p.matched = matchedSign{}
		}
	}
	var res *Result
	weak, found := false, ""
	if d != nil && d.Recognise != nil {
		res, found = d.Recognise(in), foundByDialect
	}
	if empty(res) {
		res, found = in.standard(), foundByReport
	}
	if empty(res) {
		res, weak = prose(in, d != nil)
		found = foundByProse
	}
	if empty(res) {
		res, weak, found = fromHeaders(in), true, foundByHeaders
	}
	if empty(res) {
		res, weak, found = fromMentions(in), true, foundByMentions
	}
	if empty(res) {
		res, weak, found = fromListedNames(in), true, foundByNames
	}
	if empty(res) || weak {
		// The report names no one for certain: it may be about a
		// bounce it returns.
		if r := fromInner(in.forwarded(), foundByInner); r != nil {
			return r
		}
	}
	if empty(res) {
		return nil
	}
	if tail := in.trailing(); tail != nil {
		if r := Extract(tail); !empty(r) {
			res.Recipients = append(res.Recipients, r.Recipients...)
		}
	}
	res.Kind = KindBounce
	if res.ReportingMTA == "" {
		res.ReportingMTA = reportingFromText(p.report)
	}
	if d != nil {
		d.hint(res)
	}
	switch {
	case d != nil:
		res.MTA = d.Name
	case res.MTA != "":
	case p.std != nil:
		res.MTA = "rfc3464"
	default:
		res.MTA = "generic"
	}
	switch {
	case d != nil && p.matched.what != "":
		var buf [256]byte
		b := append(append(buf[:0], res.MTA...), " by "...)
		b = append(append(p.matched.appendWords(b), "; recipients from "...), found...)
		res.Why = string(b)
	case p.std != nil:
		res.Why = "a delivery-status report; recipients from " + found
	default:
		res.Why = "mail-system sender or delivery-report subject, and a failure the text states; recipients from " + found
	}
	named := in.recoverAddresses(res)
	complete(in, res, named)
	in.finish(res)
	return res
}

// finish decides, in one place for every kind, what a Result lacks: the
// reporting server (the header's evidence, reportingHost; an auto-reply
// names none), the date (the message's Date when the report's is missing or
// unreadable), and diagnostics cut to MaxDiagnostic.
func (in *Input) finish(res *Result) {
	if in.Message != nil {
		h := in.Message.Header
		if res.ReportingMTA == "" && res.Kind != KindAutoreply {
			res.ReportingMTA = reportingHost(h)
		}
		if res.Date == "" {
			res.Date = h.Get("Date")
		} else if _, ok := dsn.ParseDate(res.Date); !ok {
			res.Date = h.Get("Date")
		}
	}
	for i := range res.Recipients {
		r := &res.Recipients[i]
		r.Diagnostic = truncate(r.Diagnostic, MaxDiagnostic)
		r.Address = decodeIMCEA(r.Address)
	}
}

// decodeIMCEA returns the address an Exchange encapsulated address stands
// for, or a as it is.
//
// QUIRK: Exchange writes a foreign address as "IMCEA" and its type, a dash,
// the address with "+" and two hex digits for each character a local part
// cannot hold, then "@" and the Exchange domain:
// IMCEASMTP-pat+2Elee+40branch+2Eexample@corp.example is pat.lee@branch.example.
// Only SMTP addresses decode to one; X.500 (IMCEAEX) names stay as written.
func decodeIMCEA(a string) string {
	const prefix = "imceasmtp-"
	if len(a) <= len(prefix) || LowerASCII(a[:len(prefix)]) != prefix {
		return a
	}
	enc := a[len(prefix):]
	at := strings.LastIndexByte(enc, '@')
	if at < 0 {
		return a
	}
	var b strings.Builder
	for i := 0; i < at; i++ {
		c := enc[i]
		if c == '+' && i+2 < at {
			if v, err := strconv.ParseUint(enc[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		b.WriteByte(c)
	}
	out := b.String()
	if strings.Count(out, "@") != 1 || strings.ContainsAny(out, " <>") {
		return a
	}
	return out
}

// MaxDiagnostic bounds the length in bytes of a Recipient's Diagnostic.
const MaxDiagnostic = 4096

// truncate cuts s to at most n bytes, at a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func empty(r *Result) bool { return r == nil || len(r.Recipients) == 0 }

// standard returns a copy of the recipients of the delivery-status reports,
// or nil when there are none.
func (in *Input) standard() *Result {
	std := in.prep().std
	if std == nil {
		return nil
	}
	c := *std
	c.Recipients = append([]Recipient(nil), std.Recipients...)
	return &c
}

// fromReports turns delivery-status reports into a Result.
func (in *Input) fromReports(reports []*dsn.Report) *Result {
	var res *Result
	for _, rep := range reports {
		if rep == nil || len(rep.Recipients) == 0 {
			continue
		}
		if res == nil {
			res = &Result{ReportingMTA: rep.ReportingMTA, Date: rep.ArrivalDate}
		}
		for _, rc := range rep.Recipients {
			r := Recipient{
				Address:         rc.FinalRecipient,
				OriginalAddress: rc.OriginalRecipient,
				Action:          normalAction(rc.Action),
				Status:          rc.Status,
				Diagnostic:      stripDiagnosticType(rc.DiagnosticCode),
				RemoteMTA:       rc.RemoteMTA,
				Date:            rc.LastAttemptDate,
			}
			if r.Address == "" {
				r.Address = rc.OriginalRecipient
			}
			if r.Address == "" {
				r.Address = dsn.Address(dsn.Get(rc.Fields, "X-Actual-Recipient"))
			}
			r.Address = reportAddress(r.Address)
			if !strings.Contains(r.Address, "@") && strings.Contains(r.OriginalAddress, "@") {
				r.Address = reportAddress(r.OriginalAddress)
			}
			if !strings.Contains(r.Address, "@") {
				// An X.400, local or unknown type of address: the
				// recipient keeps its Status, and its name as written
				// until recoverAddresses finds the address behind it.
				r.Address = reportRecipientName(rc)
				if r.Address == "" || r.Status == "" && r.Action == "" {
					continue
				}
			}
			if r.Date == "" {
				r.Date = rep.ArrivalDate
			}
			r.Command = in.commandsOf(r.Diagnostic).stage // the stage only: see complete
			res.Recipients = append(res.Recipients, r)
		}
	}
	if empty(res) {
		return nil
	}
	return res
}

// reportingIntros are the phrases servers introduce themselves with in
// their bounces, lowercase, each followed by the server's name;
// reportingIntroSet indexes them.
var (
	reportingIntros = [...]string{"this is the mail system at host ", "qmail-send program at ",
		"delivery status notification from ", "this is the mail delivery agent at ", "dragonfly mail agent ",
		"this is the postfix program at host ", "this is the mail transport agent at "}
	reportingIntroSet = phrase.New(reportingIntros[:]...)
)

// skipVersion skips a version that stands between a program's name and
// its host ("v0.13 at df.example.jp" gives "df.example.jp"), ASCII case
// ignored.
func skipVersion(s string) string {
	if len(s) > 1 && phrase.Lower(s[0]) == 'v' && s[1] >= '0' && s[1] <= '9' {
		if i := phrase.IndexFold(s, " at "); i >= 0 && !strings.Contains(s[:i+len(" at ")], "\n") {
			return s[i+len(" at "):]
		}
	}
	return s
}

// reportingFromText returns the name a server gives itself in its bounce
// ("This is the qmail-send program at mx.example.com.", a first line
// "Message from mx.example.com."), lowercase, or "".
func reportingFromText(text string) string {
	// The first place of each intro, found in one pass.
	var at [len(reportingIntros)]int
	for k := range reportingIntros {
		at[k] = -1
	}
	reportingIntroSet.ScanFold(text, func(i, k int) bool {
		if at[k] < 0 {
			at[k] = i
		}
		return true
	})
	for k, intro := range reportingIntros {
		if i := at[k]; i >= 0 {
			if h := hostAt(skipVersion(text[i+len(intro):])); h != "" {
				return h
			}
		}
	}
	first := strings.TrimSpace(text)
	if i := strings.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	if phrase.HasPrefixFold(first, "message from ") {
		if h := hostAt(first[len("message from "):]); h != "" && hasSuffixFold(first, h+".") {
			return h
		}
	}
	return ""
}

// hasSuffixFold reports whether s, its ASCII letters lowercased, ends with
// suffix (which has no uppercase letters).
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && phrase.HasPrefixFold(s[len(s)-len(suffix):], suffix)
}

// stripDiagnosticType removes a diagnostic type the report parser left in
// place because it is long ("X-Outbound-Mail-Relay; Host not found").
func stripDiagnosticType(d string) string {
	if typ, rest, ok := strings.Cut(d, ";"); ok && len(typ) > 2 && len(typ) <= 40 &&
		strings.HasPrefix(LowerASCII(typ), "x-") && !strings.ContainsAny(typ, " \t") {
		return strings.TrimSpace(rest)
	}
	return d
}

// reportAddress cleans an address from a report field whose type the
// parser did not know ("rfc/822;ann@example.com").
func reportAddress(a string) string {
	if i := strings.LastIndexByte(a, ';'); i >= 0 {
		a = a[i+1:]
	}
	return cleanAddress(a)
}

// normalAction maps the Action values some servers invent to the RFC 3464
// ones: "expired" (SendGrid) is a delivery given up, "failed".
func normalAction(a string) string {
	switch a {
	case "expired", "bounced", "bounce", "rejected", "failure":
		return "failed"
	case "deferred":
		return "delayed"
	}
	return a
}

// complete fills what recipients lack from the prose: a diagnostic that is
// missing or only a number ("X-Unix; 77") takes the prose's words about the
// recipient; a missing remote host is looked for in the diagnostic, then in
// those words. A missing command is a phrase that ties the reply to a stage
// in the diagnostic or in those words ("in reply to MAIL FROM command"),
// else a command the diagnostic or those words mention bare: a server's
// reply that mentions a command ("as obtained from HELO and MAIL FROM")
// does not say at which one it came.
//
// A recipient a report named without an address (named[i]) keeps the
// Status the report states: prose with another code does not become its
// diagnostic.
func complete(in *Input, res *Result, named []bool) {
	var rd *reading
	for i := range res.Recipients {
		r := &res.Recipients[i]
		var said commands // the commands the diagnostic names
		if r.Command == "" && r.Diagnostic != "" {
			said = in.commandsOf(r.Diagnostic)
			r.Command = said.stage
		}
		if r.RemoteMTA == "" {
			r.RemoteMTA = in.remoteHost(r.Diagnostic)
		}
		ev := ""
		if weakDiagnostic(r.Diagnostic) || r.Command == "" || r.RemoteMTA == "" {
			if rd == nil {
				rd = in.prose()
			}
			ev = rd.evidence(LowerASCII(r.Address))
		}
		var told commands // the commands ev names, read when r has none
		folded := ""      // ev with its white space folded, once it is the diagnostic
		replaced := false // whether ev became the diagnostic
		if ev != "" {
			if weakDiagnostic(r.Diagnostic) && !(i < len(named) && named[i] && contradicts(ev, r.Status)) {
				r.Diagnostic = Fold(ev)
				folded = spaceFolded(ev, r.Diagnostic)
				replaced = true
			}
			if r.Command == "" {
				told = in.commandsOf(ev) // commandsIn(folded) when replaced
				r.Command = told.stage
			}
			if r.RemoteMTA == "" {
				// The notice names its own server too ("This is the
				// mail system at host mx.example"): not the remote one.
				if h := in.remoteHost(ev); !strings.EqualFold(h, res.ReportingMTA) {
					r.RemoteMTA = h
				}
			}
		}
		if r.Command == "" && replaced {
			// Fold's result is folded: a bare mention in the new
			// diagnostic is one in folded when they are the same.
			if folded == r.Diagnostic {
				said = told
			} else {
				said = commandsIn(r.Diagnostic)
			}
		}
		if r.Command == "" {
			r.Command = said.word
		}
		if r.Command == "" {
			r.Command = told.word
		}
	}
}

// weakDiagnostic reports whether a diagnostic says nothing a person can
// read: empty, or only a number (an exit status, "X-Unix; 77").
func weakDiagnostic(s string) bool {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && c != ' ' {
			return false
		}
	}
	return true
}

// Fold folds all whitespace runs, line breaks included, to single spaces,
// and drops those at either end: strings.Join(strings.Fields(s), " ") in
// one pass and one allocation, none when s is folded already.
func Fold(s string) string {
	if s == "" || foldedEnd(s, 0) == len(s) && !startsSpace(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := skipSpace(s, 0); i < len(s); i = skipSpace(s, i) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		j := foldedEnd(s, i)
		b.WriteString(s[i:j])
		i = j
	}
	return b.String()
}

// foldedEnd returns the end of the run of s from i that folding leaves as
// it is: words with a single ' ' between them. The run ends at len(s) or
// before white space that is not one ' ' followed by a word. Fold and
// appendFold copy a run at a time, not a word at a time.
func foldedEnd(s string, i int) int {
	for i < len(s) {
		t := s[i:]
		k := runStop(t)
		if i += k; k == len(t) {
			break
		}
		c := t[k]
		if c >= utf8.RuneSelf {
			size, sp := spaceAt(s, i)
			if sp {
				return i
			}
			i += size
			continue
		}
		// One ' ' that a word follows continues the run.
		if c != ' ' || i+1 == len(s) {
			return i
		}
		if n := s[i+1]; n < utf8.RuneSelf && asciiSpace[n] || n >= utf8.RuneSelf && startsSpace(s[i+1:]) {
			return i
		}
		i++
	}
	return i
}

// skipSpace returns the index of the first character of s at or after i
// that is not white space (spaceAt), or len(s).
func skipSpace(s string, i int) int {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf { // most: no call
			if !asciiSpace[c] {
				break
			}
			i++
			continue
		}
		size, sp := spaceAt(s, i)
		if !sp {
			break
		}
		i += size
	}
	return i
}

// startsSpace reports whether s starts with white space.
func startsSpace(s string) bool {
	_, sp := spaceAt(s, 0)
	return sp
}

// asciiSpace marks the ASCII bytes unicode.IsSpace has as white space.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// spaceAt returns the size of the character at s[i] and whether it is
// white space as unicode.IsSpace (and so strings.Fields) has it; invalid
// UTF-8 is one byte that is not.
func spaceAt(s string, i int) (int, bool) {
	if c := s[i]; c < utf8.RuneSelf {
		return 1, asciiSpace[c]
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	return size, unicode.IsSpace(r)
}

// wordStops marks the bytes at which wordEnd looks closer: the ASCII
// spaces, and the bytes that start or continue a longer UTF-8 sequence.
var wordStops = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= utf8.RuneSelf || asciiSpace[c]
	}
	return t
}()

// runStop returns the index of the first byte of t at which foldedEnd
// must look closer, or len(t): a byte that wordStops marks, except that
// it may pass over a ' ' followed by printable ASCII, which continues a
// run. It tests 8 bytes at a time (and the 8 after each by one), and looks
// closer only at the first byte flagged.
func runStop(t string) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	k := 0
	for k+9 <= len(t) {
		// A byte below '!' borrows from its high bit, a non-ASCII one
		// has it: every such byte is flagged, and only bytes above the
		// first may be flagged wrongly. A ' ' is unflagged when the byte
		// after it is surely printable ASCII.
		w, n := load8(t[k:]), load8(t[k+1:])
		m := ((w-'!'*ones)&^w | w) & highs
		x := w ^ ' '*ones
		sp := (x - ones) &^ x & highs
		word := ^((n-'!'*ones)&^n | n) & highs
		if m &^= sp & word; m == 0 {
			k += 8
			continue
		}
		k += mathbits.TrailingZeros64(m) / 8
		if wordStops[t[k]] {
			return k
		}
		k++ // a control character, not a space
	}
	// The bytes left, counted from 0 in t: the compiler then checks no
	// bounds a byte.
	for k < len(t) && !wordStops[t[k]] {
		k++
	}
	return k
}

// load8 returns the first 8 bytes of s as a little-endian word.
func load8(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// wordEnd returns where the word at or after j in s ends: the index of the
// first space (as spaceAt reads one) from j on, or len(s).
func wordEnd(s string, j int) int {
	for j < len(s) {
		c := s[j]
		if !wordStops[c] {
			j++
			continue
		}
		if c < utf8.RuneSelf {
			break
		}
		size, sp := spaceAt(s, j)
		if sp {
			break
		}
		j += size
	}
	return j
}
