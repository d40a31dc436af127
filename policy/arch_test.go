package policy_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"testing"
)

// The policy package's own architecture rules (STYLE §3.2, §3.5): it
// reads no clock (time.Now is banned in every file, tests included: they
// use fixed instants), knows no network or database, and only load.go
// touches the file system.
func TestArchitecture(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("glob: %v", err)
	}
	banned := map[string]bool{"net": true, "net/http": true, "go.etcd.io/bbolt": true}
	for _, name := range files {
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		test := len(name) > 8 && name[len(name)-8:] == "_test.go"
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if banned[path] {
				t.Errorf("%s imports %s; policy must not", name, path)
			}
			if path == "os" && name != "load.go" && !test {
				t.Errorf("%s imports os; only load.go may", name)
			}
		}
		timeName := "time"
		for _, imp := range f.Imports {
			if imp.Path.Value == `"time"` && imp.Name != nil {
				timeName = imp.Name.Name
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == timeName && (sel.Sel.Name == "Now" || sel.Sel.Name == "Since" || sel.Sel.Name == "Until") {
				t.Errorf("%s calls time.%s; policy takes now as an argument", name, sel.Sel.Name)
			}
			return true
		})
	}
}
