// Command gen-docs writes the man pages (docs/man) and the markdown command
// reference (docs/cli) from the cobra command tree. CI runs it and fails
// when the committed docs differ from what it writes.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/bounce-tool/bounce/pkg/cli"
	"github.com/spf13/cobra/doc"
)

func main() {
	dir := flag.String("dir", "docs", "folder to write man/ and cli/ into")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "gen-docs:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	ios, _, _, _ := cli.TestIOStreams()
	root := cli.NewRootCmd(ios, "", "")
	root.DisableAutoGenTag = true
	manDir, mdDir := filepath.Join(dir, "man"), filepath.Join(dir, "cli")
	for _, d := range []string{manDir, mdDir} {
		if err := os.RemoveAll(d); err != nil {
			return err
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	// A fixed date keeps the pages reproducible; the version is in the binary.
	date := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	header := &doc.GenManHeader{Title: "BOUNCE", Section: "1", Source: "bounce", Manual: "bounce manual", Date: &date}
	if err := doc.GenManTree(root, header, manDir); err != nil {
		return err
	}
	return doc.GenMarkdownTree(root, mdDir)
}
