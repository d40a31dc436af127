package policy

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// durationUnits are the units a policy duration may use.
var durationUnits = map[byte]time.Duration{
	's': time.Second,
	'm': time.Minute,
	'h': time.Hour,
	'd': 24 * time.Hour,
	'w': 7 * 24 * time.Hour,
}

// unitWords maps the words people write for units to the letter meant.
var unitWords = map[string]string{
	"s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
	"m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
	"h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
	"d": "d", "day": "d", "days": "d",
	"w": "w", "week": "w", "weeks": "w",
}

// ParseDuration reads a policy duration: one or more numbers each followed
// by a unit s, m, h, d or w, with no spaces ("15m", "2d", "1h30m"). "0"
// alone is zero. A day is 24 hours.
func ParseDuration(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	if s == "" {
		return 0, fmt.Errorf("empty duration: write a number and a unit, like \"15m\" (units s, m, h, d, w)")
	}
	var total time.Duration
	rest := s
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i == len(rest) {
			return 0, durationError(s)
		}
		unit, ok := durationUnits[rest[i]]
		if !ok {
			return 0, durationError(s)
		}
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil || n > int64(1<<62)/int64(unit) {
			return 0, fmt.Errorf("duration %q is too long", s)
		}
		total += time.Duration(n) * unit
		if total < 0 {
			return 0, fmt.Errorf("duration %q is too long", s)
		}
		rest = rest[i+1:]
	}
	return total, nil
}

// durationError explains a bad duration, suggesting the form meant when it
// can guess it ("15 minutes" → "15m").
func durationError(s string) error {
	fields := strings.Fields(strings.ToLower(s))
	if len(fields) == 2 {
		if _, err := strconv.ParseUint(fields[0], 10, 63); err == nil {
			if u, ok := unitWords[fields[1]]; ok {
				return fmt.Errorf("%q is not a duration: write %q (a number and one of the units s, m, h, d, w, with no space)", s, fields[0]+u)
			}
		}
	}
	return fmt.Errorf("%q is not a duration: write a number and a unit with no space, like \"15m\", \"2d\" or \"1h30m\" (units s, m, h, d, w)", s)
}

// FormatDuration writes d the way a policy file would ("1h30m", "2d").
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	var b strings.Builder
	if d < 0 {
		b.WriteByte('-')
		d = -d
	}
	for _, u := range []struct {
		c byte
		d time.Duration
	}{{'d', 24 * time.Hour}, {'h', time.Hour}, {'m', time.Minute}, {'s', time.Second}} {
		if n := d / u.d; n > 0 {
			fmt.Fprintf(&b, "%d%c", n, u.c)
			d -= n * u.d
		}
	}
	if d > 0 {
		fmt.Fprintf(&b, "%dns", d)
	}
	return b.String()
}
