package term

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mauve-alert/mauve/store"
)

// PrintOnce writes the alerts that are not cleared as a table, most urgent
// first, for `mauve client --once`.
func PrintOnce(w io.Writer, as []Alert, now time.Time) error {
	as = slices.Clone(as)
	sortAlerts(as)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LEVEL\tSTATE\tALERT\tAGE\tSUMMARY")
	n := 0
	for _, a := range as {
		if a.State == "cleared" {
			continue
		}
		n++
		state := a.State
		if a.State == "acknowledged" && a.AcknowledgedBy != "" {
			state += " by " + a.AcknowledgedBy
		}
		age := "-"
		if !a.RaisedAt.IsZero() {
			age = Age(now.Sub(a.RaisedAt))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", Printable(string(a.Level)), Printable(state), Printable(a.Key()), age, oneLine(a.Summary))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if n == 0 {
		_, err := fmt.Fprintln(w, "nothing raised")
		return err
	}
	return nil
}

// oneLine is s printable on one line, white space runs made one space.
func oneLine(s string) string { return strings.Join(strings.Fields(Printable(s)), " ") }

// Status is one line of `mauve client --json`: waybar's custom-module
// fields (text, tooltip, class) and the alerts themselves.
type Status struct {
	Time         time.Time `json:"time"`
	Connected    bool      `json:"connected"`
	Error        string    `json:"error,omitempty"`
	Text         string    `json:"text"`
	Tooltip      string    `json:"tooltip"`
	Class        string    `json:"class"` // urgent, normal, low, ok or disconnected
	Raised       int       `json:"raised"`
	Acknowledged int       `json:"acknowledged"`
	Alerts       []Alert   `json:"alerts"`
}

// StatusOf summarises alerts for a status bar.
func StatusOf(as []Alert, now time.Time) Status {
	st := Status{Time: now.UTC(), Connected: true, Class: "ok", Alerts: []Alert{}}
	count := map[store.Level]int{}
	var tips []string
	as = slices.Clone(as)
	sortAlerts(as)
	for _, a := range as {
		switch a.State {
		case "raised":
			st.Raised++
			count[a.Level]++
			if st.Class == "ok" || a.Level.MoreUrgent(store.Level(st.Class)) {
				st.Class = string(a.Level)
			}
		case "acknowledged":
			st.Acknowledged++
		default:
			continue
		}
		st.Alerts = append(st.Alerts, a)
		tips = append(tips, Printable(fmt.Sprintf("%s %s %s: %s", a.Level, a.State, a.Key(), oneLine(a.Summary))))
	}
	var parts []string
	for _, l := range store.Levels() {
		if count[l] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", count[l], l))
		}
	}
	st.Text = "mauve: ok"
	if len(parts) > 0 {
		st.Text = "mauve: " + strings.Join(parts, ", ")
	}
	st.Tooltip = strings.Join(tips, "\n")
	return st
}

// StreamJSON follows src and writes one Status per change as a line of
// JSON, until ctx ends or a fatal error.
func StreamJSON(ctx context.Context, w io.Writer, src Source, o FollowOptions) error {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	enc := json.NewEncoder(w)
	var last []Alert
	var werr error
	err := Follow(ctx, src, o, func(msg any) {
		var st Status
		switch msg := msg.(type) {
		case AlertsMsg:
			last = msg.Alerts
			st = StatusOf(last, msg.At)
		case ConnMsg:
			if msg.Connected {
				return // the list follows at once
			}
			st = StatusOf(last, now())
			st.Connected, st.Class, st.Error = false, "disconnected", msg.Err.Error()
			st.Text = fmt.Sprintf("mauve: disconnected, retrying in %s", msg.RetryIn.Round(time.Second))
		default:
			return
		}
		if werr == nil {
			if werr = enc.Encode(st); werr != nil {
				cancel() // nobody reads us any more
			}
		}
	})
	if werr != nil {
		return fmt.Errorf("write status: %w", werr)
	}
	return err
}
