package ui_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mauve-alert/mauve/store"
)

// hostileStoredDetail is detail a sender might put in a datagram: script,
// handlers, javascript: and data: URLs hidden behind entities, case and
// whitespace, SVG and MathML, style and a tag left open at the end.
const hostileStoredDetail = `<p>disk <b>full</b></p><ScRiPt>alert(1)</sCrIpT>` +
	`<img src=x onerror="alert(2)"><IMG SRC="jav&#x09;ascript:alert(3)">` +
	`<a href="https://example.com/g">graph</a><a href="&#106;avascript:alert(4)">j</a><a href="data:text/html;base64,PHNjcmlwdD4=">d</a>` +
	`<p style="background:url(javascript:alert(7))">s</p><math><mtext><img src=x onerror=alert(6)></mtext></math>` +
	`<svg/onload=alert(5)>swallowed<div onclick="alert(8)`

// TestDetail_ShownAsStored: hostile detail is cleaned once, when the store
// receives it; the JSON API (one alert and the list) and the alert page then
// carry exactly the stored text, with nothing executable left in it.
func TestDetail_ShownAsStored(t *testing.T) {
	s := newStation(t)
	s.raise(t, "evil", "xss", "x", hostileStoredDetail)
	a, err := s.store.Get(store.Key{Source: "evil", ID: "xss"})
	if err != nil {
		t.Fatal(err)
	}
	stored := a.Detail
	if want := store.SanitizeDetail(hostileStoredDetail); stored != want {
		t.Fatalf("stored detail %q, want the sanitizer's %q", stored, want)
	}
	low := strings.ToLower(stored)
	for _, bad := range []string{"<script", "alert(", "onerror", "onload", "onclick", "javascript", "data:", "<svg", "<math", "style=", "swallowed"} {
		if strings.Contains(low, bad) {
			t.Errorf("stored detail %q contains %q", stored, bad)
		}
	}
	if !strings.Contains(stored, "<p>disk <b>full</b></p>") || !strings.Contains(stored, `href="https://example.com/g"`) {
		t.Errorf("stored detail %q lost its formatting or its safe link", stored)
	}

	one := s.do(t, "GET", "/api/v1/alerts/evil/xss", "", basic("johnny", testPassword))
	wantStatus(t, one, 200)
	if got := one.json(t)["detail"]; got != stored {
		t.Errorf("API alert detail %q, want the stored %q", got, stored)
	}
	list := s.do(t, "GET", "/api/v1/alerts", "", basic("johnny", testPassword))
	wantStatus(t, list, 200)
	var l struct {
		Alerts []struct{ Detail string }
	}
	if err := json.Unmarshal([]byte(list.body), &l); err != nil {
		t.Fatalf("decode the list: %v", err)
	}
	if len(l.Alerts) != 1 || l.Alerts[0].Detail != stored {
		t.Errorf("API list %+v, want one alert with the stored detail %q", l.Alerts, stored)
	}

	page := s.do(t, "GET", "/alerts/evil/xss", "", basic("johnny", testPassword))
	wantStatus(t, page, 200)
	if !strings.Contains(page.body, stored) {
		t.Errorf("alert page does not show the stored detail %q:\n%s", stored, page.body)
	}
}

// TestDetail_NothingLeftShowsNoSection: detail that was all script is
// stored empty, and the page shows no detail section for it.
func TestDetail_NothingLeftShowsNoSection(t *testing.T) {
	s := newStation(t)
	s.raise(t, "evil", "empty", "x", "<script>alert(1)</script>")
	a, err := s.store.Get(store.Key{Source: "evil", ID: "empty"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Detail != "" {
		t.Errorf("stored detail %q, want nothing", a.Detail)
	}
	page := s.do(t, "GET", "/alerts/evil/empty", "", basic("johnny", testPassword))
	wantStatus(t, page, 200)
	if strings.Contains(page.body, "detail-h") || strings.Contains(page.body, "alert(1)") {
		t.Errorf("page for an alert without detail shows a detail section:\n%s", page.body)
	}
}
