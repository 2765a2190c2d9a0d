package layers

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/bounce-tool/bounce/"

// allowed lists, for every package under pkg/, the project packages it may
// import. Dependencies point one way: cli -> {report, loop, verify} ->
// bounce -> {dialect, reason, ticket, source} -> {dsn, parts} -> {header,
// status, mbox}. A new package must be added here, on purpose.
var allowed = map[string][]string{
	"pkg/status":               nil,
	"pkg/mbox":                 {"pkg/internal/datename", "pkg/internal/phrase"},
	"pkg/batch":                nil,
	"pkg/state":                nil,
	"pkg/header":               {"pkg/internal/phrase"},
	"pkg/sign":                 {"pkg/header", "pkg/internal/phrase"},
	"pkg/internal/golden":      nil,
	"pkg/internal/phrase":      nil,
	"pkg/internal/datename":    nil,
	"pkg/internal/layers":      nil,
	"pkg/dsn":                  {"pkg/header", "pkg/internal/datename", "pkg/internal/phrase"},
	"pkg/parts":                {"pkg/header"},
	"pkg/parts/charsets":       {"pkg/parts"},
	"pkg/source":               {"pkg/mbox"},
	"pkg/source/imap":          {"pkg/source", "pkg/mbox", "pkg/sign", "pkg/state"},
	"pkg/source/imap/imaptest": nil,
	"pkg/ticket":               {"pkg/header", "pkg/parts", "pkg/sign"},
	"pkg/loop":                 {"pkg/header", "pkg/mbox", "pkg/parts", "pkg/sign"},
	"pkg/reason":               {"pkg/status", "pkg/internal/phrase"},
	"pkg/dialect":              {"pkg/dsn", "pkg/header", "pkg/parts", "pkg/sign", "pkg/status", "pkg/internal/phrase"},
	"pkg/verify":               {"pkg/reason", "pkg/sign", "pkg/status"},
	"pkg/verify/verifytest":    nil,
	"pkg/bounce":               {"pkg/dialect", "pkg/dsn", "pkg/header", "pkg/parts", "pkg/reason", "pkg/sign", "pkg/source", "pkg/status", "pkg/ticket", "pkg/internal/phrase"},
	"pkg/report":               {"pkg/bounce", "pkg/status", "pkg/ticket"},
	"pkg/report/htmlpage":      {"pkg/report", "pkg/status"},
	"pkg/act":                  {"pkg/bounce", "pkg/state", "pkg/status", "pkg/ticket"},
	"pkg/act/acttest":          {"pkg/act"},
	"pkg/cli":                  {"*"},
}

// presentation are the libraries only the command line may use.
var presentation = []string{"github.com/spf13/cobra", "github.com/spf13/pflag", "github.com/fatih/color",
	"github.com/olekukonko/tablewriter", "github.com/mattn/go-runewidth"}

func TestLayers(t *testing.T) {
	root := "../../.."
	seen := map[string]bool{}
	err := filepath.WalkDir(filepath.Join(root, "pkg"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		if strings.Contains(pkg, "/testdata") {
			return nil
		}
		seen[pkg] = true
		rules, known := allowed[pkg]
		if !known {
			t.Errorf("%s: package not in the layer table (pkg/internal/layers)", pkg)
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		test := strings.HasSuffix(path, "_test.go")
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if pkg != "pkg/cli" && !strings.HasPrefix(pkg, "cmd/") {
				for _, lib := range presentation {
					if p == lib || strings.HasPrefix(p, lib+"/") {
						t.Errorf("%s imports %s: only pkg/cli may", path, p)
					}
				}
			}
			if !strings.HasPrefix(p, module) || slices.Contains(rules, "*") {
				continue
			}
			dep := strings.TrimPrefix(p, module)
			if dep == pkg {
				continue // an external test package
			}
			// Tests may use the test helpers and the package they test.
			if test && (strings.HasPrefix(dep, "pkg/internal/golden") || strings.HasSuffix(dep, "test")) {
				continue
			}
			if !slices.Contains(rules, dep) {
				t.Errorf("%s imports %s, which its layer may not (see the table in layers_test.go)", path, dep)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for pkg := range allowed {
		if !seen[pkg] {
			t.Errorf("%s is in the layer table but does not exist", pkg)
		}
	}
}
