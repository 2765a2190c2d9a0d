// Package charsets tells package parts which golang.org/x/text encoding a
// charset name means, so that it converts text in memory (a table lookup
// per byte for the single-byte charsets) instead of through a
// go-message/charset reader with two 4 KiB buffers per part.
//
// Importing it imports go-message/charset (which sets
// message.CharsetReader) and sets parts.CharsetEncoding to Lookup, which
// looks a name up as go-message/charset's Reader does. Package parts uses
// an encoding only where it converts a probe exactly as
// message.CharsetReader does, so go-message stays the judge of what a name
// means.
package charsets

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/parts"
	_ "github.com/emersion/go-message/charset" // message.CharsetReader
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
)

func init() { parts.CharsetEncoding = Lookup }

// quirks is go-message/charset's table of names ianaindex does not know
// (a nil entry: a disabled name).
var quirks = map[string]encoding.Encoding{
	"ansi_x3.110-1983": charmap.ISO8859_1,
	"x-utf_8j":         unicode.UTF8,
}

// Lookup returns the encoding go-message/charset's Reader decodes the
// charset name with, or nil when it decodes none.
func Lookup(name string) encoding.Encoding {
	enc, ok := quirks[strings.ToLower(name)]
	if ok {
		return enc
	}
	enc, err := ianaindex.MIME.Encoding(name)
	if enc == nil {
		enc, err = ianaindex.MIME.Encoding("cs" + name)
	}
	if enc == nil {
		enc, err = htmlindex.Get(name)
	}
	if err != nil {
		return nil
	}
	return enc
}
