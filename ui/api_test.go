package ui_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// TestAPI_NeedsPerson: every API route answers 401 JSON without
// credentials, and changes nothing.
func TestAPI_NeedsPerson(t *testing.T) {
	s := newStation(t)
	s.raise(t, "core-router", "bgp", "BGP down", "")
	routes := []struct{ method, path, body string }{
		{"GET", "/api/v1/me", ""},
		{"GET", "/api/v1/alerts", ""},
		{"GET", "/api/v1/alerts/core-router/bgp", ""},
		{"GET", "/api/v1/alerts/core-router/bgp/history", ""},
		{"POST", "/api/v1/alerts/core-router/bgp/acknowledge", `{"for":"2h"}`},
		{"POST", "/api/v1/alerts/core-router/bgp/unacknowledge", ""},
		{"POST", "/api/v1/alerts/core-router/bgp/raise", ""},
		{"POST", "/api/v1/alerts/core-router/bgp/clear", ""},
		{"POST", "/api/v1/alerts/core-router/bgp/suppress", `{"for":"1h"}`},
		{"POST", "/api/v1/alerts/core-router/bgp/unsuppress", ""},
		{"POST", "/api/v1/alerts/core-router/bgp/notes", `{"text":"x"}`},
		{"POST", "/api/v1/alerts/actions", `{"action":"clear","alerts":["core-router/bgp"]}`},
		{"GET", "/api/v1/history", ""},
		{"GET", "/api/v1/events", ""},
		{"POST", "/api/v1/tokens", `{}`},
	}
	for _, rt := range routes {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			r := s.do(t, rt.method, rt.path, rt.body, noAuth)
			wantStatus(t, r, http.StatusUnauthorized)
			if got := r.json(t)["error"]; got == nil || got == "" {
				t.Errorf("got no error message in %s", r.body)
			}
			if got := r.header.Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
				t.Errorf("got Content-Type %q, want application/json", got)
			}
		})
	}
	r := s.do(t, "GET", "/api/v1/alerts/core-router/bgp", "", basic("johnny", testPassword))
	wantStatus(t, r, http.StatusOK)
	if got := r.json(t)["state"]; got != "raised" {
		t.Errorf("after refused requests got state %v, want raised", got)
	}
}

// TestAPI_Routes walks every route through its success and its errors, in
// order, against one station.
func TestAPI_Routes(t *testing.T) {
	s := newStation(t)
	s.raise(t, "core-router", "bgp", "BGP down", "<p>peer 10.0.0.1</p>")
	s.raise(t, "web1", "disk", "disk full", "")
	s.raise(t, "web2", "load", "load high", "")
	s.raise(t, "web3", "gone", "to be cleared", "")
	s.clear(t, "web3", "gone")
	a := basic("johnny", testPassword)
	steps := []struct {
		name       string
		method     string
		path, body string
		want       int
		check      func(t *testing.T, m map[string]any)
	}{
		{"list", "GET", "/api/v1/alerts", "", 200, func(t *testing.T, m map[string]any) {
			if n := len(m["alerts"].([]any)); n != 4 {
				t.Errorf("got %d alerts, want 4", n)
			}
		}},
		{"list raised", "GET", "/api/v1/alerts?state=raised", "", 200, func(t *testing.T, m map[string]any) {
			if n := len(m["alerts"].([]any)); n != 3 {
				t.Errorf("got %d raised alerts, want 3", n)
			}
		}},
		{"list by source", "GET", "/api/v1/alerts?source=web1", "", 200, func(t *testing.T, m map[string]any) {
			al := m["alerts"].([]any)
			if len(al) != 1 || al[0].(map[string]any)["id"] != "disk" {
				t.Errorf("got %v, want only web1/disk", al)
			}
		}},
		{"list bad state", "GET", "/api/v1/alerts?state=sleeping", "", 400, nil},
		{"list bad level", "GET", "/api/v1/alerts?level=loud", "", 400, nil},
		{"get", "GET", "/api/v1/alerts/core-router/bgp", "", 200, func(t *testing.T, m map[string]any) {
			for _, f := range []string{"source", "id", "subject", "summary", "detail", "importance", "state", "level", "group", "raised_at", "cleared_at", "acknowledged_by", "acknowledged_until", "will_raise_at", "will_clear_at", "suppress_until", "updated_at"} {
				if _, ok := m[f]; !ok {
					t.Errorf("got no field %q in %v", f, m)
				}
			}
			if m["acknowledged_until"] != nil || m["cleared_at"] != nil {
				t.Errorf("got acknowledged_until %v, cleared_at %v, want null", m["acknowledged_until"], m["cleared_at"])
			}
			if m["raised_at"] != "2026-11-25T10:00:00Z" {
				t.Errorf("got raised_at %v, want 2026-11-25T10:00:00Z", m["raised_at"])
			}
		}},
		{"get unknown", "GET", "/api/v1/alerts/core-router/nope", "", 404, nil},
		{"history", "GET", "/api/v1/alerts/core-router/bgp/history", "", 200, func(t *testing.T, m map[string]any) {
			if len(m["events"].([]any)) == 0 {
				t.Error("got no events, want the raise")
			}
		}},
		{"history unknown", "GET", "/api/v1/alerts/core-router/nope/history", "", 404, nil},
		{"ack bad duration", "POST", "/api/v1/alerts/core-router/bgp/acknowledge", `{"for":"2 fortnights"}`, 400, nil},
		{"ack negative duration", "POST", "/api/v1/alerts/core-router/bgp/acknowledge", `{"for":"-2h"}`, 400, nil},
		{"ack malformed body", "POST", "/api/v1/alerts/core-router/bgp/acknowledge", `{"for":`, 400, nil},
		{"ack wrong type", "POST", "/api/v1/alerts/core-router/bgp/acknowledge", `{"for":2}`, 400, nil},
		{"ack unknown field", "POST", "/api/v1/alerts/core-router/bgp/acknowledge", `{"hours":2}`, 400, nil},
		{"ack bad mode", "POST", "/api/v1/alerts/core-router/bgp/acknowledge", `{"for":"2h","mode":"lunar"}`, 400, nil},
		{"ack until past", "POST", "/api/v1/alerts/core-router/bgp/acknowledge", `{"until":"2026-11-25T09:00:00Z"}`, 400, nil},
		{"ack until malformed", "POST", "/api/v1/alerts/core-router/bgp/acknowledge", `{"until":"tomorrow"}`, 400, nil},
		{"ack unknown", "POST", "/api/v1/alerts/core-router/nope/acknowledge", `{"for":"2h"}`, 404, nil},
		{"ack cleared", "POST", "/api/v1/alerts/web3/gone/acknowledge", `{"for":"2h"}`, 409, nil},
		{"ack", "POST", "/api/v1/alerts/core-router/bgp/acknowledge", `{"for":"2h","note":"on it"}`, 200, func(t *testing.T, m map[string]any) {
			if m["state"] != "acknowledged" || m["acknowledged_by"] != "johnny" {
				t.Errorf("got state %v by %v, want acknowledged by johnny", m["state"], m["acknowledged_by"])
			}
			if m["acknowledged_until"] != "2026-11-25T12:00:00Z" {
				t.Errorf("got acknowledged_until %v, want 2026-11-25T12:00:00Z", m["acknowledged_until"])
			}
		}},
		{"ack until capped", "POST", "/api/v1/alerts/web2/load/acknowledge", `{"until":"2027-01-01T00:00:00Z"}`, 200, func(t *testing.T, m map[string]any) {
			if m["acknowledged_until"] != "2026-11-27T10:00:00Z" {
				t.Errorf("got acknowledged_until %v, want the 2-day cap 2026-11-27T10:00:00Z", m["acknowledged_until"])
			}
		}},
		{"history shows the ack", "GET", "/api/v1/alerts/core-router/bgp/history", "", 200, func(t *testing.T, m map[string]any) {
			ev := m["events"].([]any)
			last := ev[len(ev)-1].(map[string]any)
			if last["kind"] != "acknowledged" || last["actor"] != "johnny" {
				t.Errorf("got last event %v, want acknowledged by johnny", last)
			}
		}},
		{"unack", "POST", "/api/v1/alerts/core-router/bgp/unacknowledge", `{"note":"not me"}`, 200, func(t *testing.T, m map[string]any) {
			if m["state"] != "raised" {
				t.Errorf("got state %v, want raised", m["state"])
			}
		}},
		{"unack unknown", "POST", "/api/v1/alerts/x/y/unacknowledge", "", 404, nil},
		{"suppress missing time", "POST", "/api/v1/alerts/web1/disk/suppress", `{}`, 400, nil},
		{"suppress bad time", "POST", "/api/v1/alerts/web1/disk/suppress", `{"until":"noon"}`, 400, nil},
		{"suppress", "POST", "/api/v1/alerts/web1/disk/suppress", `{"for":"1h"}`, 200, func(t *testing.T, m map[string]any) {
			if m["suppress_until"] != "2026-11-25T11:00:00Z" {
				t.Errorf("got suppress_until %v, want 2026-11-25T11:00:00Z", m["suppress_until"])
			}
		}},
		{"unsuppress", "POST", "/api/v1/alerts/web1/disk/unsuppress", ``, 200, func(t *testing.T, m map[string]any) {
			if m["suppress_until"] != nil {
				t.Errorf("got suppress_until %v, want null", m["suppress_until"])
			}
		}},
		{"note missing text", "POST", "/api/v1/alerts/web1/disk/notes", `{}`, 400, nil},
		{"note unknown", "POST", "/api/v1/alerts/web1/nope/notes", `{"text":"x"}`, 404, nil},
		{"note", "POST", "/api/v1/alerts/web1/disk/notes", `{"text":"ordered a disk"}`, 200, nil},
		{"clear", "POST", "/api/v1/alerts/web1/disk/clear", `{"note":"replaced"}`, 200, func(t *testing.T, m map[string]any) {
			if m["state"] != "cleared" || m["cleared_at"] == nil {
				t.Errorf("got state %v cleared_at %v, want cleared now", m["state"], m["cleared_at"])
			}
		}},
		{"raise", "POST", "/api/v1/alerts/web1/disk/raise", ``, 200, func(t *testing.T, m map[string]any) {
			if m["state"] != "raised" {
				t.Errorf("got state %v, want raised", m["state"])
			}
		}},
		{"bulk", "POST", "/api/v1/alerts/actions", `{"action":"acknowledge","alerts":["web1/disk","web2/load","web9/none","web3/gone"],"for":"1h"}`, 200, func(t *testing.T, m map[string]any) {
			var got []float64
			for _, r := range m["results"].([]any) {
				got = append(got, r.(map[string]any)["status"].(float64))
			}
			want := []float64{200, 200, 404, 409}
			if len(got) != len(want) {
				t.Fatalf("got statuses %v, want %v", got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("got statuses %v, want %v", got, want)
				}
			}
		}},
		{"bulk bad key", "POST", "/api/v1/alerts/actions", `{"action":"clear","alerts":["nokey"]}`, 400, nil},
		{"bulk bad action", "POST", "/api/v1/alerts/actions", `{"action":"explode","alerts":["web1/disk"]}`, 400, nil},
		{"bulk no alerts", "POST", "/api/v1/alerts/actions", `{"action":"clear"}`, 400, nil},
		{"history search", "GET", "/api/v1/history?source=web1&from=2026-11-25&to=2026-11-26", "", 200, func(t *testing.T, m map[string]any) {
			ev := m["events"].([]any)
			if len(ev) == 0 {
				t.Fatal("got no events for web1")
			}
			for _, e := range ev {
				if e.(map[string]any)["source"] != "web1" {
					t.Errorf("got event %v, want only source web1", e)
				}
			}
		}},
		{"history search text", "GET", "/api/v1/history?q=ordered", "", 200, func(t *testing.T, m map[string]any) {
			if len(m["events"].([]any)) == 0 {
				t.Error("got no events, want the note")
			}
		}},
		{"history bad from", "GET", "/api/v1/history?from=yesterday", "", 400, nil},
		{"history to before from", "GET", "/api/v1/history?from=2026-11-26&to=2026-11-25", "", 400, nil},
		{"history bad limit", "GET", "/api/v1/history?limit=-1", "", 400, nil},
		{"me", "GET", "/api/v1/me", "", 200, func(t *testing.T, m map[string]any) {
			if m["person"] != "johnny" || m["via"] != "password" {
				t.Errorf("got %v, want johnny via password", m)
			}
		}},
		{"token for someone else", "POST", "/api/v1/tokens", `{"person":"archie"}`, 403, nil},
		{"token", "POST", "/api/v1/tokens", `{"name":"laptop"}`, 201, func(t *testing.T, m map[string]any) {
			tok, _ := m["token"].(string)
			if tok == "" {
				t.Fatalf("got no token in %v", m)
			}
			r := s.do(t, "GET", "/api/v1/me", "", bearer(tok))
			wantStatus(t, r, 200)
			if got := r.json(t)["person"]; got != "johnny" {
				t.Errorf("token says person %v, want johnny", got)
			}
		}},
		{"unknown route", "GET", "/api/v1/bananas", "", 404, nil},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			r := s.do(t, st.method, st.path, st.body, a)
			wantStatus(t, r, st.want)
			m := r.json(t)
			if st.want >= 400 {
				if msg, _ := m["error"].(string); msg == "" {
					t.Errorf("got no error message in %s", r.body)
				}
			}
			if st.check != nil {
				st.check(t, m)
			}
		})
	}
}

// TestAPI_Escaping: hostile summaries and details come back JSON-escaped,
// and detail sanitized; the API never serves them as HTML.
func TestAPI_Escaping(t *testing.T) {
	s := newStation(t)
	s.raise(t, "evil", "xss", `<script>alert("summary")</script>`, `<p>ok</p><img src=x onerror="alert(1)"><script>alert(2)</script><a href="javascript:alert(3)">x</a>`)
	r := s.do(t, "GET", "/api/v1/alerts/evil/xss", "", basic("johnny", testPassword))
	wantStatus(t, r, 200)
	for _, bad := range []string{"<script", "<img", "onerror", "javascript:"} {
		if strings.Contains(r.body, bad) {
			t.Errorf("got %q in the raw body %s", bad, r.body)
		}
	}
	if strings.Contains(r.body, "<") {
		t.Errorf("got a raw < in the JSON body %s, want every one escaped", r.body)
	}
	m := r.json(t)
	stored, err := s.store.Get(store.Key{Source: "evil", ID: "xss"})
	if err != nil {
		t.Fatal(err)
	}
	if got := m["summary"]; got != stored.Summary {
		t.Errorf("got summary %q, want the store's %q once decoded", got, stored.Summary)
	}
	if d := m["detail"].(string); strings.Contains(d, "<script") || strings.Contains(d, "onerror") || !strings.Contains(d, "<p>ok</p>") {
		t.Errorf("got detail %q, want sanitized with <p>ok</p> kept", d)
	}
	if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("got X-Content-Type-Options %q, want nosniff", got)
	}
}

// TestAPI_SecurityHeaders: every response carries the CSP and friends.
func TestAPI_SecurityHeaders(t *testing.T) {
	s := newStation(t)
	for _, path := range []string{"/healthz", "/api/v1/alerts", "/login"} {
		r := s.do(t, "GET", path, "", noAuth)
		for h, want := range map[string]string{
			"Content-Security-Policy": "default-src 'self'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "same-origin",
		} {
			if got := r.header.Get(h); !strings.Contains(got, want) {
				t.Errorf("%s: got %s %q, want %q", path, h, got, want)
			}
		}
		if got := r.header.Get("Content-Security-Policy"); !strings.Contains(got, "frame-ancestors 'none'") {
			t.Errorf("%s: got CSP %q, want frame-ancestors 'none'", path, got)
		}
	}
}

// TestHealthAndMetrics: /healthz is open; /metrics is open on loopback but
// needs a person when a proxy forwarded the request.
func TestHealthAndMetrics(t *testing.T) {
	s := newStation(t)
	wantStatus(t, s.do(t, "GET", "/healthz", "", noAuth), 200)
	r := s.do(t, "GET", "/metrics", "", noAuth)
	wantStatus(t, r, 200)
	if !strings.Contains(r.body, "mauve_http_responses_total") {
		t.Errorf("got metrics %q, want mauve_http_responses_total", r.body)
	}
	wantStatus(t, s.do(t, "GET", "/metrics", "", noAuth, "X-Forwarded-For", "203.0.113.9"), 401)
	wantStatus(t, s.do(t, "GET", "/metrics", "", basic("johnny", testPassword), "X-Forwarded-For", "203.0.113.9"), 200)
}

// TestAPI_AckMaxAcknowledgement: a long "for" is capped too.
func TestAPI_AckMaxAcknowledgement(t *testing.T) {
	s := newStation(t)
	s.raise(t, "a", "b", "x", "")
	r := s.do(t, "POST", "/api/v1/alerts/a/b/acknowledge", `{"for":"30d"}`, basic("johnny", testPassword))
	wantStatus(t, r, 200)
	until, err := time.Parse(time.RFC3339, r.json(t)["acknowledged_until"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if max := wednesday10.Add(48 * time.Hour); until.After(max) {
		t.Errorf("got acknowledged_until %v, want at most %v", until, max)
	}
}

// TestAPI_AckWorkingHours: two working hours from Friday 17:00 end on
// Monday morning, as the policy counts them.
func TestAPI_AckWorkingHours(t *testing.T) {
	s := newStation(t, func(p *policy.Policy) {
		p.Station.WorkingHours = []policy.ClockRange{{From: 9*60 + 30, To: 17*60 + 30}}
		p.Station.MaxAcknowledgement = 188 * time.Hour // classic's cap; the test's 2 days would stop on Sunday
	})
	s.clock.Add(2*24*time.Hour + 7*time.Hour) // Friday 17:00
	s.raise(t, "a", "b", "x", "")
	r := s.do(t, "POST", "/api/v1/alerts/a/b/acknowledge", `{"for":"2h","mode":"working"}`, basic("johnny", testPassword))
	wantStatus(t, r, 200)
	if got := r.json(t)["acknowledged_until"]; got != "2026-11-30T11:00:00Z" {
		t.Errorf("got acknowledged_until %v, want Monday 2026-11-30T11:00:00Z", got)
	}
}
