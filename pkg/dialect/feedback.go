package dialect

import (
	"strconv"
	"strings"

	"github.com/bounce-tool/bounce/pkg/dsn"
	mimeheader "github.com/bounce-tool/bounce/pkg/header"
	"github.com/bounce-tool/bounce/pkg/internal/phrase"
	"github.com/bounce-tool/bounce/pkg/parts"
	"github.com/bounce-tool/bounce/pkg/sign"
)

// The kinds of Result.
const (
	KindBounce    = "bounce"    // a delivery status notification
	KindFeedback  = "feedback"  // a complaint report
	KindAutoreply = "autoreply" // a vacation or out-of-office reply
)

// notices are the recognisers of the reports that are not delivery
// reports, tried before the dialects: complaint reports (ARF, RFC 5965
// with RFC 6591; Amazon SES complaint notifications; Microsoft JMRP;
// Apple Mail's unsubscribe requests), then auto-replies (RFC 3834).
var notices = []struct {
	why       string
	recognise func(in *Input) *Result
}{
	{"an ARF complaint report (a message/feedback-report part)", arf},
	{"an Amazon SES complaint notification", sesComplaint},
	{"a Microsoft JMRP report (X-HmXmrOriginalRecipient in the attached message)", jmrp},
	{"an Apple Mail unsubscribe request (X-Apple-Unsubscribe: true)", appleUnsubscribe},
	{"", autoReply},
}

// notice returns the Result of the first notice recogniser that reads
// the message, or nil.
func notice(in *Input) *Result {
	if in.Message == nil || in.depth > 0 {
		return nil
	}
	for _, n := range notices {
		if res := n.recognise(in); !empty(res) {
			if n.why != "" {
				res.Why = n.why
			}
			return res
		}
	}
	return nil
}

// feedbackSubjects are words of the subjects of complaint reports that do
// not come as multipart/report (Microsoft's JMRP, providers' abuse desks).
var feedbackSubjects = []string{"complaint", "abuse report", "spam report"}

// noticeSign reports whether a header may be that of a notice: a complaint
// report's marks, or an auto-reply's (sign.AutoReply). Sniff asks it.
func noticeSign(h mimeheader.Header, subject string) bool {
	if h.Has("X-Apple-Unsubscribe") || h.Has("X-Ses-Outgoing") || sign.AutoReply(h, subject) != sign.NotAutoReply {
		return true
	}
	for _, w := range feedbackSubjects {
		if strings.Contains(subject, w) {
			return true
		}
	}
	return false
}

// arf reads an ARF report: one recipient for each Original-Rcpt-To (or
// Removal-Recipient), else the returned original's first To.
func arf(in *Input) *Result {
	m := in.Message
	if len(m.Feedback) == 0 {
		return nil
	}
	rep, _ := dsn.ParseBytes(m.Feedback[0])
	if rep == nil {
		return nil
	}
	typ := strings.ToLower(strings.TrimSpace(dsn.Get(rep.Fields, "Feedback-Type")))
	if typ == "" {
		typ = "other"
	}
	var rcpts []string
	for _, f := range rep.Fields {
		if strings.EqualFold(f.Name, "Original-Rcpt-To") || strings.EqualFold(f.Name, "Removal-Recipient") {
			rcpts = append(rcpts, dsn.Address(f.Value))
		}
	}
	if len(rcpts) == 0 {
		first := ""
		if r := in.Returned(); r.OK {
			if to := headerAddresses(r.Header, "To"); len(to) > 0 {
				first = strings.ToLower(to[0])
			}
		}
		rcpts = []string{first}
	}
	auth := ""
	if typ == "auth-failure" {
		auth = arfAuth(rep.Fields)
	}
	res := &Result{Kind: KindFeedback, MTA: "arf", ReportingMTA: rep.ReportingMTA, // the "dns;" type removed by dsn
		Date: firstDate(dsn.Get(rep.Fields, "Arrival-Date"), dsn.Get(rep.Fields, "Received-Date"))}
	words := firstParagraph(m)
	for _, rc := range rcpts {
		// QUIRK: RFC 5965 section 3.2 lets a reporter redact the
		// recipient; some write "undisclosed" in Original-Rcpt-To.
		if !strings.Contains(rc, "@") {
			rc = ""
		}
		res.Recipients = append(res.Recipients, Recipient{Address: rc, Diagnostic: words, FeedbackType: typ, Auth: auth})
	}
	return res
}

// firstDate returns the first of dates that parses, or "".
func firstDate(dates ...string) string {
	for _, d := range dates {
		if _, ok := dsn.ParseDate(d); ok {
			return d
		}
	}
	return ""
}

// arfAuth names the check an RFC 6591 report is about: its Auth-Failure
// field ("spf", "dmarc"; "adsp", "bodyhash", "revoked" and "signature" are
// DKIM's), else "dkim" when the report names a DKIM domain.
func arfAuth(fields []dsn.Field) string {
	switch strings.ToLower(strings.TrimSpace(dsn.Get(fields, "Auth-Failure"))) {
	case "spf":
		return "spf"
	case "dmarc":
		return "dmarc"
	case "adsp", "bodyhash", "revoked", "signature":
		return "dkim"
	}
	if dsn.Get(fields, "DKIM-Domain") != "" {
		return "dkim"
	}
	if dsn.Get(fields, "SPF-DNS") != "" {
		return "spf"
	}
	return ""
}

// firstParagraph is the first paragraph of the report's human-readable
// text, folded to one line: what the reporter says about the complaint.
func firstParagraph(m *parts.Message) string {
	if len(m.Texts) == 0 {
		return ""
	}
	t := strings.TrimSpace(strings.ReplaceAll(m.Texts[0].Body, "\r\n", "\n"))
	if i := strings.Index(t, "\n\n"); i > 0 {
		t = t[:i]
	}
	return Fold(t)
}

// sesComplaint reads an SES complaint notification (the JSON of sesJSON):
// one recipient per complained recipient; the notification describes the
// original itself.
func sesComplaint(in *Input) *Result {
	if !in.hasHeader("X-Ses-Outgoing") && phrase.IndexFold(in.header("From"), "amazonaws.com") < 0 {
		return nil
	}
	ev := in.ses()
	if ev == nil || ev.Complaint == nil || len(ev.Complaint.ComplainedRecipients) == 0 {
		return nil
	}
	c := ev.Complaint
	typ := strings.ToLower(strings.TrimSpace(c.FeedbackType))
	if typ == "" {
		typ = "other"
	}
	h := ev.Mail.CommonHeaders
	orig := &Original{MessageID: strings.Trim(h.MessageID, "<> "), From: dsn.Address(firstOf(h.From, ev.Mail.Source)),
		Subject: h.Subject, Date: h.Date}
	if orig.MessageID == "" {
		orig.MessageID = ev.Mail.MessageID
	}
	to := h.To
	if len(to) == 0 {
		to = ev.Mail.Destination
	}
	for _, a := range to {
		orig.To = append(orig.To, dsn.Address(a))
	}
	res := &Result{Kind: KindFeedback, MTA: "amazonses", Date: c.Timestamp, Original: orig}
	for _, r := range c.ComplainedRecipients {
		if strings.Contains(r.EmailAddress, "@") {
			res.Recipients = append(res.Recipients, Recipient{Address: dsn.Address(r.EmailAddress),
				Diagnostic: c.UserAgent, FeedbackType: typ})
		}
	}
	return res
}

func firstOf(list []string, fallback string) string {
	if len(list) > 0 {
		return list[0]
	}
	return fallback
}

// jmrp reads a Microsoft JMRP complaint (Outlook.com's feedback loop): the
// complained-about message comes attached, and its
// X-HmXmrOriginalRecipient names the complaining recipient.
func jmrp(in *Input) *Result {
	o := in.Message.Original
	if o == nil || !o.Header.Has("X-Hmxmroriginalrecipient") {
		return nil
	}
	who := dsn.Address(o.Header.Get("X-Hmxmroriginalrecipient"))
	if who == "" {
		return nil
	}
	return &Result{Kind: KindFeedback, MTA: "jmrp", Recipients: []Recipient{{Address: who,
		Diagnostic: parts.SubjectOf(in.Message.Header, in.Message.Charset), FeedbackType: "abuse"}}}
}

// appleUnsubscribe reads the unsubscribe request Apple Mail sends for its
// user (X-Apple-Unsubscribe: true): the user, the From, asks to be removed
// from the list the To belongs to.
func appleUnsubscribe(in *Input) *Result {
	if !strings.EqualFold(strings.TrimSpace(in.header("X-Apple-Unsubscribe")), "true") {
		return nil
	}
	who := sign.Address(in.header("From"))
	if who == "" {
		return nil
	}
	return &Result{Kind: KindFeedback, MTA: "apple",
		Recipients: []Recipient{{Address: who, Diagnostic: firstParagraph(in.Message), FeedbackType: "opt-out"}}}
}

// autoReply reads a vacation or out-of-office reply (sign.AutoReply): the
// recipient is the person who is away, the words are the subject. A
// message with a delivery-status report is never one.
func autoReply(in *Input) *Result {
	m := in.Message
	if len(m.Reports) > 0 {
		return nil
	}
	if phrase.HasPrefixFold(strings.TrimSpace(m.Header.Get("Content-Type")), "multipart/report") {
		return nil
	}
	subject := parts.SubjectOf(m.Header, m.Charset)
	strength := sign.AutoReply(m.Header, subject)
	if strength == sign.NotAutoReply {
		return nil
	}
	why := "an auto-reply by its header (Auto-Submitted: auto-replied, an X-Autoreply-style field or Precedence: auto_reply)"
	if strength == sign.AutoReplyWeak {
		why = "an auto-reply by its subject " + strconv.Quote(subject)
	}
	return &Result{Kind: KindAutoreply, MTA: "rfc3834", Why: why,
		Recipients: []Recipient{{Address: sign.Address(m.Header.Get("From")), Diagnostic: subject}}}
}
