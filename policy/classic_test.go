package policy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// A heartbeat block without raise_after raises after classic's 310 s
// (SPEC.md section 12).
func TestHeartbeat_ClassicRaiseAfter(t *testing.T) {
	p := mustParse(t, `
station {
  heartbeat {
    destination = ["alerts2.example.com"]
  }
}
person "p" { all = [log] }`)
	hb := p.Station.Heartbeat
	if hb == nil {
		t.Fatal("no heartbeat")
	}
	if hb.RaiseAfter != 310*time.Second || hb.Every != time.Minute {
		t.Errorf("got raise_after %v every %v, want 310s and 1m", hb.RaiseAfter, hb.Every)
	}
}

// A person with an email address and an SMS number but no level lists is
// told as classic told them: urgent by SMS then email, normal and low by
// email; one with only an address for email gets email at every level.
func TestPerson_ClassicChannels(t *testing.T) {
	p := mustParse(t, `
email {
  from   = "mauve@example.com"
  server = "localhost:25"
}
sms "twilio" {
  provider = "http"
  url      = "http://127.0.0.1:9999/send"
  body     = "{{.Short}}"
}
person "johnny" {
  email = "johnny@example.com"
  sms   = "+447111222333"
}
person "archie" {
  email = "archie@example.com"
}`)
	for _, c := range []struct {
		person string
		level  policy.Level
		want   string
	}{
		{"johnny", policy.Urgent, "sms.twilio,email"},
		{"johnny", policy.Normal, "email"},
		{"johnny", policy.Low, "email"},
		{"archie", policy.Urgent, "email"},
		{"archie", policy.Low, "email"},
	} {
		if got := strings.Join(p.People[c.person].Channels[c.level], ","); got != c.want {
			t.Errorf("%s %s: got [%s], want [%s]", c.person, c.level, got, c.want)
		}
	}
}

// A person without suppress_after has classic's limit of 5 notifications
// in 10 minutes; suppress_after = {} turns it off.
func TestPerson_ClassicSuppressAfter(t *testing.T) {
	p := mustParse(t, `
person "johnny" { all = [log] }
person "archie" {
  all            = [log]
  suppress_after = {}
}`)
	if got := p.People["johnny"].SuppressAfter; len(got) != 1 || got[0].Period != 10*time.Minute || got[0].Count != 5 {
		t.Errorf("johnny: got %+v, want 5 in 10m", got)
	}
	if got := p.People["archie"].SuppressAfter; len(got) != 0 {
		t.Errorf("archie: got %+v, want no limit", got)
	}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	var log []store.Delivery
	for i := range 5 {
		log = append(log, store.Delivery{Time: now.Add(time.Duration(i-5) * time.Minute), Level: "normal"})
	}
	if held, _ := p.Suppression("johnny", "normal", log, now); !held {
		t.Errorf("johnny's sixth notification in 10 minutes was not held")
	}
	if held, _ := p.Suppression("archie", "normal", log, now); held {
		t.Errorf("archie's sixth notification was held, want no limit")
	}
}

// Acknowledging for 0 working (daytime) hours lasts until such hours next
// start, or ends now inside them; one that would end exactly at closing
// time ends at the next opening instead (SPEC.md section 12).
func TestAcknowledgeUntil_ClassicZeroAndClosingTime(t *testing.T) {
	loc := london(t)
	p := mustParse(t, `
station { timezone = "Europe/London" }
person "p" { all = [log] }`)
	d := func(day, h, m int) time.Time { return time.Date(2026, 11, day, h, m, 0, 0, loc) }
	a := store.Alert{Source: "web", ID: "x"}
	for _, c := range []struct {
		name, spec, mode string
		now, want        time.Time
	}{
		{"0 working hours on Friday evening: Monday's opening", "0", policy.CountWorking, d(27, 17, 45), d(30, 9, 30)},
		{"0h working hours inside them: now", "0h", policy.CountWorking, d(25, 10, 0), d(25, 10, 0)},
		{"0 daytime hours at night: the morning", "0", policy.CountDaytime, d(25, 23, 0), d(26, 8, 0)},
		{"a working day from opening: the next opening", "8h", policy.CountWorking, d(25, 9, 30), d(26, 9, 30)},
		{"ending at Friday's closing: Monday's opening", "30m", policy.CountWorking, d(27, 17, 0), d(30, 9, 30)},
		{"ending at daytime's end: the next morning", "2h", policy.CountDaytime, d(25, 20, 0), d(26, 8, 0)},
		{"a minute short of closing is kept", "29m", policy.CountWorking, d(27, 17, 0), d(27, 17, 29)},
	} {
		got, err := p.AcknowledgeUntil(a, c.spec, c.mode, c.now)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("%s: got %v, %v, want %v", c.name, got, err, c.want)
		}
	}
	if _, err := p.AcknowledgeUntil(a, "0", policy.CountWallclock, d(25, 10, 0)); err == nil || !strings.Contains(err.Error(), "longer than zero") {
		t.Errorf("0 wallclock hours: got %v, want an error", err)
	}
}
