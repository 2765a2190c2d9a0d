//go:build unix

package source

import (
	"fmt"
	"os"
	"syscall"
)

// openRegular opens a file found inside a folder, which must be a regular
// file. It opens without blocking (a FIFO put in place of the file after
// the folder was listed would block a plain open until a writer came) and
// checks the type of what it opened.
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("not a regular file (%s)", fi.Mode().Type())
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
