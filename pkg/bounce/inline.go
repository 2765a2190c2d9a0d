package bounce

import (
	"bufio"
	"strings"
	"sync"

	"github.com/bounce-tool/bounce/pkg/sign"
	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// inlinePool recycles the readers of quoted headers (4 KiB, as
// bufio.NewReader).
var inlinePool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}

// maxInlineBody bounds the text kept after the quoted header.
const maxInlineBody = 64 << 10

// inlineOriginal finds a returned message quoted in a bounce's text (Exim,
// qmail, old Sendmail and Exchange do this instead of attaching it) and
// returns its header and the start of its text. Only what follows the
// marker line is read: the bounce's own prose never is.
//
// QUIRK: RFC 3464 section 2 wants the returned message in its own MIME
// part; bounces in the classic text format (Exim without DSN, qmail's
// "Below this line is a copy of the message.") quote it in the text.
func inlineOriginal(text string) (mail.Header, string, bool) {
	// The first marker (sign.OriginalAfterMarker) that a header block follows.
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
