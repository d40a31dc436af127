package ui

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/wire"
)

func TestPages_LoginRequired(t *testing.T) {
	st := newPagesStation(t)
	c := st.client()
	for _, path := range []string{"/", "/alerts/a/b", "/history", "/fragments/alerts"} {
		res := st.get(c, path)
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/login?next=") {
			t.Errorf("GET %s without a session: got %d to %q, want 303 to /login?next=…", path, res.status, res.location)
		}
	}
	res := st.get(c, "/login?next=/history")
	if res.status != http.StatusOK {
		t.Fatalf("GET /login: got %d, want 200", res.status)
	}
	for _, want := range []string{`action="/login"`, `name="username"`, `name="password"`, `for="username"`, `value="/history"`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("login form lacks %s", want)
		}
	}
}

func TestPages_LoginFailure(t *testing.T) {
	st := newPagesStation(t)
	tests := []struct {
		name       string
		form       url.Values
		wantStatus int
		wantText   string
	}{
		{"wrong password", url.Values{"username": {"johnny"}, "password": {"nope"}}, http.StatusUnauthorized, ""},
		{"missing password", url.Values{"username": {"johnny"}}, http.StatusBadRequest, "enter your name and password"},
		{"hostile name", url.Values{"username": {`<script>alert(1)</script>`}, "password": {"x"}}, http.StatusUnauthorized, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := st.post(st.client(), "/login", tt.form)
			if res.status != tt.wantStatus {
				t.Errorf("got status %d, want %d", res.status, tt.wantStatus)
			}
			if !strings.Contains(res.body, `data-testid="error"`) || !strings.Contains(res.body, tt.wantText) {
				t.Errorf("got body without the inline error %q:\n%s", tt.wantText, res.body)
			}
			if strings.Contains(res.body, "<script>alert(1)") {
				t.Errorf("the typed name came back as markup:\n%s", res.body)
			}
		})
	}
}

// hostile is a datagram's worth of markup that must never run.
const hostile = `<script>alert(1)</script><img src=x onerror=alert(2)>`

func TestPages_AlertList(t *testing.T) {
	st := newPagesStation(t)
	st.send("core-router", wire.Alert{ID: "bgp", Subject: "core1", Summary: "BGP session down"})
	st.send("web1", wire.Alert{ID: "disk", Subject: "web1", Summary: "disk 95% full"},
		wire.Alert{ID: "xss", Subject: hostile, Summary: hostile, Detail: hostile})
	st.send("web2", wire.Alert{ID: "old", Summary: "was broken", ClearTime: st.Now()})
	st.advance(12 * time.Minute)
	c := st.login()

	tests := []struct {
		name, query   string
		want, wantNot []string
	}{
		{"default shows raised", "/", []string{"<title>(3) Alerts · mauve</title>", "BGP session down", "disk 95% full", "core1", "12m", `data-testid="level-urgent"`, `data-testid="level-normal"`,
			`<details class="filterbox" data-testid="filterbox">`, "· raised or acknowledged</span>"}, []string{"was broken"}},
		// On a phone the filters stay folded unless one is set.
		{"default state named", "/?state=active&level=bogus", []string{`<details class="filterbox" data-testid="filterbox">`}, []string{`class="filterbox" open`}},
		{"level filter", "/?level=urgent", []string{"BGP session down", `<details class="filterbox" open data-testid="filterbox">`, "· raised or acknowledged · urgent</span>"}, []string{"disk 95% full"}},
		{"search", "/?q=bgp", []string{"BGP session down", `class="filterbox" open`, "· raised or acknowledged · “bgp”</span>"}, []string{"disk 95% full"}},
		{"search is case-insensitive on subject", "/?q=WEB1", []string{"disk 95% full"}, []string{"BGP session down"}},
		{"source filter", "/?source=web1", []string{"disk 95% full"}, []string{"BGP session down"}},
		{"cleared", "/?state=cleared", []string{"was broken", `class="filterbox" open`, "· cleared</span>"}, []string{"BGP session down"}},
		{"all", "/?state=all", []string{"was broken", "BGP session down"}, nil},
		{"nothing", "/?q=no-such-thing", []string{`data-testid="empty"`}, []string{`data-testid="alert"`}},
		{"fragment", "/fragments/alerts?q=bgp", []string{"BGP session down", `id="alerts"`}, []string{"<html", "disk 95% full"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := st.get(c, tt.query)
			if res.status != http.StatusOK {
				t.Fatalf("got %d, want 200:\n%s", res.status, res.body)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.body, w) {
					t.Errorf("got a page without %q", w)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(res.body, w) {
					t.Errorf("got a page with %q", w)
				}
			}
			assertNoMarkupFrom(t, res.body)
		})
	}
}

// assertNoMarkupFrom checks a page carries no executable markup: no inline
// script, no event handler attribute, no style attribute (CSP), and the
// hostile strings only escaped.
func assertNoMarkupFrom(t *testing.T, body string) {
	t.Helper()
	checks := []struct {
		re   *regexp.Regexp
		what string
	}{
		{regexp.MustCompile(`(?i)<script(\s[^>]*)?>`), "a script tag"},
		{regexp.MustCompile(`(?i)<[a-z][^>]*\son[a-z]+\s*=`), "an event handler attribute"},
		{regexp.MustCompile(`(?i)<[a-z][^>]*\sstyle\s*=`), "a style attribute"},
	}
	for _, c := range checks {
		for _, m := range c.re.FindAllString(body, -1) {
			if c.what == "a script tag" && strings.Contains(m, `src="/static/mauve.js"`) {
				continue
			}
			t.Errorf("page has %s: %s", c.what, m)
		}
	}
}

func TestPages_AlertPage(t *testing.T) {
	st := newPagesStation(t)
	st.send("web1", wire.Alert{ID: "xss/1", Subject: hostile, Summary: hostile,
		Detail: `<p>load <b>high</b></p>` + hostile + `<a href="javascript:alert(3)">x</a>`})
	c := st.login()
	res := st.get(c, "/alerts/web1/xss%2F1")
	if res.status != http.StatusOK {
		t.Fatalf("got %d, want 200:\n%s", res.status, res.body)
	}
	for _, want := range []string{"<b>high</b>", `data-testid="history"`, `action="/alerts/web1/xss%2F1/acknowledge"`,
		`name="for"`, `name="mode"`, `value="working"`, `name="until"`, `data-testid="clear"`, "Add note", "raised"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("alert page lacks %s", want)
		}
	}
	if strings.Contains(res.body, "javascript:") {
		t.Errorf("alert page keeps a javascript: link")
	}
	assertNoMarkupFrom(t, res.body)

	frag := st.get(c, "/alerts/web1/xss%2F1?fragment=1")
	if frag.status != http.StatusOK || strings.Contains(frag.body, "<html") || !strings.Contains(frag.body, `id="live-history"`) {
		t.Errorf("fragment: got %d, want 200 with the page body alone:\n%s", frag.status, frag.body)
	}

	missing := st.get(c, "/alerts/web1/nope")
	if missing.status != http.StatusNotFound || !strings.Contains(missing.body, "no alert web1/nope") {
		t.Errorf("unknown alert: got %d, want 404 saying no alert web1/nope:\n%s", missing.status, missing.body)
	}
}

// TestPages_Present: the layout shows who has a live client open.
func TestPages_Present(t *testing.T) {
	st := newPagesStation(t)
	reg, err := notify.NewPresence(notify.PresenceOptions{Alerts: st.store, Now: st.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(Options{Store: st.store, Policy: func() *policy.Policy { return st.pol }, Now: st.Now, Presence: reg})
	if err != nil {
		t.Fatal(err)
	}
	st.web = httptest.NewServer(srv.Handler())
	defer st.web.Close()
	c := st.login()

	if res := st.get(c, "/"); !strings.Contains(res.body, "Nobody has a live client open.") {
		t.Errorf("with nobody present: got no slot saying so")
	}
	leave := reg.Join("archie")
	res := st.get(c, "/")
	leave()
	if !strings.Contains(res.body, `data-testid="present"`) || !strings.Contains(res.body, "<li>archie</li>") {
		t.Errorf("with archie present: got a page without archie in the present slot")
	}
}
