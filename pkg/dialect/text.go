package dialect

import (
	"slices"
	"strings"

	"github.com/bounce-tool/bounce/pkg/internal/phrase"
)

// commandContexts are the phrases that say at which SMTP stage a reply came,
// lowercase; they win over a bare mention of a command.
var commandContexts = []struct{ phrase, command string }{
	{"in reply to rcpt to", "RCPT"}, {"in reply to end of data", "DATA"}, {"in reply to data", "DATA"},
	{"in reply to mail from", "MAIL"}, {"in reply to helo", "HELO"}, {"in reply to ehlo", "EHLO"},
	{"in reply to starttls", "STARTTLS"}, {"in reply to auth", "AUTH"}, {"in reply to quit", "QUIT"},
	{"after rcpt to", "RCPT"}, {"after end of data", "DATA"}, {"after data", "DATA"}, {"after mail from", "MAIL"},
	{"after initial connection", "CONN"}, {"after helo", "HELO"}, {"after ehlo", "EHLO"},
	{"after starttls", "STARTTLS"}, {"after rcpt", "RCPT"}, {"after mail", "MAIL"}, {"after pipelined", "DATA"},
	{"final data", "DATA"}, {"after sending message", "DATA"}, {"after i sent the message", "DATA"},
	{"while connected", "CONN"}, {"during greeting", "CONN"}, {"to talk to me", "CONN"},
	{"after rcpt command", "RCPT"}, {"after data command", "DATA"}, {"smtp:rcpt", "RCPT"}, {"[rcpt_to]", "RCPT"},
	{"smtp:data", "DATA"}, {"smtp:mail", "MAIL"},
	// A session transcript names the command a reply answered on the
	// line before it (">>> DATA", "<<< 552 ..."): Courier, Sendmail.
	{">>> data", "DATA"}, {">>> rcpt to", "RCPT"}, {">>> mail from", "MAIL"}, {">>> ehlo", "EHLO"},
	{">>> helo", "HELO"}, {">>> starttls", "STARTTLS"},
}

// commandWords are bare mentions of SMTP commands, lowercase.
var commandWords = []struct{ phrase, command string }{
	{"rcpt to", "RCPT"}, {"mail from", "MAIL"}, {"end of data", "DATA"}, {"data command", "DATA"},
	{"ehlo", "EHLO"}, {"helo", "HELO"}, {"starttls", "STARTTLS"},
}

// FindCommand returns the SMTP command a text says the failure happened at
// (RCPT, DATA, MAIL, HELO, EHLO, STARTTLS, AUTH, QUIT, CONN for the
// greeting), or "". A phrase that ties the reply to a stage ("in reply to
// RCPT TO command", "after end of data") wins over a bare mention; among
// equals, the first written wins. Words count only whole ("email from" is
// not "MAIL FROM"), and a phrase broken over lines still counts.
func FindCommand(text string) string {
	if text == "" {
		return ""
	}
	return commandsIn(foldSpace(text)).command()
}

// commands are what a text says of the SMTP command: the command of the
// first phrase that ties the reply to a stage (commandContexts), and of
// the first bare mention (commandWords); "" for none.
type commands struct{ stage, word string }

// command returns the stage's command, else the bare mention's.
func (c commands) command() string {
	if c.stage != "" {
		return c.stage
	}
	return c.word
}

// commandsIn returns the commands of a text whose white space is folded
// already (foldSpace), in one pass over it (commandSet); the bare mention
// is not looked for past a stage, which wins over it.
func commandsIn(folded string) commands {
	var c commands
	commandSet.ScanFold(folded, func(i, k int) bool { return c.take(k, wholeWord(folded, i, len(commandPhrase(k)))) })
	return c
}

// commandsInBytes is commandsIn of a text in a byte slice.
func commandsInBytes(folded []byte) commands {
	var c commands
	phrase.ScanFoldText(commandSet, folded, func(i, k int) bool {
		return c.take(k, wholeWord(folded, i, len(commandPhrase(k))))
	})
	return c
}

// take keeps phrase k of commandSet, found whole or not in a text, when it
// is the first stage or the first bare mention; it returns whether the
// text is to be read on (no stage found yet).
func (c *commands) take(k int, whole bool) bool {
	switch {
	case !whole || k >= len(commandContexts) && c.word != "":
		return true
	case k < len(commandContexts):
		c.stage = commandContexts[k].command
		return false
	}
	c.word = commandWords[k-len(commandContexts)].command
	return true
}

// textFacts are what a text says of the SMTP command (commandsOf) and of
// the remote host (remoteHost), each read on first use.
type textFacts struct {
	text             string
	cmds             commands
	host             string
	hasCmds, hasHost bool
}

// factsKept bounds the texts whose facts a work keeps: the words about a
// recipient are read where the recipient is found (wordsOf, fromReports)
// and again, a few texts later, in complete.
const factsKept = 16

// facts returns the entry of in's work that holds the facts of text: the
// one that has them, else the oldest, emptied for text. Extract takes the
// work on entry.
func (in *Input) facts(text string) *textFacts {
	w := in.work()
	for i := range w.facts[:w.factsUsed] {
		if f := &w.facts[i]; (f.hasCmds || f.hasHost) && f.text == text {
			return f
		}
	}
	f := &w.facts[w.nextFact]
	w.nextFact = (w.nextFact + 1) % factsKept
	w.factsUsed = min(w.factsUsed+1, factsKept) // entries are taken in order
	*f = textFacts{text: text}
	return f
}

// commandsOf is commandsIn(foldSpace(text)), read once for each text
// (facts) while Extract runs.
func (in *Input) commandsOf(text string) commands {
	if in.w == nil {
		// Outside Extract (Returned reads the reports after it): no
		// work to keep facts in, nor to take from workPool for good.
		return commandsIn(foldSpace(text))
	}
	f := in.facts(text)
	if !f.hasCmds {
		f.cmds, f.hasCmds = in.readCommands(text), true
	}
	return f.cmds
}

// remoteHost is FindRemoteHost(text), read once for each text (facts)
// while Extract runs.
func (in *Input) remoteHost(text string) string {
	if in.w == nil {
		return FindRemoteHost(text) // outside Extract, as commandsOf
	}
	f := in.facts(text)
	if !f.hasHost {
		f.host, f.hasHost = FindRemoteHost(text), true
	}
	return f.host
}

// readCommands is commandsIn(foldSpace(text)), the text folded into in's
// work buffer when it must be, not into a new string.
func (in *Input) readCommands(text string) commands {
	if !wideSpace(text) {
		return commandsIn(text)
	}
	w := in.work()
	w.fold = appendFold(w.fold[:0], text)
	return commandsInBytes(w.fold)
}

// appendFold appends Fold(s) to dst: its runs of folded words (foldedEnd),
// with one space between them.
func appendFold(dst []byte, s string) []byte {
	start := len(dst)
	for i := skipSpace(s, 0); i < len(s); i = skipSpace(s, i) {
		if len(dst) > start {
			dst = append(dst, ' ')
		}
		j := foldedEnd(s, i)
		dst = append(dst, s[i:j]...)
		i = j
	}
	return dst
}

// foldSpace returns text with its runs of white space folded to one space
// when it has any, so that a phrase a server wrapped ("refused to talk\n
// to me") reads whole; text without them is returned as is.
func foldSpace(text string) string {
	if wideSpace(text) {
		return Fold(text)
	}
	return text
}

// spaceFolded is foldSpace(text) for a caller that has folded, Fold(text),
// made already.
func spaceFolded(text, folded string) string {
	if wideSpace(text) {
		return folded
	}
	return text
}

// wideSpace reports whether text has a line break, a tab or two spaces in
// a row: white space that foldSpace folds.
func wideSpace(text string) bool {
	for i := 0; i < len(text); i++ {
		if c := text[i]; c > ' ' { // most bytes: one test
			continue
		}
		switch text[i] {
		case '\n', '\r', '\t':
			return true
		case ' ':
			if i+1 < len(text) && text[i+1] == ' ' {
				return true
			}
		}
	}
	return false
}

// wordsOf returns a recipient whose diagnostic, command and remote host
// are read from ev, the server's words about it, folded once. What ev
// says is kept (facts) for complete, which asks again; so is what its
// folded twin, the diagnostic, says of the command when it is the text
// the command was read in.
func (in *Input) wordsOf(addr, action, ev string) Recipient {
	d := Fold(ev)
	f := in.facts(ev)
	if !f.hasCmds {
		f.cmds, f.hasCmds = commandsIn(spaceFolded(ev, d)), true
	}
	c := f.cmds
	if wideSpace(ev) {
		if g := in.facts(d); !g.hasCmds {
			g.cmds, g.hasCmds = c, true
		}
	}
	return Recipient{Address: addr, Action: action, Diagnostic: d, Command: c.command(), RemoteMTA: in.remoteHost(ev)}
}

// commandSet indexes the phrases of commandContexts, then those of
// commandWords: phrase k is commandPhrase(k).
var commandSet = newCommandSet()

func newCommandSet() *phrase.Set {
	p := make([]string, 0, len(commandContexts)+len(commandWords))
	for _, c := range commandContexts {
		p = append(p, c.phrase)
	}
	for _, c := range commandWords {
		p = append(p, c.phrase)
	}
	return phrase.New(p...)
}

// commandPhrase returns phrase k of commandSet.
func commandPhrase(k int) string { return commandSet.Phrase(k) }

// wholeWord reports whether the n bytes of text at i are whole words:
// no letter, digit or word joiner right before them or right after.
func wholeWord[T phrase.Text](text T, i, n int) bool {
	end := i + n
	return (i == 0 || !inWord(phrase.Lower(text[i-1]))) && (end == len(text) || !isWordByte(phrase.Lower(text[end])))
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
}

// hostIntros are the phrases servers put before the remote host's name,
// most telling first.
var hostIntros = []string{"remote host ", "host ", "host: ", "while talking to ", "connect to ", "server ", "mx ", "remote-mta: dns;"}

// FindRemoteHost returns the host name a text gives as the remote server,
// or "": first a name followed by its address in brackets
// ("mx.example.com[192.0.2.1]", "mx.example.com [192.0.2.1]:"), the way
// Postfix, Exim, Courier and most others write it; then a name and its
// address inside brackets ("[mx.example.com. 192.0.2.1: timed out]", as
// Gmail says which host it could not reach); else a name after a phrase
// such as "host" or "connect to".
func FindRemoteHost(text string) string {
	if h := hostBeforeAddress(text); h != "" {
		return h
	}
	if h := hostThenAddress(text); h != "" {
		return h
	}
	return hostAfterIntro(text)
}

// hostIntroSet indexes hostIntros but "mx " (mxIntro), whose three bytes
// would hold the set's skip scan to two bytes a step; hostAfterIntro looks
// for it on its own, and only when no intro before it in the list named a
// host.
var (
	mxIntro      = slices.Index(hostIntros, "mx ")
	hostIntroSet = phrase.New(slices.Delete(slices.Clone(hostIntros), mxIntro, mxIntro+1)...)
)

// hostAfterIntro returns the name after the first of hostIntros (in their
// order) that a name follows somewhere in text, at its first such place;
// "" for none. One pass finds them all: a name after an intro ends the
// search for it and for those after it in the list.
func hostAfterIntro(text string) string {
	best, host := len(hostIntros), "" // the intro found, and its name
	// try reads intro k at j; it returns whether to read on.
	try := func(j, k int) bool {
		if k >= best || j > 0 && inWord(phrase.Lower(text[j-1])) {
			return true
		}
		if h := hostAt(strings.TrimLeft(text[j+len(hostIntros[k]):], " ")); h != "" {
			best, host = k, h
		}
		return best > 0
	}
	hostIntroSet.ScanFold(text, func(j, k int) bool {
		if k >= mxIntro {
			k++ // the set's phrase k is the intro after "mx "
		}
		return try(j, k)
	})
	// "mx " by its "x ": an x is rarer than an m.
	for off := 1; best > mxIntro && off < len(text); {
		i := phrase.IndexFold(text[off:], "x ")
		if i < 0 {
			break
		}
		if j := off + i - 1; phrase.Lower(text[j]) == 'm' {
			try(j, mxIntro)
		}
		off += i + 1
	}
	return host
}

// hostThenAddress finds "[mx.example.com. 192.0.2.1: timed out]" or
// "[mx.example.com 192.0.2.1]" in text and returns the name.
func hostThenAddress(text string) string {
	for off := 0; off < len(text); {
		i := strings.IndexByte(text[off:], '[')
		if i < 0 {
			return ""
		}
		i += off
		off = i + 1
		rest := text[i+1:]
		sp := strings.IndexByte(rest, ' ')
		if sp <= 0 || sp > 255 {
			continue
		}
		addr := rest[sp+1:]
		end := strings.IndexByte(addr, ']')
		if c := strings.Index(addr, ": "); c >= 0 && (end < 0 || c < end) {
			end = c
		}
		if end <= 0 || end > 48 || !isIPLiteral(addr[:end]) {
			continue
		}
		name := rest[:sp]
		if h := hostAt(name); h != "" && len(h) == len(strings.Trim(name, ".")) {
			return h
		}
	}
	return ""
}

// hostBeforeAddress finds "name[192.0.2.1]" or "name [192.0.2.1]" in text
// and returns the name.
func hostBeforeAddress(text string) string {
	for off := 0; off < len(text); {
		i := strings.IndexByte(text[off:], '[')
		if i < 0 {
			return ""
		}
		i += off
		off = i + 1
		j := strings.IndexByte(text[i:], ']')
		if j < 0 || j > 48 || !isIPLiteral(text[i+1:i+j]) {
			continue
		}
		k := i
		if k > 0 && (text[k-1] == ' ' || text[k-1] == ':') {
			k--
		}
		start := k
		for start > 0 && k-start < 255 && isHostByte(text[start-1]) {
			start--
		}
		name := text[start:k]
		if len(name) > 4 && name[3] == '-' && strings.Trim(name[:3], "0123456789") == "" {
			name = name[4:] // "550-mx.example.com [192.0.2.1]": a reply's continuation
		}
		if h := hostAt(name); h != "" && len(h) == len(strings.Trim(name, ".")) {
			return h
		}
	}
	return ""
}

// isIPLiteral reports whether s is an IPv4 or IPv6 address (optionally
// "IPv6:"-prefixed), as written between brackets.
func isIPLiteral(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "IPv6:"), "ipv6:")
	if s == "" {
		return false
	}
	dots, colons := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			dots++
		case c == ':':
			colons++
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return false
		}
	}
	return dots == 3 && colons == 0 || colons >= 2
}

func isHostByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_'
}

// hostAt returns the domain name at the start of s, when it looks like one.
func hostAt(s string) string {
	end := 0
	for end < len(s) && isHostByte(s[end]) {
		end++
	}
	h := strings.Trim(s[:end], ".-")
	if strings.Count(h, ".") < 1 || len(h) < 4 {
		return ""
	}
	// Names only: an IPv4 address is not a host name here.
	if strings.Trim(h, "0123456789.") == "" {
		return ""
	}
	// The last label of a name is letters ("example.com"), not a version
	// number or a size ("2.5", "v1.2").
	last := h[strings.LastIndexByte(h, '.')+1:]
	if len(last) < 2 || strings.Trim(LowerASCII(last), "abcdefghijklmnopqrstuvwxyz") != "" {
		return ""
	}
	return strings.ToLower(h)
}
