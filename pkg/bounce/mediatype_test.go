package bounce

import (
	"testing"

	"github.com/emersion/go-message/mail"
)

// checkContentType: contentType gives what h.ContentType() gives.
func checkContentType(t *testing.T, v string) bool {
	t.Helper()
	var h mail.Header
	if v != "" {
		h.Set("Content-Type", v)
	}
	typ, charset := contentType(h)
	wantTyp, params, _ := h.ContentType()
	if typ != wantTyp || charset != params["charset"] {
		t.Fatalf("contentType(%q) = %q, %q; h.ContentType() %q, %q", v, typ, charset, wantTyp, params["charset"])
	}
	_, _, ok := plainContentType(v)
	return ok
}

var contentTypes = []string{
	"", "text/plain", "Text/Plain; Charset=UTF-8", "text/plain; charset=\"iso-2022-jp\"", "text/plain;charset=us-ascii;",
	"multipart/report; report-type=delivery-status;\tboundary=\"=_x\"", "text/plain; charset=utf-8; format=flowed",
	"message/delivery-status", "text", "text/", "/plain", "text/plain extra", "text/plain; charset", "text/plain; charset=",
	"text/plain; charset=\"\"", "text/plain; charset=a; charset=a", "text/plain; charset=a; CHARSET=b", "text/plain; ;",
	"text/plain;;", "text/plain; charset*=utf-8''x", "text/plain; charset=\"a\\\"b\"", "text/plain; charset==?utf-8?q?x?=",
	"text/plain; name=\"=?utf-8?q?x?=\"", "tëxt/plain", "text/plain; a=1; b=2; c=3; d=4; e=5", "text/plain\r\n",
	" text/plain ; charset = utf-8 ", "text/plain; charset=utf-8 x", "text/plain; charset=\"unclosed",
}

// TestContentType: contentType reads Content-Type as go-message does.
func TestContentType(t *testing.T) {
	plain := 0
	for _, v := range contentTypes {
		if checkContentType(t, v) {
			plain++
		}
	}
	if plain < 8 {
		t.Errorf("only %d plain fields read here", plain)
	}
}

// FuzzContentType: contentType reads any Content-Type as go-message does.
func FuzzContentType(f *testing.F) {
	for _, v := range contentTypes {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) { checkContentType(t, v) })
}
