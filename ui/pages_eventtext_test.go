package ui

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

// TestPages_HistoryTimesInStationZone: the times the store writes into
// event text in UTC ("acknowledged by johnny until …Z") are shown in the
// station's zone on the alert page and the history page.
func TestPages_HistoryTimesInStationZone(t *testing.T) {
	st := newPagesStation(t)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	st.pol.Station.Location = tokyo
	st.send("web1", wire.Alert{ID: "disk", Summary: "disk full"})
	c := st.login()
	if res := st.post(c, "/alerts/web1/disk/acknowledge", url.Values{"until": {"2026-11-26T09:00"}}); res.status >= 400 {
		t.Fatalf("acknowledge: got %d:\n%s", res.status, res.body)
	}
	for _, path := range []string{"/alerts/web1/disk", "/history?source=web1"} {
		res := st.get(c, path)
		if res.status != http.StatusOK {
			t.Fatalf("GET %s: got %d", path, res.status)
		}
		if !strings.Contains(res.body, "until 2026-11-26 09:00 JST") || strings.Contains(res.body, "until 2026-11-26T00:00:00Z") {
			t.Errorf("GET %s: want the acknowledgement's end as 2026-11-26 09:00 JST, not UTC:\n%s", path, res.body)
		}
	}
}
