package policy_test

import (
	"testing"
	"time"
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
