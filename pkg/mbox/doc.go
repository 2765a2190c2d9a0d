// Package mbox splits an mbox stream into messages.
//
// An mbox file (RFC 4155, application/mbox) is a concatenation of messages,
// each introduced by a "From " line (the From_ line) that carries the envelope
// sender and the date the message arrived. Two dialects matter in practice:
// mboxo escapes body lines that begin with "From " as ">From ", and mboxrd
// escapes every line that matches ">*From " with one more ">". Reader
// recognises a From_ line only at the start of the stream or after a blank
// line, and only when it carries a sender and a time of day (IsFromLine), so
// that an unescaped "From here on..." in a body does not split a message. It
// removes one ">" from every line matching ">+From ", which undoes both
// dialects' escaping for the lines that matter.
//
// Reader streams: it holds one buffered line at a time, never a whole
// message, so a mailbox of any size can be read in constant memory. Line
// ends may be LF, CRLF or CR alone (old Mac files); Reader hands out every
// message with LF line ends (see Newlines).
//
// We wrote this package instead of using github.com/emersion/go-mbox
// v1.0.4 because that reader splits on any "From " body line, drops the
// From_ line with the envelope sender and date, rewrites line ends to CRLF
// and undoes mboxo escaping only (see docs/design.md).
package mbox
