package ui_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/policy"
)

// Rota overrides through the API: made with who made them, refused with
// a 400 naming the field, listed, removed into the history.
func TestAPI_RotaOverrides(t *testing.T) {
	s := newStation(t, func(p *policy.Policy) {
		p.Rotas = map[string]*policy.Rota{"ops": {Name: "ops", People: []string{"johnny", "archie"}, Shift: 7 * 24 * time.Hour,
			HandoffDay: time.Monday, HandoffMinute: 9 * 60, Location: time.UTC}}
	})
	a := basic("johnny", testPassword)
	for _, c := range []struct{ body, field string }{
		{`{"rota":"opz","person":"archie","from":"2026-11-27T18:00:00Z","to":"2026-11-29T18:00:00Z"}`, "rota:"},
		{`{"rota":"ops","person":"archy","from":"2026-11-27T18:00:00Z","to":"2026-11-29T18:00:00Z"}`, "person:"},
		{`{"rota":"ops","person":"archie","from":"2026-11-29T18:00:00Z","to":"2026-11-27T18:00:00Z"}`, "to:"},
	} {
		r := s.do(t, "POST", "/api/v1/rota-overrides", c.body, a)
		wantStatus(t, r, http.StatusBadRequest)
		if msg, _ := r.json(t)["error"].(string); !strings.HasPrefix(msg, c.field) {
			t.Errorf("%s: error %q does not name %s", c.body, msg, c.field)
		}
	}
	r := s.do(t, "POST", "/api/v1/rota-overrides", `{"rota":"ops","person":"archie","covers":"johnny","from":"2026-11-27T18:00:00Z","to":"2026-11-29T18:00:00Z"}`, a)
	wantStatus(t, r, http.StatusCreated)
	m := r.json(t)
	if m["created_by"] != "johnny" || m["id"] == nil {
		t.Errorf("created: %v", m)
	}
	r = s.do(t, "GET", "/api/v1/rota-overrides", "", a)
	wantStatus(t, r, http.StatusOK)
	if n := len(r.json(t)["overrides"].([]any)); n != 1 {
		t.Errorf("list: %d overrides", n)
	}
	wantStatus(t, s.do(t, "DELETE", "/api/v1/rota-overrides/x", "", a), http.StatusBadRequest)
	wantStatus(t, s.do(t, "DELETE", "/api/v1/rota-overrides/99", "", a), http.StatusNotFound)
	r = s.do(t, "DELETE", "/api/v1/rota-overrides/1", "", a)
	wantStatus(t, r, http.StatusOK)
	if m := r.json(t); m["removed_by"] != "johnny" {
		t.Errorf("removed: %v", m)
	}
	if n := len(s.do(t, "GET", "/api/v1/rota-overrides", "", a).json(t)["overrides"].([]any)); n != 0 {
		t.Errorf("after removal: %d standing", n)
	}
	if n := len(s.do(t, "GET", "/api/v1/rota-overrides?all=1", "", a).json(t)["overrides"].([]any)); n != 1 {
		t.Errorf("history: %d", n)
	}
	wantStatus(t, s.do(t, "GET", "/api/v1/rota-overrides", "", noAuth), http.StatusUnauthorized)
}

// Each person gets the secret path of their own calendar feed; it serves
// their shifts as iCalendar without a login, and a wrong token is a 404.
func TestRotaFeed(t *testing.T) {
	s := newStation(t, func(p *policy.Policy) {
		p.Rotas = map[string]*policy.Rota{"ops": {Name: "ops", People: []string{"johnny", "archie"}, Shift: 7 * 24 * time.Hour,
			HandoffDay: time.Monday, HandoffMinute: 9 * 60, Location: time.UTC}}
	})
	r := s.do(t, "GET", "/api/v1/rota-feed", "", basic("johnny", testPassword))
	wantStatus(t, r, http.StatusOK)
	path, _ := r.json(t)["path"].(string)
	if !strings.HasPrefix(path, "/calendar/johnny/") || !strings.HasSuffix(path, ".ics") {
		t.Fatalf("path: %q", path)
	}
	r = s.do(t, "GET", path, "", noAuth)
	wantStatus(t, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Errorf("Content-Type %q", ct)
	}
	if !strings.HasPrefix(r.body, "BEGIN:VCALENDAR\r\n") || !strings.Contains(r.body, "SUMMARY:On call: ops\r\n") {
		t.Errorf("body:\n%s", r.body)
	}
	// The same path again (the secret is kept), and not for archie.
	if again, _ := s.do(t, "GET", "/api/v1/rota-feed", "", basic("johnny", testPassword)).json(t)["path"].(string); again != path {
		t.Errorf("path changed: %q then %q", path, again)
	}
	wantStatus(t, s.do(t, "GET", strings.Replace(path, "/johnny/", "/archie/", 1), "", noAuth), http.StatusNotFound)
	wantStatus(t, s.do(t, "GET", "/calendar/johnny/0000.ics", "", noAuth), http.StatusNotFound)
}
