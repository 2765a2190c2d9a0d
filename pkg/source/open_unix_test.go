//go:build unix

package source

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestOpenRegularNeverBlocks: a FIFO that takes a listed file's place is
// refused at once instead of blocking the open until a writer comes; a
// regular file (and a link to one) opens.
func TestOpenRegularNeverBlocks(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "swapped.eml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		f, err := openRegular(fifo)
		if f != nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Error("a FIFO opened as a regular file")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("opening a FIFO blocks")
	}
	write(t, filepath.Join(dir, "a.eml"), msgA)
	os.Symlink(filepath.Join(dir, "a.eml"), filepath.Join(dir, "link.eml"))
	for _, p := range []string{"a.eml", "link.eml"} {
		f, err := openRegular(filepath.Join(dir, p))
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		f.Close()
	}
}
