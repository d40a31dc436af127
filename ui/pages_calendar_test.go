package ui

import (
	"flag"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/mauve-alert/mauve/wire"
)

// at sets the station's clock.
func (st *pagesStation) at(t time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.now = t
}

// calendarStation has raises in October and November 2026 (Europe/London):
// core-router is urgent, disk-* low, the rest normal.
func calendarStation(t *testing.T) *pagesStation {
	st := newPagesStation(t)
	london := st.Now().Location()
	back := st.Now()
	steps := []struct {
		at     time.Time
		source string
		a      wire.Alert
	}{
		// 25 October has 25 hours: 01:30 happens in BST, then in GMT.
		{time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), "web3", wire.Alert{ID: "bst", Summary: "first 01:30"}},
		{time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), "web3", wire.Alert{ID: "gmt", Summary: "second 01:30"}},
		{time.Date(2026, 10, 31, 23, 59, 0, 0, london), "web2", wire.Alert{ID: "old", Summary: "on Halloween"}},
		{time.Date(2026, 11, 3, 9, 0, 0, 0, london), "core-router", wire.Alert{ID: "bgp", Summary: "BGP down"}},
		{time.Date(2026, 11, 3, 10, 0, 0, 0, london), "web1", wire.Alert{ID: "disk-root", Summary: "disk full"}},
		{time.Date(2026, 11, 3, 23, 30, 0, 0, london), "web1", wire.Alert{ID: "http", Summary: "site slow"}},
		{time.Date(2026, 11, 20, 8, 0, 0, 0, london), "core-router", wire.Alert{ID: "bgp", ClearTime: time.Date(2026, 11, 20, 8, 0, 0, 0, london)}},
		{time.Date(2026, 11, 24, 6, 0, 0, 0, london), "core-router", wire.Alert{ID: "bgp", Summary: "BGP down again"}},
	}
	for _, s := range steps {
		st.at(s.at)
		st.send(s.source, s.a)
	}
	st.at(back)
	return st
}

// element is the first element of a page with the data-testid, its
// attributes and its text with spaces collapsed.
type element struct {
	attrs map[string]string
	text  string
}

func findTestID(t *testing.T, body, id string) (element, bool) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var found *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && found == nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				for _, a := range c.Attr {
					if a.Key == "data-testid" && a.Val == id {
						found = c
						return
					}
				}
			}
			walk(c)
		}
	}
	walk(doc)
	if found == nil {
		return element{}, false
	}
	el := element{attrs: map[string]string{}}
	for _, a := range found.Attr {
		el.attrs[a.Key] = a.Val
	}
	var b strings.Builder
	var text func(n *html.Node)
	text = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data + " ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			text(c)
		}
	}
	text(found)
	el.text = strings.Join(strings.Fields(b.String()), " ")
	return el, true
}

func mustTestID(t *testing.T, body, id string) element {
	t.Helper()
	el, ok := findTestID(t, body, id)
	if !ok {
		t.Fatalf("page has no data-testid=%q", id)
	}
	return el
}

func TestPages_HistoryCalendarMonth(t *testing.T) {
	st := calendarStation(t)
	c := st.login()
	for _, path := range []string{"/history", "/history?month=2026-11", "/history?from=2026-11-03T00:00"} {
		t.Run(path, func(t *testing.T) {
			res := st.get(c, path)
			if res.status != http.StatusOK {
				t.Fatalf("got %d, want 200:\n%s", res.status, res.body)
			}
			if got := mustTestID(t, res.body, "calendar").attrs["data-view"]; got != "month" {
				t.Errorf("view got %q, want month", got)
			}
			cells := []struct{ id, want string }{
				{"cal-title", "November 2026"},
				{"cal-total", "November 2026: 4 raised: 2 urgent, 1 normal, 1 low"},
				{"day-2026-11-03", "3 November 1 urgent 1 normal 1 low"},
				{"day-2026-11-24", "24 November 1 urgent"},
				{"day-2026-11-01", "1 November"},
				{"day-2026-11-25", "25 November"},
				{"cal-prev", "‹ October 2026"},
				{"cal-next", "December 2026 ›"},
			}
			for _, cell := range cells {
				if got := mustTestID(t, res.body, cell.id).text; got != cell.want {
					t.Errorf("%s: got %q, want %q", cell.id, got, cell.want)
				}
			}
			if _, ok := findTestID(t, res.body, "day-2026-10-31"); ok {
				t.Errorf("October's days are in November's table")
			}
			if got := mustTestID(t, res.body, "day-2026-11-25").attrs["aria-current"]; got != "date" {
				t.Errorf("today: aria-current got %q, want date", got)
			}
			for _, want := range []string{
				`<caption class="vh">Alerts raised per day in November 2026, by level</caption>`,
				`<th scope="col" abbr="Monday">Mon</th>`,
				`href="/history?month=2026-10"`, `href="/history?month=2026-12"`, `href="/history?week=2026-11-23"`,
				`href="/history?from=2026-11-03T00%3A00&amp;month=2026-11&amp;to=2026-11-04T00%3A00#events"`,
				`data-testid="cal-list"`,
			} {
				if !strings.Contains(res.body, want) {
					t.Errorf("page lacks %s", want)
				}
			}
			// November 2026 starts on a Sunday: 6 rows, the first with 6 days of October as padding.
			if got := strings.Count(res.body, `class="cal-pad"`); got != 6+6 {
				t.Errorf("padding cells got %d, want 12", got)
			}
			assertNoMarkupFrom(t, res.body)
		})
	}
}

func TestPages_HistoryCalendarDST(t *testing.T) {
	st := calendarStation(t)
	res := st.get(st.login(), "/history?month=2026-10")
	if res.status != http.StatusOK {
		t.Fatalf("got %d, want 200", res.status)
	}
	for _, cell := range []struct{ id, want string }{
		{"day-2026-10-25", "25 October 2 normal"}, // both 01:30s on the 25-hour day
		{"day-2026-10-31", "31 October 1 normal"},
		{"cal-total", "October 2026: 3 raised: 3 normal"},
	} {
		if got := mustTestID(t, res.body, cell.id).text; got != cell.want {
			t.Errorf("%s: got %q, want %q", cell.id, got, cell.want)
		}
	}
	// The day's search runs from midnight BST to midnight GMT.
	if want := `href="/history?from=2026-10-25T00%3A00&amp;month=2026-10&amp;to=2026-10-26T00%3A00#events"`; !strings.Contains(res.body, want) {
		t.Errorf("page lacks %s", want)
	}
}

func TestPages_HistoryCalendarEmptyMonth(t *testing.T) {
	st := calendarStation(t)
	res := st.get(st.login(), "/history?month=2026-06")
	if res.status != http.StatusOK {
		t.Fatalf("got %d, want 200", res.status)
	}
	if got, want := mustTestID(t, res.body, "cal-total").text, "June 2026: none raised"; got != want {
		t.Errorf("total: got %q, want %q", got, want)
	}
	if got, want := mustTestID(t, res.body, "cal-empty").text, "No alerts raised in June 2026."; got != want {
		t.Errorf("empty: got %q, want %q", got, want)
	}
	if _, ok := findTestID(t, res.body, "cal-list"); ok {
		t.Errorf("an empty month has a list of busy days")
	}
	if got := strings.Count(res.body, `class="cal-day"`); got != 30 {
		t.Errorf("day cells got %d, want 30", got)
	}
}

func TestPages_HistoryCalendarWeek(t *testing.T) {
	st := calendarStation(t)
	res := st.get(st.login(), "/history?week=2026-11-04")
	if res.status != http.StatusOK {
		t.Fatalf("got %d, want 200:\n%s", res.status, res.body)
	}
	if got := mustTestID(t, res.body, "calendar").attrs["data-view"]; got != "week" {
		t.Errorf("view got %q, want week", got)
	}
	for _, cell := range []struct{ id, want string }{
		{"cal-title", "Week of 2 November 2026"},
		{"day-2026-11-03", "Tue 3 Nov 1 1 1 3"},
		{"day-2026-11-02", "Mon 2 Nov 0 0 0 0"},
		{"day-2026-11-08", "Sun 8 Nov 0 0 0 0"},
		{"cal-prev", "‹ Week of 26 Oct"},
		{"cal-next", "Week of 9 Nov ›"},
		{"cal-switch", "Month view"},
	} {
		if got := mustTestID(t, res.body, cell.id).text; got != cell.want {
			t.Errorf("%s: got %q, want %q", cell.id, got, cell.want)
		}
	}
	for _, want := range []string{`<th scope="col">Urgent</th>`, `<th scope="row">Week</th>`, `href="/history?month=2026-11"`, `href="/history?week=2026-10-26"`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

func TestPages_HistoryCalendarBadPeriod(t *testing.T) {
	st := calendarStation(t)
	c := st.login()
	tests := []struct{ query, want string }{
		{"month=2026-13", `month: "2026-13" is not a month`},
		{"month=november", `month: "november" is not a month`},
		{"month=%3Cscript%3E", `month: "<script>" is not a month`},
		{"week=2026-02-30", `week: "2026-02-30" is not a day`},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res := st.get(c, "/history?"+tt.query)
			if res.status != http.StatusBadRequest {
				t.Fatalf("got %d, want 400:\n%s", res.status, res.body)
			}
			el := mustTestID(t, res.body, "cal-error")
			if !strings.Contains(el.text, tt.want) {
				t.Errorf("inline message %q lacks %s", el.text, tt.want)
			}
			if el.attrs["role"] != "alert" || !strings.Contains(el.text, "showing this month") {
				t.Errorf("inline message got %+v", el)
			}
			// The current month is shown instead, and the search still runs.
			if got := mustTestID(t, res.body, "cal-title").text; got != "November 2026" {
				t.Errorf("title got %q, want November 2026", got)
			}
			if _, ok := findTestID(t, res.body, "history"); !ok {
				t.Errorf("the event list is missing")
			}
			assertNoMarkupFrom(t, res.body)
		})
	}
}

// TestPages_HistoryCalendarDayLink follows a day's link: the search shows
// that day's events only, and the calendar stays on the month.
func TestPages_HistoryCalendarDayLink(t *testing.T) {
	st := calendarStation(t)
	res := st.get(st.login(), "/history?from=2026-11-03T00%3A00&month=2026-11&to=2026-11-04T00%3A00")
	if res.status != http.StatusOK {
		t.Fatalf("got %d, want 200", res.status)
	}
	events := mustTestID(t, res.body, "history").text
	for _, want := range []string{"core-router/bgp", "web1/disk-root", "web1/http"} {
		if !strings.Contains(events, want) {
			t.Errorf("the day's events lack %s", want)
		}
	}
	if strings.Contains(events, "web2/old") || strings.Contains(events, "BGP down again") {
		t.Errorf("the day's events include another day's: %s", events)
	}
	if got := mustTestID(t, res.body, "cal-title").text; got != "November 2026" {
		t.Errorf("title got %q", got)
	}
}

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestPages_HistoryCalendarGolden pins the calendar section of the month
// and week views (one tag per line) in testdata/calendar-*.golden; on a
// mismatch it writes a .actual file next to it, and -update rewrites them.
func TestPages_HistoryCalendarGolden(t *testing.T) {
	st := calendarStation(t)
	c := st.login()
	for _, tt := range []struct{ name, query string }{
		{"calendar-month", "/history?month=2026-11"},
		{"calendar-week", "/history?week=2026-11-03"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := st.get(c, tt.query)
			start := strings.Index(res.body, `<section class="calendar"`)
			end := strings.Index(res.body, "</section>")
			if res.status != http.StatusOK || start < 0 || end < start {
				t.Fatalf("got %d without a calendar section:\n%s", res.status, res.body)
			}
			got := strings.ReplaceAll(res.body[start:end+len("</section>")], "><", ">\n<") + "\n"
			path := filepath.Join("testdata", tt.name+".golden")
			if *updateGolden {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./ui -run HistoryCalendarGolden -update to create it)", err)
			}
			if got != string(want) {
				actual := strings.TrimSuffix(path, ".golden") + ".actual"
				_ = os.WriteFile(actual, []byte(got), 0o644)
				t.Errorf("%s differs from %s: compare with %s, or run with -update if the change is meant", tt.name, path, actual)
			}
		})
	}
}

// TestBuildCalendar_SkippedMidnight lays out months whose days include one
// without a midnight (a daylight saving change at 00:00): every day once,
// in order, each day's search starting when the day does.
func TestBuildCalendar_SkippedMidnight(t *testing.T) {
	tests := []struct {
		zone, month string
		days        int
		gapDay      string
		gapFrom     string
	}{
		{"America/Santiago", "2026-09", 30, "2026-09-06", "from=2026-09-06T01%3A00"},
		{"America/Havana", "2026-03", 31, "2026-03-08", "from=2026-03-08T01%3A00"},
		{"Europe/London", "2026-03", 31, "2026-03-29", "from=2026-03-29T00%3A00"},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			loc, err := time.LoadLocation(tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 11, 25, 10, 0, 0, 0, loc)
			c, err := calendarPeriodOf(url.Values{"month": {tt.month}}, now)
			if err != nil {
				t.Fatal(err)
			}
			cal := buildCalendar(c, nil, now)
			days := cal.Days()
			if len(days) != tt.days {
				t.Fatalf("got %d days, want %d", len(days), tt.days)
			}
			for i, d := range days {
				if got := d.Counts.Day.Day(); got != i+1 {
					t.Errorf("day %d is the %d of the month", i+1, got)
				}
				if d.Counts.Day.Format("2006-01-02") == tt.gapDay && !strings.Contains(d.Href, tt.gapFrom) {
					t.Errorf("%s links to %s, want %s", tt.gapDay, d.Href, tt.gapFrom)
				}
			}
			for _, w := range cal.Weeks {
				if len(w) != 7 {
					t.Errorf("a week of %d days", len(w))
				}
			}
			wk, err := calendarPeriodOf(url.Values{"week": {tt.gapDay}}, now)
			if err != nil {
				t.Fatal(err)
			}
			if got := buildCalendar(wk, nil, now).Days(); len(got) != 7 || got[0].Counts.Day.Weekday() != time.Monday {
				t.Errorf("the week of %s has %d days from %s", tt.gapDay, len(got), got[0].Counts.Day)
			}
		})
	}
}
