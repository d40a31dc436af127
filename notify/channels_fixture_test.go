package notify_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// Fixtures shared by the SMS, webhook, exec and XMPP channel tests.

// chanT0 is a fixed instant: Wednesday 25 November 2026, 14:00 UTC.
var chanT0 = time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)

// chanPolicy is a policy built in code with the people the channel tests
// address; it does not depend on the config loader.
func chanPolicy(tb testing.TB) *policy.Policy {
	tb.Helper()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		tb.Fatal(err)
	}
	return &policy.Policy{
		Station: policy.Station{Name: "alerts1.example.com", URL: "https://alerts1.example.com", Location: london},
		People: map[string]*policy.Person{
			"johnny": {Name: "johnny", Email: "johnny@example.com", SMS: "+447111222333",
				XMPP: "johnny@localhost", Location: london},
			"nobody": {Name: "nobody"},
		},
	}
}

func chanAlert() store.Alert {
	return store.Alert{
		Source: "core-router", ID: "link-eth0", Subject: "core1.example.com",
		Summary: "eth0 is down", Detail: "<p>Carrier lost at 13:55.</p>",
		State: store.StateRaised, RaisedAt: chanT0.Add(-5 * time.Minute), Group: "core-routers", Level: "urgent",
	}
}

// chanMessage renders a notification of alert a for person as the worker
// would, with note as its suppression note.
func chanMessage(tb testing.TB, person string, ev store.EventKind, a store.Alert, note string) notify.Message {
	tb.Helper()
	n := store.Notification{
		ID: 7, Source: a.Source, AlertID: a.ID, Person: person, Event: ev, Level: a.Level,
		Channels: []string{"sms.twilio", "email"}, Alert: a, Created: chanT0,
	}
	return notify.NewRenderer().Render(chanPolicy(tb), n, "", note, chanT0)
}

// logBuffer is a slog logger at debug level whose output the test reads,
// to check that no secret is ever logged.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func newLogBuffer() (*logBuffer, *slog.Logger) {
	l := &logBuffer{}
	return l, slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// checkNoSecret fails the test if any secret appears in text.
func checkNoSecret(t *testing.T, where, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s contains the secret %q: %s", where, s, text)
		}
	}
}
