//go:build unix

package source

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFolderSkipsSpecialFiles: inside a folder or a Maildir only regular
// files (and links to them) are read; a FIFO and a link to /dev/zero are
// skipped with a warning naming each, and the walk does not hang on them.
func TestFolderSkipsSpecialFiles(t *testing.T) {
	for _, layout := range []string{"folder", "maildir"} {
		t.Run(layout, func(t *testing.T) {
			dir := t.TempDir()
			files := dir
			if layout == "maildir" {
				files = filepath.Join(dir, "new")
				os.MkdirAll(filepath.Join(dir, "cur"), 0o755)
			}
			write(t, filepath.Join(files, "a.eml"), msgA)
			write(t, filepath.Join(dir, "target.eml"), msgA)
			if err := os.Symlink(filepath.Join(dir, "target.eml"), filepath.Join(files, "b-link.eml")); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Mkfifo(filepath.Join(files, "c-fifo"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("/dev/zero", filepath.Join(files, "d-zero")); err != nil {
				t.Fatal(err)
			}
			if layout == "maildir" {
				os.Remove(filepath.Join(dir, "target.eml")) // the link then leads nowhere: an error record
				write(t, filepath.Join(dir, "cur", "target.eml"), msgA)
				os.Symlink(filepath.Join(dir, "cur", "target.eml"), filepath.Join(files, "b-link2.eml"))
			}
			var warnings []string
			done := make(chan []*Message)
			go func() {
				done <- readAll(t, NewReader([]string{dir}, Options{Warn: func(s string) { warnings = append(warnings, s) }}))
			}()
			var msgs []*Message
			select {
			case msgs = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("reading the folder hangs")
			}
			good := 0
			for _, m := range msgs {
				if m.Err == nil && strings.HasPrefix(string(m.Data), "Subject: a") {
					good++
				}
				if m.Path == "" {
					t.Errorf("message %d has no path", m.Index)
				}
			}
			if good < 2 {
				t.Errorf("read %d good messages, want the file and the link to it: %+v", good, msgs)
			}
			joined := strings.Join(warnings, "\n")
			if len(warnings) != 2 || !strings.Contains(joined, "c-fifo") || !strings.Contains(joined, "FIFO") ||
				!strings.Contains(joined, "d-zero") || !strings.Contains(joined, "character device") {
				t.Errorf("warnings = %q, want one for the FIFO and one for the link to /dev/zero", warnings)
			}
		})
	}
}

// TestPipeOnCommandLine: a FIFO named on the command line (bounce inspect
// <(zcat x.mbox.gz)) is read as a stream.
func TestPipeOnCommandLine(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		io.WriteString(f, mboxAB)
		f.Close()
	}()
	msgs := readAll(t, NewReader([]string{fifo}, Options{}))
	if len(msgs) != 2 || msgs[0].Err != nil || msgs[1].Index != 2 {
		t.Fatalf("pipe read as %+v, want the two messages of the mbox", msgs)
	}
}
