package term

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/mauve-alert/mauve/store"
)

// Notifier shows a desktop notification; *Desktop satisfies it.
type Notifier interface {
	Notify(summary, body string, urgent bool) error
}

// RunOptions configure Run.
type RunOptions struct {
	Source  Source
	Actions Actions
	Follow  FollowOptions
	// View configures the model (Actions is taken from above).
	View Options
	// In and Out are the terminal.
	In  io.Reader
	Out io.Writer
	// Notifier is told of newly raised alerts; nil: none.
	Notifier Notifier
	// AltScreen draws in the terminal's alternate screen.
	AltScreen bool
}

// Run shows the interactive view until the person quits or ctx ends. It
// returns a fatal error of the follower (a wrong token) after restoring the
// terminal, so the caller can print it.
func Run(ctx context.Context, o RunOptions) error {
	o.View.Actions = o.Actions
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(o.In), tea.WithOutput(o.Out)}
	if o.AltScreen {
		popts = append(popts, tea.WithAltScreen())
	}
	p := tea.NewProgram(NewModel(o.View), popts...)

	fctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var followErr error
	news := newRaised{}
	wg.Go(func() {
		followErr = Follow(fctx, o.Source, o.Follow, func(msg any) {
			if am, ok := msg.(AlertsMsg); ok && o.Notifier != nil {
				for _, n := range news.diff(am.Alerts) {
					_ = o.Notifier.Notify(n.summary, n.body, n.urgent) // best effort: the view shows it anyway
				}
			}
			p.Send(msg)
		})
		if followErr != nil {
			p.Quit()
		}
	})
	wg.Go(func() {
		t := time.NewTicker(15 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-fctx.Done():
				return
			case now := <-t.C:
				p.Send(TickMsg(now))
			}
		}
	})
	_, err := p.Run()
	stop()
	wg.Wait()
	if followErr != nil {
		return followErr
	}
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) && ctx.Err() == nil {
		return fmt.Errorf("terminal: %w", err)
	}
	return nil
}

// newRaised remembers which alerts were raised, to tell of new ones.
type newRaised struct {
	seen  map[string]bool
	ready bool
}

type desktopNote struct {
	summary, body string
	urgent        bool
}

// diff returns the notes for alerts raised since the last list. The first
// list gives one summary note rather than one per alert.
func (n *newRaised) diff(as []Alert) []desktopNote {
	cur := map[string]bool{}
	var fresh []Alert
	for _, a := range as {
		if a.State != "raised" {
			continue
		}
		cur[a.Key()] = true
		if !n.seen[a.Key()] {
			fresh = append(fresh, a)
		}
	}
	first := !n.ready
	n.seen, n.ready = cur, true
	if first {
		if len(fresh) == 0 {
			return nil
		}
		urgent := false
		for _, a := range fresh {
			urgent = urgent || a.Level == store.LevelUrgent
		}
		return []desktopNote{{summary: fmt.Sprintf("mauve: %d alerts raised", len(fresh)), body: fresh[0].Key() + ": " + fresh[0].Summary, urgent: urgent}}
	}
	out := make([]desktopNote, 0, len(fresh))
	for _, a := range fresh {
		out = append(out, desktopNote{
			summary: fmt.Sprintf("mauve %s: %s", a.Level, a.Key()),
			body:    a.Summary,
			urgent:  a.Level == store.LevelUrgent,
		})
	}
	return out
}
