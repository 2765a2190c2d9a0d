package dialect

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/internal/phrase"
	"github.com/bounce-tool/bounce/pkg/sign"
)

// CutOriginal returns the offset in text where the returned original
// begins, or len(text) when there is none (sign.OriginalStart).
func CutOriginal(text string) int { return sign.OriginalStart(text) }

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

// reasonMarkerSet indexes reasonMarkers.
var reasonMarkerSet = phrase.New(reasonMarkers...)

// sectionHeading reports whether a line is a dashed section heading
// ("----- Transcript of session follows -----").
func sectionHeading(line string) bool {
	t := strings.TrimSpace(line)
	return len(t) > 6 && (strings.HasPrefix(t, "---") || strings.HasPrefix(t, "===") || strings.HasPrefix(t, "***")) &&
		strings.IndexFunc(t, isLetter) >= 0
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
