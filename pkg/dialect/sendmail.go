package dialect

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/internal/phrase"
	"github.com/bounce-tool/bounce/pkg/status"
)

// Sendmail writes a transcript of the SMTP session under "----- Transcript
// of session follows -----": "... while talking to HOST:" names the remote
// server, ">>> COMMAND" what Sendmail sent, "<<< REPLY" what the server
// answered, and "NNN <addr>... text" Sendmail's verdict on one recipient.
// Old Sendmail (V5) writes nothing else; newer versions add a DSN whose
// Diagnostic-Code is often only the first reply, or an exit status.
//
// With PIPELINING, Sendmail sends RCPT TO and DATA in one go and writes only
// ">>> DATA" before all their replies: a refusal of a recipient then stands
// under DATA. A reply to RCPT TO is followed by another reply of the same
// session (the one to DATA, "503 Need RCPT"), or by Sendmail's verdict on
// the address it refused ("550 5.1.1 <ann@example.org>... User unknown");
// the reply to DATA itself, or to the end of the message, is the last one
// and names no one.

// transcript is a Sendmail session transcript, read.
type transcript struct {
	groups  []reply             // the "<<<" replies in order, multi-line ones joined
	about   map[string][]string // per recipient (lowercase): its verdict and the replies before it
	order   []string            // recipients in the order of their verdicts, as written
	command map[string]string   // per recipient: the last command before its verdict
	host    map[string]string   // per recipient: the server being talked to
}

// reply is one SMTP reply of a transcript, its lines joined.
type reply struct {
	text    string // the lines joined by spaces
	key     string // replyKey(text), to match a Diagnostic-Code against
	command string // the command it answered
	session int    // which "while talking to" it belongs to
	named   bool   // a verdict naming an address follows it
}

// transcriptMarkSet indexes the phrases of a transcript line that
// readTranscript looks for, ASCII case ignored: a session's start
// (phrase 0), and Sendmail's word about a destination.
var transcriptMarkSet = phrase.New("while talking to ", " (smtp)...", " (esmtp)...")

// transcriptMarks returns a bit for each phrase of transcriptMarkSet that
// line contains, and the offset of the first "while talking to ", or -1.
func transcriptMarks(line string) (marks uint8, talking int) {
	talking = -1
	transcriptMarkSet.ScanFold(line, func(at, i int) bool {
		if i == 0 && talking < 0 {
			talking = at
		}
		marks |= 1 << i
		return true
	})
	return marks, talking
}

// readTranscript reads the transcript lines of a report text.
func readTranscript(report string) *transcript {
	t := &transcript{}   // its maps made at the first verdict: most reports have none
	var pending []string // replies not yet tied to a recipient
	cmd, host := "", ""
	session := 0
	continued := false // the last "<<<" line was "NNN-", more lines follow
	for start := 0; start <= len(report); {
		end := strings.IndexByte(report[start:], '\n')
		if end < 0 {
			end = len(report) - start
		}
		end += start
		line := report[start:end]
		l := strings.TrimSpace(line)
		start = end + 1
		var marks uint8 // transcriptMarks of l, read when it is neither a reply nor a command
		talking := -1
		if !strings.HasPrefix(l, "<<<") && !strings.HasPrefix(l, ">>>") {
			marks, talking = transcriptMarks(l)
		}
		switch {
		case strings.HasPrefix(l, "<<<"):
			r := strings.TrimSpace(l[3:])
			pending = append(pending, r)
			if n := len(t.groups); continued && n > 0 {
				t.groups[n-1].text += " " + r
			} else {
				t.groups = append(t.groups, reply{text: r, command: cmd, session: session})
			}
			continued = len(r) > 3 && r[3] == '-' && isReplyCode(r[:3])
			continue
		case strings.HasPrefix(l, ">>>"):
			if f := strings.Fields(l[3:]); len(f) > 0 {
				cmd = commandWord(f[0])
			}
		case talking >= 0:
			host = hostAt(l[talking+len("while talking to "):])
			pending, cmd = nil, ""
			session++
		case marks != 0:
			// "550 example.org (smtp)... 550 Host unknown": Sendmail's
			// word about a destination; another one than the session's
			// is one that no session reached.
			if f := strings.Fields(l); len(f) > 1 && !equalLower(strings.TrimSuffix(f[1], "."), host) {
				pending, cmd, host = nil, "", ""
			}
		default:
			addr, ok := verdict(l)
			if !ok {
				break
			}
			if n := len(t.groups); n > 0 && len(pending) > 0 {
				t.groups[n-1].named = true
			}
			k := LowerASCII(addr)
			if t.about == nil {
				t.about, t.command, t.host = map[string][]string{}, map[string]string{}, map[string]string{}
			}
			if _, seen := t.about[k]; !seen {
				t.order = append(t.order, addr)
			}
			t.about[k] = append(t.about[k], l)
			t.about[k] = append(t.about[k], pending...)
			pending = nil
			if cmd != "" {
				t.command[k] = cmd
			}
			if host != "" {
				t.host[k] = host
			}
		}
		continued = false
	}
	t.pipelined()
	for i := range t.groups {
		t.groups[i].key = replyKey(t.groups[i].text)
	}
	return t
}

// pipelined gives the refusals of recipients that stand under ">>> DATA"
// their command, RCPT (see the comment at the top of this file).
func (t *transcript) pipelined() {
	for i := range t.groups {
		g := &t.groups[i]
		if g.command != "DATA" || !refusal(firstWord(g.text)) {
			continue
		}
		if g.named || i+1 < len(t.groups) && t.groups[i+1].session == g.session {
			g.command = "RCPT"
		}
	}
}

// replyFor returns the reply of the transcript a Diagnostic-Code quotes
// (all of it, when the code quotes only its first line).
func (t *transcript) replyFor(diag string) (reply, bool) {
	d := replyKey(diag)
	if len(d) < 8 {
		return reply{}, false
	}
	for _, g := range t.groups {
		k := g.key
		if strings.HasPrefix(k, d) || strings.HasPrefix(d, k) && len(k) >= 8 {
			return g, true
		}
	}
	return reply{}, false
}

// sessionsBut returns the replies of the transcript in order, of session n
// only the reply text.
func (t *transcript) sessionsBut(n int, text string) string {
	var parts []string
	done := false
	for _, g := range t.groups {
		switch {
		case g.session != n:
			parts = append(parts, g.text)
		case !done:
			parts = append(parts, text)
			done = true
		}
	}
	return strings.Join(parts, " ")
}

// replyKey is a reply's text for comparison: lowercase, without its reply
// codes and blanks, at most 60 bytes. It reads s's words (strings.Fields)
// in place and makes only the key.
func replyKey(s string) string {
	var buf [60]byte
	b := buf[:0]
	for i := 0; i < len(s) && len(b) < len(buf); {
		if size, sp := spaceAt(s, i); sp {
			i += size
			continue
		}
		j := wordEnd(s, i)
		f := s[i:j]
		i = j
		if len(f) == 4 && f[3] == '-' && isReplyCode(f[:3]) || isReplyCode(f) {
			continue
		}
		for k := 0; k < len(f) && len(b) < len(buf); k++ {
			b = append(b, phrase.Lower(f[k]))
		}
	}
	return string(b)
}

func isReplyCode(s string) bool {
	_, ok := status.ParseReply(s)
	return ok
}

// refusal reports whether w is a 4xx or 5xx reply code, or starts with
// one followed by "-" (the first line of a multi-line reply, "550-5.7.1").
func refusal(w string) bool {
	if len(w) > 3 && w[3] == '-' {
		w = w[:3]
	}
	c, ok := status.ParseReply(w)
	return ok && (c.Class() == status.ClassTemporary || c.Class() == status.ClassPermanent)
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// verdict reads a line "550 5.1.1 <ann@example.org>... User unknown" or
// "<ann@example.org>... Deferred: ...": the address it names.
func verdict(l string) (addr string, ok bool) {
	i := strings.Index(l, ">...")
	if i < 0 {
		return "", false
	}
	j := strings.LastIndexByte(l[:i], '<')
	if j < 0 || !leadPrefix(LowerASCII(l[:j])) {
		return "", false
	}
	a := l[j+1 : i]
	if !strings.Contains(a, "@") || strings.ContainsAny(a, " \t") {
		return "", false
	}
	return a, true
}

// commandWord returns the SMTP command a ">>>" line starts with.
func commandWord(w string) string {
	w = strings.ToUpper(strings.TrimRight(w, ":"))
	switch w {
	case "RCPT", "MAIL", "DATA", "HELO", "EHLO", "QUIT", "RSET", "STARTTLS", "AUTH":
		return w
	case ".":
		return "DATA" // the end of the message
	}
	return ""
}

// sendmail reads a Sendmail bounce: the DSN's recipients completed from the
// transcript, or, without a DSN (V5), the recipients of the transcript.
func sendmail(in *Input) *Result {
	p := in.prep()
	t := readTranscript(p.report)
	if res := in.standard(); res != nil {
		texts := make([]string, len(t.groups))
		for i, g := range t.groups {
			texts[i] = g.text
		}
		joined := strings.Join(texts, " ")
		for i := range res.Recipients {
			r := &res.Recipients[i]
			k := LowerASCII(r.Address)
			if g, ok := t.replyFor(r.Diagnostic); ok {
				// The reply the Diagnostic-Code quotes, whole; for a
				// lone recipient, with what the other hosts tried
				// answered.
				text := g.text
				if len(res.Recipients) == 1 {
					text = t.sessionsBut(g.session, g.text)
				}
				if len(text) > len(r.Diagnostic) {
					r.Diagnostic = text
				}
				if r.Command == "" {
					r.Command = g.command
				}
			} else {
				if weakDiagnostic(r.Diagnostic) && len(t.about[k]) > 0 {
					r.Diagnostic = strings.Join(t.about[k], " ")
				}
				// The server's own replies say more than a summary:
				// when they are longer than the Diagnostic-Code, they
				// replace it (the convention of the reference parsers).
				// Only for a lone recipient: another's replies are not
				// about it.
				if len(joined) > len(r.Diagnostic) && len(res.Recipients) == 1 {
					r.Diagnostic = joined
				}
			}
			if r.Command == "" {
				r.Command = t.command[k]
			}
			if r.RemoteMTA == "" {
				r.RemoteMTA = t.host[k]
			}
		}
		return res
	}
	if len(t.order) == 0 {
		return nil
	}
	exclude := in.senderSet()
	res := &Result{}
	action := in.proseAction() // "Warning: could not send message for past 4 hours"
	for _, a := range t.order {
		k := LowerASCII(a)
		if exclude[k] {
			continue
		}
		res.Recipients = append(res.Recipients, Recipient{
			Address: a, Action: action, Diagnostic: Fold(strings.Join(t.about[k], " ")),
			Command: t.command[k], RemoteMTA: t.host[k],
		})
	}
	if empty(res) {
		return nil
	}
	return res
}

// equalLower reports whether s in ASCII lowercase is lower.
func equalLower(s, lower string) bool {
	return len(s) == len(lower) && phrase.HasPrefixFold(s, lower)
}
