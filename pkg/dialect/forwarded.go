package dialect

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/parts"
	"github.com/bounce-tool/bounce/pkg/sign"
)

// A bounce that comes back as the "original" of another bounce, or that a
// person or a system forwarded as text, carries the facts inside: the outer
// message only says that the inner one could not be handled.

// forwarded returns the bounce inside this one, taken apart, or nil when the
// returned original is not a bounce.
func (in *Input) forwarded() *Input {
	if in.depth > 0 || in.Message == nil {
		return nil
	}
	if o := in.Message.Original; o != nil && innerReport(o.Header) {
		// The MIME walk took the returned message apart already: a report
		// of its own (Original.Report), else a text bounce (its header and
		// the start of its text).
		m := o.Report
		if m == nil {
			m = &parts.Message{Header: o.Header, Texts: []parts.Text{{Type: "text/plain", Body: o.Body}}, Raw: o.Body}
		}
		inner := NewInput(m)
		inner.depth = in.depth + 1
		return inner
	}
	if p := in.prep(); len(p.report) < len(p.text) {
		if raw := inlineMessage(p.text[len(p.report):]); raw != "" {
			return in.inner(raw)
		}
	}
	return nil
}

// inlineForward returns the bounce a person forwarded in the text of this
// message (a forward's subject, not from the mail system, and the message
// written out after a forward marker, sign.ForwardedStart), taken apart;
// nil when there is none. The forward's own words, and the forwarded
// header's To (the help desk, which the bounce went back to), are then
// not read as the bounce's.
func (in *Input) inlineForward() *Input {
	if in.depth > 0 || in.Message == nil {
		return nil
	}
	// The cheap tests first: most subjects do not say forward, even
	// before they are decoded, and most texts hold no forward marker.
	if raw := in.Message.Header.Get("Subject"); !sign.ForwardSubject(raw) && !strings.Contains(raw, "=?") {
		return nil
	}
	text := in.Message.Text()
	at := sign.ForwardedStart(text)
	if at < 0 || !sign.ForwardSubject(in.subject()) || in.systemSender() {
		return nil
	}
	if raw := inlineMessage(text[at:]); raw != "" {
		return in.inner(raw)
	}
	return nil
}

// inner takes apart a bounce found inside this one; nil when raw is not a
// delivery report (innerReport).
func (in *Input) inner(raw string) *Input {
	m, _ := parts.Parse(strings.NewReader(raw), nil)
	if m == nil || !innerReport(m.Header) {
		return nil
	}
	inner := NewInput(m)
	inner.depth = in.depth + 1
	return inner
}

// inlineMessage returns the message written out after a report's text,
// from its header on: the text left after dashes and an mbox "From " line.
func inlineMessage(rest string) string {
	for rest != "" {
		line, next, _ := strings.Cut(rest, "\n")
		t := strings.TrimSpace(line)
		if t == "" || strings.Trim(t, "-=_*") == "" || strings.HasPrefix(line, "From ") {
			rest = next
			continue
		}
		break
	}
	if c := strings.IndexByte(rest, ':'); c <= 0 || strings.ContainsAny(rest[:c], " \t\n") {
		return "" // not a header field
	}
	return rest
}

// trailing returns a bounce that follows this one in the same input after
// the end of its MIME body, taken apart; nil when there is none.
//
// QUIRK: RFC 2046 section 5.1.1 says the epilogue after the closing
// boundary is to be ignored, but files of saved bounces hold a second
// bounce there, after an mbox "From " line, and the reader of such a file
// expects both.
func (in *Input) trailing() *Input {
	// Without a "From " line in the raw body (the test below) there is
	// nothing to find: say so before parsing the Content-Type.
	if in.depth > 0 || in.Message == nil || indexAfterNewline(in.Message.Raw, "From ") < 0 {
		return nil
	}
	_, params, err := in.Message.Header.ContentType()
	b := params["boundary"]
	if err != nil || b == "" {
		return nil
	}
	raw := in.Message.Raw
	end := indexAfterNewline(raw, "--"+b+"--")
	if end < 0 {
		return nil
	}
	rest := raw[end+len(b)+5:]
	i := indexAfterNewline(rest, "From ")
	if i < 0 || strings.TrimSpace(rest[:i]) != "" {
		return nil
	}
	rest = rest[i+1:]
	if nl := strings.IndexByte(rest, '\n'); nl >= 0 {
		rest = rest[nl+1:]
	}
	return in.inner(rest)
}

// indexAfterNewline is strings.Index(s, "\n"+p), faster in mail: it looks
// for p, whose first byte is rarer than a line end, and checks the byte
// before it.
func indexAfterNewline(s, p string) int {
	for off := 1; off <= len(s); {
		i := strings.Index(s[off:], p)
		if i < 0 {
			return -1
		}
		i += off
		if s[i-1] == '\n' {
			return i - 1
		}
		off = i + 1
	}
	return -1
}
