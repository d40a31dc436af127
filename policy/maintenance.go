package policy

import (
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/mauve-alert/mauve/store"
)

// Window is a recurring maintenance window, a maintenance "name" block:
// while one whose includes matches an alert is open, nobody is told of
// it; when it closes, an alert still raised and unacknowledged is told at
// once (the catch-up page).
type Window struct {
	Name string
	// Weekday is the day it opens; -1 means every day.
	Weekday time.Weekday
	Minute  int // wall-clock minutes since midnight it opens, in Location
	For     time.Duration
	// Includes selects the alerts it quiets; nil matches every alert.
	Includes hcl.Expression
	Location *time.Location
	Range    hcl.Range
}

var maintenanceSchema = &hcl.BodySchema{Attributes: attrs("every", "for", "includes", "timezone")}

// decodeMaintenance decodes maintenance "sunday" { every = "Sun 02:00"
// for = "2h" includes = ... timezone = "Europe/London" }; every is
// "Sun 02:00" for weekly or "02:00" for daily, in the station's zone
// unless timezone says otherwise.
func (l *loader) decodeMaintenance(b *hcl.Block) {
	c := l.content(b.Body, maintenanceSchema)
	w := &Window{Name: b.Labels[0], Location: l.p.Station.Location, Range: b.DefRange}
	if !l.unique("maintenance", w.Name, b.LabelRanges[0]) {
		return
	}
	as := c.Attributes
	l.required(b, as, "every", "for")
	var every string
	if l.str(as, "every", &every) {
		wd, minute, ok := parseEvery(every)
		if !ok {
			l.diags = append(l.diags, errorAt(as["every"].Expr.Range(), "Invalid every",
				"every %q must be a weekday and a time, like \"Sun 02:00\", or a time alone (daily), like \"02:00\"", every))
		}
		w.Weekday, w.Minute = wd, minute
	}
	if l.duration(as, "for", &w.For) {
		period := 24 * time.Hour
		if w.Weekday >= 0 {
			period = 7 * 24 * time.Hour
		}
		if w.For <= 0 || w.For > period {
			l.diags = append(l.diags, errorAt(as["for"].Expr.Range(), "Invalid duration",
				"for must be more than 0 and at most %s, the window's period", period))
		}
	}
	var tz string
	if l.str(as, "timezone", &tz) {
		if loc, ok := l.location(as["timezone"], tz); ok {
			w.Location = loc
		}
	}
	if a, ok := as["includes"]; ok && l.checkExpr(a.Expr, "includes", includesVariables, includesFunctions) {
		w.Includes = a.Expr
	}
	l.p.Maintenance = append(l.p.Maintenance, w)
}

var weekdays = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
	"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// parseEvery reads "Sun 02:00" or "02:00"; weekday -1 means daily.
func parseEvery(s string) (time.Weekday, int, bool) {
	f := strings.Fields(s)
	wd := time.Weekday(-1)
	switch len(f) {
	case 1:
	case 2:
		d, ok := weekdays[strings.ToLower(f[0])[:min(3, len(f[0]))]]
		if !ok {
			return 0, 0, false
		}
		wd, f = d, f[1:]
	default:
		return 0, 0, false
	}
	hh, mm, ok := strings.Cut(f[0], ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || len(mm) != 2 {
		return 0, 0, false
	}
	return wd, h*60 + m, true
}

// openUntil returns when the window, if open at now, closes; the zero
// time when it is not open. Opening times are wall-clock times in the
// window's zone, so a window keeps its local hour across a DST change.
func (w *Window) openUntil(now time.Time) time.Time {
	local := now.In(w.Location)
	// Only the last two openings can still be open, as for is at most
	// the window's period: today's and yesterday's, or this week's and
	// last week's.
	back, period := 0, 1
	if w.Weekday >= 0 {
		back, period = (int(local.Weekday())-int(w.Weekday)+7)%7, 7
	}
	for _, b := range []int{back, back + period} {
		day := local.AddDate(0, 0, -b)
		start := time.Date(day.Year(), day.Month(), day.Day(), w.Minute/60, w.Minute%60, 0, 0, w.Location)
		if end := start.Add(w.For); !start.After(now) && now.Before(end) {
			return end
		}
	}
	return time.Time{}
}

// maintenanceUntil returns when the last open window that matches the
// alert closes; zero when none is open.
func (p *Policy) maintenanceUntil(e *evalEnv, now time.Time) time.Time {
	var until time.Time
	for _, w := range p.Maintenance {
		end := w.openUntil(now)
		if end.IsZero() || !end.After(until) {
			continue
		}
		if w.Includes == nil || evalBool(w.Includes, e.includesContext()) {
			until = end
		}
	}
	return until
}

// quietUntil returns until when nobody is to be told of the change's
// alert: a minute on (to look again) while a parent holds it, else the
// later of the close of the last open maintenance window that matches it
// and the end of its group's raise_after; zero when nothing quiets it.
func (p *Policy) quietUntil(e *evalEnv, g *Group, c store.Change) time.Time {
	if heldBy(g, c) != "" {
		return c.Now.Add(holdRecheck)
	}
	until := p.maintenanceUntil(e, c.Now)
	if at := raisePending(g, c.After.Told, c.After.RaisedAt, c.Now); at.After(until) {
		until = at
	}
	return until
}
