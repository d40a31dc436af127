package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

// station.max_alerts_per_update reaches the listener: an update with more
// alerts is refused whole and counted, one at the limit applies.
func TestServe_MaxAlertsPerUpdate(t *testing.T) {
	rs := startE2EStation(t, "station {\n  max_alerts_per_update = 2\n}\n", time.Now)
	rs.send(t, wire.Update{Source: "big", Alerts: []wire.Alert{{ID: "a"}, {ID: "b"}, {ID: "c"}}})
	rs.send(t, wire.Update{Source: "small", Alerts: []wire.Alert{{ID: "a"}, {ID: "b"}}})
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := rs.st.listener.Stats()
		logged := strings.Contains(rs.log.String(), "holds 3 alerts, over the limit of 2")
		if s.Decoded == 1 && s.Rejected[wire.ReasonTooManyAlerts] == 1 && logged {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("listener: %+v; want one update decoded and one refused as too_many_alerts, and the log saying why:\n%s", s, rs.log)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
