package dialect

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/internal/phrase"
)

// originalMarkers introduce the returned original in a text bounce,
// lowercase. The text from the line that holds one is the original, not the
// report.
var originalMarkers = []string{
	"------ this is a copy of the message", // Exim
	"------ this is a copy of your message",
	"--- below this line is a copy of the message", // qmail and its clones
	"below is a copy of the original message",      // OpenSMTPD
	"below this line is a copy of the message",
	"--- enclosed is a copy of the message",
	"----- original message -----", // Gmail
	"-----original message-----",
	"------ original message ------",
	"original message follows",           // many
	"----- unsent message follows -----", // Sendmail V5
	"----- returned message -----",
	"------- returned message --------",                   // Lotus Notes
	"--- the header of the original message is following", // 1&1, GMX
	"message headers follow",                              // DragonFly
	"----- message header follows -----",
	"----- the header of the original message follows",
	"content-type: message/rfc822",
	"content-type: text/rfc822-headers",
	"-------- original message --------",
	"original message headers:", // Exchange
	"ursprüngliche nachrichtenkopfzeilen:",
	"en-têtes de message d'origine :",
	"--- original message ---",
	"------ original message header follows",
	"the original message headers are included as attachment",
}

// headerStarts open a header block at the start of a line: a report text
// that continues with the original's header carries no more report.
var headerStarts = []string{"received: from ", "received: by ", "return-path: <", "return-path:<"}

// CutOriginal returns the offset in text where the returned original
// begins (a marker such as "------ This is a copy of the message" or the
// start of a header block), or len(text) when there is none. The offset is
// the start of a line.
func CutOriginal(text string) int { return cutOriginal(LowerASCII(text)) }

// cutMarks are originalMarkers and then headerStarts, in one set.
var cutMarks = phrase.New(append(append([]string(nil), originalMarkers...), headerStarts...)...)

// cutOriginal is CutOriginal on text in ASCII lowercase. The earliest sign
// wins: the line that holds a marker, or a header field at a line start.
func cutOriginal(lower string) int {
	cut := len(lower)
	cutMarks.Scan(lower, func(at, i int) bool {
		if i < len(originalMarkers) {
			cut = lineStart(lower, at)
			return false
		}
		if at == 0 || lower[at-1] == '\n' {
			cut = at
			return false
		}
		return true
	})
	return cut
}

// lineStart returns the offset of the start of the line that holds offset i.
func lineStart(s string, i int) int {
	return strings.LastIndexByte(s[:i], '\n') + 1
}

// listMarkers introduce the list of failed recipients in prose, lowercase.
var listMarkers = []string{
	"following address", // "The following address(es) failed", "had permanent fatal errors"
	"following recipient", "following e-mail address", "following email address",
	"following destination", "was not delivered to:", "could not be delivered to:",
	"could not be delivered to the following", "delivery has failed to these recipients",
	"delivery to these recipients or groups", "couldn't be delivered to", "wasn't delivered to",
	"list of recipients", "these recipients", "to these addresses", "following user",
	"the recipients listed below", "your message to the following", "the following mail",
	"was not delivered to the following", "delivery failed for the following", "failed recipient",
	"not delivered to the following", "following list of recipients",
	"to which the message has not yet been delivered", // Exim's delay warnings
	"has not been delivered to:", "could not be reached:", "undeliverable to the following",
	// The same in other languages servers write their bounces in.
	"folgende empfänger", "folgenden empfänger", "folgende adresse", "destinataires suivants",
	"destinataire suivant", "adresses suivantes", "siguientes destinatarios", "siguiente destinatario",
	"destinatari seguenti", "seguenti destinatari", "volgende ontvanger", "以下のアドレス", "以下の宛先",
	"следующим адресатам", "следующих получателей",
}

// notListMarkers contain a list marker but introduce no recipients.
var notListMarkers = []string{"address book", "following addresses for assistance"}

// listMarkerSet and notListMarkerSet index the lists above.
var listMarkerSet, notListMarkerSet = phrase.New(listMarkers...), phrase.New(notListMarkers...)

// reasonMarkers introduce the server's words about the failure.
var reasonMarkers = []string{
	"technical details", "technical report", "the error that the other server returned was", "for the following reason",
	"because:", "reason:", "error message below", "remote host said", "non-delivered information",
	"diagnostic information", "the error was", "server replied", "error:", "details:",
	"failure reasons", "the following message to", "the server responded", "said:",
}

// sectionHeading reports whether a line is a dashed section heading
// ("----- Transcript of session follows -----").
func sectionHeading(lower string) bool {
	t := strings.TrimSpace(lower)
	return len(t) > 6 && (strings.HasPrefix(t, "---") || strings.HasPrefix(t, "===") || strings.HasPrefix(t, "***")) &&
		strings.IndexFunc(t, isLetter) >= 0
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
