package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// readAll drains r and returns the messages as "source#index:data" or
// "source#index:error" strings.
func readAll(t *testing.T, r *Reader) []*Message {
	t.Helper()
	var out []*Message
	for {
		m, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		cp := *m
		cp.Data = append([]byte(nil), m.Data...)
		m.Release()
		out = append(out, &cp)
	}
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

const msgA = "Subject: a\n\nbody a\n"
const mboxAB = "From x Thu Sep 18 17:54:04 2008\nSubject: a\n\nbody a\n\nFrom y Thu Sep 18 17:54:05 2008\nSubject: b\n\nbody b\n"

func TestReaderInputs(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "one.eml"), msgA)
	write(t, filepath.Join(dir, "crlf.eml"), "Subject: c\r\n\r\nbody\r\n")
	write(t, filepath.Join(dir, "box"), mboxAB)
	write(t, filepath.Join(dir, "empty.eml"), "")
	tests := []struct {
		name   string
		inputs []string
		stdin  string
		want   []string // source#index:first line or error
	}{
		{"single file", []string{filepath.Join(dir, "one.eml")}, "", []string{"one.eml#1:Subject: a"}},
		{"crlf file", []string{filepath.Join(dir, "crlf.eml")}, "", []string{"crlf.eml#1:Subject: c"}},
		{"mbox file", []string{filepath.Join(dir, "box")}, "", []string{"box#1:Subject: a", "box#2:Subject: b"}},
		{"empty file", []string{filepath.Join(dir, "empty.eml")}, "", []string{"empty.eml#1:"}},
		{"stdin message", nil, msgA, []string{"-#1:Subject: a"}},
		{"stdin mbox", []string{"-"}, mboxAB, []string{"-#1:Subject: a", "-#2:Subject: b"}},
		{"missing file then good", []string{filepath.Join(dir, "nope.eml"), filepath.Join(dir, "one.eml")}, "",
			[]string{"nope.eml#1:error", "one.eml#1:Subject: a"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msgs := readAll(t, NewReader(tc.inputs, Options{Stdin: strings.NewReader(tc.stdin)}))
			var got []string
			for _, m := range msgs {
				first, _, _ := strings.Cut(string(m.Data), "\n")
				if m.Err != nil {
					first = "error"
				}
				got = append(got, filepath.Base(m.Source)+"#"+strconv.Itoa(m.Index)+":"+first)
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("messages = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestEnvelopeKept(t *testing.T) {
	msgs := readAll(t, NewReader([]string{"-"}, Options{Stdin: strings.NewReader(mboxAB)}))
	if len(msgs) != 2 || msgs[0].Envelope == nil || msgs[0].Envelope.Sender != "x" || msgs[1].Envelope.Sender != "y" {
		t.Fatalf("envelopes not kept: %+v", msgs)
	}
}

func TestFolderWalk(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "b", "2.eml"), msgA)
	write(t, filepath.Join(dir, "a.eml"), msgA)
	write(t, filepath.Join(dir, "b", "1.mbox"), mboxAB)
	write(t, filepath.Join(dir, "c.eml"), msgA)
	write(t, filepath.Join(dir, ".hidden"), msgA)
	// A symbolic link back to the folder (a loop) and one to a file.
	if err := os.Symlink(dir, filepath.Join(dir, "b", "loop")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	os.Symlink(filepath.Join(dir, "c.eml"), filepath.Join(dir, "d-link.eml"))
	var warnings []string
	msgs := readAll(t, NewReader([]string{dir}, Options{Warn: func(s string) { warnings = append(warnings, s) }}))
	var got []string
	for _, m := range msgs {
		rel, _ := filepath.Rel(dir, m.Path)
		got = append(got, rel+"#"+strconv.Itoa(m.Index))
	}
	want := "a.eml#1|b/1.mbox#2|b/1.mbox#3|b/2.eml#4|c.eml#5|d-link.eml#6"
	if strings.Join(got, "|") != want {
		t.Errorf("walk = %s, want %s", strings.Join(got, "|"), want)
	}
	if len(warnings) != 2 {
		t.Errorf("warnings = %q, want one for the hidden file and one for the folder link", warnings)
	}
	for _, m := range msgs {
		if m.Source != dir {
			t.Errorf("source = %q, want the folder as given", m.Source)
		}
	}
}

func TestUnreadableFileInFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file")
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.eml"), msgA)
	write(t, filepath.Join(dir, "b.eml"), msgA)
	os.Chmod(filepath.Join(dir, "a.eml"), 0)
	msgs := readAll(t, NewReader([]string{dir}, Options{}))
	var re *ReadError
	if len(msgs) != 2 || !errors.As(msgs[0].Err, &re) || !errors.Is(msgs[0].Err, fs.ErrPermission) || msgs[1].Err != nil {
		t.Fatalf("messages = %+v", msgs)
	}
}

func TestMaildirOrder(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "cur", "1700000003.M3:2,S"), "Subject: 3\n\n")
	write(t, filepath.Join(dir, "new", "1700000001.M1"), "Subject: 1\n\n")
	write(t, filepath.Join(dir, "cur", "1700000002.M2:2,"), "Subject: 2\n\n")
	write(t, filepath.Join(dir, "tmp", "1700000000.M0"), "Subject: tmp\n\n")
	msgs := readAll(t, NewReader([]string{dir}, Options{}))
	var got []string
	for _, m := range msgs {
		got = append(got, strings.TrimSpace(string(m.Data)))
	}
	if strings.Join(got, "|") != "Subject: 1|Subject: 2|Subject: 3" {
		t.Errorf("Maildir order = %q", got)
	}
}

func TestMaxMessageSize(t *testing.T) {
	big := "Subject: big\n\n" + strings.Repeat("x", 10000) + "\n"
	msgs := readAll(t, NewReader(nil, Options{Stdin: strings.NewReader(big), MaxMessageSize: 1000}))
	if len(msgs) != 1 || len(msgs[0].Data) != 1000 || !msgs[0].Truncated || msgs[0].Size != int64(len(big)) {
		t.Fatalf("got %d bytes, truncated %v, size %d", len(msgs[0].Data), msgs[0].Truncated, msgs[0].Size)
	}
}

func BenchmarkReaderMbox(b *testing.B) {
	var sb strings.Builder
	for i := 0; i < 500; i++ {
		sb.WriteString("From a Thu Sep 18 17:54:04 2008\nSubject: x\nFrom: y@example.com\n\n")
		sb.WriteString(strings.Repeat("A line of body text in an ordinary message.\n", 200))
		sb.WriteString("\n")
	}
	data := sb.String()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewReader(nil, Options{Stdin: strings.NewReader(data)})
		for {
			m, err := r.Next()
			if err != nil {
				break
			}
			m.Release()
		}
	}
}

// TestFilesAreClosed: every file of a folder is closed once read, whatever
// it held (a single message, an mbox), so a large Maildir does not run out
// of file descriptors.
func TestFilesAreClosed(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 50; i++ {
		write(t, filepath.Join(dir, fmt.Sprintf("m%02d.eml", i)), msgA)
	}
	write(t, filepath.Join(dir, "z.mbox"), mboxAB)
	before := openFiles(t)
	msgs := readAll(t, NewReader([]string{dir}, Options{}))
	if len(msgs) != 52 {
		t.Fatalf("read %d messages, want 52", len(msgs))
	}
	if after := openFiles(t); after > before+1 {
		t.Errorf("%d files open after reading, %d before", after, before)
	}
}

// openFiles counts this process's open file descriptors (Linux only).
func openFiles(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd:", err)
	}
	return len(fds)
}
