//go:build !unix

package source

import (
	"fmt"
	"os"
)

// openRegular opens a file found inside a folder, which must be a regular
// file.
func openRegular(path string) (*os.File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", fi.Mode().Type())
	}
	return os.Open(path)
}
