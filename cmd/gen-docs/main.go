// Command gen-docs writes the man pages (docs/man) and the markdown command
// reference (docs/cli) from the cobra command tree. CI runs it and fails
// when the committed docs differ from what it writes.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/bounce-tool/bounce/pkg/cli"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"
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
	if err := genMan(root, buildDate(), manDir); err != nil {
		return err
	}
	return doc.GenMarkdownTree(root, mdDir)
}

// buildDate dates the man pages: SOURCE_DATE_EPOCH when the build sets it
// (reproducible builds, goreleaser), else a fixed date, so that the
// committed pages do not drift with every run.
func buildDate() time.Time {
	if s, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil {
		return time.Unix(s, 0).UTC()
	}
	return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
}

// genMan writes one page per command, titled by the command
// (BOUNCE-INSPECT(1)). The flag texts are escaped for the markdown the
// pages are made from, so that "key,id[,system]" and "(?P<id>...)" survive,
// and the exit-status table keeps its lines.
func genMan(cmd *cobra.Command, date time.Time, dir string) error {
	for _, c := range cmd.Commands() {
		if !c.IsAvailableCommand() || c.IsAdditionalHelpTopicCommand() {
			continue
		}
		if err := genMan(c, date, dir); err != nil {
			return err
		}
	}
	restore := escapeUsages(cmd)
	defer restore()
	header := &doc.GenManHeader{
		Title:   strings.ToUpper(strings.ReplaceAll(cmd.CommandPath(), " ", "-")),
		Section: "1", Source: "bounce", Manual: "bounce manual", Date: &date,
	}
	var buf bytes.Buffer
	if err := doc.GenMan(cmd, header, &buf); err != nil {
		return err
	}
	name := strings.ReplaceAll(cmd.CommandPath(), " ", "-") + ".1"
	return os.WriteFile(filepath.Join(dir, name), keepTables(buf.Bytes()), 0o644)
}

// escapeUsages backslash-escapes the markdown characters of the usages of
// cmd's flags and returns a function that puts them back.
func escapeUsages(cmd *cobra.Command) func() {
	saved := map[*pflag.Flag]string{}
	esc := strings.NewReplacer(`[`, `\[`, `]`, `\]`, `<`, `\<`, `>`, `\>`, `*`, `\*`, `_`, `\_`)
	visit := func(f *pflag.Flag) {
		if _, ok := saved[f]; !ok {
			saved[f] = f.Usage
			f.Usage = esc.Replace(f.Usage)
		}
	}
	cmd.NonInheritedFlags().VisitAll(visit)
	cmd.InheritedFlags().VisitAll(visit)
	return func() {
		for f, u := range saved {
			f.Usage = u
		}
	}
}

// keepTables makes the "Exit status:" block of a page a no-fill block:
// troff would run its lines together.
func keepTables(page []byte) []byte {
	lines := strings.Split(string(page), "\n")
	var out []string
	in := false
	for _, l := range lines {
		switch {
		case l == "Exit status:":
			out = append(out, l, ".nf")
			in = true
			continue
		case in && strings.TrimSpace(l) == "":
			out = append(out, ".fi")
			in = false
		}
		out = append(out, l)
	}
	return []byte(strings.Join(out, "\n"))
}
