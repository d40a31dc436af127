package components

import (
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/mauve-alert/mauve/store"
)

// Calendar is the history calendar: how many alerts were raised each day,
// by level, over a month or a week of the station's calendar. The handler
// fills it; the templates only lay it out.
type Calendar struct {
	View  string // "month" or "week"
	Title string // "October 2026", "Week of 19 October 2026"
	// Weeks are the month's rows, Monday to Sunday, padded with the
	// neighbouring months' days (InPeriod false); the week view has one.
	Weeks [][]CalendarDay
	Total store.DayCount // the period's raises; Day is the period's start
	Prev  CalendarLink
	Next  CalendarLink
	Today CalendarLink // the period that holds today
	Other CalendarLink // the other view: week of a month, month of a week
	Error string       // inline message for a bad month or week parameter
}

// CalendarDay is one day cell.
type CalendarDay struct {
	Counts   store.DayCount // Day is the day's midnight in the station's zone
	InPeriod bool
	Today    bool
	Href     string // the history search of the day
}

// CalendarLink is a navigation link of the calendar.
type CalendarLink struct {
	Label string
	Href  string
}

// Days returns the period's days in order, without padding.
func (c Calendar) Days() []CalendarDay {
	var out []CalendarDay
	for _, w := range c.Weeks {
		for _, d := range w {
			if d.InPeriod {
				out = append(out, d)
			}
		}
	}
	return out
}

// Busy returns the period's days with at least one raise.
func (c Calendar) Busy() []CalendarDay {
	var out []CalendarDay
	for _, d := range c.Days() {
		if d.Counts.Total() > 0 {
			out = append(out, d)
		}
	}
	return out
}

// levelCount is one level's count as shown: "2 urgent".
type levelCount struct {
	Level string // "urgent", "normal", "low" or "other"
	N     int
}

// countsOf lists the non-zero levels of a day, most urgent first.
func countsOf(d store.DayCount) []levelCount {
	var out []levelCount
	for _, lc := range []levelCount{{"urgent", d.Urgent}, {"normal", d.Normal}, {"low", d.Low}, {"other", d.Other}} {
		if lc.N > 0 {
			out = append(out, lc)
		}
	}
	return out
}

// CountsText says a day's or period's raises in words, readable without
// colour: "3 raised: 1 urgent, 2 normal", or "none raised".
func CountsText(d store.DayCount) string {
	if d.Total() == 0 {
		return "none raised"
	}
	parts := make([]string, 0, 4)
	for _, lc := range countsOf(d) {
		parts = append(parts, itoa(lc.N)+" "+lc.Level)
	}
	return itoa(d.Total()) + " raised: " + strings.Join(parts, ", ")
}

func dayID(d CalendarDay) string { return "day-" + d.Counts.Day.Format("2006-01-02") }

func dayAttr(d time.Time) string { return d.Format("2006-01-02") }

func todayAttr(today bool) templ.Attributes {
	if today {
		return templ.Attributes{"aria-current": "date"}
	}
	return templ.Attributes{}
}

// weekdays are the month table's column headers, Monday first.
var weekdays = [7][2]string{
	{"Mon", "Monday"}, {"Tue", "Tuesday"}, {"Wed", "Wednesday"}, {"Thu", "Thursday"},
	{"Fri", "Friday"}, {"Sat", "Saturday"}, {"Sun", "Sunday"},
}
