package ui

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
)

// FuzzAppendAlertJSON holds the hand-written alert encoder to
// encoding/json's output, byte for byte, for any text in any field. The
// seeds run as a normal test.
func FuzzAppendAlertJSON(f *testing.F) {
	for _, s := range []string{
		"", "plain", `<script>alert("x")</script>`, "a & b > c < d", "tab\there\nnewline\r\b\f\x00\x1f\x7f",
		"quote \" backslash \\ slash /", "\u2028\u2029", "caf\u00e9 \U0001F4A5", "\xff\xfe bad utf-8 \xc3", "\xed\xa0\x80",
		"</p><img src=x onerror=alert(1)>",
	} {
		f.Add(s, s, uint32(7), int64(1764064800123456789))
	}
	f.Fuzz(func(t *testing.T, text, detail string, importance uint32, nanos int64) {
		at := time.Unix(0, nanos).In(time.FixedZone("X", 3600))
		if at.Year() < 1 || at.Year() > 9999 {
			at = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
		}
		a := store.Alert{
			Source: text, ID: text + "/id", Subject: text, Summary: text, Detail: detail, Importance: importance,
			State: store.StateAcknowledged, Level: "urgent", Group: text,
			RaisedAt: at, AcknowledgedBy: text, AcknowledgedAt: at, AcknowledgedUntil: at.Add(time.Hour),
			SuppressUntil: at, UpdatedAt: at,
		}
		want, err := json.Marshal(toAlertJSON(a))
		if err != nil {
			t.Fatal(err)
		}
		if got := appendAlertJSON(nil, a); string(got) != string(want) {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	})
}
