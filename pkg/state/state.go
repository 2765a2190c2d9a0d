package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// MaxSize is the largest state file Load reads. A state file holds a few
// numbers per mailbox or a key per written group; anything larger is not
// ours.
const MaxSize = 64 << 20

// Dir returns the directory bounce keeps its state in:
// $XDG_STATE_HOME/bounce when XDG_STATE_HOME is set to an absolute path,
// else $HOME/.local/state/bounce. It does not create the directory.
func Dir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "bounce"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("state: no state directory: %w", err)
	}
	return filepath.Join(home, ".local", "state", "bounce"), nil
}

// Path returns the default path of the state file called name (for
// example "imap.json") in Dir.
func Path(name string) (string, error) {
	dir, err := Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, name), nil
}

// Load reads the JSON state file at path into v. A file that does not exist
// is no error: v is left as it is, and found is false.
func Load(path string, v any) (found bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("state: %w", err)
	}
	if len(b) > MaxSize {
		return false, fmt.Errorf("state: %s: larger than %d bytes", path, MaxSize)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("state: %s: %w", path, err)
	}
	return true, nil
}

// Save writes v as JSON to path atomically: into a temporary file in the
// same directory, synced, then renamed over path. The directory is created
// (mode 0700) when missing; the file is readable by its owner only.
func Save(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	b = append(b, '\n')
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("state: %w", err)
	}
	return nil
}
