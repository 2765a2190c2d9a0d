package loop

import (
	"math/bits"
	"strings"

	"github.com/bounce-tool/bounce/pkg/header"
	"github.com/bounce-tool/bounce/pkg/sign"
)

// The signals that mark a message as machine-generated. Each is named by a
// stable short string; Signals returns them sorted by that name. The X-
// fields count when present with a value other than no, false, off or 0;
// List-Id, List-Unsubscribe and X-Auto-Response-Suppress when not empty.
const (
	// SignalAutoSubmitted is an RFC 3834 Auto-Submitted field with any value
	// but "no" (an empty field counts: people's mail programs never write one).
	SignalAutoSubmitted = "auto-submitted"
	// SignalAutoReplySubject is a subject that starts with an auto-reply
	// phrase ("Automatic reply:", "Out of Office:", "Abwesenheitsnotiz", ...).
	SignalAutoReplySubject = "autoreply-subject"
	// SignalEmptyReturnPath is a Return-Path of <> (the null reverse-path that
	// RFC 3834 asks auto-responders to use), or an envelope sender of <> or
	// a bare MAILER-DAEMON, which is how mbox From_ lines write it.
	SignalEmptyReturnPath = "empty-return-path"
	// SignalHelpdeskMailer is mail written by a help desk: X-Mailer or
	// User-Agent naming Zendesk, Freshdesk, Help Scout, OTRS, Znuny or
	// Zammad, or their private X-Zendesk-*, X-Freshdesk-*, X-HelpScout-*,
	// X-OTRS-*, X-Znuny-* and X-Zammad-* fields, or Request Tracker's
	// RT-Ticket field.
	SignalHelpdeskMailer = "helpdesk-mailer"
	// SignalListID is an RFC 2919 List-Id field.
	SignalListID = "list-id"
	// SignalListUnsubscribe is an RFC 2369 List-Unsubscribe field.
	SignalListUnsubscribe = "list-unsubscribe"
	// SignalMailerDaemon is a sender whose local part is MAILER-DAEMON,
	// mail-daemon or postmaster. The sender is the From address, or the
	// envelope sender when there is no From.
	SignalMailerDaemon = "mailer-daemon"
	// SignalNoReply is a sender (as for SignalMailerDaemon) whose local part
	// holds noreply, no-reply, no_reply, donotreply, do-not-reply, dontreply
	// or noreplies as whole words.
	SignalNoReply = "no-reply"
	// SignalPrecedenceAutoReply is "Precedence: auto_reply" (or auto-reply).
	SignalPrecedenceAutoReply = "precedence:auto_reply"
	// SignalPrecedenceBulk is "Precedence: bulk".
	SignalPrecedenceBulk = "precedence:bulk"
	// SignalPrecedenceJunk is "Precedence: junk".
	SignalPrecedenceJunk = "precedence:junk"
	// SignalPrecedenceList is "Precedence: list".
	SignalPrecedenceList = "precedence:list"
	// SignalXAutoResponseSuppress is a non-empty X-Auto-Response-Suppress
	// field (Exchange).
	SignalXAutoResponseSuppress = "x-auto-response-suppress"
	// SignalXAutoreply is an X-Autoreply field.
	SignalXAutoreply = "x-autoreply"
	// SignalXAutorespond is an X-Autorespond field.
	SignalXAutorespond = "x-autorespond"
	// SignalXLoop is an X-Loop field.
	SignalXLoop = "x-loop"
	// SignalXNoLoop is an X-No-Loop field.
	SignalXNoLoop = "x-no-loop"
	// SignalXOTRSLoop is an X-OTRS-Loop field (OTRS, Znuny).
	SignalXOTRSLoop = "x-otrs-loop"
	// SignalXRTLoopPrevention is an X-RT-Loop-Prevention field (Request
	// Tracker).
	SignalXRTLoopPrevention = "x-rt-loop-prevention"
)

// signalNames lists every signal in sorted order; a signal's bit in a
// signalSet is its position here.
var signalNames = [...]string{
	SignalAutoSubmitted,
	SignalAutoReplySubject,
	SignalEmptyReturnPath,
	SignalHelpdeskMailer,
	SignalListID,
	SignalListUnsubscribe,
	SignalMailerDaemon,
	SignalNoReply,
	SignalPrecedenceAutoReply,
	SignalPrecedenceBulk,
	SignalPrecedenceJunk,
	SignalPrecedenceList,
	SignalXAutoResponseSuppress,
	SignalXAutoreply,
	SignalXAutorespond,
	SignalXLoop,
	SignalXNoLoop,
	SignalXOTRSLoop,
	SignalXRTLoopPrevention,
}

// Bit positions in a signalSet, in the order of signalNames.
const (
	bitAutoSubmitted = iota
	bitAutoReplySubject
	bitEmptyReturnPath
	bitHelpdeskMailer
	bitListID
	bitListUnsubscribe
	bitMailerDaemon
	bitNoReply
	bitPrecedenceAutoReply
	bitPrecedenceBulk
	bitPrecedenceJunk
	bitPrecedenceList
	bitXAutoResponseSuppress
	bitXAutoreply
	bitXAutorespond
	bitXLoop
	bitXNoLoop
	bitXOTRSLoop
	bitXRTLoopPrevention
)

// signalSet is a compact set of signals, one bit each.
type signalSet uint32

const (
	bulkSignals signalSet = 1<<bitPrecedenceBulk | 1<<bitPrecedenceJunk |
		1<<bitPrecedenceList | 1<<bitListID | 1<<bitListUnsubscribe
	noReplySignals signalSet = 1<<bitNoReply | 1<<bitMailerDaemon
)

func (s signalSet) has(bit int) bool { return s&(1<<bit) != 0 }

// bulk reports whether the set marks bulk mail, which creates no ticket.
func (s signalSet) bulk() bool { return s&bulkSignals != 0 }

// noReply reports whether the set marks a sender that takes no replies.
func (s signalSet) noReply() bool { return s&noReplySignals != 0 }

// names returns the signal names, sorted; never nil.
func (s signalSet) names() []string {
	out := make([]string, 0, bits.OnesCount32(uint32(s)))
	for i, n := range signalNames {
		if s.has(i) {
			out = append(out, n)
		}
	}
	return out
}

// SignalNames returns the names of all signals Signals can report, sorted.
func SignalNames() []string {
	return append([]string(nil), signalNames[:]...)
}

// Signals returns the names of the automated-mail signals that fire for a
// header, sorted and without duplicates; an empty, non-nil slice for mail
// written by a person. envelopeSender is the mbox From_ line sender and may
// be empty. Signals is pure: it reads only the given header.
func Signals(h header.Header, envelopeSender string) []string {
	subject, _ := h.Text("Subject")
	return classify(h, sign.Address(h.Get("From")), envelopeSender, subject).names()
}

// IsBulk reports whether signals (as returned by Signals) mark bulk mail:
// Precedence bulk, junk or list, List-Id or List-Unsubscribe.
func IsBulk(signals []string) bool {
	return setOf(signals).bulk()
}

// IsNoReply reports whether signals (as returned by Signals) mark a no-reply
// or mailer-daemon sender.
func IsNoReply(signals []string) bool {
	return setOf(signals).noReply()
}

func setOf(signals []string) signalSet {
	var s signalSet
	for _, n := range signals {
		for i, m := range signalNames {
			if n == m {
				s |= 1 << i
			}
		}
	}
	return s
}

// classify computes the signal set of a header; from is the lowercased
// From addr-spec as returned by fromAddress, subject the decoded Subject.
//
// QUIRK: RFC 2047 section 6.1 wants encoded words decoded before display;
// with an unknown charset go-message returns the raw value, which still
// matches Latin phrases.
func classify(h header.Header, from, envelopeSender, subject string) signalSet {
	var s signalSet
	set := func(bit int, ok bool) {
		if ok {
			s |= 1 << bit
		}
	}

	// RFC 3834 section 5: "no" is the only value that means a person.
	if h.Has("Auto-Submitted") {
		set(bitAutoSubmitted, sign.FirstToken(h.Get("Auto-Submitted")) != "no")
	}
	set(bitXAutoResponseSuppress, strings.TrimSpace(h.Get("X-Auto-Response-Suppress")) != "")
	switch sign.FirstToken(h.Get("Precedence")) {
	case "bulk":
		set(bitPrecedenceBulk, true)
	case "junk":
		set(bitPrecedenceJunk, true)
	case "list":
		set(bitPrecedenceList, true)
	case "auto_reply", "auto-reply":
		set(bitPrecedenceAutoReply, true)
	}
	set(bitListID, strings.TrimSpace(h.Get("List-Id")) != "")
	set(bitListUnsubscribe, strings.TrimSpace(h.Get("List-Unsubscribe")) != "")
	set(bitXAutoreply, sign.Flagged(h, "X-Autoreply"))
	set(bitXAutorespond, sign.Flagged(h, "X-Autorespond"))
	set(bitXLoop, sign.Flagged(h, "X-Loop"))
	set(bitXNoLoop, sign.Flagged(h, "X-No-Loop"))
	set(bitXOTRSLoop, sign.Flagged(h, "X-Otrs-Loop"))
	set(bitXRTLoopPrevention, sign.Flagged(h, "X-Rt-Loop-Prevention"))

	for _, rp := range h.Values("Return-Path") {
		set(bitEmptyReturnPath, sign.NullSender(rp))
	}
	env := envelopeAddress(envelopeSender)
	set(bitEmptyReturnPath, sign.NullEnvelopeSender(envelopeSender))

	// The sender a desk would see: From, else the envelope.
	if a := from; a != "" || env != "" {
		if a == "" {
			a = env
		}
		set(bitMailerDaemon, sign.MailSystem(a))
		set(bitNoReply, isNoReply(a))
	}

	set(bitAutoReplySubject, sign.AutoReplySubject(subject))
	set(bitHelpdeskMailer, sign.HelpDesk(h) != "")
	return s
}
