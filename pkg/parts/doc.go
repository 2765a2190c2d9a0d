// Package parts takes a mail message apart into what a bounce analyser reads:
// the top-level header, the human-readable text, the machine-readable report
// parts and the returned original message.
//
// It walks the MIME tree (RFC 2045, RFC 2046) with
// github.com/emersion/go-message, which decodes transfer encodings and, when
// the program imports github.com/emersion/go-message/charset, every charset
// that package knows (RFC 2047 encoded words included). What go-message
// leaves undecoded — bodies in an unknown or absent charset, raw 8-bit and
// ISO-2022-JP header values and delivery-status fields — Decode and
// DecodeHeader turn into UTF-8 by the charset the message declares, else by
// a guess; no text this package returns is invalid UTF-8. It recognises the
// report types of RFC 6522 (multipart/report), RFC 3464 and RFC 6533
// (message/delivery-status, message/global-delivery-status), RFC 5965
// (message/feedback-report) and the returned content of RFC 3462 and RFC 6533
// (message/rfc822, message/global, text/rfc822-headers,
// message/global-headers).
//
// Walking never fails outright: a malformed part ends the walk where it is,
// and what was gathered so far is returned together with an error that
// satisfies errors.Is(err, ErrMalformed). Limits (depth, parts, text size)
// are enforced the same way with a *LimitError.
package parts
