package ui_test

import (
	"net/http"
	"testing"

	"github.com/mauve-alert/mauve/policy"
)

// TestAPI_WrongMethod: a known API path asked with a method it does not
// take is a 405 in JSON with an Allow header; an unknown path stays 404.
func TestAPI_WrongMethod(t *testing.T) {
	s := newStation(t)
	a := basic("johnny", testPassword)
	for _, tc := range []struct {
		method, path string
		want         int
		allow        string
	}{
		{"DELETE", "/api/v1/alerts", 405, "GET, HEAD"},
		{"POST", "/api/v1/me", 405, "GET, HEAD"},
		{"GET", "/api/v1/alerts/web1/disk/acknowledge", 405, "POST"},
		{"DELETE", "/api/v1/events", 405, "GET, HEAD"},
		{"PUT", "/api/v1/tokens", 405, "GET, HEAD, POST"},
		{"GET", "/api/v1/bananas", 404, ""},
		{"DELETE", "/api/v1/bananas", 404, ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := s.do(t, tc.method, tc.path, "", a)
			wantStatus(t, r, tc.want)
			if got := r.header.Get("Allow"); got != tc.allow {
				t.Errorf("got Allow %q, want %q", got, tc.allow)
			}
			if msg, _ := r.json(t)["error"].(string); msg == "" {
				t.Errorf("got no error message in %s", r.body)
			}
		})
	}
}

// TestCrossOrigin_Reload: the trusted origin is station.url of the policy
// in force at each request, so a reload that changes it takes effect.
func TestCrossOrigin_Reload(t *testing.T) {
	s := newStation(t, func(p *policy.Policy) { p.Station.URL = "https://alerts.example/" })
	s.raise(t, "web1", "disk", "disk full", "")
	tok := s.token(t, "johnny")
	post := func(origin string) response {
		return s.do(t, "POST", "/api/v1/alerts/web1/disk/notes", `{"text":"x"}`, bearer(tok),
			"Origin", origin, "Sec-Fetch-Site", "cross-site")
	}
	wantStatus(t, post("https://alerts.example"), http.StatusOK)
	wantStatus(t, post("https://new.example"), http.StatusForbidden)

	next := *s.policy.Load()
	next.Station.URL = "https://new.example"
	s.policy.Store(&next)
	wantStatus(t, post("https://new.example"), http.StatusOK)
	wantStatus(t, post("https://alerts.example"), http.StatusForbidden)
}
