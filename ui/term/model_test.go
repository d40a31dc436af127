package term_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/mauve-alert/mauve/ui/term"
)

// actionLog records what the view asked of the station.
type actionLog struct {
	mu    sync.Mutex
	calls []string
	err   error
}

func (l *actionLog) Acknowledge(_ context.Context, source, id, forDur, note string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, fmt.Sprintf("ack %s/%s for=%q note=%q", source, id, forDur, note))
	return l.err
}

func (l *actionLog) Unacknowledge(_ context.Context, source, id, note string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, fmt.Sprintf("unack %s/%s", source, id))
	return l.err
}

var t0 = time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)

func sample() []term.Alert {
	return []term.Alert{
		{Source: "web1", ID: "disk", Summary: "disk 91% full", Level: "low", State: "raised", RaisedAt: t0.Add(-3 * time.Hour)},
		{Source: "core-router", ID: "bgp", Summary: "BGP session down", Level: "urgent", State: "raised", RaisedAt: t0.Add(-12 * time.Minute)},
		{Source: "db1", ID: "repl", Summary: "replication lag", Level: "normal", State: "acknowledged", AcknowledgedBy: "archie", RaisedAt: t0.Add(-time.Hour)},
		{Source: "old", ID: "gone", Summary: "cleared one", Level: "urgent", State: "cleared"},
	}
}

// drive feeds messages to the model, running each command it returns
// (as the bubbletea runtime would) and feeding back the result.
func drive(t *testing.T, m tea.Model, msgs ...tea.Msg) tea.Model {
	t.Helper()
	for _, msg := range msgs {
		var cmd tea.Cmd
		m, cmd = m.Update(msg)
		for cmd != nil {
			out := cmd()
			if _, quit := out.(tea.QuitMsg); quit || out == nil {
				break
			}
			m, cmd = m.Update(out)
		}
	}
	return m
}

func keys(s string) []tea.Msg {
	var out []tea.Msg
	for _, r := range s {
		switch r {
		case '\n':
			out = append(out, tea.KeyMsg{Type: tea.KeyEnter})
		case '\x1b':
			out = append(out, tea.KeyMsg{Type: tea.KeyEsc})
		case ' ':
			out = append(out, tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
		default:
			out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
	}
	return out
}

func start(t *testing.T, log *actionLog) tea.Model {
	t.Helper()
	m := term.NewModel(term.Options{Actions: log, StationURL: "http://st", Title: "test"})
	return drive(t, m, tea.WindowSizeMsg{Width: 100, Height: 20}, term.ConnMsg{Connected: true}, term.AlertsMsg{Alerts: sample(), At: t0})
}

func TestModel_GroupsByLevel(t *testing.T) {
	m := start(t, &actionLog{})
	got := m.View()
	iu, in, il := strings.Index(got, "URGENT (1)"), strings.Index(got, "NORMAL (1)"), strings.Index(got, "LOW (1)")
	if iu < 0 || in < 0 || il < 0 || !(iu < in && in < il) {
		t.Fatalf("levels not grouped urgent, normal, low in:\n%s", got)
	}
	if strings.Contains(got, "cleared one") {
		t.Errorf("a cleared alert is shown:\n%s", got)
	}
	if !strings.Contains(got, "> RAISED  core-router/bgp  BGP session down 12m") {
		t.Errorf("the urgent alert is not selected first with its age:\n%s", got)
	}
	if !strings.Contains(got, "ACK archie") {
		t.Errorf("the acknowledgement is not shown:\n%s", got)
	}
}

func TestModel_Acknowledge(t *testing.T) {
	tests := []struct {
		name  string
		keys  string
		calls []string
	}{
		{"duration and note, confirmed", "a2h\non it\ny", []string{`ack core-router/bgp for="2h" note="on it"`}},
		{"group default, no note", "a\n\ny", []string{`ack core-router/bgp for="" note=""`}},
		{"not confirmed", "a2h\non it\nn", nil},
		{"enter does not confirm", "a\n\n\n", nil},
		{"escape at the duration", "a\x1by", nil},
		{"escape at the note", "a1h\nx\x1by", nil},
		{"bad duration is refused", "a2 hours\ny", nil},
		{"acknowledged alert cannot be acknowledged", "jay", nil},
		{"unacknowledge confirmed", "ju" + "y", []string{"unack db1/repl"}},
		{"unacknowledge of a raised alert refused", "uy", nil},
		{"quit", "q", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := &actionLog{}
			m := drive(t, start(t, log), keys(tt.keys)...)
			if got, want := strings.Join(log.calls, "; "), strings.Join(tt.calls, "; "); got != want {
				t.Errorf("got calls %q, want %q\nscreen:\n%s", got, want, m.View())
			}
		})
	}
}

func TestModel_AcknowledgeShowsConfirmationAndResult(t *testing.T) {
	log := &actionLog{}
	m := drive(t, start(t, log), keys("a30m\nsee ticket 42\n")...)
	if got := m.View(); !strings.Contains(got, `ACKNOWLEDGE core-router/bgp for 30m with note "see ticket 42"? y to confirm`) {
		t.Fatalf("no confirmation line:\n%s", got)
	}
	m = drive(t, m, keys("y")...)
	if got := m.(term.Model).Status(); got != "acknowledge core-router/bgp done" {
		t.Errorf("got status %q, want done", got)
	}
	log.err = errors.New("403 forbidden")
	m = drive(t, m, keys("a\n\ny")...)
	if got := m.(term.Model).Status(); !strings.Contains(got, "failed: 403 forbidden") {
		t.Errorf("got status %q, want the failure", got)
	}
}

// A list that changes under the prompt must not redirect the acknowledgement.
func TestModel_PromptPinsAlert(t *testing.T) {
	log := &actionLog{}
	m := drive(t, start(t, log), keys("a1h\n")...)
	newer := append(sample(), term.Alert{Source: "edge", ID: "fire", Level: "urgent", State: "raised", RaisedAt: t0})
	m = drive(t, m, term.AlertsMsg{Alerts: newer, At: t0})
	m = drive(t, m, keys("\ny")...)
	if got, want := strings.Join(log.calls, ";"), `ack core-router/bgp for="1h" note=""`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}

	// Someone else acknowledged it meanwhile: the prompt is cancelled.
	log.calls = nil
	m = drive(t, m, term.AlertsMsg{Alerts: sample(), At: t0}) // back to raised
	m = drive(t, m, keys("a1h\n")...)
	acked := sample()
	acked[1].State, acked[1].AcknowledgedBy = "acknowledged", "archie"
	m = drive(t, m, term.AlertsMsg{Alerts: acked, At: t0})
	m = drive(t, m, keys("\ny")...)
	if len(log.calls) != 0 {
		t.Errorf("got %q after the alert changed under the prompt, want nothing sent", log.calls)
	}
	if got := m.(term.Model).Status(); !strings.Contains(got, "cancelled: core-router/bgp changed") {
		t.Errorf("got status %q", got)
	}
}

func TestModel_Filter(t *testing.T) {
	m := drive(t, start(t, &actionLog{}), keys("/disk\n")...)
	got := m.View()
	if !strings.Contains(got, "web1/disk") || strings.Contains(got, "core-router/bgp") {
		t.Errorf("filter did not narrow the list:\n%s", got)
	}
	m = drive(t, m, keys("\x1b")...)
	if got := m.View(); !strings.Contains(got, "core-router/bgp") {
		t.Errorf("esc did not clear the filter:\n%s", got)
	}
}

func TestModel_Open(t *testing.T) {
	var opened []string
	m := term.NewModel(term.Options{StationURL: "http://st/", Open: func(u string) error { opened = append(opened, u); return nil }})
	drive(t, m, term.AlertsMsg{Alerts: []term.Alert{{Source: "a b", ID: "x/y", Level: "low", State: "raised"}}}, keys("o")[0])
	if want := "http://st/alerts/a%20b/x%2Fy"; len(opened) != 1 || opened[0] != want {
		t.Errorf("got %q, want [%q]", opened, want)
	}
}

func TestModel_Banners(t *testing.T) {
	m := drive(t, start(t, &actionLog{}), term.ConnMsg{Err: errors.New("connection refused"), RetryIn: 4 * time.Second})
	if got := m.View(); !strings.Contains(got, "DISCONNECTED (retrying in 4s): connection refused") {
		t.Errorf("no disconnection banner:\n%s", got)
	}
	m = drive(t, m, tea.WindowSizeMsg{Width: 30, Height: 5})
	if got, want := m.View(), "terminal too small (30x5): mauve client needs at least 40x8\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// Keys still work in a small terminal, and still need confirming.
	log := &actionLog{}
	m = drive(t, start(t, log), tea.WindowSizeMsg{Width: 30, Height: 5})
	drive(t, m, keys("a\n\n\n")...)
	if len(log.calls) != 0 {
		t.Errorf("got %q, want nothing sent", log.calls)
	}
}
