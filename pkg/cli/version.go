package cli

import (
	"runtime/debug"
	"strings"
)

// stamped returns the version and commit main was stamped with, or, for a
// build that was not (go install ...@latest, go build), what the Go
// toolchain recorded: the module's version and the VCS revision.
func stamped(version, commit string) (string, string) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return version, commit
	}
	return fromBuildInfo(version, commit, bi)
}

func fromBuildInfo(version, commit string, bi *debug.BuildInfo) (string, string) {
	if (version == "" || version == "dev") && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		version = strings.TrimPrefix(bi.Main.Version, "v")
	}
	if commit == "" || commit == "none" {
		var rev string
		dirty := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			commit = rev
			if dirty {
				commit += "-dirty"
			}
		}
	}
	return version, commit
}
