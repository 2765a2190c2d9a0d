package parts

import (
	"bytes"
	"io"
	"mime"
	"runtime"
	"testing"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // the program's charset tables, as pkg/cli imports them
)

func TestDecodeHeader(t *testing.T) {
	tests := []struct {
		name, raw, charset, want string
	}{
		{"ascii", "Undelivered Mail Returned to Sender", "", "Undelivered Mail Returned to Sender"},
		{"raw utf-8 (RFC 6532)", "Unzustellbar: Empfänger unbekannt", "", "Unzustellbar: Empfänger unbekannt"},
		{"raw utf-8 beside a declared legacy charset", "Réponse automatique", "iso-8859-1", "Réponse automatique"},
		{"raw iso-2022-jp, undeclared", "\x1b$B%f!<%6!<ITL@\x1b(B", "", "ユーザー不明"},
		{"raw shift_jis, declared", "\x88\xb6\x90\xe6\x95s\x96\xbe\x82\xc5\x82\xb7", "Shift_JIS", "宛先不明です"},
		{"raw euc-jp, declared", "\xa5\xe1\xa1\xbc\xa5\xeb\xa5\xdc\xa5\xc3\xa5\xaf\xa5\xb9\xa4\xac\xa4\xa4\xa4\xc3\xa4\xd1\xa4\xa4\xa4\xc7\xa4\xb9", "euc-jp", "メールボックスがいっぱいです"},
		{"raw windows-1252, declared", "Empf\xe4nger unbekannt", "windows-1252", "Empfänger unbekannt"},
		{"raw koi8-r, declared", "\xf0\xcf\xcc\xd8\xda\xcf\xd7\xc1\xd4\xc5\xcc\xd8 \xce\xc5 \xce\xc1\xca\xc4\xc5\xce", "koi8-r", "Пользователь не найден"},
		{"raw big5, declared", "\xa6\xac\xa5\xf3\xaa\xcc\xa4\xa3\xa6s\xa6b", "big5", "收件者不存在"},
		{"encoded iso-2022-jp", "=?iso-2022-jp?B?GyRCJWYhPCU2ITxJVExAGyhC?=", "", "ユーザー不明"},
		{"encoded shift_jis", "=?shift_jis?B?iLaQ5pVzlr6CxYK3?=", "", "宛先不明です"},
		{"encoded euc-jp", "=?euc-jp?B?peGhvKXrpdylw6WvpbmkrKSkpMOk0aSkpMekuQ==?=", "", "メールボックスがいっぱいです"},
		{"encoded iso-8859-1", "=?iso-8859-1?B?Qm/udGUgcGxlaW5l?=", "", "Boîte pleine"},
		{"encoded iso-8859-2", "=?iso-8859-2?B?U2tyenlua2EgcGWzbmE=?=", "", "Skrzynka pełna"},
		{"encoded windows-1251", "=?windows-1251?B?3/no6iDv5fDl7+7r7eXt?=", "", "Ящик переполнен"},
		{"encoded koi8-r", "=?koi8-r?B?8M/M2NrP18HUxczYIM7FIM7BysTFzg==?=", "", "Пользователь не найден"},
		{"encoded gb2312", "=?gb2312?B?ytW8/sjLsru05tTa?=", "", "收件人不存在"},
		{"encoded gbk", "=?GBK?B?08O7p7K7tObU2g==?=", "", "用户不存在"},
		{"encoded big5", "=?big5?B?pqyl86rMpKOmc6Zi?=", "", "收件者不存在"},
		{"encoded word beside raw text", "Undeliverable: =?iso-8859-1?Q?Bo=EEte_pleine?=", "", "Undeliverable: Boîte pleine"},
		{"shift_jis labelled iso-2022-jp, part says shift_jis", "=?ISO-2022-JP?B?gaGL2Yt9?=", "shift_jis", "■緊急"},
		{"shift_jis labelled iso-2022-jp, no hint", "=?ISO-2022-JP?B?gaGL2Yt9?=", "", "■緊急"},
		{"unknown charset, ascii bytes", "=?x-klingon?Q?Qapla=27?=", "", "Qapla'"},
		{"unknown charset, 8-bit bytes", "=?x-klingon?B?T0sg/w==?=", "", "OK \uFFFD"},
		{"unknown declared charset, raw bytes", "caf\xe9 ok", "x-unheard-of", "caf\uFFFD ok"},
		{"undeclared invalid bytes keep valid runes", "bad \xff\xfe bytes – ok", "", "bad \uFFFD bytes – ok"},
		{"utf-8 encoded word with invalid bytes", "=?utf-8?B?/w==?=", "", "\uFFFD"},
		{"broken encoded word stays as written", "=?utf-8?B?not base64!?=", "", "=?utf-8?B?not base64!?="},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := DecodeHeader(tc.raw, tc.charset)
			if got != tc.want {
				t.Errorf("DecodeHeader(%q, %q) = %q, want %q", tc.raw, tc.charset, got, tc.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("DecodeHeader(%q, %q) = %q: not valid UTF-8", tc.raw, tc.charset, got)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name, in, charset, want string
	}{
		{"ascii", "550 5.1.1 user unknown", "", "550 5.1.1 user unknown"},
		{"iso-2022-jp in a delivery-status field", "550 \x1b$B%f!<%6!<ITL@\x1b(B", "us-ascii", "550 ユーザー不明"},
		{"iso-2022-jp declared", "\x1b$B%f!<%6!<ITL@\x1b(B", "ISO-2022-JP", "ユーザー不明"},
		{"hint shift_jis", "550 \x88\xb6\x90\xe6\x95s\x96\xbe", "shift_jis", "550 宛先不明"},
		{"hint gb2312", "550 \xca\xd5\xbc\xfe\xc8\xcb\xb2\xbb\xb4\xe6\xd4\xda", "gb2312", "550 收件人不存在"},
		{"valid utf-8 wins over a hint", "550 Empfänger unbekannt", "koi8-r", "550 Empfänger unbekannt"},
		{"no hint, invalid bytes become one U+FFFD a run", "550 \xe4\xf6", "", "550 \uFFFD"},
		{"latin-1 without tables", "Empf\xe4nger", "latin1", "Empfänger"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Decode([]byte(tc.in), tc.charset)
			if got != tc.want {
				t.Errorf("Decode(%q, %q) = %q, want %q", tc.in, tc.charset, got, tc.want)
			}
		})
	}
}

func FuzzDecodeHeader(f *testing.F) {
	for _, s := range []string{"=?iso-2022-jp?B?GyRCJWYhPCU2ITxJVExAGyhC?=", "\x1b$B%f\x1b(B\xff", "=?x?Q?=FF?=", "abc"} {
		f.Add(s, "shift_jis")
	}
	f.Fuzz(func(t *testing.T, raw, charset string) {
		if got := DecodeHeader(raw, charset); !utf8.ValidString(got) {
			t.Fatalf("DecodeHeader(%q, %q) = %q: not valid UTF-8", raw, charset, got)
		}
		if got := Decode([]byte(raw), charset); !utf8.ValidString(got) {
			t.Fatalf("Decode(%q, %q) = %q: not valid UTF-8", raw, charset, got)
		}
	})
}

// TestASCIICompatible: the charsets asciiCompatible names decode 7-bit
// text (isText7bit) to the same bytes, so that such text is taken as it is.
func TestASCIICompatible(t *testing.T) {
	var text []byte
	for c := byte(0x20); c < 0x7f; c++ {
		text = append(text, c)
	}
	text = append(text, "\t\r\n~\\\r\nend"...)
	if !isText7bit(text) {
		t.Fatal("isText7bit(printable ASCII) = false")
	}
	for _, cs := range []string{"iso-2022-jp", "shift_jis", "euc-jp", "euc-kr", "gb2312", "gbk", "big5", "koi8-r", "koi8-u",
		"iso-8859-1", "iso-8859-2", "iso-8859-5", "iso-8859-7", "iso-8859-9", "iso-8859-15", "iso-8859-16",
		"windows-1250", "windows-1251", "windows-1252", "windows-1253", "windows-1254", "windows-1255", "windows-1256",
		"windows-1257", "windows-1258"} {
		if !asciiCompatible(cs) {
			t.Errorf("asciiCompatible(%q) = false", cs)
			continue
		}
		r, err := message.CharsetReader(cs, bytes.NewReader(text))
		if err != nil {
			t.Errorf("charset %q: %v", cs, err)
			continue
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, text) {
			t.Errorf("charset %q: 7-bit text decoded to %q, %v", cs, got, err)
		}
	}
	for _, cs := range []string{"utf-7", "unicode-1-1-utf-7", "utf-16", "ibm037", "iso-2022-kr"} {
		if asciiCompatible(cs) {
			t.Errorf("asciiCompatible(%q) = true", cs)
		}
	}
}

// TestWholeCharsetReader: encoded words decode to the same text through
// the wrapped charset reader, and without io.Copy's 32 KiB buffer.
func TestWholeCharsetReader(t *testing.T) {
	words := []string{
		"=?iso-8859-15?Q?R=E9ponse_automatique_=A4?=",
		"=?KOI8-R?B?7sXE2c7P?= =?windows-1252?Q?=93quoted=94?=",
		"=?iso-2022-jp?B?GyRCJWYhPCU2ITxJVEwgGyhC?=",
		"=?Shift_JIS?B?g4aBW4NVgVuVc5a+?=",
	}
	plain := mime.WordDecoder{CharsetReader: message.CharsetReader}
	whole := mime.WordDecoder{CharsetReader: WholeCharsetReader(message.CharsetReader)}
	for _, w := range words {
		want, werr := plain.DecodeHeader(w)
		got, gerr := whole.DecodeHeader(w)
		if got != want || (werr == nil) != (gerr == nil) {
			t.Errorf("DecodeHeader(%q) = %q, %v through the wrapper; want %q, %v", w, got, gerr, want, werr)
		}
	}
	perWord := func(d *mime.WordDecoder) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range 20 {
			d.DecodeHeader(words[0])
		}
		runtime.ReadMemStats(&after)
		return (after.TotalAlloc - before.TotalAlloc) / 20
	}
	if n := perWord(&plain); n < 32<<10 {
		t.Logf("go-message's reader took %d bytes a word: io.Copy no longer needs the wrapper", n)
	}
	// x/text's transform reader still takes two 4 KiB buffers a word.
	if n := perWord(&whole); n >= 16<<10 {
		t.Errorf("one encoded word allocated %d bytes through the wrapper, want no 32 KiB copy buffer", n)
	}
	if WholeCharsetReader(nil) != nil {
		t.Error("WholeCharsetReader(nil) is not nil")
	}
}

// FuzzHasISO2022Escape checks hasISO2022Escape's one pass against looking
// for each escape in turn.
func FuzzHasISO2022Escape(f *testing.F) {
	for _, s := range []string{"", "\x1b", "a\x1b$B", "\x1b\x1b(", "\x1bx\x1b)", "plain", "\x1b(B", "x\x1b"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want := bytes.Contains(b, []byte("\x1b$")) || bytes.Contains(b, []byte("\x1b(")) || bytes.Contains(b, []byte("\x1b)"))
		if got := hasISO2022Escape(b); got != want {
			t.Fatalf("hasISO2022Escape(%q) = %v, want %v", b, got, want)
		}
	})
}
