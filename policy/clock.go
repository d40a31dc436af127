package policy

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseClockRange reads "HH:MM-HH:MM" (24-hour clock, "24:00" allowed as
// an end). A range whose end is before its start runs past midnight.
func ParseClockRange(s string) (ClockRange, error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return ClockRange{}, fmt.Errorf("clock range %q is not valid: write \"HH:MM-HH:MM\", like \"09:30-17:30\"", s)
	}
	f, err := parseClock(strings.TrimSpace(from))
	if err != nil {
		return ClockRange{}, fmt.Errorf("clock range %q: %w", s, err)
	}
	t, err := parseClock(strings.TrimSpace(to))
	if err != nil {
		return ClockRange{}, fmt.Errorf("clock range %q: %w", s, err)
	}
	if f == t {
		return ClockRange{}, fmt.Errorf("clock range %q is empty: its start and end are the same", s)
	}
	if f == 24*60 {
		return ClockRange{}, fmt.Errorf("clock range %q cannot start at 24:00; start at 00:00", s)
	}
	return ClockRange{From: f, To: t}, nil
}

// parseClock reads "HH:MM" into minutes since midnight.
func parseClock(s string) (int, error) {
	hh, mm, ok := strings.Cut(s, ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || len(mm) != 2 || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("%q is not a time of day: write HH:MM between 00:00 and 24:00", s)
	}
	return h*60 + m, nil
}

// String writes the range as "HH:MM-HH:MM".
func (r ClockRange) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", r.From/60, r.From%60, r.To/60, r.To%60)
}

// Contains reports whether the minute of day m is in the range.
func (r ClockRange) Contains(m int) bool {
	if r.From < r.To {
		return m >= r.From && m < r.To
	}
	return m >= r.From || m < r.To
}

// ParseDate reads "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q is not valid: write YYYY-MM-DD, like \"2026-12-25\"", s)
	}
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, nil
}

// String writes the date as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// dateOf is the calendar day of t in its location.
func dateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// minuteOfDay is the wall-clock minute of t in its location.
func minuteOfDay(t time.Time) int { return t.Hour()*60 + t.Minute() }

// inRanges reports whether t's wall-clock minute is in any of rs.
func inRanges(rs []ClockRange, t time.Time) bool {
	m := minuteOfDay(t)
	for _, r := range rs {
		if r.Contains(m) {
			return true
		}
	}
	return false
}

// nextMidnight is the start of the day after t's, in t's location.
func nextMidnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, t.Location())
}

// nextBoundary is the first instant after t at which the wall clock shows
// one of the range ends of rs, or the next midnight, whichever is first.
// It may be earlier than the next real change; never later.
func nextBoundary(rs []ClockRange, t time.Time) time.Time {
	best := nextMidnight(t)
	y, mo, d := t.Date()
	loc := t.Location()
	for _, r := range rs {
		for _, m := range [2]int{r.From, r.To} {
			if m == 24*60 {
				continue // midnight is already a candidate
			}
			c := time.Date(y, mo, d, m/60, m%60, 0, 0, loc)
			if c.After(t) && c.Before(best) {
				best = c
			}
		}
	}
	// On a day the clocks change, a wall time can happen twice or never;
	// step in quarter hours so no boundary is jumped over.
	if _, o1 := t.Zone(); true {
		if _, o2 := best.Zone(); o1 != o2 {
			if q := t.Truncate(15 * time.Minute).Add(15 * time.Minute); q.Before(best) {
				best = q
			}
		}
	}
	return best
}

// ParseDateRange reads "YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD".
func ParseDateRange(s string) (DateRange, error) {
	from, to, isRange := strings.Cut(s, "..")
	f, err := ParseDate(strings.TrimSpace(from))
	if err != nil {
		return DateRange{}, err
	}
	if !isRange {
		return DateRange{From: f, To: f}, nil
	}
	t, err := ParseDate(strings.TrimSpace(to))
	if err != nil {
		return DateRange{}, err
	}
	if t.before(f) {
		return DateRange{}, fmt.Errorf("days %q run backwards: write the first day first", s)
	}
	return DateRange{From: f, To: t}, nil
}

// String writes the range as a policy file would.
func (r DateRange) String() string {
	if r.From == r.To {
		return r.From.String()
	}
	return r.From.String() + ".." + r.To.String()
}

// Contains reports whether day d is in the range.
func (r DateRange) Contains(d Date) bool { return !d.before(r.From) && !r.To.before(d) }

func (d Date) before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}
