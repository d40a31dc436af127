package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

func TestStore_Lifecycle(t *testing.T) {
	m := time.Minute
	tests := []struct {
		name string
		run  func(h *harness)
	}{
		{"no times raises now, subject defaults to source", func(h *harness) {
			h.send(0, update(wire.Alert{ID: "x"}))
			h.expect("x", store.StateRaised, at(0), never, never)
			if got := h.get("x").Subject; got != "host1" {
				h.t.Errorf("subject got %q, want host1", got)
			}
		}},
		{"heartbeat: clear now, raise later, refreshed, then missed", func(h *harness) {
			h.send(0, update(alert("hb", at(10*m), at(0))))
			h.expect("hb", store.StateCleared, never, at(10*m), never)
			h.send(5*m, update(alert("hb", at(15*m), at(5*m))))
			h.expect("hb", store.StateCleared, never, at(15*m), never)
			if next := h.tick(14 * m); !next.Equal(at(15 * m)) {
				h.t.Errorf("next due got %v, want %v", next, at(15*m))
			}
			h.expect("hb", store.StateCleared, never, at(15*m), never)
			h.tick(15 * m)
			h.expect("hb", store.StateRaised, at(15*m), never, never)
			// The next heartbeat clears it and schedules again.
			h.send(16*m, update(alert("hb", at(26*m), at(16*m))))
			h.expect("hb", store.StateCleared, never, at(26*m), never)
		}},
		{"-r +5m -c +10m raises at +5m and clears at +10m", func(h *harness) {
			h.send(0, update(alert("x", at(5*m), at(10*m))))
			h.expect("x", store.StateCleared, never, at(5*m), at(10*m))
			h.tick(5 * m)
			h.expect("x", store.StateRaised, at(5*m), never, at(10*m))
			h.tick(10 * m)
			h.expect("x", store.StateCleared, never, never, never)
		}},
		{"a lone future clear leaves the state until then", func(h *harness) {
			h.send(0, update(alert("x", at(0), never)))
			h.send(1*m, update(alert("x", never, at(11*m))))
			h.expect("x", store.StateRaised, at(0), never, at(11*m))
			h.tick(10 * m)
			h.expect("x", store.StateRaised, at(0), never, at(11*m))
			h.tick(11 * m)
			h.expect("x", store.StateCleared, never, never, never)
		}},
		{"a lone future raise: not raised until then", func(h *harness) {
			h.send(0, update(alert("x", at(0), never)))
			h.send(1*m, update(alert("x", at(11*m), never)))
			h.expect("x", store.StateCleared, never, at(11*m), never)
		}},
		{"raise now, clear later: an auto-expiring alert", func(h *harness) {
			h.send(0, update(alert("x", at(0), at(30*m))))
			h.expect("x", store.StateRaised, at(0), never, at(30*m))
			h.tick(30 * m)
			h.expect("x", store.StateCleared, never, never, never)
		}},
		{"5 second tolerance", func(h *harness) {
			h.send(0, update(alert("soon", at(5*time.Second), never), alert("later", at(6*time.Second), never)))
			h.expect("soon", store.StateRaised, at(0), never, never)
			h.expect("later", store.StateCleared, never, at(6*time.Second), never)
		}},
		{"raised stays raised: raised_at is the first raise", func(h *harness) {
			h.send(0, update(alert("x", at(0), never)))
			h.send(2*m, update(alert("x", at(2*m), never)))
			h.expect("x", store.StateRaised, at(0), never, never)
		}},
		{"sender clock offset corrected from transmission time", func(h *harness) {
			// The sender's clock is an hour slow: its "now" is t0-1h.
			slow := -time.Hour
			u := update(alert("x", at(slow+10*m), at(slow)))
			u.TransmissionTime = at(slow)
			h.send(0, u)
			h.expect("x", store.StateCleared, never, at(10*m), never)
		}},
		{"replace clears every other alert of the source", func(h *harness) {
			h.send(0, update(wire.Alert{ID: "a"}, wire.Alert{ID: "b"}, alert("c", at(10*m), at(0))))
			h.send(0, wire.Update{Source: "host2", Alerts: []wire.Alert{{ID: "b"}}})
			u := update(wire.Alert{ID: "a"})
			u.Replace = true
			h.send(1*m, u)
			h.expect("a", store.StateRaised, at(0), never, never)
			h.expect("b", store.StateCleared, never, never, never)
			// A replace clears c but keeps its scheduled raise (classic).
			h.expect("c", store.StateCleared, never, at(10*m), never)
			other, err := h.s.Get(store.Key{Source: "host2", ID: "b"})
			if err != nil || other.State != store.StateRaised {
				h.t.Errorf("host2/b got %s %v, want raised", other.State, err)
			}
		}},
		{"summary, detail and importance are sticky", func(h *harness) {
			h.send(0, update(wire.Alert{ID: "x", Subject: "db1", Summary: "disk full", Detail: "<p>98%</p>", Importance: 3}))
			h.send(1*m, update(wire.Alert{ID: "x"}))
			a := h.get("x")
			if a.Subject != "db1" || a.Summary != "disk full" || a.Detail != "<p>98%</p>" || a.Importance != 3 {
				h.t.Errorf("got %q %q %q %d, want db1, disk full, <p>98%%</p>, 3", a.Subject, a.Summary, a.Detail, a.Importance)
			}
		}},
		{"suppress_until is taken only on a change of state", func(h *harness) {
			h.send(0, update(wire.Alert{ID: "x", SuppressUntil: at(60 * m)}))
			if got := h.get("x").SuppressUntil; !got.Equal(at(60 * m)) {
				h.t.Errorf("after raise: suppress_until got %v, want %v", got, at(60*m))
			}
			h.send(1*m, update(wire.Alert{ID: "x", SuppressUntil: at(120 * m)}))
			if got := h.get("x").SuppressUntil; !got.Equal(at(60 * m)) {
				h.t.Errorf("no change of state: suppress_until got %v, want %v", got, at(60*m))
			}
			h.send(2*m, update(wire.Alert{ID: "x", ClearTime: at(2 * m), SuppressUntil: at(180 * m)}))
			if got := h.get("x").SuppressUntil; !got.Equal(at(60 * m)) {
				h.t.Errorf("already suppressed: suppress_until got %v, want %v", got, at(60*m))
			}
			h.send(70*m, update(wire.Alert{ID: "x", SuppressUntil: at(240 * m)}))
			if got := h.get("x").SuppressUntil; !got.Equal(at(240 * m)) {
				h.t.Errorf("suppression over, raised again: got %v, want %v", got, at(240*m))
			}
		}},
		{"acknowledged stays acknowledged; expiry re-raises with raised_at reset", func(h *harness) {
			h.send(0, update(wire.Alert{ID: "x"}))
			if _, err := h.s.Acknowledge(store.Key{Source: "host1", ID: "x"}, "johnny", at(30*m), "on it", at(1*m)); err != nil {
				h.t.Fatal(err)
			}
			h.send(2*m, update(wire.Alert{ID: "x"}))
			h.expect("x", store.StateAcknowledged, at(0), never, never)
			if next := h.tick(29 * m); !next.Equal(at(30 * m)) {
				h.t.Errorf("next due got %v, want %v", next, at(30*m))
			}
			h.tick(30 * m)
			h.expect("x", store.StateRaised, at(30*m), never, never)
			if a := h.get("x"); a.AcknowledgedBy != "" || len(a.Actors) != 1 || a.Actors[0] != "johnny" {
				h.t.Errorf("after expiry: acknowledged_by %q actors %v, want none and [johnny]", a.AcknowledgedBy, a.Actors)
			}
		}},
		{"a clear drops the acknowledgement", func(h *harness) {
			h.send(0, update(wire.Alert{ID: "x"}))
			h.s.Acknowledge(store.Key{Source: "host1", ID: "x"}, "johnny", at(30*m), "", at(1*m))
			h.send(2*m, update(alert("x", never, at(2*m))))
			h.expect("x", store.StateCleared, never, never, never)
			if a := h.get("x"); a.AcknowledgedBy != "" || !a.ClearedAt.Equal(at(2*m)) {
				h.t.Errorf("acknowledged_by %q cleared_at %v, want none and %v", a.AcknowledgedBy, a.ClearedAt, at(2*m))
			}
			h.tick(30 * m) // the old ack expiry must not re-raise it
			h.expect("x", store.StateCleared, never, never, never)
		}},
		{"restart in the middle of a schedule", func(h *harness) {
			h.send(0, update(alert("hb", at(10*m), at(0)), alert("x", at(0), at(20*m))))
			h.restart()
			h.tick(10 * m)
			h.expect("hb", store.StateRaised, at(10*m), never, never)
			h.expect("x", store.StateRaised, at(0), never, at(20*m))
			h.restart()
			h.tick(25 * m)
			h.expect("x", store.StateCleared, never, never, never)
		}},
		{"initial sleep postpones what fell due while down", func(h *harness) {
			h.send(0, update(alert("hb", at(10*m), at(0))))
			h.restart() // down from +1m to +20m
			if err := h.s.Postpone(at(25 * m)); err != nil {
				h.t.Fatal(err)
			}
			h.tick(20 * m)
			h.expect("hb", store.StateCleared, never, at(25*m), never)
			// A late heartbeat arriving in the sleep saves the day.
			h.send(22*m, update(alert("hb", at(32*m), at(22*m))))
			h.tick(25 * m)
			h.expect("hb", store.StateCleared, never, at(32*m), never)
			h.tick(32 * m)
			h.expect("hb", store.StateRaised, at(32*m), never, never)
		}},
		{"cleared alerts expire", func(h *harness) {
			h.send(0, update(wire.Alert{ID: "x"}))
			h.send(1*m, update(alert("x", never, at(1*m))))
			h.tick(60 * m)
			if _, err := h.s.Get(store.Key{Source: "host1", ID: "x"}); err != nil {
				h.t.Errorf("before expiry: %v", err)
			}
			h.tick(61 * m)
			if _, err := h.s.Get(store.Key{Source: "host1", ID: "x"}); !errors.Is(err, store.ErrNotFound) {
				h.t.Errorf("after expiry: got %v, want ErrNotFound", err)
			}
			if ev, _ := h.s.History(store.Key{Source: "host1", ID: "x"}); len(ev) != 0 {
				h.t.Errorf("history after expiry: got %d events, want 0", len(ev))
			}
		}},
		{"field limits cut on character boundaries", func(h *harness) {
			long := strings.Repeat("é", 300)
			h.send(0, wire.Update{Source: strings.Repeat("s", 600), Alerts: []wire.Alert{{ID: long, Summary: strings.Repeat("ü", 2000), Detail: strings.Repeat("€", 30000)}}})
			as, err := h.s.List(store.Filter{})
			if err != nil || len(as) != 1 {
				h.t.Fatalf("list: %d alerts, %v", len(as), err)
			}
			a := as[0]
			for _, c := range []struct {
				field string
				got   string
				max   int
			}{{"id", a.ID, 256}, {"source", a.Source, 512}, {"summary", a.Summary, 1024}, {"subject", a.Subject, 512}} {
				if n := utf8.RuneCountInString(c.got); n != c.max || !utf8.ValidString(c.got) {
					h.t.Errorf("%s: got %d characters, want %d", c.field, n, c.max)
				}
			}
			if len(a.Detail) > 64<<10 || len(a.Detail) < 64<<10-3 || !utf8.ValidString(a.Detail) {
				h.t.Errorf("detail: got %d bytes, want 64 KiB cut on a character", len(a.Detail))
			}
		}},
		{"HTML stripped from text fields, detail sanitized", func(h *harness) {
			h.send(0, wire.Update{Source: "<b>host1</b>", Alerts: []wire.Alert{{
				ID: "<i>x</i>", Subject: "<script>alert(1)</script>db", Summary: "disk <b>full</b>",
				Detail: `<p onclick="evil()">ok <a href="javascript:x()">l</a></p><script>bad()</script>`,
			}}})
			a := h.get("x")
			if a.Summary != "disk full" || a.Subject != "db" {
				h.t.Errorf("got summary %q subject %q, want %q %q", a.Summary, a.Subject, "disk full", "db")
			}
			if strings.Contains(a.Detail, "script") || strings.Contains(a.Detail, "onclick") || strings.Contains(a.Detail, "javascript") {
				h.t.Errorf("detail not sanitized: %q", a.Detail)
			}
			if !strings.Contains(a.Detail, "<p>ok") {
				h.t.Errorf("detail lost its markup: %q", a.Detail)
			}
		}},
		{"invalid UTF-8 is cleaned", func(h *harness) {
			h.send(0, update(wire.Alert{ID: "x", Summary: "bad \xff byte"}))
			if s := h.get("x").Summary; !utf8.ValidString(s) {
				h.t.Errorf("summary %q is not valid UTF-8", s)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(newHarness(t, store.Options{ExpireCleared: time.Hour}))
		})
	}
}
