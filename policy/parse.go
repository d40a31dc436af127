package policy

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// topSchema lists the blocks a policy file may hold.
var topSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "station"},
		{Type: "sender_key", LabelNames: []string{"name"}},
		{Type: "email"},
		{Type: "sms", LabelNames: []string{"name"}},
		{Type: "xmpp"},
		{Type: "webhook", LabelNames: []string{"name"}},
		{Type: "exec", LabelNames: []string{"name"}},
		{Type: "person", LabelNames: []string{"name"}},
		{Type: "people", LabelNames: []string{"name"}},
		{Type: "subjects", LabelNames: []string{"name"}},
		{Type: "rota", LabelNames: []string{"name"}},
		{Type: "alert_group", LabelNames: []string{"name"}},
		{Type: "maintenance", LabelNames: []string{"name"}},
	},
}

// loader carries one parse: the policy being built and its diagnostics.
type loader struct {
	p      *Policy
	getenv func(string) string
	// readFile reads files the policy names (ca_file); nil reads none.
	readFile func(string) ([]byte, error)
	ctx      *hcl.EvalContext // for plain attributes: env() only
	diags    hcl.Diagnostics
	// where each name was defined, to report duplicates
	defined map[string]hcl.Range
}

// Parse reads a policy from src. filename is used in diagnostics; getenv
// answers env() calls (nil: every variable is unset). The diagnostics hold
// errors and warnings; the policy is nil when there is any error. A
// station without a name is named "localhost" here; Load uses the host
// name instead.
//
// Parse reads no other file: a ca_file is recorded but neither read nor
// checked. ParseFiles and Load read and check them.
func Parse(src []byte, filename string, getenv func(string) string) (*Policy, hcl.Diagnostics) {
	return ParseFiles(src, filename, getenv, nil)
}

// ParseFiles is Parse that also reads the files the policy names (the
// xmpp block's ca_file) with readFile, reporting an unreadable or invalid
// one at the attribute naming it. Relative names are taken from
// filename's directory.
func ParseFiles(src []byte, filename string, getenv func(string) string, readFile func(string) ([]byte, error)) (*Policy, hcl.Diagnostics) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	l := &loader{p: Default(), getenv: getenv, readFile: readFile, defined: map[string]hcl.Range{}}
	l.p.Filename = filename
	l.p.src = src
	l.p.People = map[string]*Person{}
	l.p.Groups = nil
	l.p.regexps = map[string]*regexp.Regexp{}
	l.p.includesFuncs = l.p.newIncludesFuncs()
	l.ctx = &hcl.EvalContext{Functions: map[string]function.Function{"env": l.envFunc()}}

	if bytes.IndexByte(src, 0) >= 0 || !utf8.Valid(src) {
		// hclsyntax would report every byte it cannot read: millions of lines.
		start := hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos}
		return nil, hcl.Diagnostics{errorAt(start, "Not a config file",
			"%s is binary, not UTF-8 text; name the HCL config file, such as /etc/mauve/mauve.hcl", filename)}
	}
	file, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	content, diags := file.Body.Content(topSchema)
	l.diags = append(l.diags, diags...)
	l.decodeBlocks(content.Blocks)
	sortDiagnostics(l.diags)
	if l.diags.HasErrors() {
		return nil, l.diags
	}
	l.p.Warnings = l.diags
	return l.p, l.diags
}

// decodeBlocks decodes the top-level blocks in dependency order: channels
// before people, people before lists, lists before groups.
func (l *loader) decodeBlocks(blocks hcl.Blocks) {
	byType := map[string]hcl.Blocks{}
	for _, b := range blocks {
		byType[b.Type] = append(byType[b.Type], b)
	}
	for _, t := range []string{"station", "email", "xmpp"} {
		if bs := byType[t]; len(bs) > 1 {
			l.diags = append(l.diags, errorAt(bs[1].DefRange, "Duplicate "+t+" block",
				"only one %s block is allowed; the first is at %s", t, posString(bs[0].DefRange)))
		}
	}
	if bs := byType["station"]; len(bs) > 0 {
		l.decodeStation(bs[0])
	}
	for _, b := range byType["sender_key"] {
		l.decodeSenderKey(b)
	}
	if bs := byType["email"]; len(bs) > 0 {
		l.decodeEmail(bs[0])
	}
	if bs := byType["xmpp"]; len(bs) > 0 {
		l.decodeXMPP(bs[0])
	}
	for _, b := range byType["sms"] {
		l.decodeSMS(b)
	}
	for _, b := range byType["webhook"] {
		l.decodeWebhook(b)
	}
	for _, b := range byType["exec"] {
		l.decodeExec(b)
	}
	for _, b := range byType["person"] {
		l.decodePerson(b)
	}
	for _, b := range byType["people"] {
		l.decodePeopleList(b)
	}
	l.expandLists()
	l.checkListDefaults()
	for _, b := range byType["subjects"] {
		l.decodeSubjects(b)
	}
	for _, b := range byType["rota"] {
		l.decodeRota(b)
	}
	for _, b := range byType["alert_group"] {
		l.decodeGroup(b)
	}
	if len(l.p.Groups) == 0 {
		// No groups: everything goes to "local", as with no file at all.
		l.p.Groups = Default().Groups
		if l.p.People["local"] == nil {
			l.p.People["local"] = Default().People["local"]
		}
	} else if last := l.p.Groups[len(l.p.Groups)-1]; last.Includes != nil {
		l.diags = append(l.diags, warningAt(last.Includes.Range(), "Includes of the last group is ignored",
			"the last alert_group (%q) catches every alert no earlier group took, so its includes has no effect", last.Name))
	}
	l.checkDependencies()
	for _, b := range byType["maintenance"] {
		l.decodeMaintenance(b)
	}
}

// unique records a name in a namespace and reports a duplicate.
func (l *loader) unique(kind, name string, r hcl.Range) bool {
	key := kind + "\x00" + name
	if first, ok := l.defined[key]; ok {
		l.diags = append(l.diags, errorAt(r, "Duplicate "+kind, "%s %q is already defined at %s", kind, name, posString(first)))
		return false
	}
	l.defined[key] = r
	return true
}

// content decodes a block body against a schema.
func (l *loader) content(body hcl.Body, schema *hcl.BodySchema) *hcl.BodyContent {
	c, diags := body.Content(schema)
	l.diags = append(l.diags, diags...)
	return c
}

// attrs builds a schema of optional attributes.
func attrs(names ...string) []hcl.AttributeSchema {
	s := make([]hcl.AttributeSchema, len(names))
	for i, n := range names {
		s[i] = hcl.AttributeSchema{Name: n}
	}
	return s
}

// envFunc is env(name): the value of an environment variable, "" if unset.
func (l *loader) envFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "name", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.StringVal(l.getenv(args[0].AsString())), nil
		},
	})
}

// value evaluates a plain attribute (env() allowed, no variables) and
// warns about env() of unset variables.
func (l *loader) value(a *hcl.Attribute) (cty.Value, bool) {
	if se, ok := a.Expr.(hclsyntax.Expression); ok {
		hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
			call, ok := n.(*hclsyntax.FunctionCallExpr)
			if !ok || call.Name != "env" || len(call.Args) != 1 {
				return nil
			}
			v, d := call.Args[0].Value(nil)
			if d.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
				return nil
			}
			if l.getenv(v.AsString()) == "" {
				l.diags = append(l.diags, warningAt(call.Range(), "Environment variable not set",
					"%s is unset or empty, so %s is empty; set it in the environment mauve serve runs in", v.AsString(), a.Name))
			}
			return nil
		})
	}
	v, diags := a.Expr.Value(l.ctx)
	l.diags = append(l.diags, diags...)
	if diags.HasErrors() {
		return cty.NilVal, false
	}
	if v.IsNull() {
		l.diags = append(l.diags, errorAt(a.Expr.Range(), "Missing value", "%s must not be null", a.Name))
		return cty.NilVal, false
	}
	return v, true
}

// str decodes a string attribute into *dst when present.
func (l *loader) str(as hcl.Attributes, name string, dst *string) bool {
	a, ok := as[name]
	if !ok {
		return false
	}
	v, ok := l.value(a)
	if !ok {
		return false
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil {
		l.diags = append(l.diags, errorAt(a.Expr.Range(), "Wrong type", "%s must be a string, not %s", name, v.Type().FriendlyName()))
		return false
	}
	*dst = s.AsString()
	return true
}

// strList decodes a list-of-strings attribute into *dst when present.
func (l *loader) strList(as hcl.Attributes, name string, dst *[]string) bool {
	a, ok := as[name]
	if !ok {
		return false
	}
	v, ok := l.value(a)
	if !ok {
		return false
	}
	lv, err := convert.Convert(v, cty.List(cty.String))
	if err != nil || lv.IsNull() {
		l.diags = append(l.diags, errorAt(a.Expr.Range(), "Wrong type", "%s must be a list of strings, like [\"a\", \"b\"], not %s", name, v.Type().FriendlyName()))
		return false
	}
	out := []string{}
	for _, e := range lv.AsValueSlice() {
		if e.IsNull() {
			l.diags = append(l.diags, errorAt(a.Expr.Range(), "Missing value", "%s must not hold null", name))
			return false
		}
		out = append(out, e.AsString())
	}
	*dst = out
	return true
}

// integer decodes a whole-number attribute into *dst when present.
func (l *loader) integer(as hcl.Attributes, name string, dst *int) bool {
	a, ok := as[name]
	if !ok {
		return false
	}
	v, ok := l.value(a)
	if !ok {
		return false
	}
	n, err := convert.Convert(v, cty.Number)
	if err == nil {
		if i, acc := n.AsBigFloat().Int64(); acc == 0 && i >= 0 && i < 1<<31 {
			*dst = int(i)
			return true
		}
	}
	l.diags = append(l.diags, errorAt(a.Expr.Range(), "Wrong type", "%s must be a whole number, like 3", name))
	return false
}

// duration decodes a duration attribute ("15m") into *dst when present.
func (l *loader) duration(as hcl.Attributes, name string, dst *time.Duration) bool {
	var s string
	if !l.str(as, name, &s) {
		return false
	}
	d, err := ParseDuration(s)
	if err != nil {
		l.diags = append(l.diags, errorAt(as[name].Expr.Range(), "Invalid duration", "%s: %v", name, err))
		return false
	}
	*dst = d
	return true
}

// oneOf checks that the attribute's value, if set, is one of the choices.
func (l *loader) oneOf(as hcl.Attributes, name, val string, choices ...string) {
	for _, c := range choices {
		if val == c {
			return
		}
	}
	if a, ok := as[name]; ok {
		l.diags = append(l.diags, errorAt(a.Expr.Range(), "Invalid value", "%s %q is not one of %v", name, val, choices))
	}
}

// required reports a missing attribute.
func (l *loader) required(b *hcl.Block, as hcl.Attributes, names ...string) {
	for _, n := range names {
		if _, ok := as[n]; !ok {
			l.diags = append(l.diags, errorAt(b.DefRange, "Missing required argument", "%s %s needs %s", b.Type, labelOf(b), n))
		}
	}
}

// labelOf quotes a block's first label, or is empty.
func labelOf(b *hcl.Block) string {
	if len(b.Labels) == 0 {
		return "block"
	}
	return fmt.Sprintf("%q", b.Labels[0])
}

// sortDiagnostics puts diagnostics in file order.
func sortDiagnostics(diags hcl.Diagnostics) {
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := diags[i].Subject, diags[j].Subject
		switch {
		case a == nil || b == nil:
			return a != nil && b == nil
		case a.Filename != b.Filename:
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
}

// posString writes where a range starts, as file:line:col.
func posString(r hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}
