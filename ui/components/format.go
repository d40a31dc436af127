package components

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/mauve-alert/mauve/store"
)

// quickAcks are the one-tap acknowledgements on the alert page, counted
// as the form's mode says (read-only).
var quickAcks = [...]string{"1h", "2h", "4h", "8h"}

// AlertPath is the URL path of an alert's page. Source and id are escaped
// as path segments, so a "/" in either stays inside its segment.
func AlertPath(source, id string) string {
	return "/alerts/" + url.PathEscape(source) + "/" + url.PathEscape(id)
}

// SelectionValue is the value of an alert's checkbox in the list: its
// escaped source and id joined by "/". ParseSelection reverses it.
func SelectionValue(source, id string) string {
	return url.PathEscape(source) + "/" + url.PathEscape(id)
}

// ParseSelection reverses SelectionValue.
func ParseSelection(v string) (store.Key, bool) {
	src, id, ok := strings.Cut(v, "/")
	if !ok {
		return store.Key{}, false
	}
	s, err1 := url.PathUnescape(src)
	i, err2 := url.PathUnescape(id)
	if err1 != nil || err2 != nil || s == "" || i == "" {
		return store.Key{}, false
	}
	return store.Key{Source: s, ID: i}, true
}

func alertURL(a store.Alert) templ.SafeURL {
	return templ.SafeURL(AlertPath(a.Source, a.ID))
}

func actionURL(a store.Alert, action string) templ.SafeURL {
	return templ.SafeURL(AlertPath(a.Source, a.ID) + "/" + action)
}

// Age says how long ago t was, in at most two units: "now", "40s", "12m",
// "3h 5m", "2d 4h".
func Age(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	if d < 0 {
		d = -d
	}
	return Span(d)
}

// Span writes a duration the way Age does.
func Span(d time.Duration) string {
	s := int64(d / time.Second)
	switch {
	case s < 5:
		return "now"
	case s < 60:
		return strconv.FormatInt(s, 10) + "s"
	case s < 3600:
		return strconv.FormatInt(s/60, 10) + "m"
	case s < 86400:
		h, m := s/3600, (s%3600)/60
		if m == 0 {
			return strconv.FormatInt(h, 10) + "h"
		}
		return strconv.FormatInt(h, 10) + "h " + strconv.FormatInt(m, 10) + "m"
	default:
		dd, h := s/86400, (s%86400)/3600
		if h == 0 {
			return strconv.FormatInt(dd, 10) + "d"
		}
		return strconv.FormatInt(dd, 10) + "d " + strconv.FormatInt(h, 10) + "h"
	}
}

// ago is Age as a phrase: "just now", "12m ago".
func ago(now, t time.Time) string {
	if a := Age(now, t); a != "now" {
		return a + " ago"
	}
	return "just now"
}

// When writes t as briefly as is unambiguous seen from now: "14:05" today,
// "Mon 14:05" within a week, "2 Jan 14:05" this year, else with the year.
// t is shown in now's zone.
func When(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(now.Location())
	ny, nm, nd := now.Date()
	ty, tm, td := t.Date()
	switch {
	case ny == ty && nm == tm && nd == td:
		return t.Format("15:04")
	case t.After(now.AddDate(0, 0, -6)) && t.Before(now.AddDate(0, 0, 6)):
		return t.Format("Mon 15:04")
	case ny == ty:
		return t.Format("2 Jan 15:04")
	default:
		return t.Format("2 Jan 2006 15:04")
	}
}

// Stamp is a full, sortable time for history rows and title attributes.
func Stamp(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(now.Location()).Format("2006-01-02 15:04:05")
}

func machine(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// rowAge is how long an alert has been in its state, for the list.
func rowAge(now time.Time, a *store.Alert) string {
	if a.State == store.StateCleared {
		return Age(now, a.ClearedAt)
	}
	return Age(now, a.RaisedAt)
}

func levelOf(a store.Alert) string {
	if !a.Level.Valid() {
		return string(store.LevelNormal)
	}
	return string(a.Level)
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func encodeQuery(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	return v.Encode()
}

// current is the aria-current value of a navigation link.
func current(nav, entry string) string {
	if nav == entry {
		return "page"
	}
	return "false"
}

func itoa(n int) string { return strconv.Itoa(n) }

func subjectOf(a store.Alert) string {
	if a.Subject != "" {
		return a.Subject
	}
	return a.Source
}

func summaryOf(a *store.Alert) string {
	if a.Summary != "" {
		return a.Summary
	}
	return a.ID
}
