package loop

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// replyPrefixes are the reply and forward markers, lowercased, that
// NormalizeSubject strips when a colon follows them.
var replyPrefixes = [...]string{
	"re", "aw", "antw", "antwort", "fw", "fwd", "wg", "tr", "sv", "vs", "vb",
	"rv", "rif", "r", "res", "enc", "odp", "pd", "ynt", "atb", "vá", "fs",
	"отв", "ответ", "回复", "回覆", "答复", "转发", "轉寄", "返信", "転送",
	// Delivery failure notices quote the subject they bounce.
	"undeliverable", "unzustellbar", "non remis", "non recapitabile",
}

// autoPhrase is an auto-reply marker at the start of a subject. Strong
// phrases match when followed by any non-letter; weak ones, which are also
// ordinary words ("Absence of invoice"), only when followed by a colon or
// when they are the whole subject.
type autoPhrase struct {
	text string
	weak bool
}

// autoPhrases are the auto-reply subject markers, lowercased. Outlook and
// Exchange localise "Automatic reply:", others write their own.
var autoPhrases = [...]autoPhrase{
	{"auto", true},
	{"automatic reply", false},
	{"automatic response", false},
	{"automated reply", false},
	{"automated response", false},
	{"autoreply", false},
	{"auto-reply", false},
	{"auto reply", false},
	{"autoresponse", false},
	{"auto-response", false},
	{"auto response", false},
	{"autoresponder", false},
	{"out of office", true},
	{"out of the office", true},
	{"out of office autoreply", false},
	{"out of office reply", false},
	{"ooo", true},
	{"abwesenheitsnotiz", false},
	{"abwesend", true},
	{"abwesenheit", true},
	{"automatische antwort", false},
	{"réponse automatique", false},
	{"reponse automatique", false},
	{"absence", true},
	{"absent du bureau", true},
	{"respuesta automática", false},
	{"respuesta automatica", false},
	{"fuera de la oficina", true},
	{"risposta automatica", false},
	{"fuori ufficio", true},
	{"resposta automática", false},
	{"resposta automatica", false},
	{"fora do escritório", true},
	{"automatisch antwoord", false},
	{"afwezig", true},
	{"autosvar", false},
	{"automatisk svar", false},
	{"automatiskt svar", false},
	{"automaattinen vastaus", false},
	{"automatyczna odpowiedź", false},
	{"poza biurem", true},
	{"automatikus válasz", false},
	{"automatická odpověď", false},
	{"otomatik yanıt", false},
	{"automatski odgovor", false},
	{"αυτόματη απάντηση", false},
	{"автоответ", false},
	{"автоматический ответ", false},
	{"自動応答", false},
	{"自動返信", false},
	{"自动回复", false},
	{"自動回覆", false},
	{"자동 회신", false},
	{"자동 응답", false},
}

// genericSubjects are normalised subjects that say nothing about the
// conversation; they never join two messages into one thread.
var genericSubjects = [...]string{
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

// NormalizeSubject folds a decoded subject for thread matching: it strips
// leading reply, forward and auto-reply markers followed by a colon (Re:,
// AW:, Fwd:, WG:, TR:, SV:, Auto:, Automatic reply:, Out of office:,
// Undeliverable: and their relatives, also as Re[2]: or with a full-width
// colon), keeps bracketed tags such as "[#123]" but moves them to the front,
// lowercases, and collapses white space. "Automatic reply: RE: [#123]  Printer"
// becomes "[#123] printer". NormalizeSubject is idempotent.
func NormalizeSubject(s string) string {
	s = foldSpace(strings.ToLower(s))
	var tags []string
	for {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			break
		}
		if s[0] == '[' {
			if j := strings.IndexByte(s, ']'); j > 0 {
				if t := foldSpace(s[:j+1]); t != "[]" {
					tags = append(tags, t)
				}
				s = s[j+1:]
				continue
			}
			break
		}
		if rest, ok := cutMarker(s); ok {
			s = rest
			continue
		}
		break
	}
	tags = append(tags, s)
	return foldSpace(strings.Join(tags, " "))
}

// cutMarker removes one leading marker followed by a colon.
func cutMarker(s string) (string, bool) {
	for _, p := range replyPrefixes {
		if rest, ok := cutColon(s, p, true); ok {
			return rest, true
		}
	}
	for _, p := range autoPhrases {
		if rest, ok := cutColon(s, p.text, false); ok {
			return rest, true
		}
	}
	return s, false
}

// cutColon removes prefix p plus a colon from s. Spaces may precede the
// colon (French style); with counter, a counter such as [2], (2) or ^2 may
// too, as in "Re[2]:".
func cutColon(s, p string, counter bool) (string, bool) {
	rest, ok := strings.CutPrefix(s, p)
	if !ok {
		return s, false
	}
	if counter {
		rest = cutCounter(rest)
	}
	rest = strings.TrimLeft(rest, " ")
	if r, ok := strings.CutPrefix(rest, ":"); ok {
		return r, true
	}
	if r, ok := strings.CutPrefix(rest, "："); ok {
		return r, true
	}
	return s, false
}

// cutCounter removes a reply counter: [2], (2) or ^2.
func cutCounter(s string) string {
	if s == "" {
		return s
	}
	var end byte
	switch s[0] {
	case '[':
		end = ']'
	case '(':
		end = ')'
	case '^':
		i := 1
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i > 1 {
			return s[i:]
		}
		return s
	default:
		return s
	}
	i := 1
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 1 && i < len(s) && s[i] == end {
		return s[i+1:]
	}
	return s
}

// foldSpace collapses runs of white space into one space and trims both ends.
func foldSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// isGenericSubject reports whether a normalised subject is too generic to
// join messages into one thread: empty, a bare auto-reply phrase ("out of
// office") or a stock delivery-failure subject.
func isGenericSubject(norm string) bool {
	if norm == "" {
		return true
	}
	for _, p := range autoPhrases {
		if norm == p.text {
			return true
		}
	}
	for _, g := range genericSubjects {
		if norm == g {
			return true
		}
	}
	return false
}

// isAutoReplySubject reports whether a decoded subject starts, after any
// bracketed tags, with an auto-reply phrase.
func isAutoReplySubject(subject string) bool {
	s := foldSpace(strings.ToLower(subject))
	for strings.HasPrefix(s, "[") {
		j := strings.IndexByte(s, ']')
		if j < 0 {
			break
		}
		s = strings.TrimLeft(s[j+1:], " ")
	}
	for _, p := range autoPhrases {
		rest, ok := strings.CutPrefix(s, p.text)
		if !ok {
			continue
		}
		if p.weak {
			rest = strings.TrimLeft(rest, " ")
			if rest == "" || strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "：") {
				return true
			}
			continue
		}
		if rest == "" || !needsBoundary(p.text) {
			return true
		}
		r, _ := utf8.DecodeRuneInString(rest)
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// needsBoundary reports whether a phrase is written in a script that
// separates words with spaces, so that a match must end at a word boundary.
// Japanese and Chinese phrases run straight into the next word.
func needsBoundary(phrase string) bool {
	r, _ := utf8.DecodeLastRuneInString(phrase)
	return !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}
