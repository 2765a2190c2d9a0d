package state_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/bounce-tool/bounce/pkg/state"
)

type mailboxes struct {
	UIDValidity uint32 `json:"uid_validity"`
	LastUID     uint32 `json:"last_uid"`
}

func TestSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "imap.json")
	var got mailboxes
	found, err := state.Load(path, &got)
	if err != nil || found {
		t.Fatalf("Load(missing) = %v, %v; want false, nil", found, err)
	}
	want := mailboxes{UIDValidity: 7, LastUID: 42}
	if err := state.Save(path, want); err != nil {
		t.Fatal(err)
	}
	found, err = state.Load(path, &got)
	if err != nil || !found || got != want {
		t.Fatalf("Load = %+v, %v, %v; want %+v", got, found, err, want)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d files, want only the state file", len(entries))
	}
}

func TestLoadBroken(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	os.WriteFile(path, []byte("{not json"), 0o600)
	var v mailboxes
	_, err := state.Load(path, &v)
	var corrupt *state.CorruptError
	if !errors.As(err, &corrupt) || corrupt.Path != path {
		t.Fatalf("Load of a broken file: error %v, want a *state.CorruptError naming %s", err, path)
	}
	aside, err := state.SetAside(path)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(aside); string(b) != "{not json" {
		t.Errorf("SetAside kept %q in %s, want the broken file's bytes", b, aside)
	}
	if found, err := state.Load(path, &v); found || err != nil {
		t.Errorf("Load after SetAside = %v, %v; want no file and no error", found, err)
	}
}

func TestDir(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/var/tmp/xdg")
	if d, _ := state.Dir(); d != "/var/tmp/xdg/bounce" {
		t.Errorf("Dir() = %q with XDG_STATE_HOME set", d)
	}
	t.Setenv("XDG_STATE_HOME", "relative")
	t.Setenv("HOME", "/home/u")
	if d, _ := state.Dir(); d != "/home/u/.local/state/bounce" {
		t.Errorf("Dir() = %q with a relative XDG_STATE_HOME", d)
	}
}
