package policy

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mauve-alert/mauve/store"
)

// Ways of counting the hours of an acknowledgement.
const (
	CountWallclock = "wallclock" // every hour counts (the default)
	CountDaytime   = "daytime"   // only hours within daytime_hours
	CountWorking   = "working"   // only working hours: Monday to Friday, not holidays
)

// AcknowledgeUntil says until when an acknowledgement given at now lasts.
// spec is a duration ("2h", or a bare number of hours), counted as mode
// says (wallclock, daytime or working hours: "2h" of working hours from
// Friday 17:00 ends on Monday morning, holidays skipped; "0" of them ends
// when they next start), or an absolute time (RFC 3339,
// "2006-01-02 15:04", or "15:04" for its next occurrence) in the station's
// time zone. An empty spec is the acknowledgement_time of the alert's
// group. The result is capped at now + max_acknowledgement.
func (p *Policy) AcknowledgeUntil(a store.Alert, spec string, mode string, now time.Time) (time.Time, error) {
	limit := now.Add(p.Station.MaxAcknowledgement)
	spec = strings.TrimSpace(spec)
	var d time.Duration
	if spec == "" {
		g := p.groupOf(p.newEvalEnv(a))
		if g == nil {
			return time.Time{}, fmt.Errorf("acknowledge: no alert group")
		}
		d = g.AcknowledgementTime
	} else if dd, err := ParseFor(spec); err == nil {
		d = dd
	} else {
		until, err := p.parseTime(spec, now)
		if err != nil {
			return time.Time{}, err
		}
		if !until.After(now) {
			return time.Time{}, fmt.Errorf("acknowledge until %s: that is not in the future", until.Format(time.RFC3339))
		}
		return minTime(until, limit), nil
	}
	if d < 0 {
		return time.Time{}, fmt.Errorf("%q: an acknowledgement cannot last less than zero", spec)
	}
	var until time.Time
	switch mode {
	case "", CountWallclock:
		if d == 0 {
			return time.Time{}, fmt.Errorf("%q: an acknowledgement must last longer than zero (0 means something only with daytime or working hours: until they next start)", spec)
		}
		until = now.Add(d)
	case CountDaytime:
		until = p.countHours(now, d, limit, func(time.Time) bool { return true }, p.Station.DaytimeHours)
	case CountWorking:
		until = p.countHours(now, d, limit, func(day time.Time) bool {
			wd := day.Weekday()
			return wd != time.Saturday && wd != time.Sunday && !p.isHoliday(day)
		}, p.Station.WorkingHours)
	default:
		return time.Time{}, fmt.Errorf("acknowledge: unknown way of counting hours %q (want wallclock, daytime or working)", mode)
	}
	return minTime(until, limit), nil
}

// countHours walks forward from now through the day's ranges (on the days
// countsDay accepts) until d of them has passed; it stops at limit. An
// end that falls exactly on a range's end moves to the next range's start,
// so an acknowledgement never runs out as everyone goes home; so d = 0
// means "until such hours next start" (now, within them).
func (p *Policy) countHours(now time.Time, d time.Duration, limit time.Time, countsDay func(time.Time) bool, rs []ClockRange) time.Time {
	loc := p.Station.Location
	local := now.In(loc)
	y, m, dd := local.Date()
	for k := 0; ; k++ {
		day := time.Date(y, m, dd+k, 12, 0, 0, 0, loc)
		if k > 400 || time.Date(y, m, dd+k, 0, 0, 0, 0, loc).After(limit) {
			return limit // no such hours within reach (or within a year)
		}
		if !countsDay(day) {
			continue
		}
		for _, iv := range dayIntervals(day, rs) {
			s := maxTime(iv[0], now)
			if !iv[1].After(s) {
				continue
			}
			if avail := iv[1].Sub(s); d < avail {
				return s.Add(d)
			} else {
				d -= avail
			}
		}
	}
}

// dayIntervals turns clock ranges into the day's instants, in order and
// merged; a range past midnight is split at the day's ends.
func dayIntervals(day time.Time, rs []ClockRange) [][2]time.Time {
	y, m, d := day.Date()
	loc := day.Location()
	at := func(min int) time.Time { return time.Date(y, m, d, min/60, min%60, 0, 0, loc) }
	var ivs [][2]time.Time
	for _, r := range rs {
		if r.From < r.To {
			ivs = append(ivs, [2]time.Time{at(r.From), at(r.To)})
		} else {
			ivs = append(ivs, [2]time.Time{at(0), at(r.To)}, [2]time.Time{at(r.From), at(24 * 60)})
		}
	}
	sort.Slice(ivs, func(i, j int) bool { return ivs[i][0].Before(ivs[j][0]) })
	var out [][2]time.Time
	for _, iv := range ivs {
		if n := len(out); n > 0 && !iv[0].After(out[n-1][1]) {
			out[n-1][1] = maxTime(out[n-1][1], iv[1])
			continue
		}
		out = append(out, iv)
	}
	return out
}

// parseTime reads an absolute time in the station's zone.
func (p *Policy) parseTime(s string, now time.Time) (time.Time, error) {
	loc := p.Station.Location
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if m, err := parseClock(s); err == nil {
		l := now.In(loc)
		y, mo, d := l.Date()
		t := time.Date(y, mo, d, m/60, m%60, 0, 0, loc)
		if !t.After(now) {
			t = time.Date(y, mo, d+1, m/60, m%60, 0, 0, loc)
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is neither a duration nor a time: write a duration like \"2h\", a time of day like \"14:00\", or a date and time like \"2026-12-24 09:00\"", s)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
