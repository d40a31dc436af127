package policy

import (
	"fmt"
	"math"
	"regexp"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/mauve-alert/mauve/store"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// includesVariables are the variables an includes expression sees.
var includesVariables = []string{"source", "id", "subject", "summary", "detail", "importance"}

// includesFunctions and duringFunctions are the functions each kind of
// expression may call.
var (
	includesFunctions = []string{"glob", "matches", "in_list", "lower", "upper"}
	duringFunctions   = []string{"hours_in_day", "days_in_week", "working_hours", "daytime_hours", "dead_zone",
		"holiday", "unacknowledged", "raised_for", "no_one_in", "on_call"}
)

// evalEnv is one evaluation of expressions over one alert. The during
// functions read t, the instant being tested, and lower next to the
// earliest later instant at which their value may change, so a search for
// the next instant a condition holds can jump between those instants.
type evalEnv struct {
	p    *Policy
	a    store.Alert
	t    time.Time // in the station's location
	next time.Time // zero: no evaluated function will ever change
	inc  *hcl.EvalContext
	dur  *hcl.EvalContext
}

// newEvalEnv prepares evaluation over alert a.
func (p *Policy) newEvalEnv(a store.Alert) *evalEnv {
	return &evalEnv{p: p, a: a}
}

// bound notes that a function's value may change at t.
func (e *evalEnv) bound(t time.Time) {
	if e.next.IsZero() || t.Before(e.next) {
		e.next = t
	}
}

// includesContext is the context of includes expressions.
func (e *evalEnv) includesContext() *hcl.EvalContext {
	if e.inc == nil {
		e.inc = &hcl.EvalContext{
			Variables: map[string]cty.Value{
				"source":     cty.StringVal(e.a.Source),
				"id":         cty.StringVal(e.a.ID),
				"subject":    cty.StringVal(e.a.Subject),
				"summary":    cty.StringVal(e.a.Summary),
				"detail":     cty.StringVal(e.a.Detail),
				"importance": cty.NumberUIntVal(uint64(e.a.Importance)),
			},
			Functions: e.p.includesFuncs,
		}
		if e.inc.Functions == nil {
			e.inc.Functions = e.p.newIncludesFuncs()
		}
	}
	return e.inc
}

// newIncludesFuncs builds the functions of includes expressions. They
// depend on the policy only, so a loaded policy builds them once.
func (p *Policy) newIncludesFuncs() map[string]function.Function {
	e := &evalEnv{p: p}
	return map[string]function.Function{
		"glob":    boolFunc2("pattern", "s", func(p, s string) (bool, error) { return globMatch(p, s), nil }),
		"matches": boolFunc2("regexp", "s", e.matches),
		"in_list": boolFunc2("list", "s", e.inList),
		"lower":   stdlib.LowerFunc,
		"upper":   stdlib.UpperFunc,
	}
}

// duringContext is the context of during expressions.
func (e *evalEnv) duringContext() *hcl.EvalContext {
	if e.dur == nil {
		st := &e.p.Station
		e.dur = &hcl.EvalContext{Functions: map[string]function.Function{
			"hours_in_day":   varFunc(e.hoursInDay),
			"days_in_week":   varFunc(e.daysInWeek),
			"working_hours":  boolFunc0(func() bool { return e.working(e.t) }),
			"daytime_hours":  boolFunc0(func() bool { return e.inHours(st.DaytimeHours) }),
			"dead_zone":      boolFunc0(func() bool { return e.inHours(st.DeadZone) }),
			"holiday":        boolFunc0(func() bool { e.bound(nextMidnight(e.t)); return e.p.isHoliday(e.t) }),
			"unacknowledged": durFunc(func(d time.Duration) bool { return e.stateFor(d, false) }),
			"raised_for":     durFunc(func(d time.Duration) bool { return e.stateFor(d, true) }),
			"no_one_in":      boolFunc1("list", e.noOneIn),
			"on_call":        strFunc1("rota", e.onCall),
		}}
	}
	return e.dur
}

// evalBool evaluates a condition; an error or a non-bool counts as false.
func evalBool(x hcl.Expression, ctx *hcl.EvalContext) bool {
	v, diags := x.Value(ctx)
	if diags.HasErrors() || v.IsNull() || !v.IsKnown() || v.Type() != cty.Bool {
		return false
	}
	return v.True()
}

// during reports whether a notify block speaks at t, and the earliest
// later instant at which the answer may change (zero: never).
func (e *evalEnv) during(nb *NotifyBlock, t time.Time) (bool, time.Time) {
	if nb.During == nil {
		return true, time.Time{}
	}
	e.t = t.In(e.p.Station.Location)
	e.next = time.Time{}
	ok := evalBool(nb.During, e.duringContext())
	return ok, e.next
}

func (e *evalEnv) matches(pattern, s string) (bool, error) {
	re := e.p.regexps[pattern]
	if re == nil {
		var err error
		if re, err = regexpCompile(pattern); err != nil {
			return false, err
		}
	}
	return re.MatchString(s), nil
}

func (e *evalEnv) inList(name, s string) (bool, error) {
	if sl := e.p.Subjects[name]; sl != nil {
		return sl.Contains(s), nil
	}
	if pl := e.p.Lists[name]; pl != nil {
		return contains(pl.People, s), nil
	}
	return false, nil // a literal name is checked at load; a computed one may name no list
}

func (e *evalEnv) noOneIn(name string) (bool, error) {
	pl := e.p.Lists[name]
	if pl == nil {
		return false, nil // literal names are checked at load
	}
	// The answer changes when someone's away days start or end: at a
	// midnight of their zone.
	for _, n := range pl.People {
		if ps := e.p.People[n]; ps != nil && len(ps.Away) > 0 && ps.Location != nil {
			e.bound(nextMidnight(e.t.In(ps.Location)))
		} else if ps != nil && len(ps.Away) > 0 {
			e.bound(nextMidnight(e.t.UTC()))
		}
	}
	for _, n := range pl.People {
		if ps := e.p.People[n]; ps != nil && !ps.IsAway(e.t) {
			return false, nil
		}
	}
	return true, nil
}

// stateFor is unacknowledged(d) (anyAck false) or raised_for(d) (true).
func (e *evalEnv) stateFor(d time.Duration, anyAck bool) bool {
	raised := e.a.State == store.StateRaised || (anyAck && e.a.State == store.StateAcknowledged)
	if !raised || e.a.RaisedAt.IsZero() {
		return false
	}
	at := e.a.RaisedAt.Add(d)
	if e.t.Before(at) {
		e.bound(at)
		return false
	}
	return true
}

func (e *evalEnv) inHours(rs []ClockRange) bool {
	e.bound(nextBoundary(rs, e.t))
	return inRanges(rs, e.t)
}

// working is working_hours(): Monday to Friday, within working hours, not
// a holiday.
func (e *evalEnv) working(t time.Time) bool {
	e.bound(nextBoundary(e.p.Station.WorkingHours, t))
	return e.p.isWorking(t)
}

// isWorking reports whether t (in the station's location) is working time.
func (p *Policy) isWorking(t time.Time) bool {
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday && !p.isHoliday(t) && inRanges(p.Station.WorkingHours, t)
}

// isHoliday reports whether t's day (in its location) is a holiday.
func (p *Policy) isHoliday(t time.Time) bool {
	d := dateOf(t)
	for _, h := range p.Station.Holidays {
		if h == d {
			return true
		}
	}
	return false
}

// hoursInDay is hours_in_day(from, to), hours_in_day("09:30-17:30", ...)
// or hours_in_day([9, 17], [20, 22]).
func (e *evalEnv) hoursInDay(args []cty.Value) (bool, error) {
	rs, err := hourRanges(args)
	if err != nil {
		return false, err
	}
	return e.inHours(rs), nil
}

// hourRanges reads hours_in_day's arguments.
func hourRanges(args []cty.Value) ([]ClockRange, error) {
	var rs []ClockRange
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a.IsNull() || !a.IsKnown():
			return nil, function.NewArgErrorf(i, "must be an hour, a [from, to] pair or \"HH:MM-HH:MM\"")
		case a.Type() == cty.String:
			r, err := ParseClockRange(a.AsString())
			if err != nil {
				return nil, function.NewArgError(i, err)
			}
			rs = append(rs, r)
		case a.Type() == cty.Number:
			if i+1 >= len(args) || args[i+1].IsNull() || args[i+1].Type() != cty.Number {
				return nil, function.NewArgErrorf(i, "an hour must be followed by the hour the range ends, as in hours_in_day(9, 17)")
			}
			r, err := hourPair(a, args[i+1])
			if err != nil {
				return nil, function.NewArgError(i, err)
			}
			rs = append(rs, r)
			i++
		case a.Type().IsTupleType() || a.Type().IsListType():
			vs := a.AsValueSlice()
			if len(vs) != 2 || vs[0].Type() != cty.Number || vs[1].Type() != cty.Number {
				return nil, function.NewArgErrorf(i, "a range must be [from, to] in hours, like [9, 17]")
			}
			r, err := hourPair(vs[0], vs[1])
			if err != nil {
				return nil, function.NewArgError(i, err)
			}
			rs = append(rs, r)
		default:
			return nil, function.NewArgErrorf(i, "must be an hour, a [from, to] pair or \"HH:MM-HH:MM\", not %s", a.Type().FriendlyName())
		}
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("hours_in_day needs at least one range, like hours_in_day(9, 17)")
	}
	return rs, nil
}

func hourPair(a, b cty.Value) (ClockRange, error) {
	f, _ := a.AsBigFloat().Float64()
	t, _ := b.AsBigFloat().Float64()
	if f < 0 || f >= 24 || t < 0 || t > 24 || f == t {
		return ClockRange{}, fmt.Errorf("hours must be from 0 to 24 and differ, like (9, 17)")
	}
	return ClockRange{From: int(math.Round(f * 60)), To: int(math.Round(t * 60))}, nil
}

// daysInWeek is days_in_week(1, 2, 3) or days_in_week([1, 5]) (inclusive
// ranges), 0 = Sunday.
func (e *evalEnv) daysInWeek(args []cty.Value) (bool, error) {
	e.bound(nextMidnight(e.t))
	wd := int(e.t.Weekday())
	hit := false
	for i, a := range args {
		lo, hi := -1, -1
		switch {
		case !a.IsNull() && a.Type() == cty.Number:
			n, _ := a.AsBigFloat().Int64()
			lo, hi = int(n), int(n)
		case !a.IsNull() && (a.Type().IsTupleType() || a.Type().IsListType()) && a.LengthInt() == 2:
			vs := a.AsValueSlice()
			if vs[0].Type() == cty.Number && vs[1].Type() == cty.Number {
				l, _ := vs[0].AsBigFloat().Int64()
				h, _ := vs[1].AsBigFloat().Int64()
				lo, hi = int(l), int(h)
			}
		}
		if lo < 0 || lo > 6 || hi < 0 || hi > 6 {
			return false, function.NewArgErrorf(i, "days are numbers from 0 (Sunday) to 6 (Saturday), or [from, to] ranges like [1, 5]")
		}
		if (lo <= hi && wd >= lo && wd <= hi) || (lo > hi && (wd >= lo || wd <= hi)) {
			hit = true
		}
	}
	if len(args) == 0 {
		return false, fmt.Errorf("days_in_week needs at least one day, like days_in_week([1, 5])")
	}
	return hit, nil
}

// boolFunc0 makes a function of no arguments.
func boolFunc0(f func() bool) function.Function {
	return function.New(&function.Spec{
		Type: function.StaticReturnType(cty.Bool),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) { return cty.BoolVal(f()), nil },
	})
}

// boolFunc1 makes a function of one string.
func boolFunc1(name string, f func(string) (bool, error)) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: name, Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			ok, err := f(args[0].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			return cty.BoolVal(ok), nil
		},
	})
}

// boolFunc2 makes a function of two strings.
func boolFunc2(n1, n2 string, f func(a, b string) (bool, error)) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: n1, Type: cty.String}, {Name: n2, Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			ok, err := f(args[0].AsString(), args[1].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			return cty.BoolVal(ok), nil
		},
	})
}

// durFunc makes a function of one duration string ("1h").
func durFunc(f func(time.Duration) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "duration", Type: cty.DynamicPseudoType}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if args[0].Type() != cty.String {
				return cty.NilVal, function.NewArgErrorf(0, "write the duration as a string, like \"1h\"")
			}
			d, err := ParseDuration(args[0].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			return cty.BoolVal(f(d)), nil
		},
	})
}

// varFunc makes a function of any number of arguments of any type.
func varFunc(f func([]cty.Value) (bool, error)) function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "ranges", Type: cty.DynamicPseudoType},
		Type:     function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			ok, err := f(args)
			if err != nil {
				return cty.NilVal, err
			}
			return cty.BoolVal(ok), nil
		},
	})
}

// regexpCompile compiles a matches() pattern, explaining a bad one.
func regexpCompile(s string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not a valid regular expression (Go RE2 syntax): %w", s, err)
	}
	return re, nil
}
