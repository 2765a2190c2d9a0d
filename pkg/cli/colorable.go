package cli

import (
	"io"

	"github.com/mattn/go-colorable"
)

// colorableStdout returns standard output wrapped for legacy Windows consoles.
func colorableStdout() io.Writer { return colorable.NewColorableStdout() }
