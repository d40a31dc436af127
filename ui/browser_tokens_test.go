package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mauve-alert/mauve/store"
)

// TestBrowser_Tokens: on a phone, a person makes an API token on /tokens,
// sees its secret once, sees it listed, and revokes it.
func TestBrowser_Tokens(t *testing.T) {
	st := newPagesStation(t)
	dir := artifactDir(t)
	browser := newBrowser(t)
	console := watchConsole(t, browser)
	defer console.check(t, "tokens")
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

	run("emulate phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	run("log in",
		chromedp.Navigate(st.web.URL+"/tokens"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "johnny"),
		chromedp.SendKeys(chromedp.ID("password"), pagesPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=token-name]`)),
	)
	run("make a token",
		chromedp.SendKeys(chromedp.CSS(`[data-testid=token-name]`), "laptop"),
		chromedp.Click(chromedp.CSS(`[data-testid=make-token]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=secret]`)),
	)
	secret := eval(`document.querySelector("[data-testid=secret]").value`)
	if got, err := st.store.TokenPerson(secret, st.Now()); err != nil || got != "johnny" {
		t.Fatalf("the secret shown (%q) is not johnny's token: %q, %v", secret, got, err)
	}
	if got := eval(`String(document.documentElement.scrollWidth - window.innerWidth)`); got != "0" {
		t.Errorf("the tokens page scrolls sideways by %s px; want one column that fits", got)
	}
	ctx, cancel := context.WithTimeout(browser, 15*time.Second)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "phone-tokens.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	if list := eval(`document.querySelector("[data-testid=tokens]").textContent`); !strings.Contains(list, store.TokenID(secret)) || !strings.Contains(list, "laptop") {
		t.Errorf("the list shows %q, want laptop with ID %s", list, store.TokenID(secret))
	}

	run("reload: the secret is gone",
		chromedp.Navigate(st.web.URL+"/tokens"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=tokens]`)),
	)
	if strings.Contains(eval(`document.body.innerHTML`), secret) {
		t.Error("the secret is shown again after a reload")
	}
	run("revoke",
		chromedp.Click(chromedp.CSS(`[data-testid=revoke]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=notice]`)),
	)
	if _, err := st.store.TokenPerson(secret, st.Now()); err == nil {
		t.Error("the token still works after revoking it in the browser")
	}
	if got := eval(`document.querySelector("[data-testid=count]").textContent`); !strings.Contains(got, "no API tokens") {
		t.Errorf("after revoking the page says %q, want no API tokens", got)
	}
}
