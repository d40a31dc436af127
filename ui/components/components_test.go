package components_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui/components"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGolden renders the key pages from fixed view models and compares
// them with testdata/*.golden (one tag per line, for readable diffs). On a
// mismatch it writes testdata/*.actual; -update rewrites the goldens.
func TestGolden(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 17, 0, 0, 0, london) // a Friday
	page := components.Page{Title: "Alerts", Person: "johnny", Now: now, Live: true, Present: []string{"archie"}, Nav: "alerts"}
	bgp := store.Alert{Source: "core-router", ID: "bgp", Subject: "core1.example.com", Summary: "BGP session to transit down",
		State: store.StateAcknowledged, Level: "urgent", Group: "core", RaisedAt: now.Add(-25 * time.Minute),
		AcknowledgedBy: "johnny", AcknowledgedUntil: now.Add(2 * time.Hour)}
	disk := store.Alert{Source: "web/1", ID: "disk <var>", Subject: `<script>alert("subject")</script>`, Summary: `"/var" is 95% full & <b>rising</b>`,
		State: store.StateRaised, Level: "low", RaisedAt: now.Add(-3 * 24 * time.Hour), SuppressUntil: now.Add(time.Hour)}
	history := []store.Event{
		{Time: now.Add(-25 * time.Minute), Source: "core-router", ID: "bgp", Kind: store.EventRaised, Actor: "core-router", Text: "raised by core-router", State: store.StateRaised},
		{Time: now.Add(-20 * time.Minute), Source: "core-router", ID: "bgp", Kind: store.EventAcknowledged, Actor: "johnny", Text: "acknowledged until 19:00: on it <b>now</b>", State: store.StateAcknowledged},
		{Time: now.Add(-10 * time.Minute), Source: "core-router", ID: "bgp", Kind: store.EventNote, Actor: "archie", Text: "ticket 4711", State: store.StateAcknowledged},
	}
	tests := []struct {
		name string
		c    templ.Component
	}{
		{"login", components.Login(components.Page{Title: "Log in", Now: now}, components.LoginView{Username: "<johnny>", Next: "/history", Error: "wrong name or password"})},
		{"alerts", components.Alerts(page, components.AlertList{
			Filter: components.ListFilter{State: "active", Query: `q"<x>`},
			Levels: []components.LevelGroup{
				{Level: "urgent", Count: 1, Subjects: []components.SubjectGroup{{Subject: bgp.Subject, Alerts: []*store.Alert{&bgp}}}},
				{Level: "low", Count: 1, Subjects: []components.SubjectGroup{{Subject: disk.Subject, Alerts: []*store.Alert{&disk}}}},
			},
			Total:  2,
			Notice: "Acknowledged 1 alert.",
		})},
		{"alerts-empty", components.Alerts(page, components.AlertList{Filter: components.ListFilter{State: "active"}})},
		{"alert", components.Alert(page, components.AlertPage{Alert: bgp, History: history, AckDefault: "1h",
			Detail: templ.Raw("<p>Peer <b>192.0.2.1</b> idle</p>"), Error: "for: bad duration \"2x\"", ErrorAction: "acknowledge",
			Form: components.ActionForm{For: "2x", Mode: "working", Note: "<on it>"}})},
		{"history", components.History(page, components.HistoryPage{Query: components.HistoryQuery{Source: "core-router"}, Events: history, Limit: 500})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.c.Render(context.Background(), &buf); err != nil {
				t.Fatal(err)
			}
			got := strings.ReplaceAll(buf.String(), "><", ">\n<") + "\n"
			path := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./ui/components -update to create it)", err)
			}
			if got != string(want) {
				actual := strings.TrimSuffix(path, ".golden") + ".actual"
				_ = os.WriteFile(actual, []byte(got), 0o644)
				t.Errorf("%s differs from %s: compare with %s, or run with -update if the change is meant", tt.name, path, actual)
			}
		})
	}
}

// TestAge pins the short ages the list shows.
func TestAge(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		ago  time.Duration
		want string
	}{
		{0, "now"}, {4 * time.Second, "now"}, {40 * time.Second, "40s"}, {12 * time.Minute, "12m"},
		{3 * time.Hour, "3h"}, {3*time.Hour + 5*time.Minute, "3h 5m"}, {50 * time.Hour, "2d 2h"}, {48 * time.Hour, "2d"},
	}
	for _, tt := range tests {
		if got := components.Age(now, now.Add(-tt.ago)); got != tt.want {
			t.Errorf("Age(%s ago): got %q, want %q", tt.ago, got, tt.want)
		}
	}
	if got := components.Age(now, time.Time{}); got != "" {
		t.Errorf("Age(zero): got %q, want empty", got)
	}
}

// TestWhen pins how times are written relative to now.
func TestWhen(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, london) // a Wednesday
	tests := []struct {
		t    time.Time
		want string
	}{
		{now.Add(2 * time.Hour), "12:00"},
		{now.Add(-19 * time.Hour), "Tue 15:00"},
		{now.Add(3 * 24 * time.Hour), "Sat 10:00"},
		{time.Date(2026, 1, 2, 15, 4, 0, 0, london), "2 Jan 15:04"},
		{time.Date(2027, 1, 2, 15, 4, 0, 0, london), "2 Jan 2027 15:04"},
		{time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC), "14:00"}, // shown in now's zone (GMT in November)
	}
	for _, tt := range tests {
		if got := components.When(now, tt.t); got != tt.want {
			t.Errorf("When(%s): got %q, want %q", tt.t, got, tt.want)
		}
	}
}

func TestParseSelection(t *testing.T) {
	for _, k := range []store.Key{{Source: "a", ID: "b"}, {Source: "web/1", ID: "disk <var>"}, {Source: "x%2F", ID: "ü/ö?"}} {
		got, ok := components.ParseSelection(components.SelectionValue(k.Source, k.ID))
		if !ok || got != k {
			t.Errorf("round trip of %+v: got %+v, %v", k, got, ok)
		}
	}
	for _, bad := range []string{"", "nosep", "/x", "x/", "%zz/x"} {
		if got, ok := components.ParseSelection(bad); ok {
			t.Errorf("ParseSelection(%q) = %+v, want refused", bad, got)
		}
	}
}
