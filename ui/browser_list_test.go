package ui

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// listLayout checks the alert list's first screen once an alert is shown.
// On a phone the filters are folded into one line, so the first alert row
// is on screen without scrolling, and opening them gives labelled,
// focusable fields; the first screen is saved as <vp>-list-first-screen.png
// and, with the filters open, <vp>-list-filters-open.png.
// On a wider screen the filters show as a plain form, with no summary.
func listLayout(t *testing.T, browser context.Context, vp viewport, dir string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(browser, 15*time.Second)
	defer cancel()
	eval := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: evaluate %s: %v", vp.name, js, err)
		}
		return s
	}
	// visible says whether an element takes space and its top is within
	// the viewport, as the page stands (not scrolled).
	visible := func(sel string) string {
		return eval(`(function () {
			var e = document.querySelector(` + strconv.Quote(sel) + `);
			if (!e) { return "missing"; }
			var r = e.getBoundingClientRect();
			if (r.height === 0) { return "hidden"; }
			return r.top >= 0 && r.top < window.innerHeight ? "yes" : "below the first screen, top " + Math.round(r.top) + " of " + window.innerHeight;
		})()`)
	}
	focusable := func(id string) {
		t.Helper()
		if got := eval(`document.getElementById(` + strconv.Quote(id) + `).focus(), document.activeElement.id`); got != id {
			t.Errorf("%s: focusing #%s left focus on %q", vp.name, id, got)
		}
		if got := eval(`document.querySelector("label[for=` + id + `]").textContent`); got == "" {
			t.Errorf("%s: #%s has no label", vp.name, id)
		}
	}

	if !vp.mobile {
		if got := visible("#f-state"); got != "yes" {
			t.Errorf("%s: the state filter: got %s, want shown on the first screen", vp.name, got)
		}
		if got := eval(`getComputedStyle(document.querySelector(".filterbox > summary")).display`); got != "none" {
			t.Errorf("%s: the filters' summary shows as %s, want none: a wide screen shows the form", vp.name, got)
		}
		focusable("f-q")
		eval(`document.activeElement.blur(), ""`)
		return
	}

	if got := eval(`String(window.scrollY)`); got != "0" {
		t.Fatalf("%s: the list is scrolled by %s px before the check", vp.name, got)
	}
	if got := eval(`String(document.querySelector("[data-testid=filterbox]").open)`); got != "false" {
		t.Errorf("%s: with no filter set the filters are open=%s, want folded", vp.name, got)
	}
	if got := visible("#alerts li.alert"); got != "yes" {
		t.Errorf("%s: the first alert row: got %s, want on the first screen", vp.name, got)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("%s: screenshot of the first screen: %v", vp.name, err)
	}
	path := filepath.Join(dir, vp.name+"-list-first-screen.png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)

	// Opening the summary shows the filters, labelled and focusable; closing
	// it leaves the page as it was.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.filterbox > summary`)), chromedp.WaitVisible(chromedp.ID("f-state"))); err != nil {
		t.Fatalf("%s: open the filters: %v", vp.name, err)
	}
	for _, id := range []string{"f-state", "f-level", "f-source", "f-q"} {
		focusable(id)
	}
	eval(`document.activeElement.blur(), ""`)
	png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("%s: screenshot of the open filters: %v", vp.name, err)
	}
	path = filepath.Join(dir, vp.name+"-list-filters-open.png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.filterbox > summary`))); err != nil {
		t.Fatalf("%s: close the filters: %v", vp.name, err)
	}
	// Geometry inside a closed disclosure is still computed on demand, so
	// ask whether the field is rendered instead.
	if got := eval(`String(document.getElementById("f-state").checkVisibility())`); got != "false" {
		t.Errorf("%s: after closing the filters the state field is rendered=%s, want hidden", vp.name, got)
	}
	eval(`window.scrollTo(0, 0), ""`)
}
