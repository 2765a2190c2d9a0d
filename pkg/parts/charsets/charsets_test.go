package charsets

import (
	"bytes"
	"io"
	"testing"

	"github.com/emersion/go-message"
	gmcharset "github.com/emersion/go-message/charset"
)

// TestLookupAsGoMessage: Lookup finds an encoding exactly for the names
// go-message/charset's Reader converts, and it converts as the Reader does.
func TestLookupAsGoMessage(t *testing.T) {
	var probe []byte
	for i := 0; i < 256; i++ {
		probe = append(probe, byte(i), 'a', byte(255-i))
	}
	for _, name := range []string{"iso-8859-1", "ISO-8859-2", "latin1", "windows-1252", "cp1252", "koi8-r", "KOI8-U",
		"shift_jis", "sjis", "euc-jp", "iso-2022-jp", "euc-kr", "ks_c_5601-1987", "gb2312", "gbk", "gb18030", "big5",
		"utf-16", "utf-8", "us-ascii", "ansi_x3.110-1983", "x-utf_8j", "x-bogus", "", "macintosh", "tis-620"} {
		r, rerr := gmcharset.Reader(name, bytes.NewReader(probe))
		enc := Lookup(name)
		if (rerr == nil) != (enc != nil) {
			t.Errorf("%q: Lookup gives %v, Reader's error is %v", name, enc, rerr)
			continue
		}
		if enc == nil {
			continue
		}
		want, _ := io.ReadAll(r)
		got, _ := enc.NewDecoder().Bytes(probe)
		if !bytes.Equal(got, want) {
			t.Errorf("%q: Lookup's encoding converts differently from Reader", name)
		}
	}
	if message.CharsetReader == nil {
		t.Error("message.CharsetReader is not set")
	}
}
