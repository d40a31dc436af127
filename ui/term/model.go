package term

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/mauve-alert/mauve/store"
)

// Alert is what the client shows of one alert.
type Alert struct {
	Source            string      `json:"source"`
	ID                string      `json:"id"`
	Subject           string      `json:"subject"`
	Summary           string      `json:"summary"`
	Level             store.Level `json:"level"`
	State             string      `json:"state"` // raised, acknowledged, cleared
	RaisedAt          time.Time   `json:"raised_at,omitzero"`
	AcknowledgedBy    string      `json:"acknowledged_by,omitempty"`
	AcknowledgedUntil time.Time   `json:"acknowledged_until,omitzero"`
	// AckDefault is the group's acknowledgement time, offered by default;
	// zero when the station did not say.
	AckDefault time.Duration `json:"-"`
}

// Key returns "source/id".
func (a Alert) Key() string { return a.Source + "/" + a.ID }

// Actions are what the view asks of the station. ui.Client satisfies it
// through an adapter; for is a duration like "2h" ("" means the group's
// default).
type Actions interface {
	Acknowledge(ctx context.Context, source, id, forDur, note string) error
	Unacknowledge(ctx context.Context, source, id, note string) error
}

// Messages the model accepts besides keys and window sizes.
type (
	// AlertsMsg replaces the alerts shown.
	AlertsMsg struct {
		Alerts []Alert
		At     time.Time
	}
	// ConnMsg reports the connection to the station: connected, or lost
	// with the error and when the next attempt is.
	ConnMsg struct {
		Connected bool
		Err       error
		RetryIn   time.Duration
	}
	// doneMsg is the answer to an action.
	doneMsg struct {
		what string
		err  error
	}
)

type mode int

const (
	modeList mode = iota
	modeFilter
	modeAckFor
	modeAckNote
	modeAckConfirm
	modeUnackConfirm
)

// Model is the interactive view. Build it with NewModel.
type Model struct {
	actions Actions
	open    func(url string) error
	station string // base URL of the web UI, no trailing slash
	title   string
	present bool

	alerts   []Alert
	filter   string
	selected string // key of the selected alert
	conn     ConnMsg
	updated  time.Time
	width    int
	height   int

	mode    mode
	input   line
	target  Alert // pinned by "a" or "u"
	ackFor  string
	status  string
	pending bool
	quit    bool
}

// Options configure NewModel.
type Options struct {
	Actions Actions
	// Open opens a URL in a browser; nil means the "o" key is unavailable.
	Open func(url string) error
	// StationURL is the base URL of the station's web UI.
	StationURL string
	// Title is shown on the first line (the station, the person).
	Title string
	// Present says the station holds the person's email/SMS/XMPP while
	// this client runs; the view says so.
	Present bool
}

// NewModel returns the view with no alerts, waiting for the first
// AlertsMsg.
func NewModel(o Options) Model {
	return Model{
		actions: o.Actions,
		open:    o.Open,
		station: strings.TrimRight(o.StationURL, "/"),
		title:   o.Title,
		present: o.Present,
		width:   80,
		height:  24,
	}
}

// Init implements tea.Model.
func (m Model) Init() tea.Cmd { return nil }

// Quitting reports whether the model asked to quit.
func (m Model) Quitting() bool { return m.quit }

// Status is the last message shown on the status line.
func (m Model) Status() string { return m.status }

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case AlertsMsg:
		m.setAlerts(msg.Alerts)
		m.updated = msg.At
	case ConnMsg:
		m.conn = msg
	case TickMsg:
		m.updated = time.Time(msg)
	case doneMsg:
		m.pending = false
		if msg.err != nil {
			m.status = fmt.Sprintf("%s failed: %v", msg.what, msg.err)
		} else {
			m.status = msg.what + " done"
		}
	case tea.KeyMsg:
		return m.key(msg)
	}
	return m, nil
}

// setAlerts replaces the alerts, keeps the selection on the same alert
// when it is still there, and cancels a prompt whose alert changed state.
func (m *Model) setAlerts(as []Alert) {
	m.alerts = slices.Clone(as)
	sortAlerts(m.alerts)
	if m.mode >= modeAckFor {
		cur, ok := m.find(m.target.Key())
		if !ok || cur.State != m.target.State {
			m.mode = modeList
			m.status = fmt.Sprintf("cancelled: %s changed (now %s)", m.target.Key(), stateOf(cur, ok))
		}
	}
	if _, ok := m.find(m.selected); !ok || !m.visible(m.selected) {
		m.selected = ""
		if v := m.view(); len(v) > 0 {
			m.selected = v[0].Key()
		}
	}
}

func stateOf(a Alert, ok bool) string {
	if !ok {
		return "gone"
	}
	return a.State
}

func (m Model) find(key string) (Alert, bool) {
	for _, a := range m.alerts {
		if a.Key() == key {
			return a, true
		}
	}
	return Alert{}, false
}

func (m Model) visible(key string) bool {
	return slices.ContainsFunc(m.view(), func(a Alert) bool { return a.Key() == key })
}

// view returns the alerts shown: not cleared, matching the filter, in
// display order (by level, then newest first).
func (m Model) view() []Alert {
	var out []Alert
	f := strings.ToLower(m.filter)
	for _, a := range m.alerts {
		if a.State == "cleared" {
			continue
		}
		if f != "" && !strings.Contains(strings.ToLower(a.Key()+" "+a.Subject+" "+a.Summary), f) {
			continue
		}
		out = append(out, a)
	}
	return out
}

func sortAlerts(as []Alert) {
	slices.SortStableFunc(as, func(a, b Alert) int {
		if d := a.Level.Rank() - b.Level.Rank(); d != 0 {
			return d
		}
		if c := b.RaisedAt.Compare(a.RaisedAt); c != 0 {
			return c
		}
		return strings.Compare(a.Key(), b.Key())
	})
}

// AlertURL is the web UI page of an alert.
func AlertURL(station string, a Alert) string {
	return strings.TrimRight(station, "/") + "/alerts/" + url.PathEscape(a.Source) + "/" + url.PathEscape(a.ID)
}
