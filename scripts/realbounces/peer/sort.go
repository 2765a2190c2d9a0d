package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/bounce-tool/bounce/pkg/mbox"
)

var (
	caseRE    = regexp.MustCompile(`bt-case-([a-z0-9]+(?:-[a-z0-9]+)*)`)
	delayedRE = regexp.MustCompile(`(?im)^action:\s*delayed|^subject:.*(delay|warning)`)
	// anonymise maps the loopback addresses of the test world into the
	// documentation range (RFC 5737) and any leaked name of the machine to
	// the test host name.
	anonymise = strings.NewReplacer(
		"127.0.0.1", "192.0.2.10",
		"127.0.0.2", "192.0.2.25",
		"127.0.0.3", "192.0.2.26",
		"1.0.0.127.in-addr.arpa", "10.2.0.192.in-addr.arpa",
		"2.0.0.127.in-addr.arpa", "25.2.0.192.in-addr.arpa",
	)
)

// sortMail reads the bounces an MTA delivered (mbox files or Maildirs),
// finds the test case each one is about by the bt-case-NAME token of the
// original message, and writes DIR/NAME.eml (NAME-delayed.eml for delay
// notices; a second notice of the same kind gets -2, and so on).
func sortMail(args []string) error {
	fs := flag.NewFlagSet("sort", flag.ExitOnError)
	out := fs.String("out", "", "directory for the .eml files")
	host := fs.String("host", "", "the machine's real host name, replaced by mta.bounce-test.example")
	fs.Parse(args)
	if *out == "" || fs.NArg() == 0 {
		usage()
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	var msgs [][]byte
	for _, p := range fs.Args() {
		m, err := readMail(p)
		if err != nil {
			return err
		}
		msgs = append(msgs, m...)
	}
	seen := map[string]int{}
	for i, m := range msgs {
		c := caseRE.FindSubmatch(m)
		if c == nil {
			fmt.Fprintf(os.Stderr, "peer: message %d has no test case, skipped (%s)\n", i+1, subject(m))
			continue
		}
		name := string(c[1])
		if delayedRE.Match(m) {
			name += "-delayed"
		}
		seen[name]++
		if n := seen[name]; n > 1 {
			name = fmt.Sprintf("%s-%d", name, n)
		}
		text := anonymise.Replace(string(m))
		if *host != "" && *host != "mta.bounce-test.example" {
			text = regexp.MustCompile(`\b`+regexp.QuoteMeta(*host)+`\b`).ReplaceAllString(text, "mta.bounce-test.example")
		}
		file := filepath.Join(*out, name+".eml")
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			return err
		}
		fmt.Printf("%s\t%s\n", file, subject(m))
	}
	return nil
}

func subject(m []byte) string {
	for _, line := range bytes.Split(m, []byte("\n")) {
		if len(line) == 0 {
			break
		}
		if bytes.HasPrefix(bytes.ToLower(line), []byte("subject:")) {
			return strings.TrimSpace(string(line[8:]))
		}
	}
	return ""
}

// readMail returns the messages of an mbox file or of a Maildir, in
// delivery order.
func readMail(p string) ([][]byte, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		var files []string
		for _, sub := range []string{"cur", "new"} {
			ents, err := os.ReadDir(filepath.Join(p, sub))
			if err != nil && !os.IsNotExist(err) {
				return nil, err
			}
			for _, e := range ents {
				files = append(files, filepath.Join(p, sub, e.Name()))
			}
		}
		sort.Slice(files, func(i, j int) bool { return filepath.Base(files[i]) < filepath.Base(files[j]) })
		var msgs [][]byte
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			msgs = append(msgs, b)
		}
		return msgs, nil
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := mbox.NewReader(f)
	var msgs [][]byte
	for {
		m, err := r.Next()
		if err == io.EOF {
			return msgs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		b, err := io.ReadAll(m)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, b)
	}
}
