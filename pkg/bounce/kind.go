package bounce

import (
	"strings"

	"github.com/emersion/go-message/mail"
)

type look int

const (
	lookOrdinary look = iota // nothing in the header suggests a report
	lookMaybe                // worth taking apart
)

// bounceSenders are local parts of the addresses bounces come from.
var bounceSenders = []string{"mailer-daemon", "mailer_daemon", "postmaster", "mail-daemon", "maildaemon",
	"mailerdaemon", "mdaemon", "post_master", "bounce", "bounces", "returns", "double-bounce", "nobody", "root", "noreply",
	"no-reply", "mail.daemon", "mailadmin", "mail-delivery", "mailer"}

// bounceSubjects are words bounce subjects use, lowercase.
var bounceSubjects = []string{"undeliver", "undelivered", "returned mail", "delivery status", "delivery failure",
	"delivery failed", "failure notice", "mail delivery", "delivery notification", "non-delivery", "nondeliver",
	"not delivered", "could not be delivered", "couldn't be delivered", "delivery problem", "returned to sender",
	"mail system error", "rejected", "bounce", "warning: could not send", "delayed mail", "delivery delay",
	"delivery report", "failed delivery", "message not delivered", "undeliverable", "error sending message",
	"permanent error", "temporary error", "unzustellbar", "non remis", "non recapitata", "no entregado",
	"niet bezorgd", "onbestelbaar", "unable to deliver", "mail failure", "returned message", "complaint", "abuse report",
	"spam report", "配信", "不達", "返送", "недостав", "nicht zugestellt", "delay", "failure delivery",
	"mail failed", "message failed", "returned", "delivery error", "sending failed"}

// sniff takes the cheap first look at a header. It errs on the side of
// looking closer: only mail with none of the signs of a report is ordinary.
func sniff(h mail.Header) look {
	typ, params, _ := h.ContentType()
	switch typ {
	case "multipart/report", "message/delivery-status", "message/feedback-report":
		_ = params
		return lookMaybe
	}
	for _, k := range []string{"X-Failed-Recipients", "Auto-Submitted", "X-Autoreply", "X-Autorespond",
		"X-Auto-Response-Suppress", "X-Mailer-Daemon-Error", "X-Failed-Recipient", "X-Postfix-Queue-Id",
		"X-Ses-Outgoing", "X-Amzn-Bounce", "X-Feedback-Id"} {
		if h.Has(k) {
			return lookMaybe
		}
	}
	if p := strings.ToLower(h.Get("Precedence")); strings.Contains(p, "auto") {
		return lookMaybe
	}
	if rp := strings.TrimSpace(h.Get("Return-Path")); rp == "<>" || rp == "" && h.Has("Return-Path") {
		return lookMaybe
	}
	from := strings.ToLower(h.Get("From"))
	for _, s := range bounceSenders {
		if strings.Contains(from, s) {
			return lookMaybe
		}
	}
	subj := strings.ToLower(subjectOf(h))
	for _, s := range bounceSubjects {
		if strings.Contains(subj, s) {
			return lookMaybe
		}
	}
	for _, s := range autoreplySubjects {
		if strings.Contains(subj, s) {
			return lookMaybe
		}
	}
	return lookOrdinary
}

// autoreplySubjects open the subjects of vacation and out-of-office replies.
var autoreplySubjects = []string{"auto:", "automatic reply", "autoreply", "auto-reply", "auto reply", "out of office",
	"out of the office", "vacation", "abwesenheit", "automatische antwort", "réponse automatique", "absence",
	"respuesta automática", "fuera de la oficina", "risposta automatica", "resposta automática",
	"automatisch antwoord", "autosvar", "自動応答", "自動返信", "автоответ", "away from"}

// isAutoreply reports whether a header is that of an auto-reply (RFC 3834
// Auto-Submitted: auto-replied, the vendor headers, or a typical subject).
func isAutoreply(h mail.Header) bool {
	as := strings.ToLower(h.Get("Auto-Submitted"))
	if strings.HasPrefix(as, "auto-replied") {
		return true
	}
	if h.Has("X-Autoreply") || h.Has("X-Autorespond") || strings.Contains(strings.ToLower(h.Get("Precedence")), "auto_reply") {
		return true
	}
	subj := strings.ToLower(subjectOf(h))
	for _, s := range autoreplySubjects {
		if strings.Contains(subj, s) {
			return true
		}
	}
	return false
}

// subjectOf returns the decoded subject, or the raw one when it does not decode.
func subjectOf(h mail.Header) string {
	s, err := h.Subject()
	if err != nil || s == "" {
		return h.Get("Subject")
	}
	return s
}
