package policy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

func TestAcknowledgeUntil(t *testing.T) {
	loc := london(t)
	p := mustParse(t, `
station {
  timezone = "Europe/London"
  holidays = ["2026-12-25"]
}
person "p" { all = [log] }
alert_group "core" {
  includes             = source == "core"
  acknowledgement_time = "3h"
  notify "p" { every = "1h" }
}
alert_group "default" {
  notify "p" { every = "1h" }
}`)
	ref := reference(t) // max_acknowledgement = "2d"
	fri := time.Date(2026, 11, 27, 17, 0, 0, 0, loc)
	d := func(mo time.Month, day, h, m int) time.Time { return time.Date(2026, mo, day, h, m, 0, 0, loc) }
	core := store.Alert{Source: "core", ID: "x"}
	other := store.Alert{Source: "web", ID: "x"}
	for _, c := range []struct {
		name       string
		p          *policy.Policy
		a          store.Alert
		spec, mode string
		now        time.Time
		want       time.Time
		err        string
	}{
		{"wallclock", p, other, "2h", "", fri, d(11, 27, 19, 0), ""},
		{"a bare number is hours", p, other, "1.5", policy.CountWallclock, fri, d(11, 27, 18, 30), ""},
		{"2 working hours from Friday 17:00 end Monday morning", p, other, "2h", policy.CountWorking, fri, d(11, 30, 11, 0), ""},
		{"working hours skip Christmas and the weekend", p, other, "2h", policy.CountWorking, d(12, 24, 17, 0), d(12, 28, 11, 0), ""},
		{"working hours from before the day starts", p, other, "1h", policy.CountWorking, d(11, 23, 7, 0), d(11, 23, 10, 30), ""},
		{"daytime hours run into the next morning", p, other, "2h", policy.CountDaytime, d(11, 23, 21, 0), d(11, 24, 9, 0), ""},
		{"the group's acknowledgement_time by default", p, core, "", "", fri, d(11, 27, 20, 0), ""},
		{"the default group's default of 1h", p, other, "", "", fri, d(11, 27, 18, 0), ""},
		{"a time of day today", p, other, "18:30", "", fri, d(11, 27, 18, 30), ""},
		{"a time of day tomorrow", p, other, "09:00", "", fri, d(11, 28, 9, 0), ""},
		{"a date and time", p, other, "2026-11-28 08:00", "", fri, d(11, 28, 8, 0), ""},
		{"RFC 3339", p, other, "2026-11-27T18:00:00Z", "", fri, d(11, 27, 18, 0), ""},
		{"capped at max_acknowledgement (188h)", p, other, "30d", "", fri, fri.Add(188 * time.Hour), ""},
		{"capped at the reference's 2d", ref, other, "2h", policy.CountWorking, fri, fri.Add(48 * time.Hour), ""},
		{"past", p, other, "2026-11-27 16:00", "", fri, time.Time{}, "not in the future"},
		{"nonsense, in words that suit --for and --until alike", p, other, "soon", "", fri, time.Time{}, `"soon" is neither a duration nor a time: write a duration like "2h", a time of day like "14:00", or a date and time like "2026-12-24 09:00"`},
		{"bad mode", p, other, "2h", "fortnightly", fri, time.Time{}, "unknown way of counting"},
		{"zero", p, other, "0", "", fri, time.Time{}, `"0": an acknowledgement must last longer than zero`},
	} {
		got, err := c.p.AcknowledgeUntil(c.a, c.spec, c.mode, c.now)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: got %v, %v, want an error containing %q", c.name, got, err, c.err)
			}
			continue
		}
		if err != nil || !got.Equal(c.want) {
			t.Errorf("%s: got %v, %v, want %v", c.name, got, err, c.want)
		}
	}
}

func TestSenderKeyAndUnixUser(t *testing.T) {
	p := mustParse(t, `
sender_key "routers" {
  secret  = env("MAUVE_SET")
  sources = ["core-router", "edge-*"]
}
person "johnny" {
  all       = [log]
  unix_user = "jd"
}
person "archie" { all = [log] }
`)
	for _, c := range []struct {
		source string
		key    string
		req    bool
	}{{"core-router", "s3cret", true}, {"edge-7", "s3cret", true}, {"web1", "", false}} {
		key, req := p.SenderKey(c.source)
		if string(key) != c.key || req != c.req {
			t.Errorf("SenderKey(%q): got %q %v, want %q %v", c.source, key, req, c.key, c.req)
		}
	}
	for _, c := range []struct{ user, want string }{{"jd", "johnny"}, {"archie", "archie"}, {"johnny", ""}} {
		got := ""
		if ps := p.PersonByUnixUser(c.user); ps != nil {
			got = ps.Name
		}
		if got != c.want {
			t.Errorf("PersonByUnixUser(%q): got %q, want %q", c.user, got, c.want)
		}
	}
}
