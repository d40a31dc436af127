package policy

import (
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/mauve-alert/mauve/store"
	"github.com/zclconf/go-cty/cty"
)

var groupSchema = &hcl.BodySchema{
	Attributes: attrs("level", "includes", "acknowledgement_time", "depends_on", "raise_after", "flapping", "flapping_within"),
	Blocks:     []hcl.BlockHeaderSchema{{Type: "notify", LabelNames: []string{"target"}}},
}

var notifySchema = &hcl.BodySchema{Attributes: attrs("every", "during")}

func (l *loader) decodeGroup(b *hcl.Block) {
	c := l.content(b.Body, groupSchema)
	g := &Group{Name: b.Labels[0], Level: Normal, AcknowledgementTime: time.Hour, Range: b.DefRange}
	if !l.unique("alert_group", g.Name, b.LabelRanges[0]) {
		return
	}
	as := c.Attributes
	if a, ok := as["level"]; ok {
		g.Level = l.level(a)
	}
	if a, ok := as["includes"]; ok && l.checkExpr(a.Expr, "includes", includesVariables, includesFunctions) {
		g.Includes = a.Expr
	}
	l.duration(as, "acknowledgement_time", &g.AcknowledgementTime)
	l.decodeDependsOn(as, g)
	l.decodeRaiseAfter(as, g)
	l.decodeFlapping(as, g)
	for _, nb := range c.Blocks {
		if n := l.decodeNotify(nb); n != nil {
			g.Notify = append(g.Notify, n)
		}
	}
	l.p.Groups = append(l.p.Groups, g)
}

// level decodes level = urgent (a bare word, or a string).
func (l *loader) level(a *hcl.Attribute) Level {
	w := hcl.ExprAsKeyword(a.Expr)
	if w == "" {
		if v, diags := a.Expr.Value(nil); !diags.HasErrors() && v.Type() == cty.String && !v.IsNull() {
			w = v.AsString()
		}
	}
	switch Level(w) {
	case Urgent, Normal, Low:
		return Level(w)
	}
	if w == "" {
		l.diags = append(l.diags, errorAt(a.Expr.Range(), "Invalid level", "level must be urgent, normal or low"))
	} else {
		l.diags = append(l.diags, errorAt(a.Expr.Range(), "Invalid level", "level %q is not a level; write urgent, normal or low", w))
	}
	return Normal
}

func (l *loader) decodeNotify(b *hcl.Block) *NotifyBlock {
	c := l.content(b.Body, notifySchema)
	n := &NotifyBlock{Target: b.Labels[0], Range: b.DefRange}
	switch {
	case l.p.People[n.Target] != nil:
		n.People = []string{n.Target}
	case l.p.Lists[n.Target] != nil:
		pl := l.p.Lists[n.Target]
		n.People = pl.People
		n.Every, n.During = pl.Every, pl.During
	default:
		l.diags = append(l.diags, errorAt(b.LabelRanges[0], "Unknown person or list",
			"notify %q names no person and no people list; define person %q or people %q.%s", n.Target, n.Target, n.Target, suggest(n.Target, l.personAndListNames())))
	}
	l.every(c.Attributes, &n.Every)
	if a, ok := c.Attributes["during"]; ok && l.checkExpr(a.Expr, "during", nil, duringFunctions) {
		n.During = a.Expr
	}
	return n
}

// every decodes a reminder pace: "0" (none) or at least a minute.
func (l *loader) every(as hcl.Attributes, dst *time.Duration) {
	if l.duration(as, "every", dst) && *dst > 0 && *dst < time.Minute {
		l.diags = append(l.diags, errorAt(as["every"].Expr.Range(), "Invalid duration", "every must be at least 1m (or \"0\" for no reminders)"))
	}
}

// checkExpr checks an includes or during expression at load: every
// variable and function it names exists, literal list names and durations
// are valid, and it evaluates to true or false on a sample alert.
func (l *loader) checkExpr(x hcl.Expression, what string, vars, funcs []string) bool {
	before := len(l.diags)
	for _, tr := range x.Variables() {
		if name := tr.RootName(); !contains(vars, name) {
			if len(vars) == 0 {
				l.diags = append(l.diags, errorAt(tr.SourceRange(), "Unknown variable",
					"%s sees no variables, only the functions %v; %q is not one of them", what, funcs, name))
			} else {
				l.diags = append(l.diags, errorAt(tr.SourceRange(), "Unknown variable",
					"%s can use %v; there is no %q.%s", what, vars, name, suggest(name, vars)))
			}
		}
	}
	if se, ok := x.(hclsyntax.Expression); ok {
		hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
			if call, ok := n.(*hclsyntax.FunctionCallExpr); ok {
				l.checkCall(call, what, funcs)
			}
			return nil
		})
	}
	if len(l.diags) > before {
		return false
	}
	e := l.p.newEvalEnv(sampleAlert())
	var ctx *hcl.EvalContext
	if what == "includes" {
		ctx = e.includesContext()
	} else {
		e.t = time.Date(2026, time.January, 5, 12, 0, 0, 0, l.p.Station.Location)
		ctx = e.duringContext()
	}
	v, diags := x.Value(ctx)
	l.diags = append(l.diags, diags...)
	if diags.HasErrors() {
		return false
	}
	if v.Type() != cty.Bool || v.IsNull() {
		l.diags = append(l.diags, errorAt(x.Range(), "Not a condition",
			"%s must be true or false, like source == \"db1\"; this is %s", what, v.Type().FriendlyName()))
		return false
	}
	return true
}

// checkCall checks one function call's name and its literal arguments.
func (l *loader) checkCall(call *hclsyntax.FunctionCallExpr, what string, funcs []string) {
	if !contains(funcs, call.Name) {
		l.diags = append(l.diags, errorAt(call.NameRange, "Unknown function",
			"%s can call %s; there is no %s().%s", what, orList(funcs), call.Name, suggest(call.Name, funcs)))
		return
	}
	if len(call.Args) == 0 {
		return
	}
	arg := call.Args[0]
	if len(arg.Variables()) > 0 {
		return
	}
	v, diags := arg.Value(nil)
	if diags.HasErrors() || v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return
	}
	s := arg.Range()
	switch call.Name {
	case "in_list":
		if l.p.Subjects[v.AsString()] == nil && l.p.Lists[v.AsString()] == nil {
			l.diags = append(l.diags, errorAt(s, "Unknown list", "there is no subjects or people list %q.%s",
				v.AsString(), suggest(v.AsString(), l.listNames())))
		}
	case "no_one_in":
		if l.p.Lists[v.AsString()] == nil {
			l.diags = append(l.diags, errorAt(s, "Unknown list", "there is no people list %q.%s",
				v.AsString(), suggest(v.AsString(), l.listNames())))
		}
	case "on_call":
		if l.p.Rotas[v.AsString()] == nil {
			l.diags = append(l.diags, errorAt(s, "Unknown rota", "there is no rota %q.%s", v.AsString(), suggest(v.AsString(), l.rotaNames())))
		}
	case "matches":
		if _, err := l.compileRegexp(v.AsString()); err != nil {
			l.diags = append(l.diags, errorAt(s, "Invalid regular expression", "%v", err))
		}
	case "unacknowledged", "raised_for":
		if _, err := ParseDuration(v.AsString()); err != nil {
			l.diags = append(l.diags, errorAt(s, "Invalid duration", "%s: %v", call.Name, err))
		}
	}
}

// compileRegexp compiles a matches() pattern once, at load.
func (l *loader) compileRegexp(s string) (*regexp.Regexp, error) {
	if re, ok := l.p.regexps[s]; ok {
		return re, nil
	}
	re, err := regexpCompile(s)
	if err != nil {
		return nil, err
	}
	l.p.regexps[s] = re
	return re, nil
}

// listNames lists every subjects and people list name.
func (l *loader) listNames() []string {
	var ns []string
	for n := range l.p.Subjects {
		ns = append(ns, n)
	}
	for n := range l.p.Lists {
		ns = append(ns, n)
	}
	return ns
}

// sampleAlert is the alert expressions are tried on at load: raised an
// hour before the sample instant.
func sampleAlert() store.Alert {
	return store.Alert{Source: "sample", ID: "sample", Subject: "sample", State: store.StateRaised,
		RaisedAt: time.Date(2026, time.January, 5, 11, 0, 0, 0, time.UTC)}
}

// orList writes names as "a(), b() or c()".
func orList(names []string) string {
	var b strings.Builder
	for i, n := range names {
		switch {
		case i == 0:
		case i == len(names)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(n + "()")
	}
	return b.String()
}
