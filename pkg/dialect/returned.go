package dialect

import (
	"bufio"
	"strings"
	"sync"

	"github.com/bounce-tool/bounce/pkg/sign"
	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// Returned is the message a bounce returns: attached, or quoted in its
// text after a marker.
type Returned struct {
	Header mail.Header
	Body   string // the start of its text
	OK     bool   // false when the bounce returns nothing
}

// Returned finds the returned original: the attached one, else a copy
// quoted in the text after a marker (sign.OriginalAfterMarker) that a header
// block follows. It is found once per message.
//
// QUIRK: RFC 3464 section 2 wants the returned message in its own MIME
// part; bounces in the classic text format (Exim without DSN, qmail's
// "Below this line is a copy of the message.") quote it in the text.
func (in *Input) Returned() Returned {
	p := in.prep()
	if p.returned == nil {
		r := Returned{}
		switch {
		case in.Message == nil:
		case in.Message.Original != nil:
			r = Returned{Header: in.Message.Original.Header, Body: in.Message.Original.Body, OK: true}
		default:
			r.Header, r.Body, r.OK = inlineOriginal(in.Message.Text())
		}
		p.returned = &r
	}
	return *p.returned
}

// inlinePool recycles the readers of quoted headers (4 KiB, as
// bufio.NewReader).
var inlinePool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}

// maxInlineBody bounds the text kept after the quoted header.
const maxInlineBody = 64 << 10

// inlineOriginal finds a returned message quoted in a bounce's text and
// returns its header and the start of its text. Only what follows a marker
// line is read: the bounce's own prose never is.
func inlineOriginal(text string) (mail.Header, string, bool) {
	for off := 0; off < len(text); {
		at := sign.OriginalAfterMarker(text, off)
		if at < 0 {
			break
		}
		off = at
		if h, body, ok := quotedMessage(text[off:]); ok {
			return h, body, true
		}
	}
	return mail.Header{}, "", false
}

// quotedMessage reads a quoted message at the start of text (after blank
// lines): a header block with at least one field that names a message, and
// the start of its body.
func quotedMessage(text string) (mail.Header, string, bool) {
	rest := strings.TrimLeft(text, " \t\r\n")
	br := inlinePool.Get().(*bufio.Reader)
	br.Reset(strings.NewReader(rest))
	defer func() {
		br.Reset(nil)
		inlinePool.Put(br)
	}()
	// textproto keeps the fields read before a malformed line.
	th, _ := textproto.ReadHeader(br)
	h := mail.Header{Header: message.Header{Header: th}}
	if !h.Has("Message-Id") && !h.Has("Subject") && !h.Has("From") && !h.Has("References") && !h.Has("In-Reply-To") {
		return mail.Header{}, "", false
	}
	var body strings.Builder
	buf := make([]byte, 4096)
	for body.Len() < maxInlineBody {
		n, err := br.Read(buf[:min(len(buf), maxInlineBody-body.Len())])
		body.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return h, body.String(), true
}
