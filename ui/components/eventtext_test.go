package components_test

import (
	"testing"
	"time"

	"github.com/mauve-alert/mauve/ui/components"
)

// TestEventText: times the store writes into event text (UTC, RFC 3339)
// are shown in the station's zone; other text is left alone.
func TestEventText(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	winter := time.Date(2026, 11, 25, 10, 0, 0, 0, london)
	summer := time.Date(2026, 7, 1, 10, 0, 0, 0, london)
	for _, tc := range []struct {
		now  time.Time
		text string
		want string
	}{
		{winter, "acknowledged by johnny until 2026-11-25T12:00:00Z: on it", "acknowledged by johnny until 2026-11-25 12:00 GMT: on it"},
		{summer, "suppressed by archie until 2026-07-01T12:00:00Z", "suppressed by archie until 2026-07-01 13:00 BST"},
		{winter.In(tokyo), "acknowledged by johnny until 2026-11-25T12:00:00Z", "acknowledged by johnny until 2026-11-25 21:00 JST"},
		{winter, "from 2026-11-25T12:00:00+01:00 to 2026-11-25T13:30:00.5Z", "from 2026-11-25 11:00 GMT to 2026-11-25 13:30 GMT"},
		{winter, "raised by core-router", "raised by core-router"},
		{winter, "not a time: 2026-13-45T99:00:00Z", "not a time: 2026-13-45T99:00:00Z"},
		{winter, "", ""},
		{winter, "until 2026-11-25T12:00:00Z.", "until 2026-11-25 12:00 GMT."},
		{winter, "id2026-11-25T12:00:00Z", "id2026-11-25T12:00:00Z"},
		{winter, "no zone 2026-11-25T12:00:00", "no zone 2026-11-25T12:00:00"},
		{winter, "short 2026-11-25T12:00:00+01", "short 2026-11-25T12:00:00+01"},
	} {
		if got := components.EventText(tc.now, tc.text); got != tc.want {
			t.Errorf("EventText(%s, %q): got %q, want %q", tc.now.Location(), tc.text, got, tc.want)
		}
	}
}
