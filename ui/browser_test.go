package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// The browser tests drive Debian's Chromium, headless, against a real
// Server over a real store. Chromium missing is a failure, not a skip:
// install it with `apt-get install chromium` (CI's .ci/test.sh does).
// Screenshots of every page go to $MAUVE_ARTIFACTS/browser, or to the
// test's temporary directory; the test logs where.

// chromiumPath is where Debian installs Chromium; MAUVE_CHROMIUM overrides.
func chromiumPath(t *testing.T) string {
	path := os.Getenv("MAUVE_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("headless Chromium is needed for the browser tests and is not at %s (%v): install it with `apt-get install chromium`, or set MAUVE_CHROMIUM to its path", path, err)
	}
	return path
}

// newBrowser starts a headless Chromium with a fresh profile and returns a
// context for one tab in it. The browser stops when the test ends.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	profile, err := os.MkdirTemp("", "mauve-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		// Chromium's helpers may still be writing the profile for a moment
		// after it exits; retry the removal a bounded number of times.
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	// The first action starts the browser; it must run on a context
	// without a deadline, or the deadline would stop the browser.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// artifactDir is where screenshots go.
func artifactDir(t *testing.T) string {
	dir := os.Getenv("MAUVE_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	dir = filepath.Join(dir, "browser")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

// TestBrowser_AcknowledgeFlow: log in, see a raised alert arrive live,
// acknowledge it for 2 hours with a note, see the state and the history
// change, log out; on a desktop and on a phone-sized viewport.
func TestBrowser_AcknowledgeFlow(t *testing.T) {
	for _, vp := range []viewport{
		{name: "desktop", width: 1280, height: 900},
		{name: "phone", width: 390, height: 844, mobile: true},
	} {
		t.Run(vp.name, func(t *testing.T) { acknowledgeFlow(t, vp) })
	}
}

func acknowledgeFlow(t *testing.T, vp viewport) {
	st := newPagesStation(t)
	st.send("web1", wire.Alert{ID: "disk", Subject: "web1.example.com", Summary: "/var is 95% full"})
	st.send("evil", wire.Alert{ID: "xss", Subject: `<script>document.title="pwned"</script>`,
		Summary: `<img src=x onerror="document.title='pwned'">`, Detail: `<script>document.title="pwned"</script><b>bold</b>`})
	dir := artifactDir(t)
	browser := newBrowser(t)
	console := watchConsole(t, browser)
	defer console.check(t, vp.name)
	base := st.web.URL
	k := store.Key{Source: "core-router", ID: "bgp"}

	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %s: %v", vp.name, name, err)
		}
	}
	text := func(js string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, 5*time.Second)
		defer cancel()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: evaluate %s: %v", vp.name, js, err)
		}
		return s
	}
	shot := func(page string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, 15*time.Second)
		defer cancel()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("%s: screenshot of %s: %v", vp.name, page, err)
		}
		path := filepath.Join(dir, vp.name+"-"+page+".png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}
	noSideways := func(page string) {
		t.Helper()
		if got := text(`String(document.documentElement.scrollWidth - window.innerWidth)`); got != "0" {
			t.Errorf("%s: %s scrolls sideways by %s px; want one column that fits", vp.name, page, got)
		}
	}
	// poll waits for a predicate, across the navigation a form post causes.
	poll := func(name, predicate string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			ctx, cancel := context.WithTimeout(browser, time.Until(deadline))
			err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](predicate, chromedp.WithPollingTimeout(0), chromedp.WithPollingInterval(50*time.Millisecond)))
			cancel()
			if err == nil {
				return
			}
			if time.Now().After(deadline) || !strings.Contains(err.Error(), "navigated or closed") && !strings.Contains(err.Error(), "context") {
				t.Fatalf("%s: %s: %v", vp.name, name, err)
			}
		}
	}

	if vp.mobile {
		step("emulate phone", chromedp.EmulateViewport(vp.width, vp.height, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	} else {
		step("size window", chromedp.EmulateViewport(vp.width, vp.height))
	}

	// Log in: the list redirects to the form, which comes back to the list.
	step("open the list", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("username")))
	shot("login")
	step("log in",
		chromedp.SendKeys(chromedp.ID("username"), "johnny"),
		chromedp.SendKeys(chromedp.ID("password"), pagesPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=person]`)),
	)
	if got := text(`document.querySelector("[data-testid=person]").textContent`); got != "johnny" {
		t.Errorf("%s: logged in as %q, want johnny", vp.name, got)
	}
	poll("live stream connects", `document.querySelector("[data-testid=live]").textContent.startsWith("Live")`)

	// A raised alert arrives while the page is open, without a reload.
	text(`window.__sameDocument = "yes"`)
	st.advance(3 * time.Minute)
	st.send(k.Source, wire.Alert{ID: k.ID, Subject: "core1.example.com", Summary: "BGP session to transit down",
		Detail: `<p>Peer <b>192.0.2.1</b> went idle.</p><script>document.title="pwned"</script>`})
	step("see the alert arrive live", chromedp.WaitVisible(chromedp.CSS(`a[href="/alerts/core-router/bgp"]`)))
	if got := text(`String(window.__sameDocument)`); got != "yes" {
		t.Errorf("%s: the page reloaded to show the alert; want a live update", vp.name)
	}
	poll("the title counts the new alert", `document.title.startsWith("(3) Alerts")`)
	noSideways("the list")
	listLayout(t, browser, vp, dir)
	shot("list")
	if vp.mobile {
		// The system's dark setting turns the pages dark, and back.
		step("dark", colorScheme("dark"))
		if got := text(`getComputedStyle(document.body).backgroundColor`); got != "rgb(22, 19, 26)" {
			t.Errorf("%s: dark background: got %s, want rgb(22, 19, 26)", vp.name, got)
		}
		shot("list-dark")
		step("light", colorScheme("light"))
	}

	// Open it and acknowledge it for 2 hours with a note.
	step("open the alert",
		chromedp.Click(chromedp.CSS(`a[href="/alerts/core-router/bgp"]`)),
		chromedp.WaitVisible(chromedp.ID("ack-for")),
	)
	if got := text(`document.querySelector("[data-testid=state]").textContent.trim()`); got != "raised" {
		t.Errorf("%s: state before acknowledging: got %q, want raised", vp.name, got)
	}
	noSideways("the alert page")
	shot("alert")
	step("acknowledge for 2 hours",
		chromedp.SendKeys(chromedp.ID("ack-for"), "2"),
		chromedp.SendKeys(chromedp.ID("ack-note"), "on it, calling the carrier"),
		chromedp.Click(chromedp.CSS(`[data-testid=acknowledge]`)),
	)
	poll("state changes", `document.querySelector("[data-testid=state]").textContent.includes("acknowledged")`)
	ack := text(`document.querySelector("[data-testid=ack]").textContent`)
	if !strings.Contains(ack, "by johnny until 12:03") {
		t.Errorf("%s: acknowledgement shown as %q, want by johnny until 12:03", vp.name, ack)
	}
	hist := text(`document.querySelector("[data-testid=history]").textContent`)
	for _, want := range []string{"acknowledged", "johnny", "on it, calling the carrier"} {
		if !strings.Contains(hist, want) {
			t.Errorf("%s: history lacks %q after acknowledging: %s", vp.name, want, hist)
		}
	}
	a, err := st.store.Get(k)
	if err != nil {
		t.Fatal(err)
	}
	if want := st.Now().Add(2 * time.Hour); a.State != store.StateAcknowledged || !a.AcknowledgedUntil.Equal(want) || a.AcknowledgedBy != "johnny" {
		t.Errorf("%s: stored %s by %q until %s, want acknowledged by johnny until %s", vp.name, a.State, a.AcknowledgedBy, a.AcknowledgedUntil, want)
	}

	// Someone else's note shows up on the open alert page live.
	poll("the alert page's stream connects", `document.querySelector("[data-testid=live]").textContent.startsWith("Live")`)
	if _, err := st.store.AddNote(k, "archie", "carrier ticket 4711", st.Now()); err != nil {
		t.Fatal(err)
	}
	poll("note arrives live", `document.querySelector("[data-testid=history]").textContent.includes("carrier ticket 4711")`)
	shot("acknowledged")

	step("history search", chromedp.Navigate(base+"/history?source=core-router"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=history]`)))
	noSideways("the history page")
	shot("history")

	step("hostile alert page", chromedp.Navigate(base+"/alerts/evil/xss"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=state]`)))
	if got := text(`document.title`); strings.Contains(got, "pwned") {
		t.Errorf("%s: a script from an alert ran: title %q", vp.name, got)
	}

	step("log out",
		chromedp.Click(chromedp.CSS(`[data-testid=logout]`)),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.ID("username")),
	)
	if got := text(`location.pathname`); got != "/login" {
		t.Errorf("%s: after logging out the list went to %q, want /login", vp.name, got)
	}

	if !vp.mobile {
		wallScreen(t, st, browser, dir)
	}
}

// consoleWatch collects what the pages print to the browser's console.
type consoleWatch struct {
	mu   sync.Mutex
	msgs []chromedp.ConsoleMessage
	stop context.CancelFunc
	done sync.WaitGroup
}

// watchConsole records console messages, uncaught exceptions and browser
// log entries of the tab until check.
func watchConsole(t *testing.T, browser context.Context) *consoleWatch {
	ctx, stop := context.WithCancel(browser)
	w := &consoleWatch{stop: stop}
	messages := chromedp.Console(ctx)
	w.done.Go(func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			w.mu.Lock()
			w.msgs = append(w.msgs, m)
			w.mu.Unlock()
		}
	})
	t.Cleanup(func() { stop(); w.done.Wait() })
	return w
}

// check fails the test on any script error or Content-Security-Policy
// violation the pages caused, and logs the rest.
func (w *consoleWatch) check(t *testing.T, name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, m := range w.msgs {
		csp := m.Source == "security" || strings.Contains(m.Text, "Content Security Policy")
		if m.Type == chromedp.ConsoleException || m.Type == chromedp.ConsoleError && (csp || m.Source == "javascript") {
			t.Errorf("%s: browser console: %s %s: %s (%s:%d)", name, m.Type, m.Source, m.Text, m.URL, m.Line)
			continue
		}
		t.Logf("%s: browser console: %s %s: %s", name, m.Type, m.Source, m.Text)
	}
}

// colorScheme emulates the system's light or dark setting.
func colorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return chromedp.Void{}, err
	}
}

// wallScreen logs in again on a 1920x1080 screen and takes the list, with
// alerts at every level, as a wall display would show it.
func wallScreen(t *testing.T, st *pagesStation, browser context.Context, dir string) {
	for i := range 6 {
		st.send(fmt.Sprintf("app%d", i%3), wire.Alert{ID: fmt.Sprintf("check%d", i), Subject: fmt.Sprintf("app%d.example.com", i%3),
			Summary: fmt.Sprintf("check %d is failing", i)})
	}
	st.send("core-router", wire.Alert{ID: "ospf", Subject: "core2.example.com", Summary: "OSPF neighbour flapping"})
	st.send("backup1", wire.Alert{ID: "disk-sdb", Subject: "backup1.example.com", Summary: "SMART: sdb reallocated sectors"},
		wire.Alert{ID: "disk-sdc", Subject: "backup1.example.com", Summary: "SMART: sdc temperature high"})
	ctx, cancel := context.WithTimeout(browser, 20*time.Second)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1920, 1080),
		chromedp.Navigate(st.web.URL+"/login"),
		chromedp.SendKeys(chromedp.ID("username"), "johnny"),
		chromedp.SendKeys(chromedp.ID("password"), pagesPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=person]`)),
	)
	if err != nil {
		t.Fatalf("wall screen: %v", err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("wall screen screenshot: %v", err)
	}
	path := filepath.Join(dir, "wall-list.png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)

	// Acknowledge every alert shown at once, from the bulk panel.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`details.actions summary`)),
		chromedp.Click(chromedp.CSS(`[data-select-all]`)),
		chromedp.SendKeys(chromedp.ID("b-for"), "1"),
		chromedp.SendKeys(chromedp.ID("b-note"), "maintenance window"),
		chromedp.Click(chromedp.CSS(`button[name=action][value=acknowledge]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=notice]`)),
	)
	if err != nil {
		t.Fatalf("wall screen: bulk acknowledge: %v", err)
	}
	notice, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid=notice]`)))
	if err != nil {
		t.Fatal(err)
	}
	raised, err := st.store.List(store.Filter{State: store.StateRaised})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(notice, "Acknowledged ") || len(raised) != 0 {
		t.Errorf("bulk acknowledge: notice %q and %d alerts still raised; want all acknowledged", notice, len(raised))
	}
}
