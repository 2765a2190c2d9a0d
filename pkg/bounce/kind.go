package bounce

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/internal/phrase"
	"github.com/bounce-tool/bounce/pkg/parts"
	"github.com/emersion/go-message/mail"
)

type look int

const (
	lookOrdinary look = iota // nothing in the header suggests a report
	lookMaybe                // worth taking apart
)

// bounceSenders are local parts of the addresses bounces come from.
var bounceSenders = []string{"mailer-daemon", "mailer_daemon", "postmaster", "mail-daemon", "maildaemon",
	"mailerdaemon", "mdaemon", "post_master", "bounce", "double-bounce", "noreply", "no-reply", "mail.daemon",
	"mailadmin", "mail-delivery", "mail delivery"}

// bounceSubjects are words bounce subjects use, lowercase. None contains
// another: the longer one would add nothing.
var bounceSubjects = []string{"undeliver", "delivery status", "delivery failure", "delivery failed",
	"failure notice", "mail delivery", "delivery notification", "non-delivery", "nondeliver", "not delivered",
	"could not be delivered", "couldn't be delivered", "delivery problem", "mail system error", "rejected",
	"bounce", "warning: could not send", "delivery report", "failed delivery", "error sending message",
	"permanent error", "temporary error", "unzustellbar", "non remis", "non recapitata", "no entregado",
	"niet bezorgd", "onbestelbaar", "unable to deliver", "mail failure", "complaint", "abuse report",
	"spam report", "配信", "不達", "返送", "недостав", "nicht zugestellt", "delay", "failure delivery", "mail failed",
	"message failed", "returned", "delivery error", "sending failed"}

// listNotices are subject words of a mailing list manager's refusal.
var listNotices = []string{"not member", "loop alert", "duplicated message-id", "not a member", "refused"}

func hasAny(s string, list []string) bool {
	for _, w := range list {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// The subject lists, indexed: a subject is tested against about a hundred
// phrases for every message of a large mbox.
var bounceSubjectSet, autoreplySubjectSet, bounceOnlySubjectSet = phrase.New(bounceSubjects...),
	phrase.New(autoreplySubjects...), phrase.New(bounceOnlySubjects...)

// head is what sniff and isAutoreply read from a message's top-level
// header, each part worked out once.
type head struct {
	h      mail.Header
	typ    string            // the media type of Content-Type, lowercase
	params map[string]string // its parameters
	subj   *string           // the decoded subject, lowercase; read on first use
}

func newHead(h mail.Header) *head {
	typ, params, _ := h.ContentType()
	return &head{h: h, typ: typ, params: params}
}

// subject returns the decoded subject in lowercase (see subjectIn).
func (hd *head) subject() string {
	if hd.subj == nil {
		s := strings.ToLower(parts.DecodeHeader(hd.h.Get("Subject"), hd.params["charset"]))
		hd.subj = &s
	}
	return *hd.subj
}

// sniff takes the cheap first look at a header. It errs on the side of
// looking closer: only mail with none of the signs of a report is ordinary.
func sniff(hd *head) look {
	h := hd.h
	switch hd.typ {
	case "multipart/report", "message/delivery-status", "message/feedback-report":
		return lookMaybe
	}
	for _, k := range []string{"X-Failed-Recipients", "Auto-Submitted", "X-Autoreply", "X-Autorespond",
		"X-Auto-Response-Suppress", "X-Mailer-Daemon-Error", "X-Failed-Recipient", "X-Postfix-Queue-Id",
		"X-Ses-Outgoing", "X-Amzn-Bounce", "X-Feedback-Id"} {
		if h.Has(k) {
			return lookMaybe
		}
	}
	if h.Has("X-Mlserver") && hasAny(hd.subject(), listNotices) {
		return lookMaybe
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
	subj := hd.subject()
	if bounceSubjectSet.Any(subj) || autoreplySubjectSet.Any(subj) {
		return lookMaybe
	}
	return lookOrdinary
}

// autoreplySubjects are words in the subjects of vacation and
// out-of-office replies, lowercase.
var autoreplySubjects = []string{"auto:", "automatic reply", "autoreply", "auto-reply", "auto reply", "autorespon",
	"auto-response", "auto response", "out of office", "out of the office", "ooo:", "vacation", "away from",
	// de, fr, es, pt, it, nl, sv/no/da
	"abwesenheit", "automatische antwort", "abwesend", "réponse automatique", "reponse automatique", "absence",
	"respuesta automática", "respuesta automatica", "fuera de la oficina", "ausente", "resposta automática",
	"resposta automatica", "risposta automatica", "fuori sede", "automatisch antwoord", "afwezig", "autosvar",
	"fraværende", "frånvaro",
	// ja, zh, ko, ru, pl
	"自動応答", "自動返信", "不在", "自动回复", "自動回覆", "자동 응답", "부재", "автоответ", "автоматический ответ",
	"нет на месте", "automatyczna odpowiedź"}

// autoreplyHeaders are the vendor headers auto-responders set.
var autoreplyHeaders = []string{"X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Autogenerated",
	"X-Vacation", "X-Mail-Autoreply", "X-Autoreply-From", "X-Auto-Response-Suppress"}

// isAutoreply reports whether a header is that of an auto-reply: RFC 3834's
// Auto-Submitted: auto-replied, a vendor header or Precedence: auto_reply,
// or a vacation subject; and nothing that says bounce. Bounces sent by a
// mail daemon carry Auto-Submitted: auto-replied too, wrongly (RFC 3834
// section 5 asks for auto-generated), so the sender and the report type
// decide against an auto-reply.
func isAutoreply(hd *head) bool {
	h := hd.h
	if hd.typ == "multipart/report" {
		return false
	}
	from := strings.ToLower(h.Get("From"))
	for _, s := range daemonSenders {
		if strings.Contains(from, s) {
			return false
		}
	}
	subj := hd.subject()
	if bounceOnlySubjectSet.Any(subj) {
		return false
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))), "auto-replied") {
		return true
	}
	for _, k := range autoreplyHeaders {
		if h.Has(k) {
			return true
		}
	}
	if strings.Contains(strings.ToLower(h.Get("Precedence")), "auto_reply") {
		return true
	}
	return autoreplySubjectSet.Any(subj)
}

// daemonSenders are the local parts of mail systems, never of a person on
// holiday.
var daemonSenders = []string{"mailer-daemon", "mailer_daemon", "maildaemon", "mail-daemon", "mailerdaemon",
	"postmaster", "post_master", "double-bounce"}

// bounceOnlySubjects are words of bounce subjects that no vacation reply
// uses.
var bounceOnlySubjects = []string{"undeliver", "undelivered", "returned mail", "delivery status notification",
	"delivery failure", "delivery failed", "failure notice", "mail delivery", "non-delivery", "nondeliver",
	"not delivered", "could not be delivered", "delivery notification", "returned to sender", "unzustellbar",
	"non remis", "non recapitata", "no entregado", "onbestelbaar", "bounce"}

// subjectIn returns the decoded subject of h: encoded words decoded, raw
// 8-bit and ISO-2022 bytes decoded by the charset h declares, else by hint
// (the charset the message around h declares), else guessed
// (parts.DecodeHeader).
func subjectIn(h mail.Header, hint string) string {
	cs := hint
	if _, params, _ := h.ContentType(); params["charset"] != "" {
		cs = params["charset"]
	}
	return parts.DecodeHeader(h.Get("Subject"), cs)
}
