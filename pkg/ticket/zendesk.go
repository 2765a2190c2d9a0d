package ticket

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/sign"
)

// zendesk finds a Zendesk ticket. Evidence, in order of precedence for the
// encoded ID (the order in which Zendesk itself threads a reply):
//
//  1. body: "[1G7EOR-0Q2J]" alone on a line of the original's text (the
//     last such line; quoted reply lines never count),
//  2. reply-to: the support plus-address support+id1G7EOR-0Q2J@... in
//     Reply-To or From,
//  3. message-id: the original's own Message-ID, <1G7EOR0Q2J_..._sprut@zendesk.com>,
//  4. references: In-Reply-To and References, <1G7EOR0Q2J@zendesk.com>.
//
// The first three are written by Zendesk for this very notification; when
// two of them disagree the original is ambiguous and zendesk reports that,
// so that nothing is linked. References that disagree with them are ignored.
// The numeric ID comes from ticket links in the body (agent/tickets/N,
// hc/<locale>/requests/N, requests/N), on a host with a "zendesk" label, or
// on any host once the original is otherwise known to be from Zendesk; and,
// only in a message known to be Zendesk's, from its own words: "Your
// request (N) has been updated" in the body (see zendeskRequestNouns) and
// "Request #N: ..." in the subject. When these name different numbers, none
// is used.
func zendesk(v *view) (t *Ticket, ambiguous bool) {
	type cand struct{ enc, source string }
	var strong []cand
	if enc := zendeskBodyID(v.m.Body, false); enc != "" {
		strong = append(strong, cand{enc, SourceBody})
	}
	if enc := zendeskPlusAddress(v.m.Header.Get("Reply-To")); enc != "" {
		strong = append(strong, cand{enc, SourceReplyTo})
	} else if enc := zendeskPlusAddress(v.m.Header.Get("From")); enc != "" {
		strong = append(strong, cand{enc, SourceReplyTo})
	}
	if enc := zendeskMsgID(v.msgID); enc != "" {
		strong = append(strong, cand{enc, SourceMessageID})
	}
	for _, c := range strong[min(1, len(strong)):] {
		if c.enc != strong[0].enc {
			return nil, true
		}
	}
	var enc, source string
	if len(strong) > 0 {
		enc, source = strong[0].enc, strong[0].source
	} else {
		for _, id := range v.refs {
			if e := zendeskMsgID(id); e != "" {
				enc, source = e, SourceReferences
				break
			}
		}
	}
	marked := enc != "" || zendeskMarks(v)
	if enc == "" && marked {
		// QUIRK: an all-digit 6-4 bracket ("[202401-0101]") reads as a
		// date or a part number unless the message is known to come from
		// Zendesk, so zendeskBodyID wants a letter unless marked.
		if e := zendeskBodyID(v.m.Body, true); e != "" {
			enc, source = e, SourceBody
		}
	}
	id, idSource := zendeskNumber(v, marked)
	switch {
	case enc != "":
		return &Ticket{ID: id, EncodedID: enc, System: Zendesk, Source: source}, false
	case id != "":
		return &Ticket{ID: id, System: Zendesk, Source: idSource}, false
	}
	return nil, false
}

// zendeskNumber returns the ticket number of a Zendesk notification and
// where it was found: ticket links, then (only when marked, that is when
// the message is known to be Zendesk's) the notification's text and its
// subject. Evidence that names two numbers gives none: a wrong number would
// put a note on someone else's ticket.
func zendeskNumber(v *view, marked bool) (id, source string) {
	id, source = zendeskURLID(v.m.Body, marked), SourceURL
	if !marked {
		return id, source
	}
	for _, c := range [...]struct{ id, source string }{
		{zendeskTextID(v.m.Body), SourceBody},
		{zendeskSubjectID(v.subjectText()), SourceSubject},
	} {
		switch {
		case c.id == "":
		case id == "":
			id, source = c.id, c.source
		case c.id != id:
			return "", ""
		}
	}
	return id, source
}

// zendeskRequestNouns are the words before "(N)" in Zendesk's
// notification text: "Your request (48213) has been updated" to the
// requester, "This ticket (#48213) has been updated" to agents, in the
// languages of its default triggers (lower case).
var zendeskRequestNouns = []string{"request", "ticket", "anfrage", "demande", "solicitud", "richiesta", "pedido",
	"solicitação", "aanvraag", "verzoek", "förfrågan", "forespørgsel", "henvendelse", "pyyntö", "zgłoszenie"}

// zendeskTextID returns the number of "request (N)" or "ticket (#N)" in
// body (a word of zendeskRequestNouns, a space, a bracketed number), ""
// when there is none or two differ. Quoted lines do not count.
func zendeskTextID(body string) string {
	found := ""
	for i := 0; i < len(body); {
		j := strings.Index(body[i:], " (")
		if j < 0 {
			break
		}
		i += j
		at := i + 2
		if at < len(body) && body[at] == '#' {
			at++ // "This ticket (#48213) has been updated"
		}
		num := digitsAt(body, at)
		end := at + len(num)
		if num != "" && end < len(body) && body[end] == ')' && trimZeros(num) != "" &&
			requestNoun(body[:i]) && !quoted(lineAt(body, i)) {
			if found != "" && found != trimZeros(num) {
				return ""
			}
			found = trimZeros(num)
		}
		i += 2
	}
	return found
}

// requestNoun reports whether s ends in Zendesk's phrase before the
// number: a word of zendeskRequestNouns after one of zendeskDeterminers
// ("Your request", "This ticket", "Ihre Anfrage"), case aside. A
// customer's "my request (12)" in the quoted conversation is not it.
func requestNoun(s string) bool {
	for _, n := range zendeskRequestNouns {
		if len(s) < len(n) || !strings.EqualFold(s[len(s)-len(n):], n) {
			continue
		}
		before, ok := strings.CutSuffix(s[:len(s)-len(n)], " ")
		if !ok {
			return false
		}
		for _, d := range zendeskDeterminers {
			if len(before) >= len(d) && strings.EqualFold(before[len(before)-len(d):], d) {
				k := len(before) - len(d)
				return k == 0 || !isWordByte(before[k-1]) && before[k-1] < 0x80
			}
		}
		return false
	}
	return false
}

// zendeskDeterminers are the words before zendeskRequestNouns in Zendesk's
// default notifications: "Your request (N)", "This ticket (#N)", "A ticket
// (N) by ...", "Ihre Anfrage", "Votre demande", "Su solicitud", "La tua
// richiesta", "Sua solicitação", "Uw aanvraag".
var zendeskDeterminers = []string{"your", "this", "a", "ihre", "votre", "su", "tu", "tua", "sua", "seu", "uw", "je",
	"din", "ditt", "teidän", "twoje", "deine", "dein"}

// zendeskSubjectID returns N of a subject that starts "Request #N:" after
// the account's tag and reply prefixes ("Request #48213: Printer on fire",
// "[Acme] Re: Request #48213: Printer on fire"): the form of Zendesk
// triggers that put the number in the subject. "Request #N" anywhere else
// belongs to the ticket's title, which the customer wrote.
func zendeskSubjectID(subject string) string {
	s := subject
	for {
		s = strings.TrimLeft(s, " \t")
		if strings.HasPrefix(s, "[") {
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return ""
			}
			s = s[end+1:]
			continue
		}
		if p, _, ok := strings.Cut(s, ":"); ok && len(p) <= 3 && replyPrefix(p) {
			s = s[len(p)+1:]
			continue
		}
		break
	}
	const tag = "request #"
	if len(s) < len(tag) || !strings.EqualFold(s[:len(tag)], tag) {
		return ""
	}
	num := digitsAt(s, len(tag))
	if end := len(tag) + len(num); num == "" || end >= len(s) || s[end] != ':' {
		return ""
	}
	return trimZeros(num)
}

// replyPrefix reports whether p is a reply or forward prefix of a subject
// (without its colon): Re, Fw, Fwd, AW, WG, SV, VS, TR, RV, Res, Enc.
func replyPrefix(p string) bool {
	switch strings.ToLower(p) {
	case "re", "fw", "fwd", "aw", "wg", "sv", "vs", "tr", "rv", "res", "enc":
		return true
	}
	return false
}

// zendeskMarks reports whether the original's header says Zendesk sent it
// (sign.HelpDesk: X-Zendesk-* fields, X-Mailer: Zendesk Mailer, or a
// zendesk Message-ID domain).
func zendeskMarks(v *view) bool { return v.helpDesk() == sign.Zendesk }

// encodedID returns s as a Zendesk encoded ID ("1G7EOR-0Q2J"): six, a dash,
// four or five of A-Z and 0-9. With letterless false it also wants a
// letter, which dates and part numbers lack.
func encodedID(s string, letterless bool) string {
	if (len(s) != 11 && len(s) != 12) || s[6] != '-' {
		return ""
	}
	letter := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i == 6:
		case c >= 'A' && c <= 'Z':
			letter = true
		case c >= '0' && c <= '9':
		default:
			return ""
		}
	}
	if !letter && !letterless {
		return ""
	}
	return s
}

// zendeskBodyID returns the encoded ID of the last "[XXXXXX-XXXX]" that
// stands alone on a line of body. Zendesk appends it to the end of every
// notification; one inside a sentence or a quoted line is someone's text.
func zendeskBodyID(body string, letterless bool) string {
	found := ""
	for i := 0; i < len(body); {
		j := strings.IndexByte(body[i:], '[')
		if j < 0 {
			break
		}
		i += j
		end := strings.IndexByte(body[i:], ']')
		if end < 0 {
			break
		}
		if end == 12 || end == 13 {
			if enc := encodedID(body[i+1:i+end], letterless); enc != "" &&
				strings.TrimSpace(lineAt(body, i)) == body[i:i+end+1] {
				found = enc
			}
		}
		i++
	}
	return found
}

// zendeskPlusAddress returns the encoded ID of a support plus-address
// ("support+id1G7EOR-0Q2J@acme.zendesk.com") in a header value.
func zendeskPlusAddress(v string) string {
	if v == "" {
		return ""
	}
	for i := 0; ; {
		// Search v itself: lowercasing text with invalid UTF-8 would
		// change its length and shift the offsets.
		j := strings.IndexByte(v[i:], '+')
		if j < 0 {
			return ""
		}
		i += j + 1
		if len(v)-i < 2 || !strings.EqualFold(v[i:i+2], "id") {
			continue
		}
		i += 2
		at := strings.IndexByte(v[i:], '@')
		if at == 11 || at == 12 {
			if enc := encodedID(strings.ToUpper(v[i:i+at]), true); enc != "" {
				return enc
			}
		}
	}
}

// zendeskMsgID returns the encoded ID in a Zendesk Message-ID: the ID
// without its dash, then "_..." or nothing, at a zendesk domain
// (1G7EOR0Q2J_5e41e701f984_4bbe_sprut@zendesk.com, 1G7EOR0Q2J@zendesk.com).
func zendeskMsgID(id string) string {
	local, domain, ok := splitAddr(id)
	if !ok || !hasLabel(domain, "zendesk") {
		return ""
	}
	if i := strings.IndexByte(local, '_'); i >= 0 {
		local = local[:i]
	}
	if len(local) != 10 && len(local) != 11 {
		return ""
	}
	return encodedID(local[:6]+"-"+local[6:], true)
}

// zendeskPaths are the ticket links Zendesk puts in notifications; the
// digits follow.
var zendeskPaths = []string{"/agent/tickets/", "/requests/", "/tickets/"}

// zendeskURLID returns the ticket number of the Zendesk ticket links in
// body, "" when there are none or they disagree. Links on a host without a
// "zendesk" label (host-mapped help centres) count only when marked.
func zendeskURLID(body string, marked bool) string {
	if !strings.Contains(body, "://") {
		return ""
	}
	found := ""
	for _, p := range zendeskPaths {
		for i := 0; i < len(body); {
			j := strings.Index(body[i:], p)
			if j < 0 {
				break
			}
			i += j
			num := digitsAt(body, i+len(p))
			if id, ok := zendeskLink(body, i, p, num, marked); ok {
				if found != "" && found != id {
					return ""
				}
				found = id
			}
			i += len(p)
		}
	}
	return found
}

// zendeskLink checks the link whose path p starts at body[i] and ends in the
// number num.
func zendeskLink(body string, i int, p, num string, marked bool) (string, bool) {
	if num == "" || trimZeros(num) == "" {
		return "", false
	}
	after := i + len(p) + len(num)
	if after < len(body) && isWordByte(body[after]) {
		return "", false
	}
	// Back to the scheme: the URL is one unbroken token.
	start := i
	for start > 0 && !isSpaceOrDelim(body[start-1]) {
		start--
	}
	url := body[start:i]
	k := strings.Index(url, "://")
	if k < 0 || quoted(lineAt(body, i)) {
		return "", false
	}
	scheme := strings.ToLower(url[:k])
	if scheme != "https" && scheme != "http" {
		return "", false
	}
	host, path, _ := strings.Cut(url[k+3:], "/")
	if path != "" {
		path = "/" + path
	}
	zd := hasLabel(host, "zendesk")
	switch p {
	case "/agent/tickets/":
		if path != "" {
			return "", false
		}
	case "/requests/":
		// /requests/N, /hc/requests/N or /hc/<locale>/requests/N
		if path != "" && path != "/hc" && !(strings.HasPrefix(path, "/hc/") && isLocale(path[4:])) {
			return "", false
		}
	case "/tickets/":
		// The old agent link, on Zendesk's own hosts only.
		if path != "" || !zd {
			return "", false
		}
	}
	if !zd && !marked {
		return "", false
	}
	return trimZeros(num), true
}

// isLocale reports whether s looks like a help-centre locale: en-us, de, pt-br.
func isLocale(s string) bool {
	if len(s) < 2 || len(s) > 10 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func digitsAt(s string, i int) string {
	j := i
	for j < len(s) && j-i < 20 && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	return s[i:j]
}

func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-'
}

func isSpaceOrDelim(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '<', '>', '"', '\'', '(', ')', '[', ']':
		return true
	}
	return false
}
