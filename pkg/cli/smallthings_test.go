package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// fullWriter fails every write, as /dev/full does.
type fullWriter struct{}

func (fullWriter) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// TestWriteErrorsExit1: every command reports a failed write of its output
// and exits 1 (bounce explain 5.1.1 > /dev/full).
func TestWriteErrorsExit1(t *testing.T) {
	inRepoRoot(t)
	eml := "testdata/eml/postfix/user-unknown.eml"
	for _, args := range [][]string{
		{"explain", "5.1.1"},
		{"version"},
		{"--version"},
		{"inspect", eml},
		{"inspect", "--format", "json", eml},
		{"inspect", "--format", "csv", eml},
		{"report", eml},
		{"loops", eml},
		{"verify", "--syntax-only", "a@example.com"},
		{"help"},
	} {
		ios, _, _, errOut := TestIOStreams()
		ios.Out = fullWriter{}
		code := Run(context.Background(), NewRootCmd(ios, "test", "test"), ios, args)
		if code != ExitError || !strings.Contains(errOut.String(), "no space left on device") {
			t.Errorf("%q: exit %d, stderr %q; want 1 and the write error", args, code, errOut.String())
		}
	}
}

// TestConfigHomeNotAFolder: a $HOME that is a file, or a config folder that
// is not a folder, means no configuration file, not a failed run.
func TestConfigHomeNotAFolder(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, filepath.Join(dir, "home"), "not a folder\n")
	noEnv := func(string) string { return "" }
	c, warnings, err := loadConfig("", noEnv, func() (string, error) { return file, nil })
	if err != nil || c == nil || len(warnings) != 0 {
		t.Errorf("HOME a file: %v, %v, %v; want no configuration and no warning", c, warnings, err)
	}
	xdg := func(k string) string {
		if k == "XDG_CONFIG_HOME" {
			return file
		}
		return ""
	}
	if _, _, err := loadConfig("", xdg, os.UserHomeDir); err != nil {
		t.Errorf("XDG_CONFIG_HOME a file: %v", err)
	}
	// A folder where the file should be cannot be read: no configuration,
	// with a warning.
	home := filepath.Join(dir, "h")
	os.MkdirAll(filepath.Join(home, ".config", "bounce", "config.yaml"), 0o755)
	c, warnings, err = loadConfig("", noEnv, func() (string, error) { return home, nil })
	if err != nil || c == nil || len(warnings) != 1 {
		t.Errorf("config.yaml a folder: %v, %v, %v; want no configuration and a warning", c, warnings, err)
	}
	// Named with --config, a file that cannot be found is no
	// configuration either, with a warning naming it.
	if c, warnings, err := loadConfig(filepath.Join(file, "config.yaml"), noEnv, os.UserHomeDir); err != nil || c == nil ||
		len(warnings) != 1 || !strings.Contains(warnings[0], "config.yaml") {
		t.Errorf("--config under a file: %v, %v, %v; want no configuration and a warning", c, warnings, err)
	}
}

// TestEmptyMessageOneAnswer: an empty message is an error record in inspect
// and in loops alike.
func TestEmptyMessageOneAnswer(t *testing.T) {
	empty := writeFile(t, filepath.Join(t.TempDir(), "empty.eml"), "")
	res := runCLI(t, []string{"inspect", "--format", "ndjson", empty}, "", false)
	recs := decodeNDJSON(t, res.out)
	if len(recs) != 1 || recs[0].Kind != "error" || recs[0].Error != "empty message" {
		t.Errorf("inspect: %+v", recs)
	}
	res = runCLI(t, []string{"loops", "--format", "ndjson", empty}, "", false)
	if !strings.Contains(res.out, `"error":"empty message"`) {
		t.Errorf("loops: %q", res.out)
	}
}
