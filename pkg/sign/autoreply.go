package sign

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bounce-tool/bounce/pkg/header"
)

// autoPhrase is an auto-reply marker at the start of a subject. Strong
// phrases match when followed by any non-letter; weak ones, which are also
// ordinary words ("Absence of invoice", "Vacation rental enquiry"), only
// when followed by a colon or when they are the whole subject.
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
	{"vacation", true},
	{"on vacation", true},
	{"away from the office", true},
	{"away from my desk", true},
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
	{"ausente", true},
	{"risposta automatica", false},
	{"fuori ufficio", true},
	{"fuori sede", true},
	{"resposta automática", false},
	{"resposta automatica", false},
	{"fora do escritório", true},
	{"automatisch antwoord", false},
	{"afwezig", true},
	{"autosvar", false},
	{"automatisk svar", false},
	{"automatiskt svar", false},
	{"fraværende", true},
	{"frånvaro", true},
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
	{"нет на месте", true},
	{"自動応答", false},
	{"自動返信", false},
	{"不在", true},
	{"自动回复", false},
	{"自動回覆", false},
	{"자동 회신", false},
	{"자동 응답", false},
	{"부재", true},
	// Outlook's "Automatic reply:" in more of the languages it is
	// localised to, and other mail programs' own.
	{"autoodpowiedź", false},
	{"autoodpowiedz", false},
	{"odpowiedź automatyczna", false},
	{"automatická odpoveď", false},
	{"răspuns automat", false},
	{"raspuns automat", false},
	{"samodejni odgovor", false},
	{"automaatvastus", false},
	{"automaatne vastus", false},
	{"automātiskā atbilde", false},
	{"automatinis atsakymas", false},
	{"автоматичен отговор", false},
	{"автовідповідь", false},
	{"автоматична відповідь", false},
	{"תשובה אוטומטית", false},
	{"رد تلقائي", false},
	{"ตอบกลับอัตโนมัติ", false},
	{"trả lời tự động", false},
	{"balasan otomatis", false},
	{"balasan automatik", false},
	{"自动答复", false},
	{"自動答覆", false},
}

// AutoReplyPhrases returns the auto-reply subject markers, lowercase (for
// subject normalisation that strips them). The caller must not change it.
func AutoReplyPhrases() []string { return autoPhraseTexts }

var autoPhraseTexts = func() []string {
	out := make([]string, len(autoPhrases))
	for i, p := range autoPhrases {
		out[i] = p.text
	}
	return out
}()

// AutoReplySubject reports whether a decoded subject starts, after any
// bracketed tags and reply markers ("Re:", "AW:"), with an auto-reply phrase:
// a strong one ("Automatic reply", "自動返信") before any non-letter, a weak
// one ("Absence", "Vacation") only before a colon or as the whole subject.
func AutoReplySubject(subject string) bool {
	s := strings.Join(strings.FieldsFunc(strings.ToLower(subject), unicode.IsSpace), " ")
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
	return !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// autoReplyFields are the vendor header fields auto-responders set; each
// counts when present with a value other than no, false, off or 0.
var autoReplyFields = []string{"X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Autogenerated",
	"X-Vacation", "X-Mail-Autoreply", "X-Autoreply-From"}

// AutoReplyStrength says how sure the header is that a message is an
// auto-reply.
type AutoReplyStrength int

// The strengths AutoReply returns.
const (
	NotAutoReply AutoReplyStrength = iota
	// AutoReplyWeak: only the subject says so.
	AutoReplyWeak
	// AutoReplyStrong: a header field written for the purpose says so:
	// Auto-Submitted: auto-replied (RFC 3834), a vendor field such as
	// X-Autoreply, or Precedence: auto_reply.
	AutoReplyStrong
)

// AutoReply reports how strongly a header marks its message as an
// auto-reply (vacation, out of office, "we received your request"). subject
// is the decoded Subject. Mail from the mail system and delivery-report
// subjects are never auto-replies: daemons write Auto-Submitted:
// auto-replied on bounces too, wrongly (RFC 3834 section 5 asks for
// auto-generated).
func AutoReply(h header.Header, subject string) AutoReplyStrength {
	if FromMailSystem(h.Get("From")) || ReportSubject(subject) {
		return NotAutoReply
	}
	if FirstToken(h.Get("Auto-Submitted")) == "auto-replied" {
		return AutoReplyStrong
	}
	for _, k := range autoReplyFields {
		if Flagged(h, k) {
			return AutoReplyStrong
		}
	}
	switch FirstToken(h.Get("Precedence")) {
	case "auto_reply", "auto-reply":
		return AutoReplyStrong
	}
	if AutoReplySubject(subject) {
		return AutoReplyWeak
	}
	return NotAutoReply
}

// FirstToken returns the lowercased first word of a structured field value,
// before any parameter or comment: "auto-replied; x=y (vacation)" gives
// "auto-replied".
func FirstToken(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexAny(v, ";( \t"); i >= 0 {
		v = v[:i]
	}
	return strings.ToLower(v)
}

// Flagged reports whether a yes/no style field is present with a value
// other than no, false, off or 0.
func Flagged(h header.Header, key string) bool {
	for v := range h.All(key) {
		switch FirstToken(v) {
		case "", "no", "false", "off", "0":
		default:
			return true
		}
	}
	return false
}
