package reason

import "github.com/bounce-tool/bounce/pkg/status"

// subjectDetail keys a status code without its class: most codes mean the
// same as 4.x.x and 5.x.x.
type subjectDetail struct{ subject, detail int }

// exactCodes are the status codes with one meaning (Classify, step 5). The
// class-specific table exactByClass is consulted first.
var exactCodes = map[subjectDetail]string{
	{1, 1}: UserUnknown, {1, 2}: HostUnknown, {1, 3}: UserUnknown, {1, 6}: HasMoved,
	{1, 7}: Rejected, {1, 8}: Rejected, {1, 10}: NotAccept,
	{2, 1}: Suspend, {2, 2}: MailboxFull, {2, 3}: EmailTooLarge,
	{3, 1}: SystemFull, {3, 4}: EmailTooLarge,
	{4, 3}: SystemError, {4, 4}: HostUnknown, {4, 6}: NetworkError, {4, 7}: Expired,
	{5, 3}: RateLimited,
	{6, 0}: ContentError, {6, 1}: ContentError, {6, 2}: ContentError, {6, 3}: ContentError,
	{6, 4}: ContentError, {6, 5}: ContentError, {6, 6}: ContentError, {6, 7}: ContentError,
	{6, 8}: ContentError, {6, 9}: ContentError, {6, 10}: ContentError,
	{7, 8}: SecurityError, {7, 10}: FailedSTARTTLS, {7, 13}: Suspend,
	{7, 20}: AuthFailure, {7, 21}: AuthFailure, {7, 22}: AuthFailure, {7, 23}: AuthFailure,
	{7, 24}: AuthFailure, {7, 25}: RequirePTR, {7, 26}: AuthFailure, {7, 27}: Rejected, {7, 29}: AuthFailure,
}

// exactByClass holds the codes whose meaning depends on the class.
var exactByClass = map[status.Code]string{
	// 4.4.1 "no answer from host" in a final report: the sender's server
	// retried until the message's time was up.
	{Class: status.ClassTemporary, Subject: 4, Detail: 1}: Expired,
}

func byExactCode(c status.Code) string {
	if c.IsZero() {
		return ""
	}
	if r, ok := exactByClass[c]; ok {
		return r
	}
	return exactCodes[subjectDetail{c.Subject, c.Detail}]
}

// vagueCodes are what a code says when nothing else did (Classify, step 8):
// by subject and detail first, then by subject alone.
var vagueCodes = map[subjectDetail]string{
	{1, 0}: UserUnknown, {1, 4}: UserUnknown, {1, 9}: SystemError,
	{2, 0}: Filtered, {2, 4}: SystemError,
	{3, 0}: SystemError, {3, 2}: NotAccept, {3, 3}: SystemError, {3, 5}: SystemError,
	{4, 0}: NetworkError, {4, 1}: NetworkError, {4, 2}: NetworkError, {4, 5}: SystemError,
	{5, 1}: SyntaxError, {5, 2}: SyntaxError, {5, 4}: SyntaxError, {5, 5}: SyntaxError, {5, 6}: SyntaxError,
}

var vagueSubjects = map[int]string{
	1: UserUnknown, 2: Filtered, 3: SystemError, 4: NetworkError, 5: SyntaxError, 6: ContentError, 7: SecurityError,
}

func byVagueCode(c status.Code) string {
	if c.IsZero() {
		return ""
	}
	if r, ok := vagueCodes[subjectDetail{c.Subject, c.Detail}]; ok {
		return r
	}
	return vagueSubjects[c.Subject]
}

// byReply is what an SMTP reply code says on its own (Classify, step 9).
func byReply(r status.ReplyCode, command string) string {
	switch r {
	case 500, 501, 502, 503, 504:
		return SyntaxError
	case 521, 556:
		return NotAccept
	case 530, 534, 535, 538:
		return SecurityError
	case 451:
		return SystemError
	case 452:
		return SystemFull
	case 555:
		return SyntaxError
	case 551:
		return HasMoved
	case 552:
		return MailboxFull
	case 550, 553:
		if command == "RCPT" {
			return UserUnknown
		}
	}
	return ""
}
