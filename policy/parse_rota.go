package policy

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

var rotaSchema = &hcl.BodySchema{Attributes: attrs("people", "shift", "handoff", "time_zone")}

var weekdayNames = map[string]time.Weekday{
	"mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday,
	"fri": time.Friday, "sat": time.Saturday, "sun": time.Sunday,
}

// decodeRota decodes a rota block; people must already be known.
func (l *loader) decodeRota(b *hcl.Block) {
	c := l.content(b.Body, rotaSchema)
	r := &Rota{Name: b.Labels[0], HandoffDay: -1, Location: l.p.Station.Location, Range: b.DefRange}
	if !l.unique("rota", r.Name, b.LabelRanges[0]) {
		return
	}
	as := c.Attributes
	l.required(b, as, "people", "shift")
	ok := true
	if l.strList(as, "people", &r.People) {
		if len(r.People) == 0 {
			l.diags = append(l.diags, errorAt(as["people"].Expr.Range(), "Empty rota",
				"rota %q: people must name at least one person", r.Name))
			ok = false
		}
		for _, n := range r.People {
			if l.p.People[n] == nil {
				l.diags = append(l.diags, errorAt(as["people"].Expr.Range(), "Unknown person",
					"rota %q: there is no person %q.%s", r.Name, n, suggest(n, l.personNames())))
				ok = false
			}
		}
	} else {
		ok = false
	}
	if l.duration(as, "shift", &r.Shift) {
		if r.Shift < time.Minute {
			l.diags = append(l.diags, errorAt(as["shift"].Expr.Range(), "Invalid shift",
				"rota %q: shift must be at least a minute, like \"1w\", \"1d\" or \"12h\"", r.Name))
			ok = false
		}
	} else {
		ok = false
	}
	var s string
	if l.str(as, "handoff", &s) {
		d, m, err := parseHandoff(s)
		if err != nil {
			l.diags = append(l.diags, errorAt(as["handoff"].Expr.Range(), "Invalid handoff", "rota %q: %v", r.Name, err))
			ok = false
		}
		r.HandoffDay, r.HandoffMinute = d, m
	}
	if l.str(as, "time_zone", &s) {
		loc, good := l.location(as["time_zone"], s)
		ok = ok && good
		r.Location = loc
	}
	if ok {
		if l.p.Rotas == nil {
			l.p.Rotas = map[string]*Rota{}
		}
		l.p.Rotas[r.Name] = r
	}
}

// parseHandoff parses "Mon 09:00" or "09:00".
func parseHandoff(s string) (time.Weekday, int, error) {
	f := strings.Fields(s)
	day := time.Weekday(-1)
	if len(f) == 2 {
		d, ok := weekdayNames[strings.ToLower(f[0])[:min(3, len(f[0]))]]
		if !ok {
			return 0, 0, fmt.Errorf("%q: %q is not a weekday; write Mon, Tue, Wed, Thu, Fri, Sat or Sun", s, f[0])
		}
		day = d
		f = f[1:]
	}
	if len(f) != 1 {
		return 0, 0, fmt.Errorf("%q is not a handoff; write a time like \"09:00\" or a weekday and time like \"Mon 09:00\"", s)
	}
	h, m, found := strings.Cut(f[0], ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !found || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 || len(m) != 2 {
		return 0, 0, fmt.Errorf("%q: %q is not a time of day like \"09:00\"", s, f[0])
	}
	return day, hh*60 + mm, nil
}

// personNames lists every person's name.
func (l *loader) personNames() []string {
	ns := make([]string, 0, len(l.p.People))
	for n := range l.p.People {
		ns = append(ns, n)
	}
	return ns
}

// onCall is on_call("rota"): the name of whoever holds the rota at the
// instant being tested, overrides applied; "" for an unknown rota.
func (e *evalEnv) onCall(name string) (string, error) {
	r := e.p.Rotas[name]
	if r == nil {
		return "", nil // literal names are checked at load
	}
	s := r.OnCall(e.t, e.p.Overrides)
	e.bound(s.End)
	return s.Person, nil
}

// OnCall is who holds rota name at t, overrides applied; false for an
// unknown rota.
func (p *Policy) OnCall(name string, t time.Time) (Shift, bool) {
	r := p.Rotas[name]
	if r == nil {
		return Shift{}, false
	}
	return r.OnCall(t, p.Overrides), true
}

// WithOverrides is the policy with rota overrides (kept by the store)
// applied to on_call; the policy itself is left as it was.
func (p *Policy) WithOverrides(ov []Override) *Policy {
	q := *p
	q.Overrides = ov
	return &q
}

// strFunc1 makes a function of one string returning a string.
func strFunc1(name string, f func(string) (string, error)) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: name, Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s, err := f(args[0].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			return cty.StringVal(s), nil
		},
	})
}

// rotaNames lists every rota's name.
func (l *loader) rotaNames() []string {
	ns := make([]string, 0, len(l.p.Rotas))
	for n := range l.p.Rotas {
		ns = append(ns, n)
	}
	return ns
}
