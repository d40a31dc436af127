package ui

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui/components"
)

// The history calendar on /history: raises per day and level over a month
// (?month=2026-10) or a week (?week=2026-10-19, any day of it; weeks start
// on Monday), in the station's zone. Without either it shows the month of
// the search's from, else the current month. Each day links to the
// history search of that day.

// calendarPeriod is the month or week the calendar shows.
type calendarPeriod struct {
	week  bool
	start time.Time // midnight of the 1st of the month, or of the Monday
}

func (c calendarPeriod) end() time.Time {
	if c.week {
		return addDays(c.start, 7)
	}
	return startOfDay(c.start.Year(), c.start.Month()+1, 1, c.start.Location())
}

// addDays is the start of the day n calendar days after t's (not n×24
// hours, which a daylight saving change would break).
func addDays(t time.Time, n int) time.Time {
	return startOfDay(t.Year(), t.Month(), t.Day()+n, t.Location())
}

func midnight(t time.Time) time.Time { return addDays(t, 0) }

// startOfDay is the first instant of a calendar day (y, m, d normalised
// as time.Date does) in loc: midnight, or where a daylight saving change
// skips midnight (America/Santiago), the end of the gap; time.Date would
// give 23:00 of the day before, and stepping by days would stall there.
func startOfDay(y int, m time.Month, d int, loc *time.Location) time.Time {
	y, m, d = time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Date()
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if ty, tm, td := t.Date(); ty != y || tm != m || td != d {
		if _, end := t.ZoneBounds(); !end.IsZero() {
			return end
		}
	}
	return t
}

func monthOf(t time.Time) calendarPeriod {
	return calendarPeriod{start: startOfDay(t.Year(), t.Month(), 1, t.Location())}
}

func weekOf(t time.Time) calendarPeriod {
	return calendarPeriod{week: true, start: addDays(t, -mondayIndex(t))}
}

// mondayIndex is 0 for Monday … 6 for Sunday.
func mondayIndex(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }

// calendarPeriodOf reads the calendar's period from the query. A bad month
// or week is a 400 error; the caller then shows the current month.
func calendarPeriodOf(qv url.Values, now time.Time) (calendarPeriod, error) {
	loc := now.Location()
	if w := strings.TrimSpace(qv.Get("week")); w != "" {
		t, err := parseDay("2006-01-02", w, loc)
		if err != nil {
			return monthOf(now), badRequest("week: %q is not a day (want a date such as %s); showing this month", w, now.Format("2006-01-02"))
		}
		return weekOf(t), nil
	}
	if m := strings.TrimSpace(qv.Get("month")); m != "" {
		t, err := parseDay("2006-01", m, loc)
		if err != nil {
			return monthOf(now), badRequest("month: %q is not a month (want a year and month such as %s); showing this month", m, now.Format("2006-01"))
		}
		return monthOf(t), nil
	}
	if f := strings.TrimSpace(qv.Get("from")); f != "" {
		if t, err := parseLocalTime(f, loc); err == nil {
			return monthOf(t), nil
		}
	}
	return monthOf(now), nil
}

// parseDay reads a date (or a month: its first day) and returns the start
// of that day in loc.
func parseDay(layout, s string, loc *time.Location) (time.Time, error) {
	t, err := time.Parse(layout, s)
	if err != nil {
		return time.Time{}, err
	}
	return startOfDay(t.Year(), t.Month(), t.Day(), loc), nil
}

// param is the query that shows p in the calendar.
func (c calendarPeriod) param() url.Values {
	if c.week {
		return url.Values{"week": {c.start.Format("2006-01-02")}}
	}
	return url.Values{"month": {c.start.Format("2006-01")}}
}

func (c calendarPeriod) href() string { return "/history?" + c.param().Encode() }

func (c calendarPeriod) title() string {
	if c.week {
		return "Week of " + c.start.Format("2 January 2006")
	}
	return c.start.Format("January 2006")
}

// dayHref is the history search of one day, keeping the calendar on the
// period shown, and jumping to the events.
func dayHref(day time.Time, c calendarPeriod) string {
	q := c.param()
	q.Set("from", day.Format("2006-01-02T15:04"))
	q.Set("to", addDays(day, 1).Format("2006-01-02T15:04"))
	return "/history?" + q.Encode() + "#events"
}

// buildCalendar lays out the period's days with their counts. now is in
// the station's zone.
func buildCalendar(c calendarPeriod, counts []store.DayCount, now time.Time) components.Calendar {
	byDay := make(map[string]store.DayCount, len(counts))
	cal := components.Calendar{Title: c.title(), View: "month"}
	for _, dc := range counts {
		byDay[dc.Day.Format("2006-01-02")] = dc
		cal.Total.Urgent += dc.Urgent
		cal.Total.Normal += dc.Normal
		cal.Total.Low += dc.Low
		cal.Total.Other += dc.Other
	}
	cal.Total.Day = c.start
	end := c.end()
	first := addDays(c.start, -mondayIndex(c.start))
	today := midnight(now)
	var week []components.CalendarDay
	for d := first; d.Before(end) || len(week) > 0; d = addDays(d, 1) {
		dc, ok := byDay[d.Format("2006-01-02")]
		if !ok {
			dc = store.DayCount{Day: d}
		}
		in := !d.Before(c.start) && d.Before(end)
		cd := components.CalendarDay{Counts: dc, InPeriod: in, Today: d.Equal(today)}
		if in {
			cd.Href = dayHref(d, c)
		}
		week = append(week, cd)
		if len(week) == 7 {
			cal.Weeks = append(cal.Weeks, week)
			week = nil
		}
	}
	var prev, next, other calendarPeriod
	if c.week {
		cal.View = "week"
		prev, next = weekOf(addDays(c.start, -7)), weekOf(end)
		cal.Today = components.CalendarLink{Label: "This week", Href: weekOf(now).href()}
		other = monthOf(c.start)
		cal.Other = components.CalendarLink{Label: "Month view", Href: other.href()}
	} else {
		prev, next = monthOf(addDays(c.start, -1)), monthOf(end)
		cal.Today = components.CalendarLink{Label: "This month", Href: monthOf(now).href()}
		other = weekOf(c.start)
		if today.Year() == c.start.Year() && today.Month() == c.start.Month() {
			other = weekOf(today)
		}
		cal.Other = components.CalendarLink{Label: "Week view", Href: other.href()}
	}
	cal.Prev = components.CalendarLink{Label: shortTitle(prev), Href: prev.href()}
	cal.Next = components.CalendarLink{Label: shortTitle(next), Href: next.href()}
	return cal
}

func shortTitle(c calendarPeriod) string {
	if c.week {
		return "Week of " + c.start.Format("2 Jan")
	}
	return c.start.Format("January 2006")
}

// historyCalendar reads the calendar's period from the query and counts
// its raises. A bad period gives the current month with an inline message
// and a 400 status; a store failure is an error.
func (p *pages) historyCalendar(qv url.Values, now time.Time) (*components.Calendar, int, error) {
	status := 200
	c, perr := calendarPeriodOf(qv, now)
	counts, err := p.s.store.HistoryCounts(c.start, c.end(), now.Location())
	if err != nil {
		return nil, 0, fmt.Errorf("history calendar of %s: %w", c.title(), err)
	}
	cal := buildCalendar(c, counts, now)
	if perr != nil {
		status, cal.Error = statusOf(perr)
	}
	return &cal, status, nil
}
