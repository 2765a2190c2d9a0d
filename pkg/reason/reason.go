package reason

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/status"
)

// The reason vocabulary.
const (
	UserUnknown     = "userunknown"
	HostUnknown     = "hostunknown"
	MailboxFull     = "mailboxfull"
	EmailTooLarge   = "emailtoolarge"
	Suspend         = "suspend"
	HasMoved        = "hasmoved"
	Filtered        = "filtered"
	Rejected        = "rejected"
	Blocked         = "blocked"
	BadReputation   = "badreputation"
	SpamDetected    = "spamdetected"
	VirusDetected   = "virusdetected"
	ContentError    = "contenterror"
	PolicyViolation = "policyviolation"
	AuthFailure     = "authfailure"
	RequirePTR      = "requireptr"
	SecurityError   = "securityerror"
	FailedSTARTTLS  = "failedstarttls"
	NoRelaying      = "norelaying"
	NotAccept       = "notaccept"
	NotCompliantRFC = "notcompliantrfc"
	RateLimited     = "ratelimited"
	Expired         = "expired"
	NetworkError    = "networkerror"
	SystemError     = "systemerror"
	SystemFull      = "systemfull"
	MailerError     = "mailererror"
	SyntaxError     = "syntaxerror"
	OnHold          = "onhold"
	Undefined       = "undefined"
	Suppressed      = "suppressed"
	Delivered       = "delivered"
	Feedback        = "feedback"
	Vacation        = "vacation"
)

// Facts are what is known about one recipient's failure.
type Facts struct {
	Status     status.Code      // the chosen enhanced status code, may be zero
	Reply      status.ReplyCode // SMTP reply code, may be zero
	Action     string           // failed, delayed, delivered, relayed, expanded
	Diagnostic string           // the server's words
	Command    string           // SMTP command it failed at: RCPT, DATA, MAIL, ...
	Hint       string           // a reason a dialect knows for certain, or ""
}

// Result is the outcome of Classify.
type Result struct {
	Reason    string // a word of the vocabulary
	Blocklist string // "spamhaus", "sorbs", ... when the text names a list
	Auth      string // "spf", "dkim", "dmarc", "arc" when the text names a failed check
	// Confident is true when the reason comes from an unambiguous status code
	// or wording, so that a status code may be inferred from it.
	Confident bool
}

// Classify decides the reason for f. The rules, in order:
//
//  1. Success: a 2.x.x code or a delivered/relayed/expanded action is
//     "delivered".
//  2. A dialect's certain hint (a mailer that reports a program's exit code,
//     for example) is taken as is.
//  3. A specific status code with one meaning (5.1.1 user unknown, 5.2.2
//     mailbox full, 5.7.26 authentication, ...) decides.
//  4. The server's wording decides, most specific patterns first.
//  5. Provider-specific codes and an ambiguous status code decide what is
//     left (5.7.1 and friends, 4.4.7 expired, ...).
//  6. Otherwise "onhold" (a failure whose cause is not known yet) for
//     temporary failures and "undefined" for the rest.
func Classify(f Facts) Result {
	text := strings.ToLower(f.Diagnostic)
	res := Result{Blocklist: findBlocklist(text), Auth: findAuth(text)}
	switch {
	case f.Status.Class == status.ClassSuccess:
		res.Reason, res.Confident = Delivered, true
		return res
	case f.Status.IsZero() && (f.Action == "delivered" || f.Action == "relayed" || f.Action == "expanded"):
		res.Reason, res.Confident = Delivered, true
		return res
	case f.Hint != "":
		res.Reason, res.Confident = f.Hint, true
		return res
	}
	if r, ok := byExactCode(f.Status); ok {
		res.Reason, res.Confident = r, true
		return res
	}
	if r := byText(text); r != "" {
		res.Reason, res.Confident = r, true
		return res
	}
	if r, ok := byCode(f.Status); ok {
		res.Reason = r
		return res
	}
	if r := byReply(f.Reply, f.Command); r != "" {
		res.Reason = r
		return res
	}
	if f.Action == "delayed" || f.Status.Class == status.ClassTemporary {
		res.Reason = OnHold
		return res
	}
	res.Reason = Undefined
	return res
}

// InferStatus returns the enhanced status code a confident reason implies
// for class cls, or the zero Code. Only registered codes are ever returned.
func InferStatus(reason string, cls status.Class) status.Code {
	if cls == status.ClassUnknown {
		cls = status.ClassPermanent
	}
	sd, ok := inferred[reason]
	if !ok {
		return status.Code{}
	}
	c := status.Code{Class: cls, Subject: sd[0], Detail: sd[1]}
	if !c.Registered() {
		return status.Code{}
	}
	return c
}

// inferred maps reasons to the subject and detail they imply.
var inferred = map[string][2]int{
	UserUnknown:   {1, 1},
	HostUnknown:   {1, 2},
	HasMoved:      {1, 6},
	Suspend:       {2, 1},
	MailboxFull:   {2, 2},
	EmailTooLarge: {3, 4},
	SystemFull:    {3, 1},
	Expired:       {4, 7},
	NetworkError:  {4, 0},
	NoRelaying:    {7, 1},
	AuthFailure:   {7, 26},
	RequirePTR:    {7, 25},
	NotAccept:     {3, 2},
	SyntaxError:   {5, 2},
	ContentError:  {6, 0},
	SystemError:   {3, 0},
	SecurityError: {7, 0},
}
