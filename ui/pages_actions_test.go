package ui

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

func TestPages_Acknowledge(t *testing.T) {
	st := newPagesStation(t)
	st.send("core-router", wire.Alert{ID: "bgp", Summary: "BGP session down"})
	c := st.login()
	res := st.post(c, "/alerts/core-router/bgp/acknowledge", url.Values{"for": {"2"}, "mode": {"wallclock"}, "note": {"on it"}})
	if res.status != http.StatusSeeOther || res.location != "/alerts/core-router/bgp" {
		t.Fatalf("got %d to %q, want 303 to the alert page:\n%s", res.status, res.location, res.body)
	}
	a, err := st.store.Get(store.Key{Source: "core-router", ID: "bgp"})
	if err != nil {
		t.Fatal(err)
	}
	if a.State != store.StateAcknowledged || a.AcknowledgedBy != "johnny" || !a.AcknowledgedUntil.Equal(st.Now().Add(2*time.Hour)) {
		t.Errorf("got %s by %q until %s, want acknowledged by johnny until %s", a.State, a.AcknowledgedBy, a.AcknowledgedUntil, st.Now().Add(2*time.Hour))
	}
	page := st.get(c, "/alerts/core-router/bgp")
	for _, want := range []string{"acknowledged", "by johnny until 12:00", "on it", `data-testid="unacknowledge"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("alert page after acknowledging lacks %q", want)
		}
	}

	// Then the rest of the actions, each landing in the store.
	steps := []struct {
		action string
		form   url.Values
		check  func(store.Alert) bool
	}{
		{"unacknowledge", nil, func(a store.Alert) bool { return a.State == store.StateRaised }},
		{"suppress", url.Values{"until": {"2026-11-25T18:30"}}, func(a store.Alert) bool {
			return a.SuppressUntil.Equal(time.Date(2026, 11, 25, 18, 30, 0, 0, st.pol.Station.Location))
		}},
		{"unsuppress", nil, func(a store.Alert) bool { return a.SuppressUntil.IsZero() || !a.SuppressUntil.After(st.Now()) }},
		{"suppress", url.Values{"for": {"3"}}, func(a store.Alert) bool { return a.SuppressUntil.Equal(st.Now().Add(3 * time.Hour)) }},
		{"unsuppress", nil, func(a store.Alert) bool { return !a.SuppressUntil.After(st.Now()) }},
		{"note", url.Values{"note": {"rebooted the router"}}, func(store.Alert) bool { return true }},
		{"clear", nil, func(a store.Alert) bool { return a.State == store.StateCleared }},
		{"raise", url.Values{"note": {"still broken"}}, func(a store.Alert) bool { return a.State == store.StateRaised }},
		{"acknowledge", url.Values{"until": {"2026-11-25T13:15"}}, func(a store.Alert) bool {
			return a.AcknowledgedUntil.Equal(time.Date(2026, 11, 25, 13, 15, 0, 0, st.pol.Station.Location))
		}},
		{"acknowledge", url.Values{"quick": {"4h"}, "for": {""}, "mode": {"wallclock"}}, func(a store.Alert) bool {
			return a.AcknowledgedUntil.Equal(st.Now().Add(4 * time.Hour))
		}},
		{"acknowledge", url.Values{"for": {"2"}, "mode": {"working"}}, func(a store.Alert) bool {
			// Wednesday 10:00 plus 2 working hours (09:30-17:30 by default).
			return a.AcknowledgedUntil.Equal(time.Date(2026, 11, 25, 12, 0, 0, 0, st.pol.Station.Location))
		}},
		{"acknowledge", url.Values{"mode": {"wallclock"}}, func(a store.Alert) bool {
			return a.AcknowledgedUntil.Equal(st.Now().Add(time.Hour)) // the group's acknowledgement_time
		}},
	}
	for _, s := range steps {
		res := st.post(c, "/alerts/core-router/bgp/"+s.action, s.form)
		if res.status != http.StatusSeeOther {
			t.Fatalf("%s: got %d, want 303:\n%s", s.action, res.status, res.body)
		}
		a, err := st.store.Get(store.Key{Source: "core-router", ID: "bgp"})
		if err != nil {
			t.Fatal(err)
		}
		if !s.check(a) {
			t.Errorf("%s: got state %s, suppressed until %s, acknowledged until %s", s.action, a.State, a.SuppressUntil, a.AcknowledgedUntil)
		}
	}
	h, err := st.store.History(store.Key{Source: "core-router", ID: "bgp"})
	if err != nil {
		t.Fatal(err)
	}
	page = st.get(c, "/alerts/core-router/bgp")
	for _, e := range h {
		if e.Actor == "johnny" && !strings.Contains(page.body, string(e.Kind)) {
			t.Errorf("history on the page lacks %s", e.Kind)
		}
	}
	if !strings.Contains(page.body, "rebooted the router") {
		t.Errorf("the note is not on the page")
	}
}

// TestPages_ActionErrors: bad input is an inline message with a 4xx, never
// a 500, and nothing changes.
func TestPages_ActionErrors(t *testing.T) {
	st := newPagesStation(t)
	st.send("web1", wire.Alert{ID: "disk", Summary: "disk full"})
	st.send("web1", wire.Alert{ID: "gone", Summary: "was broken", ClearTime: st.Now()})
	c := st.login()
	tests := []struct {
		name       string
		path       string
		form       url.Values
		wantStatus int
		wantText   string
	}{
		{"unknown alert", "/alerts/web1/nope/acknowledge", url.Values{"for": {"2"}}, http.StatusNotFound, "no alert web1/nope"},
		{"cleared alert", "/alerts/web1/gone/acknowledge", url.Values{"for": {"2"}}, http.StatusConflict, "cleared"},
		{"bad duration", "/alerts/web1/disk/acknowledge", url.Values{"for": {"2x"}}, http.StatusBadRequest, "2x"},
		{"negative hours", "/alerts/web1/disk/acknowledge", url.Values{"for": {"-3"}}, http.StatusBadRequest, "-3"},
		{"bad mode", "/alerts/web1/disk/acknowledge", url.Values{"for": {"2"}, "mode": {"moon"}}, http.StatusBadRequest, "moon"},
		{"bad until", "/alerts/web1/disk/acknowledge", url.Values{"until": {"tomorrow-ish"}}, http.StatusBadRequest, "tomorrow-ish"},
		{"until in the past", "/alerts/web1/disk/acknowledge", url.Values{"until": {"2026-11-24T10:00"}}, http.StatusBadRequest, "not in the future"},
		{"empty note", "/alerts/web1/disk/note", url.Values{"note": {"  "}}, http.StatusBadRequest, "note"},
		{"suppress without a time", "/alerts/web1/disk/suppress", nil, http.StatusBadRequest, "for how long"},
		{"suppress with both", "/alerts/web1/disk/suppress", url.Values{"for": {"2"}, "until": {"2026-11-25T18:00"}}, http.StatusBadRequest, "not both"},
		{"unknown action", "/alerts/web1/disk/explode", nil, http.StatusBadRequest, "explode"},
		{"hostile note echo", "/alerts/web1/disk/acknowledge", url.Values{"for": {"2x"}, "note": {hostile}}, http.StatusBadRequest, "&lt;script&gt;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := st.post(c, tt.path, tt.form)
			if res.status != tt.wantStatus {
				t.Errorf("got status %d, want %d", res.status, tt.wantStatus)
			}
			if !strings.Contains(res.body, `data-testid="error"`) || !strings.Contains(res.body, tt.wantText) {
				t.Errorf("got a page without an inline error containing %q:\n%s", tt.wantText, res.body)
			}
			assertNoMarkupFrom(t, res.body)
		})
	}
	a, err := st.store.Get(store.Key{Source: "web1", ID: "disk"})
	if err != nil {
		t.Fatal(err)
	}
	if a.State != store.StateRaised {
		t.Errorf("after refused actions: got %s, want raised", a.State)
	}
}

func TestPages_Bulk(t *testing.T) {
	st := newPagesStation(t)
	st.send("web1", wire.Alert{ID: "disk", Summary: "disk full"}, wire.Alert{ID: "load", Summary: "load high"})
	st.send("web2", wire.Alert{ID: "gone", Summary: "was broken", ClearTime: st.Now()})
	c := st.login()

	res := st.post(c, "/alerts", url.Values{"action": {"acknowledge"}, "for": {"1.5"}, "note": {"both"},
		"k": {"web1/disk", "web1/load"}, "back": {"q=web"}})
	if res.status != http.StatusSeeOther || !strings.Contains(res.location, "done=2") || !strings.Contains(res.location, "q=web") {
		t.Fatalf("got %d to %q, want 303 back to the list with done=2:\n%s", res.status, res.location, res.body)
	}
	for _, id := range []string{"disk", "load"} {
		a, _ := st.store.Get(store.Key{Source: "web1", ID: id})
		if a.State != store.StateAcknowledged || !a.AcknowledgedUntil.Equal(st.Now().Add(90*time.Minute)) {
			t.Errorf("%s: got %s until %s, want acknowledged for 90m", id, a.State, a.AcknowledgedUntil)
		}
	}
	if page := st.get(c, res.location); !strings.Contains(page.body, "Acknowledged 2 alerts.") {
		t.Errorf("the list does not say what was done")
	}

	tests := []struct {
		name       string
		form       url.Values
		wantStatus int
		wantText   string
	}{
		{"nothing selected", url.Values{"action": {"clear"}}, http.StatusBadRequest, "select at least one alert"},
		{"no action", url.Values{"k": {"web1/disk"}}, http.StatusBadRequest, "choose an action"},
		{"one cleared", url.Values{"action": {"acknowledge"}, "for": {"2"}, "k": {"web1/disk", "web2/gone"}}, http.StatusOK, "web2/gone: cannot acknowledge"},
		{"all unknown", url.Values{"action": {"clear"}, "k": {"web9/x"}}, http.StatusNotFound, "no alert web9/x"},
		{"bad selection", url.Values{"action": {"clear"}, "k": {"junk"}}, http.StatusBadRequest, "junk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := st.post(c, "/alerts", tt.form)
			if res.status != tt.wantStatus {
				t.Errorf("got status %d, want %d", res.status, tt.wantStatus)
			}
			if !strings.Contains(res.body, tt.wantText) {
				t.Errorf("got a page without %q:\n%s", tt.wantText, res.body)
			}
		})
	}
}

func TestPages_History(t *testing.T) {
	st := newPagesStation(t)
	st.send("web1", wire.Alert{ID: "disk", Subject: "web1", Summary: "disk full"})
	st.advance(time.Hour)
	st.send("db1", wire.Alert{ID: "repl", Subject: "db1", Summary: "replication lag"})
	c := st.login()
	tests := []struct {
		name, query   string
		wantStatus    int
		want, wantNot []string
	}{
		{"everything", "/history", 200, []string{"web1/disk", "db1/repl"}, nil},
		{"by source", "/history?source=db1", 200, []string{"db1/repl"}, []string{"web1/disk"}},
		{"by subject", "/history?subject=web", 200, []string{"web1/disk"}, []string{"db1/repl"}},
		{"by time", "/history?from=2026-11-25T10:30", 200, []string{"db1/repl"}, []string{"web1/disk"}},
		{"bad time", "/history?from=yesterday", 400, []string{`data-testid="error"`, "yesterday"}, nil},
		{"backwards", "/history?from=2026-11-25T12:00&to=2026-11-25T09:00", 400, []string{"before"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := st.get(c, tt.query)
			if res.status != tt.wantStatus {
				t.Fatalf("got %d, want %d:\n%s", res.status, tt.wantStatus, res.body)
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
		})
	}
}

func TestPages_Static(t *testing.T) {
	st := newPagesStation(t)
	c := st.client()
	for _, tt := range []struct{ path, ctype string }{
		{"/static/mauve.css", "text/css"},
		{"/static/mauve.js", "text/javascript"},
		{"/static/favicon.svg", "image/svg+xml"},
	} {
		res := st.get(c, tt.path)
		if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), tt.ctype) || res.header.Get("ETag") == "" {
			t.Errorf("GET %s: got %d %q etag %q, want 200 %s with an ETag", tt.path, res.status, res.header.Get("Content-Type"), res.header.Get("ETag"), tt.ctype)
			continue
		}
		req, _ := http.NewRequest("GET", st.web.URL+tt.path, nil)
		req.Header.Set("If-None-Match", res.header.Get("ETag"))
		r2, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r2.Body.Close()
		if r2.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s again: got %d, want 304", tt.path, r2.StatusCode)
		}
	}
	if res := st.get(c, "/static/nope.js"); res.status != 404 {
		t.Errorf("unknown asset: got %d, want 404", res.status)
	}
}

// TestPages_AcknowledgeWorkingHours: the classic example through the
// form: 2 working hours from Friday 17:00 end on Monday morning.
func TestPages_AcknowledgeWorkingHours(t *testing.T) {
	st := newPagesStation(t)
	st.advance(2*24*time.Hour + 7*time.Hour) // Wednesday 10:00 → Friday 17:00
	st.send("web1", wire.Alert{ID: "disk", Summary: "disk full"})
	c := st.login()
	res := st.post(c, "/alerts/web1/disk/acknowledge", url.Values{"for": {"2"}, "mode": {"working"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("got %d, want 303:\n%s", res.status, res.body)
	}
	a, err := st.store.Get(store.Key{Source: "web1", ID: "disk"})
	if err != nil {
		t.Fatal(err)
	}
	// Half an hour on Friday (to 17:30), one and a half on Monday from 09:30.
	want := time.Date(2026, 11, 30, 11, 0, 0, 0, st.pol.Station.Location)
	if !a.AcknowledgedUntil.Equal(want) {
		t.Errorf("got acknowledged until %s, want %s", a.AcknowledgedUntil, want)
	}
	page := st.get(c, "/alerts/web1/disk")
	if !strings.Contains(page.body, "until Mon 11:00") {
		t.Errorf("the alert page does not say until Mon 11:00")
	}

	// Longer than max_acknowledgement is cut to it.
	if res := st.post(c, "/alerts/web1/disk/acknowledge", url.Values{"for": {"500"}}); res.status != http.StatusSeeOther {
		t.Fatalf("for 500 hours: got %d, want 303", res.status)
	}
	a, _ = st.store.Get(store.Key{Source: "web1", ID: "disk"})
	if want := st.Now().Add(188 * time.Hour); !a.AcknowledgedUntil.Equal(want) {
		t.Errorf("for 500 hours: got until %s, want the cap %s", a.AcknowledgedUntil, want)
	}
}
