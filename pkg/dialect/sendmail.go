package dialect

import "strings"

// Sendmail writes a transcript of the SMTP session under "----- Transcript
// of session follows -----": "... while talking to HOST:" names the remote
// server, ">>> COMMAND" what Sendmail sent, "<<< REPLY" what the server
// answered, and "NNN <addr>... text" Sendmail's verdict on one recipient.
// Old Sendmail (V5) writes nothing else; newer versions add a DSN whose
// Diagnostic-Code is often only the first reply, or an exit status.

// transcript is a Sendmail session transcript, read.
type transcript struct {
	replies []string            // the "<<<" lines, in order, without the marker
	about   map[string][]string // per recipient (lowercase): its verdict and the replies before it
	order   []string            // recipients in the order of their verdicts, as written
	command map[string]string   // per recipient: the last command before its verdict
	host    map[string]string   // per recipient: the server being talked to
}

// readTranscript reads the transcript lines of a report text.
func readTranscript(report string) *transcript {
	t := &transcript{about: map[string][]string{}, command: map[string]string{}, host: map[string]string{}}
	var pending []string // replies not yet tied to a recipient
	cmd, host := "", ""
	for _, line := range strings.Split(report, "\n") {
		l := strings.TrimSpace(line)
		low := LowerASCII(l)
		switch {
		case strings.HasPrefix(l, "<<<"):
			r := strings.TrimSpace(l[3:])
			t.replies = append(t.replies, r)
			pending = append(pending, r)
		case strings.HasPrefix(l, ">>>"):
			if f := strings.Fields(l[3:]); len(f) > 0 {
				cmd = commandWord(f[0])
			}
		case strings.Contains(low, "while talking to "):
			host = hostAt(l[strings.Index(low, "while talking to ")+len("while talking to "):])
			pending, cmd = nil, ""
		case strings.Contains(low, " (smtp)...") || strings.Contains(low, " (esmtp)..."):
			// "550 example.org (smtp)... 550 Host unknown": Sendmail's
			// word about a destination; another one than the session's
			// is one that no session reached.
			if f := strings.Fields(low); len(f) > 1 && strings.TrimSuffix(f[1], ".") != host {
				pending, cmd, host = nil, "", ""
			}
		default:
			addr, text, ok := verdict(l)
			if !ok {
				continue
			}
			k := LowerASCII(addr)
			if _, seen := t.about[k]; !seen {
				t.order = append(t.order, addr)
			}
			t.about[k] = append(t.about[k], l)
			t.about[k] = append(t.about[k], pending...)
			_ = text
			pending = nil
			if cmd != "" {
				t.command[k] = cmd
			}
			if host != "" {
				t.host[k] = host
			}
		}
	}
	return t
}

// verdict reads a line "550 5.1.1 <ann@example.org>... User unknown" or
// "<ann@example.org>... Deferred: ...": the address and Sendmail's words.
func verdict(l string) (addr, text string, ok bool) {
	i := strings.Index(l, ">...")
	if i < 0 {
		return "", "", false
	}
	j := strings.LastIndexByte(l[:i], '<')
	if j < 0 || !leadPrefix(LowerASCII(l[:j])) {
		return "", "", false
	}
	a := l[j+1 : i]
	if !strings.Contains(a, "@") || strings.ContainsAny(a, " \t") {
		return "", "", false
	}
	return a, strings.TrimSpace(l[i+4:]), true
}

// commandWord returns the SMTP command a ">>>" line starts with.
func commandWord(w string) string {
	w = strings.ToUpper(strings.TrimRight(w, ":"))
	switch w {
	case "RCPT", "MAIL", "DATA", "HELO", "EHLO", "QUIT", "RSET", "STARTTLS", "AUTH":
		return w
	}
	return ""
}

// sendmail reads a Sendmail bounce: the DSN's recipients completed from the
// transcript, or, without a DSN (V5), the recipients of the transcript.
func sendmail(in *Input) *Result {
	p := in.prep()
	t := readTranscript(p.report)
	if res := in.standard(); res != nil {
		joined := strings.Join(t.replies, " ")
		for i := range res.Recipients {
			r := &res.Recipients[i]
			k := LowerASCII(r.Address)
			if weakDiagnostic(r.Diagnostic) && len(t.about[k]) > 0 {
				r.Diagnostic = strings.Join(t.about[k], " ")
			}
			// The server's own replies say more than a summary: when
			// they are longer than the Diagnostic-Code, they replace it
			// (the convention of the reference parsers).
			if len(joined) > len(r.Diagnostic) {
				r.Diagnostic = joined
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
	for _, a := range t.order {
		k := LowerASCII(a)
		if exclude[k] {
			continue
		}
		res.Recipients = append(res.Recipients, Recipient{
			Address: a, Action: "failed", Diagnostic: Fold(strings.Join(t.about[k], " ")),
			Command: t.command[k], RemoteMTA: t.host[k],
		})
	}
	if empty(res) {
		return nil
	}
	return res
}
