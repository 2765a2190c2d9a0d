package reason

import (
	"bytes"

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

// Vocabulary lists every reason Classify and the record kinds use, in the
// order of docs/reasons.md.
var Vocabulary = []string{
	UserUnknown, HostUnknown, MailboxFull, EmailTooLarge, Suspend, HasMoved, Filtered, Rejected, Blocked,
	BadReputation, SpamDetected, VirusDetected, ContentError, PolicyViolation, AuthFailure, RequirePTR,
	SecurityError, FailedSTARTTLS, NoRelaying, NotAccept, NotCompliantRFC, RateLimited, Expired,
	NetworkError, SystemError, SystemFull, MailerError, SyntaxError, OnHold, Undefined, Suppressed,
	Delivered, Feedback, Vacation,
}

// Known reports whether reason is a word of the vocabulary.
func Known(reason string) bool {
	for _, r := range Vocabulary {
		if r == reason {
			return true
		}
	}
	return false
}

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
	Auth      string // "spf", "dkim", "dmarc", "arc" when an authentication failure names its check
	// Confident is true when the reason comes from an unambiguous status
	// code or wording (steps 1-6 of Classify), so that a status code may
	// be inferred from it.
	Confident bool
	// Step names the rule that decided: "success", "hint", "provider",
	// "wording", "code", "stage", "vague", "reply" or "fallback".
	Step string
	// Evidence is what the deciding rule matched: the phrase of the
	// wording, the status or reply code, the SMTP command or the action;
	// empty for the fallback.
	Evidence string
}

// Classify decides the reason for f. The rules, in order; the first that
// decides wins (docs/reasons.md says the same in more words):
//
//  1. Success: a 2.x.x code, or a delivered/relayed/expanded action without
//     a code, is "delivered".
//  2. Hint: a reason the dialect knows for certain is taken as is.
//  3. Provider codes (providerCodes): a code one provider documents, such
//     as Microsoft's 5.7.606-649 or Yahoo's [TSS04], in the text.
//  4. Decisive wording: a named blocklist (blocklists), then the table
//     decisive, most specific first. The short user-unknown answers count
//     only at RCPT TO or under an X.1.x code; elsewhere they are what a
//     filter says ("filtered").
//  5. A code with one meaning (exactCodes, exactByClass): 5.1.1, 5.2.2, ...
//  6. Secondary wording (secondary): policy, security, timeouts, network
//     and system trouble.
//  7. The SMTP stage and the action: a refusal at MAIL FROM is of the
//     sender ("rejected"); at the greeting, HELO or EHLO, of the sending
//     host ("blocked"); a delayed message is waiting out its queue time
//     ("expired").
//  8. A vague code (vagueCodes, vagueSubjects): X.7.x security, X.6.x
//     content, X.4.x network, ...
//  9. The SMTP reply code alone (byReply): 5xx syntax, 552, 550 at RCPT, ...
//  10. Fallback: "onhold" when there were words or a temporary failure to
//     go on, "undefined" otherwise.
//
// Whatever decided, a reason about the recipient's side (userunknown,
// filtered, hostunknown, suspend, hasmoved) or the sender's standing
// (badreputation, unless the words make it the sending IP's) given at MAIL
// FROM is a refusal of the sender ("rejected"); and "hostunknown" under a temporary code is a DNS failure
// that may pass ("networkerror").
func Classify(f Facts) Result { return ClassifyFound(f, nil) }

// ClassifyFound is Classify when the caller found the codes of
// f.Diagnostic already (status.AppendAll, in order, the first 8 at least
// when there are more): they are not looked for again. nil codes means
// Classify finds them. The codes are a parameter, not a field of Facts, so
// that a caller's buffer for them stays on its stack.
func ClassifyFound(f Facts, codes []status.Match) Result {
	var buf [1024]byte
	lower, words := lowerWords(buf[:0], f.Diagnostic)
	// The blocklists a text names and the providers' tokens in it, in one
	// pass over the lowercase text.
	lists, tokens := listsAndTokens.firstPhrases(lower)
	var res Result
	if r, _, ok := lists.result(); ok {
		res.Blocklist = r.reason
	}
	res.Reason, res.Step, res.Evidence = decide(f, codes, lower, words, res.Blocklist, &tokens)
	res.Confident = confidentSteps[res.Step]
	switch {
	case f.Command == "MAIL" && aboutRecipient[res.Reason] && !(res.Reason == BadReputation && hasAny(lower, ipReputation) != ""):
		res.Reason = Rejected
	case res.Reason == HostUnknown && f.Status.Class == status.ClassTemporary:
		res.Reason = NetworkError
	}
	if res.Reason == AuthFailure {
		res.Auth = findAuth(lower, f.Status)
	}
	return res
}

// confidentSteps are the steps whose reason may imply a status code.
var confidentSteps = map[string]bool{"success": true, "hint": true, "provider": true, "wording": true, "code": true}

// ipReputation are words that put a reputation on the sending IP: said at
// MAIL FROM too, such a refusal is of the host, not of the sender.
var ipReputation = []string{"ip reputation", "ip address reputation", "reputation of the sending ip",
	"reputation of your ip", "sending ip reputation", "ip's reputation"}

// aboutRecipient are the reasons that, said at MAIL FROM, can only be about
// the sender: the recipient's side, and the sender's standing (unless the
// words say the standing is the IP's, ipReputation).
var aboutRecipient = map[string]bool{
	UserUnknown: true, Filtered: true, HostUnknown: true, Suspend: true, HasMoved: true, BadReputation: true,
}

// decide is Classify's rules 1 to 10 on the lowercase diagnostic and its
// words (plain); codes are ClassifyFound's; blocklist and tokens are what
// the lowercase text names of the blocklists and the providers' tokens.
func decide(f Facts, codes []status.Match, lower, words []byte, blocklist string, tokens *search) (reason, step, evidence string) {
	switch {
	case f.Status.Class == status.ClassSuccess:
		return Delivered, "success", f.Status.String()
	case f.Status.IsZero() && (f.Action == "delivered" || f.Action == "relayed" || f.Action == "expanded"):
		return Delivered, "success", "action " + f.Action
	case f.Hint != "" && Known(f.Hint):
		return f.Hint, "hint", f.Hint
	}
	// The codes of the diagnostic are those of lower: lowercasing changes
	// letters alone, and no letter is a digit or stands as punctuation.
	var buf [8]status.Match
	if r, ev := byProvider(tokens, f.Status, codesOf(codes, f.Diagnostic, buf[:0])); r != "" {
		return r, "provider", ev
	}
	if blocklist != "" {
		return Blocked, "wording", blocklist
	}
	if r, phrase, ok := decisiveMatcher.firstPhrase(words); ok {
		if r.stageBound && !atRCPT(f.Command, words) && !(f.Status.Subject == 1 && userUnknownDetails[f.Status.Detail]) {
			return Filtered, "wording", phrase
		}
		return r.reason, "wording", phrase
	}
	if r, ev := byPair(words); r != "" {
		return r, "wording", ev
	}
	if r := byExactCode(f.Status); r != "" {
		return r, "code", f.Status.String()
	}
	if r, phrase, ok := secondaryMatcher.firstPhrase(words); ok {
		return r.reason, "wording", phrase
	}
	switch f.Command {
	case "MAIL":
		return Rejected, "stage", "MAIL FROM"
	case "CONN", "HELO", "EHLO":
		return Blocked, "stage", f.Command
	}
	if f.Action == "delayed" {
		return Expired, "stage", "action delayed"
	}
	if r := byVagueCode(f.Status); r != "" {
		return r, "vague", f.Status.String()
	}
	if r := byReply(f.Reply, f.Command); r != "" {
		return r, "reply", f.Reply.String()
	}
	if len(bytes.TrimSpace(lower)) > 0 || f.Status.Class == status.ClassTemporary {
		return OnHold, "fallback", ""
	}
	return Undefined, "fallback", ""
}

// rcptWords are replies only a server refusing RCPT TO writes; they stand
// for the SMTP command when the dialect found none. qmail says it does not
// like the recipient; a reply that names the refused address in angle
// brackets before its verdict ("550 <a@example.jp>: User unknown", read
// with the address blanked out) answers RCPT TO, where a filter refusing
// after DATA names none ("550 : User unknown").
var rcptWords = []string{"does not like recipient", "<>: user unknown"}

// atRCPT reports whether the refusal came at RCPT TO: the dialect says so,
// or, when it says nothing, the words do.
func atRCPT(command string, words []byte) bool {
	if command != "" {
		return command == "RCPT"
	}
	return hasAny(words, rcptWords) != ""
}

// userUnknownDetails are the X.1.y details that say the address is bad:
// under them a short "user unknown" is believed at any stage.
var userUnknownDetails = map[int]bool{0: true, 1: true, 3: true, 10: true}

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

// codesOf returns the first 8 codes of diagnostic: of codes when the
// caller found them, else those status.AppendAll finds, appended to buf.
func codesOf(codes []status.Match, diagnostic string, buf []status.Match) []status.Match {
	if codes != nil {
		return codes[:min(len(codes), 8)]
	}
	return status.AppendAll(buf, diagnostic, 8)
}
