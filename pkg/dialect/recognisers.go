package dialect

import (
	"strings"
	"sync"

	"github.com/bounce-tool/bounce/pkg/internal/phrase"
)

// Recognisers are the dialects, tried in this order: the servers with the
// most distinctive signs (a header field of their own, a fixed sentence)
// first, the widespread MTAs whose phrases others borrow last. A dialect
// with no Recognise of its own is read by the structured report and the
// prose reader; its Detect only names the server.
var Recognisers = []Recogniser{
	// Header fields of their own.
	{Name: "amazonworkmail", Detect: detectAmazonWorkMail},
	{Name: "receivingses", Detect: detectReceivingSES},
	{Name: "yahoo", Detect: anyOf(from("yahoo.com"), from("yahoo.co."), text("sorry, we were unable to deliver your message to the following address"))},
	{Name: "amazonses", Detect: detectAmazonSES, Recognise: amazonSES},
	{Name: "activehunter", Detect: header("X-AHMAILID", "")},
	{Name: "mcafee", Detect: header("X-NAI-Header", "mcafee")},
	{Name: "surfcontrol", Detect: header("X-Mailer", "surfcontrol")},
	{Name: "mfilter", Detect: header("X-Mailer", "m-filter")},
	{Name: "imailserver", Detect: header("X-Mailer", "<smtp32"), Hints: []Hint{
		{"Unknown user", "userunknown"}, {"Invalid final delivery userid", "userunknown"},
		{"Unknown host", "hostunknown"}, {"User mailbox exceeds allowed size", "mailboxfull"},
		{"Requested action not taken: virus detected", "virusdetected"}, {"Delivery failed", "expired"}}},
	{Name: "exchange2003", Detect: anyOf(header("X-Mailer", "internet mail service"), text("msexch:ims"))},
	{Name: "mimecast", Detect: anyOf(header("X-Mimecast-Originator", ""), header("X-MC-System", ""))},
	{Name: "mxlogic", Detect: anyOf(header("X-MX-Bounce", ""), header("X-MXL-NoteHash", ""), from("mxlogic.net"))},
	{Name: "fml", Detect: header("X-Mlserver", "fml"), Recognise: fml},
	{Name: "sendgrid", Detect: anyOf(text("this is an automatically generated message from sendgrid"), reportField("X-SendGrid-QueueID"))},
	{Name: "powermta", Detect: anyOf(reportField("X-PowerMTA-VirtualMTA"), reportField("X-PowerMTA-BounceCategory"))},
	// Mail services, by their senders and their words.
	{Name: "googlegroups", Detect: anyOf(failedAt("@googlegroups.com"), allOf(from("googlemail.com"), text("google groups", "groups.google.com")))},
	{Name: "googleworkspace", Detect: allOf(from("mailer-daemon@googlemail.com"), text("** message not delivered **"), noReport)},
	{Name: "gmail", Detect: anyOf(from("@googlemail.com"), from("mailer-daemon@google.com"), text("google tried to deliver your message"))},
	{Name: "office365", Detect: anyOf(from("onmicrosoft.com"), from("microsoft outlook"), text("microsoft 365", "office 365"),
		allOf(header("X-MS-Exchange-CrossTenant-Id", ""), subject("undeliverable")))},
	{Name: "outlook", Detect: anyOf(header("X-DSNContext", ""), from("@hotmail."), from("@outlook.com"), from("@live.com"))},
	{Name: "exchange", Detect: anyOf(text("delivery has failed to these recipients", "diagnostic information for administrators",
		"sent by microsoft exchange server", "diagnoseinformationen für administratoren",
		"informations de diagnostic pour les administrateurs", "información de diagnóstico para administradores"),
		header("X-MS-Exchange-Message-Is-Ndr", ""))},
	{Name: "aol", Detect: anyOf(from("@aol.com"), from("@aol.jp"))},
	{Name: "zoho", Detect: anyOf(header("X-ZohoMail", ""), from("zoho"), text("mx.zohomail.com"))},
	{Name: "mailru", Detect: from("mail.ru")},
	{Name: "yandex", Detect: from("yandex.")},
	{Name: "gmx", Detect: from("gmx.")},
	{Name: "einsundeins", Detect: anyOf(from("kundenserver."), from("1and1."), from("ionos."), text("postmaster.1and1.com"))},
	{Name: "biglobe", Detect: from("biglobe.ne.jp")},
	{Name: "bigfoot", Detect: from("bigfoot.com")},
	{Name: "kddi", Detect: anyOf(from(".dion.ne.jp"), from("auone-net.jp"), text("au one net"))},
	{Name: "ezweb", Detect: anyOf(from("ezweb.ne.jp"), received("(ezweb mail)"))},
	{Name: "verizon", Detect: anyOf(from("vtext.com"), from("vzwpix.com"))},
	{Name: "messagelabs", Detect: anyOf(from("messagelabs.com"), text("this is the mail delivery agent at symantec email security.cloud"))},
	// Filters and appliances.
	{Name: "trendmicro", Detect: anyOf(from("interscan"), text("interscan messaging security"))},
	// Barracuda by its own marks, not by its name in the text: a bounce
	// from another MTA quotes "blocked using Barracuda Reputation".
	{Name: "barracuda", Detect: anyOf(subject("message you sent blocked by our bulk email filter"), reporting("barracuda"),
		received("(spam firewall)"))},
	{Name: "amavis", Detect: anyOf(from("content-filter at"), text("amavisd"))},
	{Name: "mailmarshal", Detect: anyOf(text("mailmarshal"), allOf(text("could not be delivered because of"), text("the following recipients were affected")))},
	{Name: "mailfoundry", Detect: anyOf(subject("message delivery has failed"), received("(mailfoundry)"))},
	{Name: "messagingserver", Detect: anyOf(text("this report relates to a message you sent"), from("pmdf"), boundary("boundary_(id_"))},
	{Name: "apachejames", Detect: anyOf(subject("[bounce]"), received("james smtp server"), messageID(".javamail."))},
	{Name: "domino", Detect: anyOf(subject("delivery failure:"), text("lotus domino", "domino directory"))},
	{Name: "notes", Detect: text("------- failure reasons  --------", "lotus smtp mta")},
	// Mail transfer agents.
	{Name: "courier", Detect: text("running the courier mail server", "courier mail server")},
	{Name: "opensmtpd", Detect: text("this is the mailer-daemon, please do not reply")},
	{Name: "dragonfly", Detect: text("this is the dragonfly mail agent")},
	{Name: "qmail", Detect: text("this is the qmail-send program", "qmail-send program at")},
	{Name: "postfix", Detect: anyOf(text("this is the mail system at host", "the postfix program"), diagnosticType("x-postfix"),
		reportField("X-Postfix-Queue-ID"), reportField("X-Postfix-Sender"))},
	{Name: "exim", Detect: anyOf(text("this message was created automatically by mail delivery software"),
		received("with local (exim"), header("X-Failed-Recipients", ""))},
	{Name: "v5sendmail", Detect: allOf(text("----- unsent message follows -----", "----- transcript of session follows -----"),
		not(text("----- the following addresses had")), noReport), Recognise: sendmail},
	{Name: "sendmail", Detect: anyOf(text("----- the following addresses had permanent fatal errors -----",
		"----- transcript of session follows -----", "----- original message follows -----"),
		allOf(from("mail delivery subsystem"), subject("returned mail:"))), Recognise: sendmail},
}

// A few helpers make the Detect functions above read as a table.

// header matches a header field of the bounce that contains sub
// (lowercase); an empty sub matches any value of a present field.
func header(name, sub string) func(*Input) bool {
	headerSigns = append(headerSigns, headerSign{field: name, sub: sub})
	what, i := "header "+name, headIndex(name)
	return func(in *Input) bool {
		v, ok := in.head(i)
		if sub == "" {
			return in.note(ok, what, "")
		}
		return in.note(phrase.ContainsFold(v, sub), what, sub)
	}
}

// from matches a From field that contains sub (lowercase, ASCII case
// ignored in the field). The subs join fromSigns.
func from(sub string) func(*Input) bool {
	headerSigns = append(headerSigns, headerSign{field: "From", sub: sub})
	bit := fromSigns.add(sub)
	return func(in *Input) bool { return in.note(in.from()&bit != 0, "From", sub) }
}

// subject matches a Subject that contains sub (lowercase).
func subject(sub string) func(*Input) bool {
	headerSigns = append(headerSigns, headerSign{field: "Subject", sub: sub})
	return func(in *Input) bool {
		return in.note(strings.Contains(in.subject(), sub), "Subject", sub)
	}
}

// received matches a Received field of the bounce that contains sub
// (lowercase, ASCII case ignored in the field). The subs join
// receivedSigns.
func received(sub string) func(*Input) bool {
	headerSigns = append(headerSigns, headerSign{field: "Received", sub: sub})
	bit := receivedSigns.add(sub)
	return func(in *Input) bool { return in.note(in.received()&bit != 0, "Received", sub) }
}

// fromSigns and receivedSigns are the subs of all from() and received()
// matches.
var fromSigns, receivedSigns signSet

// signSet is a list of at most 64 lowercase phrases, the signs of one
// kind (a field's subs, the text() phrases), that a text is searched for
// in one pass, each a bit of the result.
type signSet struct {
	subs []string
	set  func() *phrase.Set // the subs indexed, once they are all known
}

// add appends sub to the list and returns its bit.
func (s *signSet) add(sub string) uint64 {
	if len(s.subs) == 64 {
		panic("dialect: more than 64 signs of one kind: " + sub)
	}
	if s.set == nil {
		s.set = sync.OnceValue(func() *phrase.Set { return phrase.New(s.subs...) })
	}
	s.subs = append(s.subs, sub)
	return 1 << (len(s.subs) - 1)
}

// in returns the bits of the subs that v contains, ASCII case ignored.
func (s *signSet) in(v string) uint64 {
	var found uint64
	s.set().ScanFold(v, func(_, i int) bool {
		found |= 1 << i
		return true
	})
	return found
}

// from returns the bits of fromSigns that the bounce's From field
// contains, found on first use.
func (in *Input) from() uint64 {
	if !in.p.from.read { // in.p is zero before prep
		in.readFrom()
	}
	return in.p.from.found
}

// readFrom finds the bits of from.
func (in *Input) readFrom() {
	p := in.prep()
	p.from = bits{fromSigns.in(in.header("From")), true}
}

// received returns the bits of receivedSigns that the bounce's Received
// fields contain, found on first use.
func (in *Input) received() uint64 {
	p := in.prep()
	if !p.received.read {
		p.received.read = true
		if in.Message != nil {
			for v := range in.Message.Header.All("Received") {
				p.received.found |= receivedSigns.in(v)
			}
		}
	}
	return p.received.found
}

// reporting matches a Reporting-MTA of the delivery-status report that
// contains sub (lowercase).
func reporting(sub string) func(*Input) bool {
	return func(in *Input) bool {
		return in.note(phrase.ContainsFold(in.reportingMTA(), sub), "Reporting-MTA", sub)
	}
}

// messageID matches the bounce's Message-ID.
func messageID(sub string) func(*Input) bool { return header("Message-Id", sub) }

// boundary matches the MIME boundary of the bounce's Content-Type.
func boundary(sub string) func(*Input) bool { return header("Content-Type", sub) }

// text matches a text that contains any of the phrases (lowercase). The
// phrases join textSigns, which the report is searched for once.
func text(phrases ...string) func(*Input) bool {
	bits := make([]uint64, len(phrases))
	var any uint64 // all the bits: most reports have none of them
	for i, p := range phrases {
		bits[i] = textSigns.add(p)
		any |= bits[i]
	}
	return func(in *Input) bool {
		found := in.detected()
		if found&any == 0 {
			return false
		}
		for i, bit := range bits {
			if found&bit != 0 {
				return in.note(true, "text", phrases[i])
			}
		}
		return false
	}
}

// textSigns are the phrases of all text() matches.
var textSigns signSet

// detected returns the bits of textSigns that the report's text (the
// original left out) contains, found in one pass on first use.
func (in *Input) detected() uint64 {
	if !in.p.detected.read { // in.p is zero before prep
		in.detect()
	}
	return in.p.detected.found
}

// detect finds the bits of detected.
func (in *Input) detect() {
	p := in.prep()
	p.detected = bits{textSigns.in(p.report), true}
}

// reportField matches a per-message field of the delivery-status report.
func reportField(name string) func(*Input) bool {
	what := "report field " + name
	return func(in *Input) bool { return in.note(in.reportField(name) != "", what, "") }
}

// diagnosticType matches a Diagnostic-Code type of the report.
func diagnosticType(t string) func(*Input) bool {
	return func(in *Input) bool {
		return in.note(strings.Contains(in.diagnosticTypes(), t), "Diagnostic-Code type", t)
	}
}

// failedAt matches an X-Failed-Recipients address that contains sub.
func failedAt(sub string) func(*Input) bool {
	headerSigns = append(headerSigns, headerSign{field: "X-Failed-Recipients", sub: sub})
	return func(in *Input) bool {
		for _, a := range in.failedRecipients() {
			if strings.Contains(LowerASCII(a), sub) {
				return in.note(true, "X-Failed-Recipients", sub)
			}
		}
		return false
	}
}

// noReport matches a bounce without a delivery-status part.
func noReport(in *Input) bool { return len(in.Reports) == 0 }

func anyOf(fs ...func(*Input) bool) func(*Input) bool {
	return func(in *Input) bool {
		for _, f := range fs {
			if f(in) {
				return true
			}
		}
		return false
	}
}

func allOf(fs ...func(*Input) bool) func(*Input) bool {
	return func(in *Input) bool {
		for _, f := range fs {
			if !f(in) {
				return false
			}
		}
		return true
	}
}

func not(f func(*Input) bool) func(*Input) bool {
	return func(in *Input) bool { return !f(in) }
}
