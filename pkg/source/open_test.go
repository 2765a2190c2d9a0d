package source

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// refusingOpener matches URLs and fails to open them, repeating the name
// as given, as an opener's error may.
type refusingOpener struct{}

func (refusingOpener) Match(name string) bool { return strings.Contains(name, "://") }

func (refusingOpener) Open(name string, opts Options) (Input, error) {
	return nil, errors.New("cannot open " + withoutPassword(name))
}

// TestFailedInputHidesPassword: an input that cannot be opened becomes one
// error message labelled with the input, and a URL's password is not in
// that label (it is printed as the record's source and in warnings).
func TestFailedInputHidesPassword(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"imap://jane:hunter2-xyz@mail.example:143/INBOX", "imap://jane:REDACTED@mail.example:143/INBOX"},
		{"imaps://jane:p%40ss@mail.example", "imaps://jane:REDACTED@mail.example"},
		{"imaps://jane@mail.example/INBOX", "imaps://jane@mail.example/INBOX"},
		{"plain/path:with@signs", "plain/path:with@signs"},
	} {
		if got := withoutPassword(tc.in); got != tc.want {
			t.Errorf("withoutPassword(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	msgs := readAll(t, NewReader([]string{"imap://jane:hunter2-xyz@mail.example/INBOX"}, Options{Openers: []Opener{refusingOpener{}}}))
	if len(msgs) != 1 || msgs[0].Err == nil {
		t.Fatalf("got %+v, want one error message", msgs)
	}
	m := msgs[0]
	for _, s := range []string{m.Source, m.Path, m.Err.Error()} {
		if strings.Contains(s, "hunter2") {
			t.Errorf("the password shows in %q", s)
		}
	}
}

// TestSkip: the files Options.Skip names are not read and take no index.
func TestSkip(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a.eml", "b.eml", "c.eml"} {
		write(t, filepath.Join(dir, n), msgA)
	}
	var asked []string
	msgs := readAll(t, NewReader([]string{dir}, Options{Skip: func(p string) bool {
		asked = append(asked, filepath.Base(p))
		return filepath.Base(p) == "b.eml"
	}}))
	if len(msgs) != 2 || filepath.Base(msgs[1].Path) != "c.eml" || msgs[1].Index != 2 || len(asked) != 3 {
		t.Errorf("read %d messages (second %q, index %d), asked about %v", len(msgs), msgs[len(msgs)-1].Path, msgs[len(msgs)-1].Index, asked)
	}
}
