package main

import (
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestReleaseConfig checks what goreleaser would build, without goreleaser:
// GoReleaser v2 keys, the six platforms, version and commit stamped into
// this package's variables, LICENSE and man pages in every archive.
func TestReleaseConfig(t *testing.T) {
	b, err := os.ReadFile("../../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Version int `yaml:"version"`
		Builds  []struct {
			Main    string   `yaml:"main"`
			Goos    []string `yaml:"goos"`
			Goarch  []string `yaml:"goarch"`
			Ldflags []string `yaml:"ldflags"`
		} `yaml:"builds"`
		Archives []struct {
			Formats []string `yaml:"formats"`
			Files   []string `yaml:"files"`
		} `yaml:"archives"`
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	if cfg.Version != 2 || len(cfg.Builds) != 1 || len(cfg.Archives) != 1 {
		t.Fatalf("want version 2 with one build and one archive, got %+v", cfg)
	}
	bld := cfg.Builds[0]
	if bld.Main != "./cmd/bounce" {
		t.Errorf("main = %q", bld.Main)
	}
	for _, os := range []string{"linux", "darwin", "windows"} {
		if !slices.Contains(bld.Goos, os) {
			t.Errorf("goos lacks %s", os)
		}
	}
	for _, arch := range []string{"amd64", "arm64"} {
		if !slices.Contains(bld.Goarch, arch) {
			t.Errorf("goarch lacks %s", arch)
		}
	}
	ld := strings.Join(bld.Ldflags, " ")
	if !strings.Contains(ld, "-X main.version=") || !strings.Contains(ld, "-X main.commit=") {
		t.Errorf("ldflags %q do not stamp main.version and main.commit", ld)
	}
	files := strings.Join(cfg.Archives[0].Files, " ")
	if !strings.Contains(files, "LICENSE") || !strings.Contains(files, "docs/man/") {
		t.Errorf("archive files %q lack LICENSE or man pages", files)
	}
	if version == "" || commit == "" {
		t.Errorf("version/commit defaults are empty")
	}
}
