package header

import (
	"errors"
	"io"
	"iter"
	"mime"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

// Header is a message's header block: its fields in order, top to bottom,
// as Read and ReadBytes read them. It answers what go-message's mail.Header
// answers (Get, Values, Has, Fields, Text, Subject, AddressList, Date,
// ContentType) with the same results, from the fields themselves: there is
// no map and no object per field, and a name is looked up by comparing it,
// ASCII case folded, with every field's name.
//
// Names match as their canonical forms do (Canonical, the rule of
// net/textproto.CanonicalMIMEHeaderKey): "message-id" finds "Message-ID".
// Where several fields have the name, Get answers with the topmost one.
//
// The zero Header has no fields. A Header is a small value: copies share
// the fields, which Add, Set and Del never change in place.
type Header struct {
	fields []Field
	names  uint64 // nameBit of every field's name, or'ed
}

// Make returns the header whose fields are fields, top to bottom, keeping
// the slice (which the caller no longer changes). Keys are as written; the
// methods answer with their canonical form.
func Make(fields []Field) Header {
	h := Header{fields: fields}
	for i := range fields {
		h.names |= nameBit(fields[i].Key)
	}
	return h
}

// nameBit returns the bit of a mask of names that stands for k: one of 64,
// picked by its length and its first and last bytes, ASCII case folded, so
// that names that match (match) have the same. A name whose bit is not in a
// header's mask is none of its fields' names, which Get learns without
// comparing them: many names asked for are not there.
func nameBit(k string) uint64 {
	if len(k) == 0 {
		return 1
	}
	h := uint32(len(k))<<16 | uint32(k[0]|0x20)<<8 | uint32(k[len(k)-1]|0x20)
	return 1 << (h * 0x9e3779b1 >> 26)
}

// lacks reports whether no field is named k, by the mask of names alone;
// false when one may be.
func (h Header) lacks(k string) bool { return h.names&nameBit(k) == 0 }

// Len returns the number of fields.
func (h Header) Len() int { return len(h.fields) }

// List returns the fields, top to bottom, with their names as written
// (Canonical gives the names the other methods answer with): for a reader
// that compares names ignoring case, which needs no canonical copy. The
// caller must not change them.
func (h Header) List() []Field { return h.fields }

// Get returns the value of the topmost field named k, or "" when there is
// none. It costs no allocation.
func (h Header) Get(k string) string {
	if h.lacks(k) {
		return ""
	}
	for i := range h.fields {
		if match(h.fields[i].Key, k) {
			return h.fields[i].Value
		}
	}
	return ""
}

// Has reports whether a field is named k.
func (h Header) Has(k string) bool {
	if h.lacks(k) {
		return false
	}
	for i := range h.fields {
		if match(h.fields[i].Key, k) {
			return true
		}
	}
	return false
}

// Values returns the values of the fields named k, top to bottom, or nil
// when there are none. All iterates over them without a slice.
func (h Header) Values(k string) []string {
	if h.lacks(k) {
		return nil
	}
	n := 0
	for i := range h.fields {
		if match(h.fields[i].Key, k) {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	vs := make([]string, 0, n)
	for v := range h.All(k) {
		vs = append(vs, v)
	}
	return vs
}

// All iterates over the values of the fields named k, top to bottom.
func (h Header) All(k string) iter.Seq[string] {
	return func(yield func(string) bool) {
		if h.lacks(k) {
			return
		}
		for i := range h.fields {
			if match(h.fields[i].Key, k) && !yield(h.fields[i].Value) {
				return
			}
		}
	}
}

// Fields iterates over the fields, top to bottom: their canonical names
// (Canonical) and values.
func (h Header) Fields() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for i := range h.fields {
			if !yield(Canonical(h.fields[i].Key), h.fields[i].Value) {
				return
			}
		}
	}
}

// Add adds the field k: v at the top of the header, as go-message's Add
// does (a server adds its trace fields on top).
func (h *Header) Add(k, v string) {
	fields := make([]Field, 0, len(h.fields)+1)
	h.fields = append(append(fields, Field{Key: k, Value: v}), h.fields...)
	h.names |= nameBit(k)
}

// Set replaces the fields named k with the single field k: v, at the top.
func (h *Header) Set(k, v string) {
	h.Del(k)
	h.Add(k, v)
}

// Del removes the fields named k.
func (h *Header) Del(k string) {
	if !h.Has(k) {
		return
	}
	kept := make([]Field, 0, len(h.fields))
	for _, f := range h.fields {
		if !match(f.Key, k) {
			kept = append(kept, f)
		}
	}
	*h = Make(kept)
}

// Text returns the value of the field k with its RFC 2047 encoded words
// decoded to UTF-8 by message.CharsetReader, as go-message's Header.Text
// does: when a word's charset is unknown or it does not decode, the value
// as it stands and go-message's error.
func (h Header) Text(k string) (string, error) {
	return decodeText(h.Get(k))
}

// Subject is Text of the Subject field.
func (h Header) Subject() (string, error) {
	return h.Text("Subject")
}

// AddressList parses the field k as a list of addresses, as go-message's
// Header.AddressList does (net/mail, encoded words decoded by
// message.CharsetReader). It returns nil when there is no such field.
func (h Header) AddressList(k string) ([]*netmail.Address, error) {
	v := h.Get(k)
	if v == "" {
		return nil, nil
	}
	return mail.ParseAddressList(v)
}

// Date parses the Date field with net/mail.ParseDate, as go-message's
// Header.Date does; the zero time when there is none.
func (h Header) Date() (time.Time, error) {
	v := h.Get("Date")
	if v == "" {
		return time.Time{}, nil
	}
	return netmail.ParseDate(v)
}

// ContentType parses the Content-Type field as go-message's
// Header.ContentType does: "text/plain" without parameters when there is
// none; else mime.ParseMediaType's type and parameters, the parameters'
// encoded words decoded (those that do not decode kept as they stand), or
// the value as it stands and the error.
func (h Header) ContentType() (string, map[string]string, error) {
	v := h.Get("Content-Type")
	if v == "" {
		return "text/plain", nil, nil
	}
	t, params, err := mime.ParseMediaType(v)
	if err != nil {
		return v, nil, err
	}
	for k, p := range params {
		params[k], _ = decodeText(p)
	}
	return t, params, nil
}

// words decodes encoded words as go-message's decodeHeader does when their
// charset is known.
var words = mime.WordDecoder{CharsetReader: func(cs string, in io.Reader) (io.Reader, error) {
	cs = strings.ToLower(cs)
	if cs == "utf-8" || cs == "us-ascii" {
		return in, nil
	}
	if message.CharsetReader == nil {
		return nil, errUnknownCharset
	}
	return message.CharsetReader(cs, in)
}}

var errUnknownCharset = errors.New("header: unknown charset")

// decodeText is go-message's decodeHeader: s with its encoded words
// decoded, or s and the error. The error is go-message's own: the rare
// value that fails is decoded again by go-message.
func decodeText(s string) (string, error) {
	if !strings.Contains(s, "=?") {
		return s, nil
	}
	if d, err := words.DecodeHeader(s); err == nil {
		return d, nil
	}
	var mh message.Header
	mh.Set("X", s)
	return mh.Text("X")
}

// match reports whether a field named key answers to the name k: their
// canonical forms (Canonical) are equal. A name holding a byte that is not
// a token character is its own canonical form; any other is equal to every
// name that differs from it in the case of letters only.
//
// It is small enough to inline: most names differ in length, or are equal.
func match(key, k string) bool {
	return len(key) == len(k) && (key == k || matchFold(key, k))
}

// matchFold is match of names of the same length.
func matchFold(key, k string) bool {
	folded, odd := false, false
	for i := 0; i < len(k); i++ {
		a, b := key[i], k[i]
		switch {
		case a == b:
			odd = odd || !isToken(a)
		case a|0x20 == b|0x20 && 'a' <= a|0x20 && a|0x20 <= 'z':
			folded = true
		default:
			return false
		}
	}
	return !folded || !odd
}
