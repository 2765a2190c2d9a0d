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
		return false, &CorruptError{Path: path, Err: fmt.Errorf("larger than %d bytes", MaxSize)}
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, &CorruptError{Path: path, Err: err}
	}
	return true, nil
}

// CorruptError is Load's error for a state file that exists but is not
// one of ours: not JSON of the expected shape, or too large. A caller
// that can start afresh moves it out of the way with SetAside rather than
// overwrite it, so that nothing the file held is lost unseen.
type CorruptError struct {
	Path string // the state file
	Err  error  // what is wrong with it
}

// Error names the file and what is wrong with it.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("state: %s: unreadable: %v", e.Path, e.Err)
}

// Unwrap returns what is wrong with the file.
func (e *CorruptError) Unwrap() error { return e.Err }

// Recover is what a caller that can start afresh does with Load's error:
// an unreadable file (CorruptError) is set aside, and the returned words
// say where it went; any other error is only described. The words are
// meant for a warning.
func Recover(path string, err error) string {
	var corrupt *CorruptError
	if !errors.As(err, &corrupt) {
		return err.Error()
	}
	aside, serr := SetAside(path)
	if serr != nil {
		return fmt.Sprintf("%v (and it could not be set aside: %v)", err, serr)
	}
	return fmt.Sprintf("%v; kept as %s", err, aside)
}

// SetAside renames the state file at path to path + ".corrupt" (replacing
// an older one) and returns the new name, so that the next Save starts a
// fresh file without destroying the unreadable one.
func SetAside(path string) (string, error) {
	aside := path + ".corrupt"
	if err := os.Rename(path, aside); err != nil {
		return "", fmt.Errorf("state: %w", err)
	}
	return aside, nil
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
