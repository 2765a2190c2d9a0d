package bounce

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/bounce-tool/bounce/pkg/dsn"
	"github.com/bounce-tool/bounce/pkg/parts"
	"github.com/bounce-tool/bounce/pkg/reason"
	"github.com/bounce-tool/bounce/pkg/sign"
)

// feedbackRecords turns a complaint report into records, one per
// complaining recipient. It knows, in order: ARF (RFC 5965, with RFC 6591
// authentication failure reports), Amazon SES complaint notifications,
// Microsoft's JMRP reports (the complained-about message attached, with
// X-HmXmrOriginalRecipient) and Apple Mail's unsubscribe requests. It
// returns nil for anything else.
func feedbackRecords(m *parts.Message, orig Original) []Record {
	var recs []Record
	var why string
	switch {
	case len(m.Feedback) > 0:
		recs, why = arfRecords(m, orig), "an ARF complaint report (a message/feedback-report part)"
	case m.Header.Has("X-Ses-Outgoing") || strings.Contains(strings.ToLower(m.Header.Get("From")), "amazonaws.com"):
		recs, why = sesComplaintRecords(m), "an Amazon SES complaint notification"
	case m.Original != nil && m.Original.Header.Has("X-Hmxmroriginalrecipient"):
		recs, why = jmrpRecords(m, orig), "a Microsoft JMRP report (X-HmXmrOriginalRecipient in the attached message)"
	case strings.EqualFold(strings.TrimSpace(m.Header.Get("X-Apple-Unsubscribe")), "true"):
		recs, why = appleUnsubscribeRecords(m), "an Apple Mail unsubscribe request (X-Apple-Unsubscribe: true)"
	}
	for i := range recs {
		recs[i].Why = Why{Kind: why, Reason: "a complaint report is feedback"}
	}
	return recs
}

// arfRecords reads an ARF report: one record for each Original-Rcpt-To
// (or Removal-Recipient), else one for the original's first recipient.
func arfRecords(m *parts.Message, orig Original) []Record {
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
		rcpts = []string{strings.Split(orig.To, ",")[0]}
	}
	for i, rc := range rcpts {
		// QUIRK: RFC 5965 section 3.2 lets a reporter redact the
		// recipient; some write "undisclosed" in Original-Rcpt-To.
		if !strings.Contains(rc, "@") {
			rcpts[i] = ""
		}
	}
	reporting := rep.ReportingMTA // the "dns;" type removed by dsn
	if reporting == "" {
		reporting = reportingHost(m.Header)
	}
	reporting = strings.ToLower(clean(reporting))
	date := formatDate(dsn.Get(rep.Fields, "Arrival-Date"))
	if date == "" {
		date = formatDate(dsn.Get(rep.Fields, "Received-Date"))
	}
	if date == "" {
		date = formatDate(m.Header.Get("Date"))
	}
	auth := ""
	if typ == "auth-failure" {
		auth = arfAuth(rep.Fields)
	}
	words := firstParagraph(m)
	recs := make([]Record, 0, len(rcpts))
	for _, rc := range rcpts {
		recs = append(recs, Record{
			Kind:         KindFeedback,
			Recipient:    strings.ToLower(clean(rc)),
			Reason:       reason.Feedback,
			Diagnostic:   words,
			ReportingMTA: reporting,
			Date:         date,
			MTA:          "arf",
			Original:     orig,
			Auth:         auth,
			FeedbackType: clean(typ),
		})
	}
	return recs
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
	return clean(t)
}

// sesComplaint is the part of an Amazon SES complaint notification (JSON,
// alone or as the Message of an SNS envelope) that a record needs.
type sesComplaint struct {
	Message          string `json:"Message"`
	NotificationType string `json:"notificationType"`
	EventType        string `json:"eventType"`
	Complaint        *struct {
		ComplainedRecipients []struct {
			EmailAddress string `json:"emailAddress"`
		} `json:"complainedRecipients"`
		Timestamp    string `json:"timestamp"`
		FeedbackType string `json:"complaintFeedbackType"`
		UserAgent    string `json:"userAgent"`
	} `json:"complaint"`
	Mail struct {
		MessageID     string   `json:"messageId"`
		Source        string   `json:"source"`
		Destination   []string `json:"destination"`
		CommonHeaders struct {
			From      []string `json:"from"`
			To        []string `json:"to"`
			Subject   string   `json:"subject"`
			MessageID string   `json:"messageId"`
			Date      string   `json:"date"`
		} `json:"commonHeaders"`
	} `json:"mail"`
}

// sesComplaintRecords reads an SES complaint notification: one record per
// complained recipient.
func sesComplaintRecords(m *parts.Message) []Record {
	ev, ok := decodeSESComplaint(m.Text())
	if !ok {
		return nil
	}
	c := ev.Complaint
	typ := strings.ToLower(strings.TrimSpace(c.FeedbackType))
	if typ == "" {
		typ = "other"
	}
	orig := Original{
		MessageID: clean(strings.Trim(ev.Mail.CommonHeaders.MessageID, "<> ")),
		From:      strings.ToLower(clean(dsn.Address(firstOf(ev.Mail.CommonHeaders.From, ev.Mail.Source)))),
		Subject:   clean(ev.Mail.CommonHeaders.Subject),
		Date:      formatDate(ev.Mail.CommonHeaders.Date),
	}
	if orig.MessageID == "" {
		orig.MessageID = clean(ev.Mail.MessageID)
	}
	to := ev.Mail.CommonHeaders.To
	if len(to) == 0 {
		to = ev.Mail.Destination
	}
	addrs := make([]string, 0, len(to))
	for _, a := range to {
		addrs = append(addrs, strings.ToLower(dsn.Address(a)))
	}
	orig.To = clean(strings.Join(addrs, ", "))
	date := formatDate(c.Timestamp)
	reporting := strings.ToLower(clean(reportingHost(m.Header)))
	var recs []Record
	for _, r := range c.ComplainedRecipients {
		if !strings.Contains(r.EmailAddress, "@") {
			continue
		}
		recs = append(recs, Record{
			Kind:         KindFeedback,
			Recipient:    strings.ToLower(clean(dsn.Address(r.EmailAddress))),
			Reason:       reason.Feedback,
			Diagnostic:   clean(c.UserAgent),
			ReportingMTA: reporting,
			Date:         date,
			MTA:          "amazonses",
			Original:     orig,
			FeedbackType: clean(typ),
		})
	}
	return recs
}

func firstOf(list []string, fallback string) string {
	if len(list) > 0 {
		return list[0]
	}
	return fallback
}

// decodeSESComplaint finds the JSON document in a notification body and
// decodes it when it is a complaint.
func decodeSESComplaint(text string) (sesComplaint, bool) {
	var ev sesComplaint
	i, j := strings.IndexByte(text, '{'), strings.LastIndexByte(text, '}')
	if i < 0 || j < i {
		return ev, false
	}
	doc := text[i : j+1]
	if json.Unmarshal([]byte(doc), &ev) != nil {
		// QUIRK: RFC 5322 section 2.1.1 limits lines to 998 characters;
		// relays split SES's one-line JSON document with "!" and a folded
		// line ("...sim!\n ulator..."). Undo the splits and try again.
		doc = strings.ReplaceAll(strings.ReplaceAll(doc, "\r\n", "\n"), "!\n ", "")
		doc = strings.ReplaceAll(doc, "\n ", "")
		if json.Unmarshal([]byte(doc), &ev) != nil {
			return ev, false
		}
	}
	if ev.Complaint == nil && ev.Message != "" {
		var inner sesComplaint
		if json.Unmarshal([]byte(ev.Message), &inner) != nil {
			return ev, false
		}
		ev = inner
	}
	return ev, ev.Complaint != nil && len(ev.Complaint.ComplainedRecipients) > 0
}

// jmrpRecords reads a Microsoft JMRP complaint (Outlook.com's feedback
// loop): the complained-about message comes attached, and its
// X-HmXmrOriginalRecipient names the complaining recipient.
func jmrpRecords(m *parts.Message, orig Original) []Record {
	who := dsn.Address(m.Original.Header.Get("X-Hmxmroriginalrecipient"))
	if who == "" {
		return nil
	}
	return []Record{{
		Kind:         KindFeedback,
		Recipient:    strings.ToLower(clean(who)),
		Reason:       reason.Feedback,
		Diagnostic:   clean(subjectIn(m.Header, m.Charset)),
		ReportingMTA: strings.ToLower(clean(reportingHost(m.Header))),
		Date:         formatDate(m.Header.Get("Date")),
		MTA:          "jmrp",
		Original:     orig,
		FeedbackType: "abuse",
	}}
}

// appleUnsubscribeRecords reads the unsubscribe request Apple Mail sends
// for its user (X-Apple-Unsubscribe: true): the user, the From, asks to be
// removed from the list the To belongs to.
func appleUnsubscribeRecords(m *parts.Message) []Record {
	who := firstAddress(m.Header, "From")
	if who == "" {
		return nil
	}
	return []Record{{
		Kind:         KindFeedback,
		Recipient:    who,
		Reason:       reason.Feedback,
		Diagnostic:   firstParagraph(m),
		ReportingMTA: strings.ToLower(clean(reportingHost(m.Header))),
		Date:         formatDate(m.Header.Get("Date")),
		MTA:          "apple",
		FeedbackType: "opt-out",
	}}
}

// autoreplyRecord describes a vacation or out-of-office reply: the recipient
// is the person who is away.
func autoreplyRecord(m *parts.Message, orig Original) Record {
	who := firstAddress(m.Header, "From")
	why := "an auto-reply by its header (Auto-Submitted: auto-replied, an X-Autoreply-style field or Precedence: auto_reply)"
	subject := subjectIn(m.Header, m.Charset)
	if sign.AutoReply(m.Header, subject) == sign.AutoReplyWeak {
		why = whyText("an auto-reply by its subject " + strconv.Quote(subject))
	}
	return Record{
		Why:        Why{Kind: why, Reason: "an auto-reply is vacation"},
		Kind:       KindAutoreply,
		Recipient:  who,
		Reason:     reason.Vacation,
		Diagnostic: clean(subjectIn(m.Header, m.Charset)),
		Date:       formatDate(m.Header.Get("Date")),
		MTA:        "rfc3834",
		Original:   orig,
	}
}
