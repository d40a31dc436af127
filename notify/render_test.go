package notify_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// testPolicy is a small policy built in code, so these tests do not depend
// on the config loader.
func testPolicy(tb testing.TB, smtpAddr string) *policy.Policy {
	tb.Helper()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		tb.Fatal(err)
	}
	return &policy.Policy{
		Station: policy.Station{Name: "alerts1.example.com", URL: "https://alerts1.example.com", Location: london},
		Email: &policy.Email{
			From: "mauve@example.com", Server: smtpAddr, TLS: "none", SubjectPrefix: "[mauve]",
		},
		People: map[string]*policy.Person{
			"johnny": {Name: "johnny", Email: "johnny@example.com", Location: london,
				Channels: map[policy.Level][]string{policy.Urgent: {"email", "log"}}},
			"archie": {Name: "archie", Email: "archie@example.com",
				Channels: map[policy.Level][]string{policy.Urgent: {"email"}}},
			"rejected": {Name: "rejected", Email: "reject-me@example.com",
				Channels: map[policy.Level][]string{policy.Urgent: {"email", "log"}}},
			"nomail": {Name: "nomail", Channels: map[policy.Level][]string{policy.Urgent: {"email", "log"}}},
		},
	}
}

// t0 is a fixed instant: Wednesday 25 November 2026, 14:00 in London.
var t0 = time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)

func testAlert() store.Alert {
	return store.Alert{
		Source: "core-router", ID: "link-eth0", Subject: "core1.example.com",
		Summary: "eth0 is down", Detail: "<p>Carrier lost at 13:55.</p><ul><li>peer: edge2</li><li>errors: 14</li></ul>",
		State: store.StateRaised, RaisedAt: t0.Add(-5 * time.Minute), Group: "core-routers", Level: "urgent",
	}
}

func notification(id uint64, ev store.EventKind, a store.Alert, person string) store.Notification {
	return store.Notification{
		ID: id, Source: a.Source, AlertID: a.ID, Person: person, Event: ev, Level: a.Level,
		Channels: []string{"email", "log"}, Alert: a, Created: t0,
	}
}

type renderCase struct {
	name  string
	event store.EventKind
	alert func(a *store.Alert)
	note  string
}

func renderCases() []renderCase {
	return []renderCase{
		{name: "raised", event: store.EventRaised, alert: func(a *store.Alert) { a.RaisedAt = t0 }},
		{name: "reminder", event: store.EventReminder},
		{name: "acknowledged", event: store.EventAcknowledged, alert: func(a *store.Alert) {
			a.State, a.AcknowledgedBy = store.StateAcknowledged, "johnny"
			a.AcknowledgedAt, a.AcknowledgedUntil = t0, t0.Add(time.Hour)
		}},
		{name: "acknowledged-until-tomorrow", event: store.EventAcknowledged, alert: func(a *store.Alert) {
			a.State, a.AcknowledgedBy = store.StateAcknowledged, "archie"
			a.AcknowledgedAt, a.AcknowledgedUntil = t0, t0.Add(20*time.Hour)
		}},
		{name: "re-raised", event: store.EventReRaised},
		{name: "cleared", event: store.EventCleared, alert: func(a *store.Alert) {
			a.State, a.RaisedAt, a.ClearedAt = store.StateCleared, time.Time{}, t0
		}},
		{name: "suppression-starts", event: store.EventRaised, note: "Further alerts suppressed until things calm down."},
		{name: "no-summary-no-subject", event: store.EventRaised, alert: func(a *store.Alert) {
			a.Subject, a.Summary, a.Detail = "", "", ""
		}},
		{name: "hostile-detail", event: store.EventRaised, alert: func(a *store.Alert) {
			a.Summary = "line one\r\nBcc: victim@example.com"
			// As the store holds it: sanitized once, on receipt.
			a.Detail = store.SanitizeDetail(`<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:evil()">click</a> <b>bold</b> &amp; fine`)
			a.ID = "odd id/with <stuff>"
		}},
	}
}

func TestRender_Golden(t *testing.T) {
	p := testPolicy(t, "127.0.0.1:25")
	r := notify.NewRenderer()
	for i, c := range renderCases() {
		t.Run(c.name, func(t *testing.T) {
			a := testAlert()
			if c.alert != nil {
				c.alert(&a)
			}
			m := r.Render(p, notification(uint64(100+i), c.event, a, "johnny"), "", c.note, t0)
			got := "Subject: " + m.Subject + "\nShort: " + m.Short + "\nURL: " + m.URL +
				"\n\n--- text ---\n" + m.Text + "\n--- html ---\n" + m.HTML
			checkGolden(t, filepath.Join("testdata", "render", c.name+".golden"), got)
		})
	}
}

// TestRender_NoHTMLEscapesIntoHeadersOrText: hostile detail received by a
// real store, which sanitizes it once, reaches no mail body executable.
func TestRender_NoHTMLEscapesIntoHeadersOrText(t *testing.T) {
	p := testPolicy(t, "127.0.0.1:25")
	s, err := store.Open(filepath.Join(t.TempDir(), "mauve.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	up := wire.Update{Source: "core-router", Alerts: []wire.Alert{{ID: "link-eth0", RaiseTime: t0, Summary: "down",
		Detail: `<script>alert(1)</script><b onclick="x()">bold</b>`}}}
	if err := s.Apply(context.Background(), []store.Received{{Update: up, ReceivedAt: t0}}); err != nil {
		t.Fatal(err)
	}
	stored, err := s.Get(store.Key{Source: "core-router", ID: "link-eth0"})
	if err != nil {
		t.Fatal(err)
	}
	a := testAlert()
	a.Summary = "line one\r\nBcc: victim@example.com"
	a.Detail = stored.Detail
	m := notify.NewRenderer().Render(p, notification(1, store.EventRaised, a, "johnny"), "", "", t0)
	for _, bad := range []string{"\r", "\n"} {
		if strings.Contains(m.Subject, bad) {
			t.Errorf("subject %q contains %q", m.Subject, bad)
		}
	}
	for _, bad := range []string{"<script", "onclick", "alert(1)"} {
		if strings.Contains(m.HTML, bad) || strings.Contains(m.Text, bad) {
			t.Errorf("rendered bodies contain %q:\n%s\n%s", bad, m.Text, m.HTML)
		}
	}
}

// checkGolden compares got with the golden file, rewriting it under -update
// and leaving got beside it as .actual on a mismatch.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if string(want) != got {
		_ = os.WriteFile(path+".actual", []byte(got), 0o644)
		t.Errorf("%s differs from what was rendered (see %s.actual; -update to accept):\ngot:\n%s", path, path, got)
	}
}

func BenchmarkRender(b *testing.B) {
	p := testPolicy(b, "127.0.0.1:25")
	r := notify.NewRenderer()
	n := notification(1, store.EventRaised, testAlert(), "johnny")
	for b.Loop() {
		r.Render(p, n, "", "", t0)
	}
}
