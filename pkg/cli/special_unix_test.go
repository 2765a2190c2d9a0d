//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInspectFolderWithSpecialFiles: a folder holding a good bounce, a FIFO
// and a symbolic link to /dev/zero prints the good record at once and warns
// naming the two others (issue 17).
func TestInspectFolderWithSpecialFiles(t *testing.T) {
	inRepoRoot(t)
	dir := t.TempDir()
	copyFile(t, "testdata/eml/postfix/user-unknown.eml", filepath.Join(dir, "good.eml"))
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero.eml")); err != nil {
		t.Fatal(err)
	}
	done := make(chan cliResult, 1)
	go func() { done <- runCLI(t, []string{"inspect", "--format", "ndjson", dir}, "", false) }()
	var res cliResult
	select {
	case res = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("inspect hangs on a folder with a FIFO and a link to /dev/zero")
	}
	recs := decodeNDJSON(t, res.out)
	if res.code != 0 || len(recs) != 1 || recs[0].Recipient != "jane.doe@customer-mail.example" {
		t.Fatalf("exit %d, records %+v, stderr %s", res.code, recs, res.errOut)
	}
	for _, name := range []string{"fifo", "zero.eml"} {
		if !strings.Contains(res.errOut, filepath.Join(dir, name)) {
			t.Errorf("no warning naming %s: %s", name, res.errOut)
		}
	}
}
