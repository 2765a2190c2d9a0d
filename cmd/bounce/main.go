// Command bounce explains bounced email. See README.md.
package main

import (
	"os"

	"github.com/bounce-tool/bounce/pkg/cli"
)

// version and commit are stamped by the release build (-ldflags -X).
var (
	version = "dev"
	commit  = "none"
)

func main() {
	os.Exit(cli.Main(version, commit))
}
