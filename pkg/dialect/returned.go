package dialect

import (
	"bufio"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"strings"
	"sync"

	mimeheader "github.com/bounce-tool/bounce/pkg/header"
	"github.com/bounce-tool/bounce/pkg/sign"
)

// Returned is the message a bounce returns: attached, or quoted in its
// text after a marker.
type Returned struct {
	Header mimeheader.Header
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
			r.Header, r.Body, r.OK = inlineOriginalFrom(in.Message.Text(), in.noMarkerBefore(in.Message.Text()))
		}
		p.returned = &r
	}
	return *p.returned
}

// noMarkerBefore returns an offset in text before which it holds no marker
// of a returned original: where prep cut the report when text is the
// text prep read (the first marker, if any, is on the line the cut
// starts), else 0.
func (in *Input) noMarkerBefore(text string) int {
	if p := in.prep(); p.text == text {
		return len(p.report)
	}
	return 0
}

// inlinePool recycles the readers of quoted headers (4 KiB, as
// bufio.NewReader).
var inlinePool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}

// maxInlineBody bounds the text kept after the quoted header.
const maxInlineBody = 64 << 10

// inlineOriginal finds a returned message quoted in a bounce's text and
// returns its header and the start of its text. Only what follows a marker
// line is read: the bounce's own prose never is.
func inlineOriginal(text string) (mimeheader.Header, string, bool) {
	return inlineOriginalFrom(text, 0)
}

// inlineOriginalFrom is inlineOriginal of a text that holds no marker
// before from.
func inlineOriginalFrom(text string, from int) (mimeheader.Header, string, bool) {
	for off := from; off < len(text); {
		at := sign.OriginalAfterMarker(text, off)
		if at < 0 {
			break
		}
		off = at
		if h, body, ok := quotedMessage(text[off:]); ok {
			return h, body, true
		}
	}
	return mimeheader.Header{}, "", false
}

// quotedMessage reads a quoted message at the start of text (after blank
// lines): a header block with at least one field that names a message, and
// the start of its body.
func quotedMessage(text string) (mimeheader.Header, string, bool) {
	rest := strings.TrimLeft(text, " \t\r\n")
	sr := strings.NewReader(rest)
	br := inlinePool.Get().(*bufio.Reader)
	br.Reset(sr)
	defer func() {
		br.Reset(nil)
		inlinePool.Put(br)
	}()
	// mimeheader.Read, like textproto.ReadHeader, keeps the fields read before
	// a malformed line.
	h, _ := mimeheader.Read(br)
	if !h.Has("Message-Id") && !h.Has("Subject") && !h.Has("From") && !h.Has("References") && !h.Has("In-Reply-To") {
		return mimeheader.Header{}, "", false
	}
	var r io.Reader
	// QUIRK: RFC 2045 section 6 encodes a body that is not 7-bit text; a
	// copy quoted in a bounce's text keeps its own encoding, and a ticket
	// link broken by quoted-printable soft line breaks, or hidden in
	// base64, is found only once the copy is decoded.
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))) {
	case "quoted-printable":
		r = quotedprintable.NewReader(br)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, &base64Text{r: br})
	default:
		// The body as it stands in text, not copied.
		body := rest[len(rest)-sr.Len()-br.Buffered():]
		return h, body[:min(len(body), maxInlineBody)], true
	}
	var body strings.Builder
	buf := make([]byte, 4096)
	for body.Len() < maxInlineBody {
		n, err := r.Read(buf[:min(len(buf), maxInlineBody-body.Len())])
		body.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return h, body.String(), true
}

// base64Text passes the base64 alphabet of a quoted body and drops the line
// ends and blanks between its lines (and anything else a bounce put in).
type base64Text struct{ r io.Reader }

func (b *base64Text) Read(p []byte) (int, error) {
	for {
		n, err := b.r.Read(p)
		k := 0
		for _, c := range p[:n] {
			if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=' {
				p[k] = c
				k++
			}
		}
		if k > 0 || err != nil {
			return k, err
		}
	}
}
