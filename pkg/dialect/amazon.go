package dialect

import (
	"encoding/json"
	"strings"

	"github.com/bounce-tool/bounce/pkg/internal/phrase"
)

// Amazon SES sends its bounces as DSNs, and, to those who subscribed to
// notifications, as JSON documents in a mail body (alone, or as the Message
// of an SNS envelope).

// detectAmazonSES: SES's own header (not on mail it only relayed), its
// sender or reporting host, or a notification's JSON.
var detectAmazonSES = anyOf(
	allOf(header("X-Ses-Outgoing", ""), not(header("X-Original-Mailer", ""))),
	from("amazonses.com"), from("@sns.amazonaws."), reporting("amazonses.com"),
	allOf(text(`"notificationtype"`, `"eventtype"`), text("amazonses", "arn:aws:")))

// detectReceivingSES: SES refusing mail for a domain it receives for.
func detectReceivingSES(in *Input) bool {
	r := in.reportingMTA()
	return in.note(phrase.HasPrefixFold(r, "inbound-smtp.") && hasSuffixFold(r, ".amazonaws.com"), "Reporting-MTA", "inbound-smtp.*.amazonaws.com")
}

// detectAmazonWorkMail: WorkMail's X-Mailer, also when SES relayed it.
var detectAmazonWorkMail = anyOf(header("X-Mailer", "amazon workmail"), header("X-Original-Mailer", "amazon workmail"))

// sesEvent is the part of an SES notification (bounce, delivery or
// complaint) that names the recipients. It is the one reader of SES's JSON:
// amazonSES reads bounces and deliveries, sesComplaint complaints.
type sesEvent struct {
	Message          string `json:"Message"` // an SNS envelope's payload
	NotificationType string `json:"notificationType"`
	EventType        string `json:"eventType"`
	Bounce           *struct {
		BounceType        string `json:"bounceType"`
		BouncedRecipients []struct {
			EmailAddress   string `json:"emailAddress"`
			Action         string `json:"action"`
			Status         string `json:"status"`
			DiagnosticCode string `json:"diagnosticCode"`
		} `json:"bouncedRecipients"`
		Timestamp    string `json:"timestamp"`
		ReportingMTA string `json:"reportingMTA"`
		RemoteMTAIP  string `json:"remoteMtaIp"`
	} `json:"bounce"`
	Delivery *struct {
		Timestamp    string   `json:"timestamp"`
		Recipients   []string `json:"recipients"`
		SMTPResponse string   `json:"smtpResponse"`
		ReportingMTA string   `json:"reportingMTA"`
		RemoteMTAIP  string   `json:"remoteMtaIp"`
	} `json:"delivery"`
	Complaint *struct {
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

// amazonSES reads an SES JSON notification; a DSN from SES is left to the
// structured report.
func amazonSES(in *Input) *Result {
	ev := in.ses()
	if ev == nil {
		return nil
	}
	res := &Result{}
	switch {
	case ev.Bounce != nil:
		res.ReportingMTA = stripType(ev.Bounce.ReportingMTA)
		res.Date = ev.Bounce.Timestamp
		action := "failed"
		if strings.EqualFold(ev.Bounce.BounceType, "Transient") {
			action = "delayed"
		}
		for _, r := range ev.Bounce.BouncedRecipients {
			if !strings.Contains(r.EmailAddress, "@") {
				continue
			}
			rc := Recipient{Address: cleanAddress(r.EmailAddress), Action: strings.ToLower(r.Action), Status: r.Status,
				Diagnostic: stripType(r.DiagnosticCode)}
			if rc.Action == "" {
				rc.Action = action
			}
			res.Recipients = append(res.Recipients, rc)
		}
	case ev.Delivery != nil:
		res.ReportingMTA = ev.Delivery.ReportingMTA
		res.Date = ev.Delivery.Timestamp
		for _, a := range ev.Delivery.Recipients {
			if strings.Contains(a, "@") {
				res.Recipients = append(res.Recipients, Recipient{Address: cleanAddress(a), Action: "delivered",
					Diagnostic: ev.Delivery.SMTPResponse})
			}
		}
	}
	if empty(res) {
		return nil
	}
	return res
}

// ses returns the SES notification in the text (sesJSON), nil when there
// is none, read once: amazonSES and sesComplaint both ask. The caller must
// not change it.
func (in *Input) ses() *sesEvent {
	p := in.prep()
	if !p.sesRead {
		p.sesRead = true
		if ev, ok := sesJSON(p.text); ok {
			p.sesEvent = &ev
		}
	}
	return p.sesEvent
}

// sesJSON finds and decodes the JSON document in a notification body.
func sesJSON(text string) (sesEvent, bool) {
	var ev sesEvent
	i, j := strings.IndexByte(text, '{'), strings.LastIndexByte(text, '}')
	if i < 0 || j < i {
		return ev, false
	}
	doc := text[i : j+1]
	if json.Unmarshal([]byte(doc), &ev) != nil {
		// QUIRK: RFC 5322 section 2.1.1 limits lines to 998 characters;
		// relays split the one-line JSON document with "!" and a folded
		// line ("...sim!\n ulator..."). Undo the splits and try again.
		doc = strings.ReplaceAll(doc, "!\n ", "")
		doc = strings.ReplaceAll(doc, "\n ", "")
		if json.Unmarshal([]byte(doc), &ev) != nil {
			return ev, false
		}
	}
	if ev.Message != "" && ev.Bounce == nil && ev.Delivery == nil && ev.Complaint == nil {
		var inner sesEvent
		if json.Unmarshal([]byte(ev.Message), &inner) != nil {
			return ev, false
		}
		ev = inner
	}
	return ev, ev.Bounce != nil || ev.Delivery != nil || ev.Complaint != nil
}

// stripType removes an RFC 3464 type prefix ("dsn; mx.example.com",
// "smtp; 550 ...").
func stripType(v string) string {
	if typ, rest, ok := strings.Cut(v, ";"); ok && len(typ) < 20 && !strings.ContainsAny(typ, " \t") {
		return strings.TrimSpace(rest)
	}
	return strings.TrimSpace(v)
}
