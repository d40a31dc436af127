package policy

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// durationUnits are the units a duration may use: Go's, plus days and
// weeks. Longer names come first so "ms" is not read as "m" then "s".
var durationUnits = []struct {
	name string
	unit time.Duration
}{
	{"ns", time.Nanosecond}, {"us", time.Microsecond}, {"µs", time.Microsecond}, {"ms", time.Millisecond},
	{"s", time.Second}, {"m", time.Minute}, {"h", time.Hour},
	{"d", 24 * time.Hour}, {"w", 7 * 24 * time.Hour},
}

// unitWords maps the words people write for units to the letter meant.
var unitWords = map[string]string{
	"s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
	"m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
	"h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
	"d": "d", "day": "d", "days": "d",
	"w": "w", "week": "w", "weeks": "w",
}

// maxHours bounds a bare number of hours (ParseFor): a year and a day.
const maxHours = 24 * 366

// ParseDuration reads a duration, the one grammar of every duration mauve
// reads (the config, acknowledgements, suppressions; web form, API, `mauve
// ack` and the terminal client alike): one or more numbers, each followed
// by a unit with no space between — Go's units (ns, us, ms, s, m, h) and d
// (24 hours) and w (7 days) — such as "15m", "1h30m", "1.5h", "1.5d" or
// "1w". A number may have a fraction. "0" alone is zero; spaces around the
// whole are ignored; a negative duration is an error.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
	}
	if s == "" {
		return 0, fmt.Errorf("empty duration: write a number and a unit, like \"15m\" (units s, m, h, d, w)")
	}
	var total time.Duration
	rest := s
	for rest != "" {
		whole, frac, n := scanNumber(rest)
		if n == 0 || n == len(rest) {
			return 0, durationError(s)
		}
		rest = rest[n:]
		var unit time.Duration
		for _, u := range durationUnits {
			if strings.HasPrefix(rest, u.name) {
				unit, rest = u.unit, rest[len(u.name):]
				break
			}
		}
		if unit == 0 {
			return 0, durationError(s)
		}
		if whole > uint64(1<<62)/uint64(unit) {
			return 0, fmt.Errorf("duration %q is too long", s)
		}
		total += time.Duration(whole)*unit + time.Duration(math.Round(frac*float64(unit)))
		if total < 0 || total > 1<<62 {
			return 0, fmt.Errorf("duration %q is too long", s)
		}
	}
	return total, nil
}

// ParseFor reads how long to acknowledge or suppress, as a person types
// it: a duration (ParseDuration), or a bare number of hours ("2", "1.5"),
// as the classic web form asked. The config has no such rule: there a
// duration always has a unit.
func ParseFor(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	if whole, frac, n := scanNumber(t); n > 0 && n == len(t) {
		if whole > maxHours {
			return 0, fmt.Errorf("%q hours is more than a year", s)
		}
		return time.Duration(math.Round((float64(whole) + frac) * float64(time.Hour))), nil
	}
	d, err := ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%w, or a number of hours like \"1.5\"", err)
	}
	return d, nil
}

// scanNumber reads the unsigned decimal number s starts with ("15",
// "1.5", ".5"): its whole part (MaxUint64 when longer), its fraction and
// how many bytes it took (0: none).
func scanNumber(s string) (whole uint64, frac float64, n int) {
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		if whole > math.MaxUint64/10-1 {
			whole = math.MaxUint64 // too long for any unit; the caller says so
		} else {
			whole = whole*10 + uint64(s[n]-'0')
		}
		n++
	}
	digits := n
	if n < len(s) && s[n] == '.' {
		var f uint64
		scale := 1.0
		n++
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			if scale < 1e18 { // further digits are below a nanosecond of a week
				f, scale = f*10+uint64(s[n]-'0'), scale*10
			}
			n++
			digits++
		}
		frac = float64(f) / scale
	}
	if digits == 0 {
		return 0, 0, 0
	}
	return whole, frac, n
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
	return fmt.Errorf("%q is not a duration: write a number and a unit with no space, like \"15m\", \"1.5h\", \"2d\" or \"1h30m\" (units s, m, h, d, w)", s)
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
	for _, u := range []struct {
		name string
		d    time.Duration
	}{{"ms", time.Millisecond}, {"us", time.Microsecond}, {"ns", time.Nanosecond}} {
		if d > 0 && d%u.d == 0 {
			fmt.Fprintf(&b, "%d%s", d/u.d, u.name)
			break
		}
	}
	return b.String()
}
