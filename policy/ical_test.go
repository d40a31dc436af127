package policy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/policy"
)

// A person's feed is valid RFC 5545: CRLF, folded at 75 octets, UTC
// times, a UID and DTSTAMP on every event; overrides show.
func TestICalendar(t *testing.T) {
	p := mustParse(t, strings.Replace(rotaPolicy, `station { timezone = "Europe/London" }`,
		`station {
  timezone = "Europe/London"
  name = "a-station-with-a-rather-long-name-so-that-the-prodid-line-must-be-folded-twice-over.example.com"
}`, 1))
	loc := london(t)
	from := time.Date(2026, 10, 19, 9, 0, 0, 0, loc)
	s, _ := p.OnCall("ops", from)
	who := s.Person
	p = p.WithOverrides([]policy.Override{{Rota: "ops", Person: who, From: from.Add(14 * 24 * time.Hour), To: from.Add(15 * 24 * time.Hour)}})
	now := time.Date(2026, 10, 18, 12, 0, 0, 0, time.UTC)
	cal := string(p.ICalendar(who, from, from.Add(28*24*time.Hour), now))
	if !strings.HasSuffix(cal, "END:VCALENDAR\r\n") || strings.Contains(strings.ReplaceAll(cal, "\r\n", ""), "\n") {
		t.Fatalf("not CRLF lines:\n%q", cal)
	}
	lines := strings.Split(strings.TrimSuffix(cal, "\r\n"), "\r\n")
	folded := 0
	for _, l := range lines {
		if len(l) > 75 {
			t.Errorf("line over 75 octets: %q", l)
		}
		if strings.HasPrefix(l, " ") {
			folded++
		}
	}
	if folded < 2 {
		t.Errorf("want the long lines folded; %d continuation lines", folded)
	}
	unfolded := strings.ReplaceAll(cal, "\r\n ", "")
	for _, want := range []string{
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n",
		"DTSTART:20261019T080000Z\r\nDTEND:20261026T090000Z\r\n", // BST to GMT
		"DTSTAMP:20261018T120000Z\r\n",
		"SUMMARY:On call: ops (override)\r\n",
		"UID:ops-" + who + "-",
	} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("missing %q in\n%s", want, unfolded)
		}
	}
	// Weeks of 19 October and 9 November, and the override day between.
	if n := strings.Count(unfolded, "SUMMARY:On call: ops"); n != 3 {
		t.Errorf("ops events: %d\n%s", n, unfolded)
	}
	if strings.Count(unfolded, "BEGIN:VEVENT") != strings.Count(unfolded, "UID:") {
		t.Error("an event without a UID")
	}
	secret := []byte("station secret")
	tok := policy.FeedToken(secret, who)
	if !policy.ValidFeedToken(secret, who, tok) || policy.ValidFeedToken(secret, "other", tok) || policy.FeedToken(secret, "other") == tok {
		t.Error("feed tokens are not per person")
	}
}
