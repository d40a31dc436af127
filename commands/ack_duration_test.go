package commands

import (
	"fmt"
	"testing"
	"time"
)

// mauve ack --for reads durations with the one grammar, through the real
// command line and socket: fractions and days that the station refused
// before ("1.5h", "1.5d"), and a bare number of hours.
func TestAck_ForUsesTheOneGrammar(t *testing.T) {
	st := startAckStation(t, currentUser(t)) // max_acknowledgement = "2d"
	for i, c := range []struct {
		in   string
		want time.Duration // 0: refused
	}{
		{"1.5h", 90 * time.Minute},
		{"1.5d", 36 * time.Hour},
		{"0.5", 30 * time.Minute},
		{"2h30m", 150 * time.Minute},
		{"1.5 h", 0},
		{"-1h", 0},
	} {
		id := fmt.Sprintf("x%d", i)
		st.raise(t, "dur", id, "a duration test")
		code, _, errOut := runMauve(t, "", nil, "ack", "dur/"+id, "--for="+c.in, "--config", st.config)
		a := st.state(t, "dur", id)
		if c.want == 0 {
			if code != 1 || a.State != "raised" {
				t.Errorf("--for %q: got exit %d, state %s; want refused (%s)", c.in, code, a.State, errOut)
			}
			continue
		}
		if got := a.AcknowledgedUntil.Sub(a.AcknowledgedAt); code != 0 || got != c.want {
			t.Errorf("--for %q: got exit %d, acknowledged for %v; want %v (%s)", c.in, code, got, c.want, errOut)
		}
	}
}
