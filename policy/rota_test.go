package policy_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

const rotaPolicy = `
station { timezone = "Europe/London" }
person "johnny" { all = [log] }
person "archie" { all = [log] }
person "bob" { all = [log] }
rota "ops" {
  people    = ["johnny", "archie", "bob"]
  shift     = "1w"
  handoff   = "Mon 09:00"
  time_zone = "Europe/London"
}
rota "night" {
  people = ["bob", "johnny"]
  shift  = "1d"
  handoff = "20:00"
}
rota "halves" {
  people = ["archie", "bob"]
  shift  = "12h"
  handoff = "08:00"
}
alert_group "all" {
  notify "johnny" { during = on_call("ops") == "johnny" }
  notify "archie" { during = on_call("ops") == "archie" }
  notify "bob"    { during = on_call("ops") == "bob" }
}
`

// told is who Decide tells of a raise at now.
func told(p *policy.Policy, now time.Time) []string {
	dec := p.Decide(store.Change{Event: store.EventRaised, Now: now,
		After: store.Alert{Source: "s", ID: "i", State: store.StateRaised, RaisedAt: now}})
	var who []string
	for _, n := range dec.Notifications {
		who = append(who, n.Person)
	}
	return who
}

// The scenario on the fake clock: a weekly rota handed over at
// Monday 09:00 Europe/London, an override over a weekend, and the clocks
// going back on Sunday 25 October 2026. on_call names the right person
// before, during and after the override and either side of the change.
func TestRota_WeeklyOverrideAcrossDST(t *testing.T) {
	loc := london(t)
	at := func(mo time.Month, d, h, m int) time.Time { return time.Date(2026, mo, d, h, m, 0, 0, loc) }
	base := mustParse(t, rotaPolicy)
	// Find who holds the week of Monday 12 October, then expect the turn
	// order from there.
	first, _ := base.OnCall("ops", at(10, 12, 9, 0))
	order := []string{"johnny", "archie", "bob"}
	k := map[string]int{"johnny": 0, "archie": 1, "bob": 2}[first.Person]
	week := func(n int) string { return order[(k+n)%3] }
	// The override: whoever holds the week of 19 October is covered by the
	// next in turn from Fri 23 Oct 18:00 to Sun 25 Oct 18:00 (across the
	// change back to GMT at 02:00 that Sunday).
	holder, cover := week(1), week(2)
	ov := []policy.Override{{Rota: "ops", Person: cover, Covers: holder, From: at(10, 23, 18, 0), To: at(10, 25, 18, 0)}}
	p := base.WithOverrides(ov)
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{at(10, 12, 8, 59), week(-1 + 3)},
		{at(10, 12, 9, 0), week(0)},
		{at(10, 19, 8, 59), week(0)},
		{at(10, 19, 9, 0), holder},                // 08:00 UTC, BST
		{at(10, 23, 17, 59), holder},              // before the override
		{at(10, 23, 18, 0), cover},                // during
		{at(10, 25, 1, 30), cover},                // the first 01:30, BST
		{at(10, 25, 1, 30).Add(time.Hour), cover}, // the second 01:30, GMT
		{at(10, 25, 18, 0), holder},               // after
		{at(10, 26, 8, 59), holder},               // GMT now: 08:59 UTC
		{at(10, 26, 9, 0), week(2)},               // the handoff stays at 09:00 local
	} {
		s, ok := p.OnCall("ops", c.at)
		if !ok || s.Person != c.want {
			t.Errorf("OnCall at %s: got %q, want %q", c.at.Format(time.RFC3339), s.Person, c.want)
		}
		if got := told(p, c.at); len(got) != 1 || got[0] != c.want {
			t.Errorf("told at %s: got %v, want [%s]", c.at.Format(time.RFC3339), got, c.want)
		}
	}
	// The handoff after the change is at 09:00 GMT, an hour later in UTC
	// than the one before it.
	s, _ := p.OnCall("ops", at(10, 26, 10, 0))
	if want := time.Date(2026, 10, 26, 9, 0, 0, 0, time.UTC); !s.Start.Equal(want) {
		t.Errorf("shift start: got %s, want %s", s.Start.UTC(), want)
	}
	if want := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC); !s.End.Equal(want) {
		t.Errorf("shift end: got %s, want %s", s.End.UTC(), want)
	}
	// The override's shift is marked and bounded by the override.
	s, _ = p.OnCall("ops", at(10, 24, 12, 0))
	if !s.Override || !s.Start.Equal(at(10, 23, 18, 0)) || !s.End.Equal(at(10, 25, 18, 0)) {
		t.Errorf("override shift: got %+v", s)
	}
	// The holder's shift before the override ends where it starts.
	s, _ = p.OnCall("ops", at(10, 22, 12, 0))
	if s.Override || !s.End.Equal(at(10, 23, 18, 0)) {
		t.Errorf("shift before override: got %+v", s)
	}
	// The base policy is untouched by WithOverrides.
	if s, _ := base.OnCall("ops", at(10, 24, 12, 0)); s.Person != holder || s.Override {
		t.Errorf("base policy: got %+v", s)
	}
}

// Daily shifts keep their wall-clock handoff across the spring change;
// shorter shifts count elapsed time.
func TestRota_DailyAndCustom(t *testing.T) {
	loc := london(t)
	at := func(mo time.Month, d, h, m int) time.Time { return time.Date(2026, mo, d, h, m, 0, 0, loc) }
	p := mustParse(t, rotaPolicy)
	a, _ := p.OnCall("night", at(3, 28, 20, 0))
	b, _ := p.OnCall("night", at(3, 29, 20, 0)) // BST from 01:00 that day
	c, _ := p.OnCall("night", at(3, 29, 19, 59))
	if a.Person == b.Person || c.Person != a.Person {
		t.Errorf("daily turns: %q %q %q", a.Person, c.Person, b.Person)
	}
	if !a.End.Equal(at(3, 29, 20, 0)) || a.End.Sub(a.Start) != 23*time.Hour {
		t.Errorf("daily shift over the change: %s to %s", a.Start, a.End)
	}
	h1, _ := p.OnCall("halves", time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC))
	h2, _ := p.OnCall("halves", time.Date(2026, 1, 5, 20, 0, 0, 0, time.UTC))
	if h1.Person == h2.Person || h1.End.Sub(h1.Start) != 12*time.Hour {
		t.Errorf("12h shifts: %+v %+v", h1, h2)
	}
	ss := p.Rotas["ops"].Shifts(at(11, 2, 9, 0), at(11, 30, 9, 0), nil)
	if len(ss) != 4 {
		t.Fatalf("four weeks: got %d shifts: %+v", len(ss), ss)
	}
	for i := 1; i < len(ss); i++ {
		if !ss[i].Start.Equal(ss[i-1].End) || ss[i].Person == ss[i-1].Person {
			t.Errorf("shift %d: %+v after %+v", i, ss[i], ss[i-1])
		}
	}
}

// Bad rotas are refused with file:line:col and what is wrong.
func TestRota_Bad(t *testing.T) {
	head := "person \"johnny\" { all = [log] }\nrota \"ops\" {\n"
	for _, c := range []struct{ body, want string }{
		{"people = [\"jonny\"]\nshift = \"1w\"\n}", `test.hcl:3:10: error: Unknown person: rota "ops": there is no person "jonny"`},
		{"people = []\nshift = \"1w\"\n}", `test.hcl:3:10: error: Empty rota`},
		{"people = [\"johnny\"]\nshift = \"1 fortnight\"\n}", `test.hcl:4:9: error: Invalid duration`},
		{"people = [\"johnny\"]\nshift = \"1w\"\nhandoff = \"Mno 09:00\"\n}", `test.hcl:5:11: error: Invalid handoff: rota "ops": "Mno 09:00": "Mno" is not a weekday`},
		{"people = [\"johnny\"]\nshift = \"1w\"\nhandoff = \"25:00\"\n}", `test.hcl:5:11: error: Invalid handoff`},
		{"people = [\"johnny\"]\nshift = \"1w\"\ntime_zone = \"Europe/Lundon\"\n}", `test.hcl:5:13: error: Unknown time zone`},
		{"people = [\"johnny\"]\n}", `test.hcl:2:1: error: Missing required argument: rota "ops" needs shift`},
		{"people = [\"johnny\"]\nshift = \"1w\"\n}\nalert_group \"a\" {\n notify \"johnny\" { during = on_call(\"opz\") == \"johnny\" }\n}", `test.hcl:7:37: error: Unknown rota: there is no rota "opz"`},
	} {
		_, got := parseString(head + c.body)
		if !strings.Contains(got, c.want) {
			t.Errorf("%s:\n got %s\nwant %s", c.body, got, c.want)
		}
	}
}

// An override is checked against the policy, naming the bad field.
func TestRota_CheckOverride(t *testing.T) {
	p := mustParse(t, rotaPolicy)
	from := time.Date(2026, 10, 23, 17, 0, 0, 0, time.UTC)
	to := from.Add(48 * time.Hour)
	for _, c := range []struct {
		o     policy.Override
		field string
	}{
		{policy.Override{Rota: "opz", Person: "archie", From: from, To: to}, "rota"},
		{policy.Override{Rota: "ops", Person: "archy", From: from, To: to}, "person"},
		{policy.Override{Rota: "night", Person: "archie", Covers: "archie", From: from, To: to}, "covers"},
		{policy.Override{Rota: "ops", Person: "archie", From: to, To: from}, "to"},
		{policy.Override{Rota: "ops", Person: "archie", Covers: "johnny", From: from, To: to}, ""},
	} {
		err := p.CheckOverride(c.o)
		var fe *policy.FieldError
		if c.field == "" && err != nil || c.field != "" && (!errors.As(err, &fe) || fe.Field != c.field) {
			t.Errorf("%+v: got %v, want field %q", c.o, err, c.field)
		}
	}
	ov := policy.OverridesFrom([]store.Override{{Rota: "ops", Person: "archie", From: from, To: to}, {Rota: "ops", Person: "bob", From: from, To: to, Removed: from}})
	if len(ov) != 1 || ov[0].Person != "archie" {
		t.Errorf("OverridesFrom: %+v", ov)
	}
}
