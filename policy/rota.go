package policy

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/mauve-alert/mauve/store"
)

// Rota is a rota block: people taking turns in shifts of one length,
// handed over at a wall-clock time (and, for shifts of whole weeks, on a
// weekday) of the rota's time zone.
type Rota struct {
	Name   string
	People []string // in turn order
	Shift  time.Duration
	// HandoffDay is the weekday of the handoff; -1 when none was written.
	HandoffDay time.Weekday
	// HandoffMinute is the handoff's wall-clock time, minutes since midnight.
	HandoffMinute int
	Location      *time.Location
	Range         hcl.Range
}

// Override is one person covering another's shifts on a rota for [From, To).
type Override struct {
	Rota   string
	Person string // who covers
	Covers string // who is covered; "" covers whoever holds the shift
	From   time.Time
	To     time.Time
}

// rotaEpoch is the Monday from which shifts are counted.
func rotaEpoch() time.Time { return time.Date(2001, time.January, 1, 0, 0, 0, 0, time.UTC) }

const day = 24 * time.Hour

// Shift is one turn on a rota.
type Shift struct {
	Person     string
	Start, End time.Time
	Override   bool // an override replaces the rota's own holder
}

// ShiftAt is the rota's own shift holding t, without overrides. Shifts
// of whole days count calendar days in the rota's zone, so a daily or
// weekly handoff stays at its wall-clock time across a DST change; other
// shift lengths count elapsed time from the first handoff.
func (r *Rota) ShiftAt(t time.Time) Shift {
	loc := r.Location
	hh, mm := r.HandoffMinute/60, r.HandoffMinute%60
	anchorDay := 0
	if r.HandoffDay >= 0 {
		anchorDay = (int(r.HandoffDay) - int(time.Monday) + 7) % 7
	}
	var idx int64
	var start, end time.Time
	if r.Shift%day == 0 {
		n := int64(r.Shift / day)
		lt := t.In(loc)
		civil := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, time.UTC)
		days := int64(civil.Sub(rotaEpoch())/day) - int64(anchorDay)
		if lt.Hour()*60+lt.Minute() < r.HandoffMinute {
			days--
		}
		idx = floorDiv(days, n)
		first := rotaEpoch().AddDate(0, 0, anchorDay+int(idx*n))
		start = time.Date(first.Year(), first.Month(), first.Day(), hh, mm, 0, 0, loc)
		end = time.Date(first.Year(), first.Month(), first.Day()+int(n), hh, mm, 0, 0, loc)
		// A handoff inside a DST gap moves forward; t may still sit before it.
		if t.Before(start) {
			idx--
			end = start
			start = time.Date(first.Year(), first.Month(), first.Day()-int(n), hh, mm, 0, 0, loc)
		}
	} else {
		anchor := time.Date(2001, time.January, 1+anchorDay, hh, mm, 0, 0, loc)
		idx = floorDiv(int64(t.Sub(anchor)), int64(r.Shift))
		start = anchor.Add(time.Duration(idx) * r.Shift)
		end = start.Add(r.Shift)
	}
	k := int(idx % int64(len(r.People)))
	if k < 0 {
		k += len(r.People)
	}
	return Shift{Person: r.People[k], Start: start, End: end}
}

// OnCall is who holds the rota at t, with the overrides applied (the last
// matching override wins), and the earliest later instant at which the
// answer may change.
func (r *Rota) OnCall(t time.Time, overrides []Override) Shift {
	s := r.ShiftAt(t)
	for _, o := range overrides {
		if o.Rota != r.Name {
			continue
		}
		switch {
		case !t.Before(o.From) && t.Before(o.To) && (o.Covers == "" || o.Covers == s.Person):
			s = Shift{Person: o.Person, Start: maxTime(s.Start, o.From), End: minTime(s.End, o.To), Override: true}
		case o.From.After(t) && o.From.Before(s.End):
			s.End = o.From
		}
	}
	return s
}

// Shifts lists the rota's shifts, overrides applied, from the one holding
// from until the one holding until.
func (r *Rota) Shifts(from, until time.Time, overrides []Override) []Shift {
	var ss []Shift
	for t := from; t.Before(until) || len(ss) == 0; {
		s := r.OnCall(t, overrides)
		if n := len(ss); n > 0 && ss[n-1].Person == s.Person && ss[n-1].Override == s.Override && ss[n-1].End.Equal(s.Start) {
			ss[n-1].End = s.End
		} else {
			ss = append(ss, s)
		}
		t = s.End
	}
	return ss
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// OverridesFrom turns the store's standing overrides into the policy's.
func OverridesFrom(so []store.Override) []Override {
	out := make([]Override, 0, len(so))
	for _, o := range so {
		if o.Removed.IsZero() {
			out = append(out, Override{Rota: o.Rota, Person: o.Person, Covers: o.Covers, From: o.From, To: o.To})
		}
	}
	return out
}

// FieldError is bad input naming the field that is wrong.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// CheckOverride checks an override against the policy: a known rota,
// known people, its end after its start.
func (p *Policy) CheckOverride(o Override) error {
	r := p.Rotas[o.Rota]
	switch {
	case r == nil:
		return &FieldError{"rota", fmt.Errorf("there is no rota %q", o.Rota)}
	case p.People[o.Person] == nil:
		return &FieldError{"person", fmt.Errorf("there is no person %q", o.Person)}
	case o.Covers != "" && !slices.Contains(r.People, o.Covers):
		return &FieldError{"covers", fmt.Errorf("%q is not on rota %q", o.Covers, o.Rota)}
	case o.From.IsZero():
		return &FieldError{"from", errors.New("missing")}
	case !o.To.After(o.From):
		return &FieldError{"to", fmt.Errorf("%s is not after from (%s)", o.To.Format(time.RFC3339), o.From.Format(time.RFC3339))}
	}
	return nil
}
