package main

// The architecture of DESIGN.md, as tests: which package may import which,
// which third-party modules each layer may know, that every package says
// what it is, and that no package keeps mutable state at package level.

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/mauve-alert/mauve"

type listedPackage struct {
	ImportPath   string
	Name         string
	Dir          string
	GoFiles      []string
	Imports      []string
	Deps         []string
	TestGoFiles  []string
	XTestGoFiles []string
}

func listPackages(t *testing.T) []listedPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decode go list: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// layer returns the top-level mauve package a package belongs to ("wire",
// "store", ...), "main" for the root, or "" for a package outside mauve.
func layer(importPath string) string {
	if importPath == module {
		return "main"
	}
	rest, ok := strings.CutPrefix(importPath, module+"/")
	if !ok {
		return ""
	}
	top, _, _ := strings.Cut(rest, "/")
	return top
}

// allowedEdges lists, for each layer, the other mauve layers it may import.
var allowedEdges = map[string][]string{
	"wire":     {},
	"store":    {"wire"},
	"policy":   {"store", "wire"},
	"notify":   {"policy", "store", "wire"},
	"ui":       {"policy", "store", "wire"},
	"commands": {"ui", "notify", "policy", "store", "wire"},
	"main":     {"commands"},
}

// onlyFrom says which layers may import a third-party package (by prefix).
var onlyFrom = map[string][]string{
	"google.golang.org/protobuf":    {"wire"},
	"go.etcd.io/bbolt":              {"store"},
	"github.com/spf13/cobra":        {"commands"},
	"github.com/spf13/pflag":        {"commands"},
	"github.com/a-h/templ":          {"ui"},
	"github.com/wneessen/go-mail":   {"notify"},
	"github.com/hashicorp/hcl/v2":   {"policy"},
	"net/http":                      {"ui", "notify"},
	"github.com/charmbracelet/":     {"ui"},
	"mellium.im/xmpp":               {"notify"},
	"golang.org/x/net/html":         {"store"}, // the one HTML sanitizer
	"github.com/gosnmp/gosnmp":      {"wire"},
	"github.com/klauspost/compress": {"ui"},
}

var bannedNames = []string{"util", "utils", "common", "helpers", "misc", "types", "models", "shared", "base", "manager"}

func TestImports(t *testing.T) {
	for _, p := range listPackages(t) {
		from := layer(p.ImportPath)
		if slices.Contains(bannedNames, p.Name) {
			t.Errorf("%s: package name %q says nothing of what it provides", p.ImportPath, p.Name)
		}
		allowed, known := allowedEdges[from]
		if !known {
			t.Errorf("%s: not in a layer of DESIGN.md", p.ImportPath)
			continue
		}
		for _, imp := range p.Imports {
			if to := layer(imp); to != "" && to != from && !slices.Contains(allowed, to) {
				t.Errorf("%s imports %s: %s may import only %v", p.ImportPath, imp, from, allowed)
			}
			for prefix, layers := range onlyFrom {
				if (imp == prefix || strings.HasPrefix(imp, prefix+"/") || (strings.HasSuffix(prefix, "/") && strings.HasPrefix(imp, prefix))) && !slices.Contains(layers, from) {
					// A command may use net/http only through ui's client.
					t.Errorf("%s imports %s: only %v may", p.ImportPath, imp, layers)
				}
			}
		}
	}
}

// TestBinaryEmbedsTimeZones: a static binary in a scratch image has no
// zoneinfo, and policies name zones.
func TestBinaryEmbedsTimeZones(t *testing.T) {
	for _, p := range listPackages(t) {
		if p.ImportPath == module {
			if !slices.Contains(p.Deps, "time/tzdata") {
				t.Errorf("the mauve binary does not embed time/tzdata")
			}
			return
		}
	}
	t.Fatalf("root package not listed")
}

func parsePackageFiles(t *testing.T, p listedPackage, withTests bool) []*ast.File {
	t.Helper()
	names := slices.Clone(p.GoFiles)
	if withTests {
		names = append(names, p.TestGoFiles...)
	}
	var files []*ast.File
	fset := token.NewFileSet()
	for _, name := range names {
		f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, parser.ParseComments)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		files = append(files, f)
	}
	return files
}

func generated(f *ast.File) bool {
	for _, c := range f.Comments {
		if strings.Contains(c.Text(), "Code generated") && strings.Contains(c.Text(), "DO NOT EDIT") {
			return true
		}
	}
	return false
}

// TestPackageDocs: every package says, once, what it owns.
func TestPackageDocs(t *testing.T) {
	for _, p := range listPackages(t) {
		docs := 0
		for _, f := range parsePackageFiles(t, p, false) {
			if f.Doc != nil && !generated(f) {
				docs++
			}
		}
		if docs != 1 {
			t.Errorf("%s: %d package doc comments, want exactly 1", p.ImportPath, docs)
		}
	}
}

// TestNoGlobalState: no init functions and no package-level variables
// other than sentinel errors, interface guards, tables (composite
// literals, compiled patterns and templates, never written after
// initialization) and main's link-time build stamps.
func TestNoGlobalState(t *testing.T) {
	for _, p := range listPackages(t) {
		for _, f := range parsePackageFiles(t, p, false) {
			if generated(f) {
				continue
			}
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil && d.Name.Name == "init" {
						t.Errorf("%s: init() in %s", p.ImportPath, f.Name.Name)
					}
				case *ast.GenDecl:
					if d.Tok != token.VAR {
						continue
					}
					for _, s := range d.Specs {
						vs := s.(*ast.ValueSpec)
						if !acceptableGlobal(p.Name, d, vs) {
							t.Errorf("%s: package-level var %s: only sentinel errors, interface guards (_) and read-only tables are allowed", p.ImportPath, vs.Names[0].Name)
						}
					}
				}
			}
		}
	}
}

func acceptableGlobal(pkg string, d *ast.GenDecl, vs *ast.ValueSpec) bool {
	for _, doc := range []*ast.CommentGroup{vs.Doc, d.Doc} {
		if doc != nil && slices.ContainsFunc(doc.List, func(c *ast.Comment) bool { return strings.HasPrefix(c.Text, "//go:embed") }) {
			return true
		}
	}
	if len(vs.Values) == 0 {
		return pkg == "main" // link-time stamps (-ldflags -X); elsewhere, state
	}
	for i, v := range vs.Values {
		if vs.Names[i].Name == "_" {
			continue
		}
		switch v := v.(type) {
		case *ast.CompositeLit:
		case *ast.UnaryExpr:
			if _, ok := v.X.(*ast.CompositeLit); !ok || v.Op != token.AND {
				return false
			}
		case *ast.BasicLit:
			if pkg != "main" { // link-time stamps (-ldflags -X) live in main
				return false
			}
		case *ast.CallExpr:
			if !tableConstructor(v) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// tableConstructor reports whether a call builds an immutable value.
func tableConstructor(c *ast.CallExpr) bool {
	if _, ok := c.Fun.(*ast.ArrayType); ok { // []byte("bucket name")
		return true
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok {
		return false
	}
	switch pkg.Name + "." + sel.Sel.Name {
	case "errors.New", "fmt.Errorf", "regexp.MustCompile", "template.Must", "function.New", "strings.NewReplacer":
		return true
	}
	return false
}

// TestMetricsThroughTheLibrary: Prometheus text is written by the metrics
// library (github.com/VictoriaMetrics/metrics) alone; no package spells out
// the format's comment lines itself.
func TestMetricsThroughTheLibrary(t *testing.T) {
	for _, p := range listPackages(t) {
		for _, f := range parsePackageFiles(t, p, false) {
			ast.Inspect(f, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if strings.Contains(lit.Value, "# TYPE") || strings.Contains(lit.Value, "# HELP") {
						t.Errorf("%s: Prometheus text written by hand (%s); use the metrics library", p.ImportPath, lit.Value)
					}
				}
				return true
			})
		}
	}
}

// TestPolicyHasNoClock: decisions take now as an argument.
func TestPolicyHasNoClock(t *testing.T) {
	for _, p := range listPackages(t) {
		if layer(p.ImportPath) != "policy" {
			continue
		}
		for _, f := range parsePackageFiles(t, p, false) {
			ast.Inspect(f, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok {
					if id, ok := sel.X.(*ast.Ident); ok && id.Name == "time" && sel.Sel.Name == "Now" {
						t.Errorf("%s: time.Now in policy; take now as an argument", p.ImportPath)
					}
				}
				return true
			})
		}
	}
}

// deliveryDecisions are the names that decide whether, when and how a
// notification goes out: the outcome a delivery attempt records, the
// outbox's reads and writes, the policy's suppression, and the presence
// hold. Only notify (and store, which defines the outbox) may use them.
var deliveryDecisions = map[string]bool{
	"Outcome": true, "DeliveryStatus": true, "DeliveryDelivered": true, "DeliveryRetry": true,
	"DeliveryFallback": true, "DeliveryFailed": true, "DeliverySuppressed": true, "DeliveryHeld": true,
	"DueNotifications": true, "Finish": true, "Suppression": true, "SuppressionLookback": true,
	"Hold": true, "Released": true,
}

// TestOnlyNotifyDecidesDelivery: notify owns delivery, the presence hold
// included; every other package may tell it of live clients, never decide
// what is sent.
func TestOnlyNotifyDecidesDelivery(t *testing.T) {
	for _, p := range listPackages(t) {
		switch layer(p.ImportPath) {
		case "notify", "store":
			continue
		}
		for _, f := range parsePackageFiles(t, p, false) {
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.SelectorExpr:
					if deliveryDecisions[n.Sel.Name] {
						t.Errorf("%s: uses %s; only notify decides delivery", p.ImportPath, n.Sel.Name)
					}
				case *ast.FuncDecl:
					if deliveryDecisions[n.Name.Name] && (p.Name != "policy" || !strings.HasPrefix(n.Name.Name, "Suppression")) {
						t.Errorf("%s: declares %s; only notify decides delivery", p.ImportPath, n.Name.Name)
					}
				}
				return true
			})
		}
	}
}

// TestSanitizedOnce: alert detail is sanitized once, by the store when it
// receives it; no other package runs the sanitizer again, and ui marks
// stored detail as markup in one function.
func TestSanitizedOnce(t *testing.T) {
	raw := 0
	for _, p := range listPackages(t) {
		for _, f := range parsePackageFiles(t, p, false) {
			if generated(f) {
				continue
			}
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				id, _ := sel.X.(*ast.Ident)
				switch {
				case sel.Sel.Name == "SanitizeDetail" && layer(p.ImportPath) != "store":
					t.Errorf("%s: calls SanitizeDetail; detail is sanitized once, by the store on receipt", p.ImportPath)
				case id != nil && id.Name == "templ" && sel.Sel.Name == "Raw":
					raw++
				}
				return true
			})
		}
	}
	if raw != 1 {
		t.Errorf("templ.Raw is used %d times outside generated code, want once (ui's storedDetail)", raw)
	}
}

// durationParser is the one place durations are parsed: the grammar of
// the config, acknowledgements, suppressions and every command's flags.
const durationParser = "policy/duration.go"

// TestOneDurationParser: only policy/duration.go parses durations. No
// other file calls time.ParseDuration, declares a parse…duration function
// or uses a flag package's Duration flags (which parse with Go's grammar);
// they call policy.ParseDuration or policy.ParseFor instead. The load
// tool under store/loadtest is a developer's program that cannot import
// policy, and may keep Go's grammar for its flags.
func TestOneDurationParser(t *testing.T) {
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, p := range listPackages(t) {
		loadTool := strings.HasPrefix(p.ImportPath, module+"/store/loadtest/")
		for _, name := range p.GoFiles {
			path := filepath.Join(p.Dir, name)
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatalf("parse %s: %v", rel, err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncDecl:
					lower := strings.ToLower(n.Name.Name)
					if strings.HasPrefix(lower, "parse") && strings.Contains(lower, "duration") && rel != durationParser {
						t.Errorf("%s: func %s parses durations; use policy.ParseDuration (or ParseFor), the one grammar", rel, n.Name.Name)
					}
				case *ast.SelectorExpr:
					id, _ := n.X.(*ast.Ident)
					switch {
					case id != nil && id.Name == "time" && n.Sel.Name == "ParseDuration":
						t.Errorf("%s:%d calls time.ParseDuration; use policy.ParseDuration, the one grammar", rel, fset.Position(n.Pos()).Line)
					case !loadTool && slices.Contains([]string{"DurationVar", "DurationVarP", "DurationP"}, n.Sel.Name):
						t.Errorf("%s:%d: a %s flag parses with Go's grammar; use a flag whose Set calls policy.ParseDuration", rel, fset.Position(n.Pos()).Line, n.Sel.Name)
					}
				}
				return true
			})
		}
	}
}

// TestOneLevelOrder: the order of levels is store.Level.Rank's alone; no
// other package declares its own ranking or list of levels to sort by.
func TestOneLevelOrder(t *testing.T) {
	for _, p := range listPackages(t) {
		if p.ImportPath == module+"/store" {
			continue
		}
		for _, f := range parsePackageFiles(t, p, false) {
			ast.Inspect(f, func(n ast.Node) bool {
				var name string
				switch n := n.(type) {
				case *ast.FuncDecl:
					name = n.Name.Name
				case *ast.ValueSpec:
					name = n.Names[0].Name
				default:
					return true
				}
				if lower := strings.ToLower(name); strings.Contains(lower, "levelrank") || strings.Contains(lower, "levelorder") {
					t.Errorf("%s: %s orders levels; use store.Level.Rank, the one order", p.ImportPath, name)
				}
				return true
			})
		}
	}
}
