package sign

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/internal/phrase"
)

// reportSubjects are words of the subjects of delivery reports, failures
// and delays, lowercase, in the languages servers write them in. None is
// an auto-reply's: a subject holding one is never a vacation notice.
var reportSubjects = []string{
	"undeliver", "returned mail", "returned to sender", "delivery status", "delivery fail", "delivery failure",
	"failure notice", "mail delivery", "non-delivery", "nondeliver", "non delivery", "not delivered",
	"could not be delivered", "couldn't be delivered", "delivery problem", "mail system error",
	"delivery notification", "failed delivery", "delivery error", "mail failure", "mail failed", "message failed",
	"delivery report", "failure delivery", "delivery delayed", "delayed mail", "delivery delay",
	"warning: could not send", "warning: message", "message delayed", "error sending message", "sending failed",
	"unable to deliver", "permanent error", "temporary error", "perm_failure", "temp_failure",
	"message you sent blocked", "nondelivery", "delivery has failed", "message not delivered",
	// de, fr, es, it, pt, nl, ja, ru, zh
	"unzustellbar", "nicht zugestellt", "zustellung fehlgeschlagen", "non remis", "non distribuable",
	"échec de la remise", "echec de la remise", "no entregado", "no se pudo entregar", "non recapitat",
	"mancata consegna", "não entregue", "nao entregue", "falha na entrega", "niet bezorgd", "onbestelbaar",
	"配信", "不達", "返送", "エラー", "недостав", "退信", "无法投递",
	// pl, cs, sv, da and nb, fi, tr, hu, ko, as Outlook's "Undeliverable:"
	// and other servers write them
	"niedostarczaln", "niedostarczon", "nedoručiteln", "nedoručen", "olevererbar", "ej levererbar",
	"kunde inte levereras", "kan ikke leveres", "kunne ikke leveres", "tavoittamaton", "toimitus epäonnistui",
	"teslim edilemeyen", "teslim edilemedi", "kézbesíthetetlen", "배달되지 않음", "전송 실패",
}

var reportSubjectSet = phrase.New(reportSubjects...)

// ReportSubject reports whether a decoded subject is that of a delivery
// report: a failure or a delay notice.
func ReportSubject(subject string) bool {
	return reportSubjectSet.Any(strings.ToLower(subject))
}

// stockReportSubjects are whole subjects, lowercase with single spaces,
// that servers give their delivery reports and that say nothing else.
var stockReportSubjects = [...]string{
	"undelivered mail returned to sender",
	"delivery status notification",
	"delivery status notification (failure)",
	"delivery status notification (delay)",
	"mail delivery failed: returning message to sender",
	"mail delivery failed",
	"returned mail: see transcript for details",
	"failure notice",
	"delivery failure",
	"message not delivered",
	"mail delivery system",
	"undeliverable mail",
	"warning: message delayed",
}

// StockReportSubject reports whether a subject, lowercase with single
// spaces, is one of the stock subjects of delivery reports as a whole
// ("failure notice"), which name no conversation: unlike ReportSubject,
// "mail delivery failed: [#12] printer" is not one.
func StockReportSubject(norm string) bool {
	for _, s := range stockReportSubjects {
		if norm == s {
			return true
		}
	}
	return false
}

// replyPrefixes start the subjects of replies and forwards, lowercase, in
// the languages mail programs write them in (Re, AW, SV, Antw, R, RIF, Réf,
// TR, WG, Fw, Fwd, RV).
var replyPrefixes = []string{"re:", "aw:", "sv:", "antw:", "r:", "rif:", "réf:", "tr:", "wg:", "fw:", "fwd:", "rv:"}

// ReplySubject reports whether a decoded subject answers or forwards
// another message ("Re: mail to you is undeliverable?"): a person writing
// about a delivery report, not the report.
func ReplySubject(subject string) bool { return hasPrefixFold(subject, replyPrefixes) }

// hasPrefixFold reports whether subject, leading white space aside, starts
// with one of prefixes (lowercase), case ignored.
func hasPrefixFold(subject string, prefixes []string) bool {
	_, ok := cutPrefixFold(subject, prefixes)
	return ok
}

// cutPrefixFold returns subject after the first of prefixes (lowercase) it
// starts with, leading white space aside and case ignored, and true; or ""
// and false. It makes no lowercase copy.
func cutPrefixFold(subject string, prefixes []string) (string, bool) {
	s := strings.TrimLeft(subject, " \t\r\n")
	for _, p := range prefixes {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			return s[len(p):], true
		}
	}
	return "", false
}

// forwardPrefixes start the subjects of forwards, lowercase, in the
// languages mail programs write them in (Fwd, Fw, WG, TR, RV, Enc, Doorst,
// PD, VL, I).
var forwardPrefixes = []string{"fwd:", "fw:", "wg:", "tr:", "rv:", "enc:", "doorst:", "pd:", "vl:", "i:"}

// ForwardSubject reports whether a decoded subject forwards another
// message ("Fwd: Postmaster notify: see transcript for details").
func ForwardSubject(subject string) bool { return hasPrefixFold(subject, forwardPrefixes) }

// quotingPrefixes start the subjects of delivery reports that quote the
// original's subject after them, as Exchange, Outlook and GroupWise write
// them ("Undeliverable: [#91] Order update", "Delivery delayed:[#91] ...");
// compared ignoring case.
var quotingPrefixes = []string{
	"undeliverable:", "undelivered:", "undeliverable message:", "delivery delayed:", "delayed:",
	"not delivered:", "delivery failure:", "delivery failed:", "message not delivered:",
	// de, fr, es, it, pt, nl, sv
	"unzustellbar:", "nicht zustellbar:", "zustellung verzögert:", "non remis :", "non remis:",
	"remise différée :", "remise différée:", "no se puede entregar:", "no entregado:", "entrega retrasada:",
	"non recapitabile:", "recapito ritardato:", "não entregue:", "não é possível entregar:",
	"entrega atrasada:", "niet bezorgd:", "onbestelbaar:", "bezorging vertraagd:", "olevererbart:",
	// pl, cs, sv, da and nb, fi, tr, hu, ru, ja, zh, ko
	"niedostarczalne:", "nedoručitelné:", "ej levererbart:", "kan ikke leveres:", "tavoittamaton:",
	"teslim edilemeyen:", "kézbesíthetetlen:", "не удается доставить:", "配信不能:", "无法投递:", "배달되지 않음:",
}

// QuotedSubject returns the original's subject that a delivery report's
// subject quotes after one of the prefixes Exchange and its kin write
// ("Undeliverable: [#91] Order update" gives "[#91] Order update"), and
// true; "" and false when the subject starts with no such prefix.
func QuotedSubject(subject string) (string, bool) {
	rest, ok := cutPrefixFold(subject, quotingPrefixes)
	return strings.TrimSpace(rest), ok
}
