package term

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/mauve-alert/mauve/store"
)

// Smallest terminal the view draws in.
const (
	MinWidth  = 40
	MinHeight = 8
)

// TickMsg moves the view's clock on, for the ages it shows.
type TickMsg time.Time

// View implements tea.Model.
func (m Model) View() string {
	if m.width < MinWidth || m.height < MinHeight {
		return fmt.Sprintf("terminal too small (%dx%d): mauve client needs at least %dx%d\n", m.width, m.height, MinWidth, MinHeight)
	}
	var head, foot []string
	title := "mauve client"
	if m.title != "" {
		title += " · " + m.title
	}
	v := m.view()
	head = append(head, fmt.Sprintf("%s · %d shown", title, len(v)))
	if m.present && m.conn.Connected {
		head = append(head, "your email/SMS/XMPP waits while this runs; urgent alerts go out if left unacknowledged")
	}
	if !m.conn.Connected {
		if m.conn.Err != nil {
			// The retry comes first: a long error is cut at the screen's
			// edge, and when it comes back matters more than why it went.
			msg := "!! DISCONNECTED"
			if m.conn.RetryIn > 0 {
				msg += fmt.Sprintf(" (retrying in %s)", m.conn.RetryIn.Round(time.Second))
			}
			msg += fmt.Sprintf(": %v", m.conn.Err)
			head = append(head, msg, "!! the alerts below may be out of date")
		} else {
			head = append(head, "connecting…")
		}
	}
	if m.filter != "" {
		head = append(head, fmt.Sprintf("filter: %q (/ to change, esc to clear)", m.filter))
	}
	foot = append(foot, m.promptLine())
	foot = append(foot, m.helpLine())

	body, sel := m.bodyLines(v)
	rows := max(1, m.height-len(head)-len(foot))
	off := 0
	if sel >= rows {
		off = sel - rows + 1
	}
	end := min(len(body), off+rows)
	body = body[off:end]
	for len(body) < rows {
		body = append(body, "")
	}
	all := append(append(head, body...), foot...)
	for i, l := range all {
		// Every line holds text from the station or its errors: nothing
		// in it may reach the terminal as a control sequence.
		all[i] = ansi.Truncate(Printable(l), m.width, "…")
	}
	return strings.Join(all, "\n")
}

// bodyLines renders the alerts grouped by level, and says which line is
// the selected alert's.
func (m Model) bodyLines(v []Alert) (lines []string, sel int) {
	if len(v) == 0 {
		if m.filter != "" {
			return []string{"", "  no alerts match the filter"}, 0
		}
		return []string{"", "  nothing raised: all quiet"}, 0
	}
	var level store.Level
	for _, a := range v {
		if a.Level != level {
			level = a.Level
			n := 0
			for _, b := range v {
				if b.Level == level {
					n++
				}
			}
			name := strings.ToUpper(string(level))
			if name == "" {
				name = "UNKNOWN LEVEL"
			}
			lines = append(lines, fmt.Sprintf("%s (%d)", name, n))
		}
		cursor := "  "
		if a.Key() == m.selected {
			cursor, sel = "> ", len(lines)
		}
		lines = append(lines, cursor+m.alertLine(a))
	}
	return lines, sel
}

func (m Model) alertLine(a Alert) string {
	text := a.Summary
	if a.Subject != "" && a.Subject != a.Source {
		text = a.Subject + ": " + a.Summary
	}
	state := "RAISED"
	if a.State == "acknowledged" {
		state = "ACK " + a.AcknowledgedBy
		if !a.AcknowledgedUntil.IsZero() {
			state += " until " + a.AcknowledgedUntil.Local().Format("Jan 2 15:04")
		}
	}
	age := ""
	if !a.RaisedAt.IsZero() && !m.updated.IsZero() {
		age = " " + Age(m.updated.Sub(a.RaisedAt))
	}
	return fmt.Sprintf("%-7s %s  %s%s", state, a.Key(), text, age)
}

// Age is a short human age: 45s, 12m, 3h, 2d.
func Age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(0, int(d.Seconds())))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

func (m Model) promptLine() string {
	t := m.target.Key()
	switch m.mode {
	case modeFilter:
		return "filter: " + m.input.text + "▏"
	case modeAckFor:
		def := "the group's time"
		if m.target.AckDefault > 0 {
			def = m.target.AckDefault.String()
		}
		return fmt.Sprintf("acknowledge %s for how long? (enter for %s, esc cancels): %s▏", t, def, m.input.text)
	case modeAckNote:
		return fmt.Sprintf("note for %s (optional, esc cancels): %s▏", t, m.input.text)
	case modeAckConfirm:
		dur := m.ackFor
		if dur == "" {
			dur = "the group's time"
		}
		note := ""
		if n := strings.TrimSpace(m.input.text); n != "" {
			note = fmt.Sprintf(" with note %q", n)
		}
		return fmt.Sprintf("ACKNOWLEDGE %s for %s%s? y to confirm, any other key cancels", t, dur, note)
	case modeUnackConfirm:
		return fmt.Sprintf("UNACKNOWLEDGE %s? y to confirm, any other key cancels", t)
	}
	return m.status
}

func (m Model) helpLine() string {
	if m.mode != modeList {
		return ""
	}
	return "↑/↓ select · a acknowledge · u unacknowledge · o open in browser · / filter · q quit"
}
