package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser_HistoryCalendar: on a phone the month collapses to a list of
// the days with alerts, which fits the width and has large targets; a day
// opens that day's history. On a desktop the month is a table of 7
// columns. Screenshots: phone-calendar.png, phone-calendar-week.png,
// desktop-calendar.png, desktop-calendar-dark.png.
func TestBrowser_HistoryCalendar(t *testing.T) {
	st := calendarStation(t)
	dir := artifactDir(t)
	browser := newBrowser(t)
	console := watchConsole(t, browser)
	defer console.check(t, "calendar")
	run := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	eval := func(js string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, 5*time.Second)
		defer cancel()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return s
	}
	shot := func(name string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, 15*time.Second)
		defer cancel()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	display := func(sel string) string {
		return eval(`getComputedStyle(document.querySelector("` + sel + `")).display`)
	}

	run("emulate phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	run("log in",
		chromedp.Navigate(st.web.URL+"/history?month=2026-11"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "johnny"),
		chromedp.SendKeys(chromedp.ID("password"), pagesPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=cal-list]`)),
	)
	if got := display("[data-testid=cal-month]"); got != "none" {
		t.Errorf("on a phone the month table shows (display %s); want the list of days instead", got)
	}
	if got := eval(`String(document.querySelectorAll("[data-testid=cal-list] li").length)`); got != "2" {
		t.Errorf("the phone list has %s days, want the 2 with alerts", got)
	}
	if got := eval(`document.querySelector("[data-testid=cal-list] li").textContent.replace(/\s+/g, " ").trim()`); got != "Tue 3 Nov 1 urgent 1 normal 1 low" {
		t.Errorf("first day reads %q", got)
	}
	if got := eval(`String(document.documentElement.scrollWidth - window.innerWidth)`); got != "0" {
		t.Errorf("the calendar scrolls sideways by %s px on a phone; want it to fit", got)
	}
	if got := eval(`String(Math.min(...[...document.querySelectorAll(".cal-list a, .cal-nav a")].map(a => a.getBoundingClientRect().height)) >= 44)`); got != "true" {
		t.Errorf("a calendar link is less than 44 px high on a phone")
	}
	shot("phone-calendar.png")

	run("open a day",
		chromedp.Click(chromedp.CSS(`[data-testid=cal-list] li a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=history]`)),
	)
	loc := eval(`location.search`)
	if !strings.Contains(loc, "from=2026-11-03T00%3A00") || !strings.Contains(loc, "to=2026-11-04T00%3A00") {
		t.Errorf("the day link went to %q, want the search of 3 November", loc)
	}
	if got := eval(`document.querySelector("[data-testid=history]").textContent`); !strings.Contains(got, "web1/http") || strings.Contains(got, "web2/old") {
		t.Errorf("the day's history shows %q", got)
	}

	run("week view",
		chromedp.Navigate(st.web.URL+"/history?week=2026-11-03"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=cal-week]`)),
	)
	if got := eval(`String(document.documentElement.scrollWidth - window.innerWidth)`); got != "0" {
		t.Errorf("the week scrolls sideways by %s px on a phone; want it to fit", got)
	}
	if got := eval(`(e => String(e.scrollWidth - e.clientWidth))(document.querySelector(".calendar .scroll"))`); got != "0" {
		t.Errorf("the week table is %s px wider than a phone; want all its columns in view", got)
	}
	shot("phone-calendar-week.png")

	run("desktop", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(st.web.URL+"/history?month=2026-11"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=cal-month]`)))
	if got := display("[data-testid=cal-list]"); got != "none" {
		t.Errorf("on a desktop the list of days shows too (display %s)", got)
	}
	if got := eval(`String(document.querySelector("[data-testid=cal-month] tbody tr").children.length)`); got != "7" {
		t.Errorf("a week row has %s cells, want 7", got)
	}
	shot("desktop-calendar.png")
	run("dark", colorScheme("dark"))
	shot("desktop-calendar-dark.png")
	t.Logf("screenshots in %s", dir)
}
