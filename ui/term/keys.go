package term

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/mauve-alert/mauve/policy"
)

// actionTimeout bounds one acknowledge or unacknowledge request.
const actionTimeout = 15 * time.Second

func (m Model) key(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if k.Type == tea.KeyCtrlC {
		m.quit = true
		return m, tea.Quit
	}
	switch m.mode {
	case modeList:
		return m.listKey(k)
	case modeFilter:
		return m.filterKey(k)
	case modeAckFor, modeAckNote:
		return m.ackInputKey(k)
	case modeAckConfirm, modeUnackConfirm:
		return m.confirmKey(k)
	}
	return m, nil
}

func (m Model) listKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch k.String() {
	case "q":
		m.quit = true
		return m, tea.Quit
	case "up", "k":
		m.move(-1)
	case "down", "j":
		m.move(1)
	case "/":
		m.mode = modeFilter
		m.input = line{text: m.filter}
	case "esc":
		m.filter = ""
		m.setAlerts(m.alerts)
	case "a":
		if a, ok := m.actionTarget("raised", "not raised: nothing to acknowledge"); ok {
			m.target, m.mode, m.input, m.status = a, modeAckFor, line{}, ""
		}
	case "u":
		if a, ok := m.actionTarget("acknowledged", "not acknowledged"); ok {
			m.target, m.mode, m.status = a, modeUnackConfirm, ""
		}
	case "o":
		a, ok := m.find(m.selected)
		if !ok || m.open == nil || m.station == "" {
			m.status = "nothing to open (no alert selected or no station URL)"
			break
		}
		u := AlertURL(m.station, a)
		if err := m.open(u); err != nil {
			m.status = fmt.Sprintf("open %s: %v", u, err)
		} else {
			m.status = "opened " + u
		}
	}
	return m, nil
}

// actionTarget returns the selected alert when an action needing state
// may start on it; otherwise it says why not in the status line.
func (m *Model) actionTarget(state, notThere string) (Alert, bool) {
	a, ok := m.find(m.selected)
	switch {
	case !ok:
		m.status = "no alert selected"
	case m.pending:
		m.status = "wait: the last action has not finished"
	case a.State != state:
		m.status = fmt.Sprintf("%s is %s, %s", a.Key(), a.State, notThere)
	default:
		return a, true
	}
	return Alert{}, false
}

func (m *Model) move(d int) {
	v := m.view()
	if len(v) == 0 {
		return
	}
	i := 0
	for j, a := range v {
		if a.Key() == m.selected {
			i = j
		}
	}
	i = max(0, min(len(v)-1, i+d))
	m.selected = v[i].Key()
}

func (m Model) filterKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch k.Type {
	case tea.KeyEnter:
		m.filter, m.mode = strings.TrimSpace(m.input.text), modeList
		m.setAlerts(m.alerts)
	case tea.KeyEsc:
		m.filter, m.mode = "", modeList
		m.setAlerts(m.alerts)
	default:
		m.input.edit(k)
	}
	return m, nil
}

func (m Model) ackInputKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch k.Type {
	case tea.KeyEsc:
		m.mode, m.status = modeList, "acknowledgement cancelled"
	case tea.KeyEnter:
		if m.mode == modeAckFor {
			d := strings.TrimSpace(m.input.text)
			if d != "" {
				if err := checkFor(d); err != nil {
					m.status = err.Error()
					return m, nil
				}
			}
			m.ackFor, m.mode, m.input, m.status = d, modeAckNote, line{}, ""
			return m, nil
		}
		m.mode, m.status = modeAckConfirm, ""
	default:
		m.input.edit(k)
	}
	return m, nil
}

func (m Model) confirmKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if k.String() != "y" && k.String() != "Y" {
		m.mode, m.status = modeList, "cancelled: nothing was changed"
		return m, nil
	}
	a, what := m.target, ""
	var do func(ctx context.Context) error
	if m.mode == modeAckConfirm {
		what = "acknowledge " + a.Key()
		forDur, note := m.ackFor, strings.TrimSpace(m.input.text)
		do = func(ctx context.Context) error { return m.actions.Acknowledge(ctx, a.Source, a.ID, forDur, note) }
	} else {
		what = "unacknowledge " + a.Key()
		do = func(ctx context.Context) error { return m.actions.Unacknowledge(ctx, a.Source, a.ID, "") }
	}
	m.mode, m.pending, m.status = modeList, true, what+"…"
	if m.actions == nil {
		m.pending, m.status = false, what+" failed: not connected to a station"
		return m, nil
	}
	return m, func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), actionTimeout)
		defer cancel()
		return doneMsg{what: what, err: do(ctx)}
	}
}

// line is a one-line text editor for prompts.
type line struct{ text string }

func (l *line) edit(k tea.KeyMsg) {
	switch k.Type {
	case tea.KeyBackspace:
		if l.text != "" {
			_, n := utf8.DecodeLastRuneInString(l.text)
			l.text = l.text[:len(l.text)-n]
		}
	case tea.KeyCtrlU:
		l.text = ""
	case tea.KeySpace:
		l.text += " "
	case tea.KeyRunes:
		if len(l.text) < 1024 {
			l.text += string(k.Runes)
		}
	}
}

// checkFor refuses, before anything is sent, a duration the station
// would refuse: the one grammar (policy.ParseFor), and more than zero, as
// the client acknowledges in wallclock hours.
func checkFor(s string) error {
	d, err := policy.ParseFor(s)
	if err != nil {
		return err
	}
	if d <= 0 {
		return fmt.Errorf("%q: an acknowledgement must last longer than zero", s)
	}
	return nil
}
