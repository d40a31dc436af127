package store_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// levelByID gives an alert the level its id starts with: "u" urgent, "n"
// normal, "l" low, anything else no level.
type levelByID struct{}

func (levelByID) Decide(c store.Change) store.Decision {
	d := store.Decision{Group: "default"}
	switch {
	case strings.HasPrefix(c.After.ID, "u"):
		d.Level = "urgent"
	case strings.HasPrefix(c.After.ID, "n"):
		d.Level = "normal"
	case strings.HasPrefix(c.After.ID, "l"):
		d.Level = "low"
	}
	return d
}

// countsStep raises (or, with clear, clears) one alert of host1 at a time.
type countsStep struct {
	at    time.Time
	id    string
	clear bool
}

func applySteps(t *testing.T, s *store.Store, steps []countsStep) {
	t.Helper()
	for _, st := range steps {
		a := wire.Alert{ID: st.id, RaiseTime: st.at}
		if st.clear {
			a = wire.Alert{ID: st.id, ClearTime: st.at}
		}
		err := s.Apply(context.Background(), []store.Received{{ReceivedAt: st.at, Update: wire.Update{Source: "host1", Alerts: []wire.Alert{a}}}})
		if err != nil {
			t.Fatalf("apply %s at %s: %v", st.id, st.at, err)
		}
	}
}

func mustZone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

func formatDays(days []store.DayCount) string {
	var b strings.Builder
	for _, d := range days {
		fmt.Fprintf(&b, "%s %s u%d n%d l%d o%d; ", d.Day.Format("2006-01-02T15:04Z07:00"), d.Day.Location(), d.Urgent, d.Normal, d.Low, d.Other)
	}
	return b.String()
}

func TestStore_HistoryCounts(t *testing.T) {
	london := mustZone(t, "Europe/London")
	utc := func(mo time.Month, d, h, mi int) time.Time { return time.Date(2026, mo, d, h, mi, 0, 0, time.UTC) }
	// Europe/London: 29 March 2026 has 23 hours (01:00 UTC jumps to 02:00
	// BST); 25 October 2026 has 25 hours (01:00 BST falls back to 01:00 GMT
	// at 01:00 UTC, so 01:30 happens twice).
	steps := []countsStep{
		{utc(3, 27, 12, 0), "u-before", false},    // before the range
		{utc(3, 28, 23, 59), "u-mar28", false},    // 23:59 GMT, 28 March
		{utc(3, 29, 0, 0), "n-mar29a", false},     // 00:00 GMT, 29 March
		{utc(3, 29, 1, 0), "n-mar29b", false},     // 02:00 BST, 29 March
		{utc(3, 29, 22, 59), "l-mar29", false},    // 23:59 BST, 29 March
		{utc(3, 29, 23, 0), "l-mar30", false},     // 00:00 BST, 30 March
		{utc(3, 30, 8, 0), "l-mar30", true},       // a clear is not counted
		{utc(3, 30, 9, 0), "l-mar30", false},      // raised again: counted
		{utc(10, 24, 22, 59), "u-oct24", false},   // 23:59 BST, 24 October
		{utc(10, 24, 23, 0), "u-oct25", false},    // 00:00 BST, 25 October
		{utc(10, 25, 0, 30), "n-oct25a", false},   // 01:30 BST
		{utc(10, 25, 1, 30), "n-oct25b", false},   // 01:30 GMT, the second time
		{utc(10, 25, 23, 59), "x-oct25", false},   // 23:59 GMT, no level
		{utc(10, 26, 0, 0), "l-oct26", false},     // 00:00 GMT, 26 October
		{utc(10, 27, 0, 0), "u-after", false},     // exactly at the end: left out
		{utc(10, 27, 9, 0), "u-after-too", false}, // after the range
	}
	s, _ := mustOpen(t, store.Options{Decider: levelByID{}})
	applySteps(t, s, steps)

	day := func(mo time.Month, d int) time.Time { return time.Date(2026, mo, d, 0, 0, 0, 0, london) }
	tests := []struct {
		name     string
		from, to time.Time
		loc      *time.Location
		want     []store.DayCount
	}{
		{"spring forward: the 23-hour day and its neighbours", day(3, 28), day(3, 31), london, []store.DayCount{
			{Day: day(3, 28), Urgent: 1},
			{Day: day(3, 29), Normal: 2, Low: 1},
			{Day: day(3, 30), Low: 2},
		}},
		{"fall back: the 25-hour day and its neighbours", day(10, 24), day(10, 27), london, []store.DayCount{
			{Day: day(10, 24), Urgent: 1},
			{Day: day(10, 25), Urgent: 1, Normal: 2, Other: 1},
			{Day: day(10, 26), Low: 1},
		}},
		{"from is inclusive, to exclusive", utc(10, 24, 23, 0), utc(10, 25, 1, 30), london, []store.DayCount{
			{Day: day(10, 25), Urgent: 1, Normal: 1},
		}},
		{"a month with nothing", day(6, 1), day(7, 1), london, []store.DayCount{}},
		{"open ends, days in UTC", time.Time{}, time.Time{}, nil, nil}, // checked by total below
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.HistoryCounts(tt.from, tt.to, tt.loc)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == nil {
				total := 0
				for _, d := range got {
					total += d.Total()
					if d.Day.Location() != time.UTC || d.Day.Hour() != 0 {
						t.Errorf("day %s: want UTC midnight", d.Day)
					}
				}
				if total != 15 {
					t.Errorf("total raises got %d, want 15", total)
				}
				return
			}
			if formatDays(got) != formatDays(tt.want) {
				t.Errorf("got  %s\nwant %s", formatDays(got), formatDays(tt.want))
			}
			for i := range min(len(got), len(tt.want)) {
				if !got[i].Day.Equal(tt.want[i].Day) {
					t.Errorf("day %d: got %s, want %s", i, got[i].Day, tt.want[i].Day)
				}
			}
		})
	}
}

// TestStore_HistoryCountsFindsTheStart checks the binary search for the
// first event of the range over many events, with the range starting at
// each of several places.
func TestStore_HistoryCountsFindsTheStart(t *testing.T) {
	s, _ := mustOpen(t, store.Options{Decider: levelByID{}})
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var steps []countsStep
	for i := range 300 { // one raise (and a clear, an event not counted) every 6 hours
		at := start.Add(time.Duration(i) * 6 * time.Hour)
		id := fmt.Sprintf("u%03d", i)
		steps = append(steps, countsStep{at, id, false}, countsStep{at.Add(time.Minute), id, true})
	}
	applySteps(t, s, steps)
	for _, from := range []int{0, 1, 37, 150, 298, 299, 300} {
		got, err := s.HistoryCounts(start.Add(time.Duration(from)*6*time.Hour), time.Time{}, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, d := range got {
			total += d.Urgent
		}
		if want := 300 - from; total != want {
			t.Errorf("from raise %d: counted %d, want %d", from, total, want)
		}
	}
}

// BenchmarkHistoryCounts counts a month of 100,000 raises (and as many
// clears) of 1,000 alerts in Europe/London: the history calendar's one
// store call.
func BenchmarkHistoryCounts(b *testing.B) {
	s, _ := mustOpen(b, store.Options{Decider: levelByID{}, NoSync: os.Getenv("NOSYNC") != ""})
	london := mustZone(b, "Europe/London")
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, london)
	to := from.AddDate(0, 1, 0)
	const raises = 100000
	step := to.Sub(from) / (2 * raises)
	prefixes := []string{"u", "n", "l"}
	batch := make([]store.Received, 0, 8192)
	flush := func() {
		if err := s.Apply(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	for i := range 2 * raises {
		at := from.Add(time.Duration(i) * step)
		id := fmt.Sprintf("%s%04d", prefixes[(i/2)%3], (i/2)%1000)
		a := wire.Alert{ID: id, RaiseTime: at}
		if i%2 == 1 {
			a = wire.Alert{ID: id, ClearTime: at}
		}
		batch = append(batch, store.Received{ReceivedAt: at, Update: wire.Update{Source: "host1", Alerts: []wire.Alert{a}}})
		if len(batch) == cap(batch) {
			flush()
		}
	}
	flush()
	b.ReportAllocs()
	for b.Loop() {
		days, err := s.HistoryCounts(from, to, london)
		if err != nil {
			b.Fatal(err)
		}
		if len(days) != 31 {
			b.Fatalf("got %d days, want 31", len(days))
		}
	}
}

// TestStore_HistoryCountsSkippedMidnight: where a daylight saving change
// skips midnight (America/Santiago on 6 September 2026: 00:00 -04 becomes
// 01:00 -03), the day starts at 01:00 and its raises are its own, not the
// day before's.
func TestStore_HistoryCountsSkippedMidnight(t *testing.T) {
	santiago := mustZone(t, "America/Santiago")
	s, _ := mustOpen(t, store.Options{Decider: levelByID{}})
	applySteps(t, s, []countsStep{
		{time.Date(2026, 9, 5, 23, 30, 0, 0, santiago), "u-sep5", false},
		{time.Date(2026, 9, 6, 1, 0, 0, 0, santiago), "n-sep6", false}, // the day's first instant
		{time.Date(2026, 9, 6, 12, 0, 0, 0, santiago), "l-sep6", false},
	})
	got, err := s.HistoryCounts(time.Date(2026, 9, 1, 0, 0, 0, 0, santiago), time.Date(2026, 10, 1, 0, 0, 0, 0, santiago), santiago)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d days (%s), want 2", len(got), formatDays(got))
	}
	if want := time.Date(2026, 9, 5, 0, 0, 0, 0, santiago); !got[0].Day.Equal(want) || got[0].Urgent != 1 {
		t.Errorf("first day got %s, want 5 September with 1 urgent", formatDays(got[:1]))
	}
	sep6 := got[1].Day.In(santiago)
	if y, m, d := sep6.Date(); y != 2026 || m != 9 || d != 6 || sep6.Hour() != 1 || got[1].Normal != 1 || got[1].Low != 1 {
		t.Errorf("second day got %s, want 6 September starting 01:00 with 1 normal and 1 low", formatDays(got[1:]))
	}
}
