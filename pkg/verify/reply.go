package verify

import (
	"strconv"
	"strings"

	"github.com/bounce-tool/bounce/pkg/reason"
	"github.com/bounce-tool/bounce/pkg/status"
)

// SMTPReply is the server reply that decided a probe: normally the answer to
// RCPT TO, or the greeting, EHLO or MAIL reply when the session ended earlier.
type SMTPReply struct {
	// Host is the MX host that answered, as named in DNS.
	Host string `json:"host"`
	// Command is the command answered: "RCPT", "MAIL", "EHLO", "STARTTLS",
	// or "greeting" for the server's opening reply.
	Command string `json:"command"`
	// ReplyCode is the three-digit SMTP reply code (RFC 5321 section 4.2).
	ReplyCode int `json:"reply_code"`
	// Status is the enhanced status code (RFC 3463) from the start of the
	// reply text, such as "5.1.1", or empty when the server sent none.
	Status string `json:"status"`
	// Text is the reply text without the reply code and enhanced status
	// code; the lines of a multi-line reply are joined with "\n".
	Text string `json:"text"`
}

// splitStatus splits an enhanced status code (RFC 3463 class.subject.detail)
// off the first line of a reply text, and drops it from continuation lines
// that repeat it (RFC 2034 section 4).
func splitStatus(msg string) (code, text string) {
	first, _, _ := strings.Cut(msg, "\n")
	code, _, _ = strings.Cut(first, " ")
	// Parse allows space around a code; here the code is the whole first word.
	if _, ok := status.Parse(code); !ok || code != strings.TrimSpace(code) {
		return "", msg
	}
	lines := strings.Split(msg, "\n")
	for i, line := range lines {
		if rest, ok := strings.CutPrefix(line, code); ok && (rest == "" || rest[0] == ' ') {
			lines[i] = strings.TrimPrefix(rest, " ")
		}
	}
	return code, strings.Join(lines, "\n")
}

// classifyReply picks the reason for a non-2xx reply to command with the
// one reason classifier that inspect uses too (reason.Classify), and says
// whether that reason is about the recipient's mailbox or domain. Only those
// can make a 5xx reply mean "undeliverable"; the other reasons describe the
// prober (its IP, its sender, its commands) or the server, and leave the
// mailbox's fate unknown. A probe has no action: a 4xx reply is a refusal
// for now, not a message that waited out its queue (which a bounce's
// "delayed" means). Before RCPT TO nothing is said about the
// recipient, except that a host which does not accept mail at all (RFC 7504)
// speaks for its domain.
func classifyReply(command string, code int, st, text string) (string, bool) {
	c, _ := status.Parse(st)
	reply := status.ReplyCode(code)
	var words strings.Builder
	words.WriteString(reply.String())
	if st != "" {
		words.WriteString(" " + st)
	}
	words.WriteString(" " + text)
	res := reason.Classify(reason.Facts{Status: c, Reply: reply, Diagnostic: words.String(),
		Command: smtpCommand(command)})
	return res.Reason, isMailboxReason(res.Reason) && (command == "RCPT" || res.Reason == reason.NotAccept)
}

// smtpCommand names the stage of a probe the way bounces do: the greeting
// is the connection ("CONN").
func smtpCommand(command string) string {
	if command == "greeting" {
		return "CONN"
	}
	return command
}

// isMailboxReason reports whether a reason describes the recipient's
// mailbox or domain.
func isMailboxReason(r string) bool {
	switch r {
	case reason.UserUnknown, reason.HostUnknown, reason.HasMoved, reason.NotAccept, reason.Suspend,
		reason.MailboxFull, reason.Filtered:
		return true
	}
	return false
}

// String formats the reply on one line: the reply code, the enhanced status
// code when there is one, and the text with its lines joined by spaces, as
// in "550 5.1.1 User unknown".
func (r *SMTPReply) String() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(r.ReplyCode))
	if r.Status != "" {
		b.WriteString(" " + r.Status)
	}
	if r.Text != "" {
		b.WriteString(" " + strings.ReplaceAll(r.Text, "\n", " "))
	}
	return b.String()
}
