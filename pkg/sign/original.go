package sign

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/internal/phrase"
)

// originalMarkers introduce the returned original in a bounce's text,
// lowercase: the line that holds one starts the original, not the report.
var originalMarkers = []string{
	"this is a copy of the message", // Exim: "------ This is a copy of the message, including all the headers. ------"
	"this is a copy of your message",
	"below this line is a copy of the message", // qmail and its clones
	"below is a copy of the original message",  // OpenSMTPD
	"--- enclosed is a copy of the message",
	"----- original message -----", // Gmail
	"-----original message-----",
	"------ original message ------",
	"-------- original message --------",
	"--- original message ---",
	"-------original message",  // Japanese filters
	"original message follows", // Sendmail's text bounces and many others
	"unsent message follows",   // Sendmail V5
	"----- returned message -----",
	"returned message --------",                       // Lotus Notes: "------- Returned Message --------"
	"the header of the original message is following", // 1&1, GMX, KDDI, docomo
	"the header of the original message follows",
	"message headers follow", // DragonFly
	"----- message header follows -----",
	"------ original message header follows",
	"original message headers:", // Exchange
	"ursprüngliche nachrichtenkopfzeilen:",
	"en-têtes de message d'origine :",
	"the original message headers are included as attachment",
	"original mail info",    // Japanese mail filters
	"message text follows:", // Lotus Domino
	"content-type: message/rfc822",
	"content-type: text/rfc822-headers",
}

// forwardMarkers introduce a message forwarded inline in a person's mail,
// lowercase, as mail programs write them: Gmail, Thunderbird, Apple Mail,
// Outlook, and the same in other languages.
var forwardMarkers = []string{
	"---------- forwarded message ---------", "-------- forwarded message --------",
	"begin forwarded message:", "-----original message-----", "-------- original message --------",
	"---------- weitergeleitete nachricht ----------", "-------- weitergeleitete nachricht --------",
	"-------- original-nachricht --------", "-------- message transféré --------",
	"---------- message transféré ---------", "---------- mensaje reenviado ---------",
	"---------- messaggio inoltrato ---------", "---------- mensagem encaminhada ---------",
	"---------- doorgestuurd bericht ---------",
	// Outlook's rule before the forwarded header ("From:", "Sent:", ...).
	"________________________________",
}

var forwardMarkerSet = phrase.New(forwardMarkers...)

// ForwardedStart returns the offset just after the line that holds the
// first marker of a message forwarded inline ("---------- Forwarded
// message ---------", "Begin forwarded message:"), or -1 when text holds
// none. ASCII case is ignored.
func ForwardedStart(text string) int {
	at := -1
	forwardMarkerSet.ScanFold(text, func(i, _ int) bool {
		at = i
		return false
	})
	if at < 0 {
		return -1
	}
	nl := strings.IndexByte(text[at:], '\n')
	if nl < 0 {
		return len(text)
	}
	return at + nl + 1
}

// headerStarts open a header block at the start of a line: a report text
// that continues with the original's header carries no more report.
var headerStarts = []string{"received: from ", "received: by ", "return-path: <", "return-path:<"}

// cutMarks are originalMarkers and then headerStarts, in one set.
var cutMarks = phrase.New(append(append([]string(nil), originalMarkers...), headerStarts...)...)

// OriginalStart returns the offset in text where the returned original
// begins, or len(text) when it holds none. The earliest sign wins: the line
// that holds a marker ("------ This is a copy of the message", "Original
// message headers:"), or a header field such as "Received: from" at the
// start of a line. The offset is the start of a line. ASCII case is
// ignored; text is not copied.
func OriginalStart(text string) int {
	start, _ := originalStart(text)
	return start
}

// OriginalAfterMarker returns the offset just after the line that holds the
// first marker of a returned original at or after from, or -1: where a
// bounce that quotes the original in its text continues with the
// original's header.
func OriginalAfterMarker(text string, from int) int {
	cut := -1
	cutMarks.ScanFold(text[from:], func(at, i int) bool {
		if i >= len(originalMarkers) {
			return true
		}
		nl := strings.IndexByte(text[from+at:], '\n')
		if nl >= 0 {
			cut = from + at + nl + 1
		}
		return false
	})
	return cut
}

func originalStart(text string) (int, bool) {
	cut, marker := len(text), false
	cutMarks.ScanFold(text, func(at, i int) bool {
		if i < len(originalMarkers) {
			cut, marker = strings.LastIndexByte(text[:at], '\n')+1, true
			return false
		}
		if at == 0 || text[at-1] == '\n' {
			cut = at
			return false
		}
		return true
	})
	return cut, marker
}
