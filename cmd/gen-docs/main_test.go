package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestManPages: each page is titled by its command, the flag texts keep
// their brackets and angle brackets, and the exit-status table its lines.
func TestManPages(t *testing.T) {
	dir := t.TempDir()
	if err := run(dir); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, "man", "bounce-inspect.1"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	for _, want := range []string{`.TH "BOUNCE-INSPECT" "1"`, "key,id[,system]", "(?P<id>", "Exit status:\n.nf\n", "\n.fi\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("bounce-inspect.1 lacks %q", want)
		}
	}
	root, _ := os.ReadFile(filepath.Join(dir, "man", "bounce.1"))
	if !strings.Contains(string(root), `.TH "BOUNCE" "1"`) {
		t.Errorf("bounce.1 is not titled BOUNCE")
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1767225600") // 2026-01-01
	if d := buildDate(); d.Year() != 2026 || d.Month() != 1 {
		t.Errorf("buildDate = %v", d)
	}
}
