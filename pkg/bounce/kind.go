package bounce

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/dialect"
	"github.com/bounce-tool/bounce/pkg/parts"
	"github.com/bounce-tool/bounce/pkg/sign"
	"github.com/emersion/go-message/mail"
)

type look int

const (
	lookOrdinary look = iota // nothing in the header suggests a report
	lookMaybe                // worth taking apart
)

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
// What a delivery report looks like is the recognisers' to say
// (dialect.Sniff); complaint reports and auto-replies have their signs
// here and in package sign.
func sniff(hd *head) look {
	h := hd.h
	subj := hd.subject()
	switch {
	case dialect.Sniff(h, hd.typ, subj),
		sign.AutoReply(h, subj) != sign.NotAutoReply,
		sign.FirstToken(h.Get("Auto-Submitted")) != "" && sign.FirstToken(h.Get("Auto-Submitted")) != "no",
		feedbackSign(h, subj):
		return lookMaybe
	}
	return lookOrdinary
}

// feedbackSubjects are words of the subjects of complaint reports that do
// not come as multipart/report (Microsoft's JMRP, providers' abuse desks).
var feedbackSubjects = []string{"complaint", "abuse report", "spam report"}

// feedbackSign reports whether a header may be that of a complaint report
// that feedbackRecords reads.
func feedbackSign(h mail.Header, subject string) bool {
	if h.Has("X-Apple-Unsubscribe") || h.Has("X-Ses-Outgoing") {
		return true
	}
	for _, w := range feedbackSubjects {
		if strings.Contains(subject, w) {
			return true
		}
	}
	return false
}

// isAutoreply reports whether a message is an auto-reply (sign.AutoReply):
// never a report.
func isAutoreply(hd *head) bool {
	return hd.typ != "multipart/report" && sign.AutoReply(hd.h, hd.subject()) != sign.NotAutoReply
}

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
