package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui/term"
	"github.com/mauve-alert/mauve/wire"
)

// TestDurations_OneGrammarEverywhere feeds the same inputs through every
// place a person gives a duration — the web form and the JSON API (to
// acknowledge and to suppress), `mauve ack` (ui.Client, which it calls
// with --for as typed), the terminal client and the config — and expects
// the same answer from each: one grammar, policy.ParseFor's (policy's
// ParseDuration, plus a bare number of hours where a person types how
// long; the config alone wants a unit).
func TestDurations_OneGrammarEverywhere(t *testing.T) {
	st := newPagesStation(t)
	now := st.Now()
	browser := st.login()
	tok, err := st.store.CreateToken("johnny", "durations", now)
	if err != nil {
		t.Fatal(err)
	}
	client, err := NewClient(st.web.URL, tok)
	if err != nil {
		t.Fatal(err)
	}
	acked := func(k store.Key) (time.Duration, bool) {
		a, err := st.store.Get(k)
		if err != nil {
			t.Fatal(err)
		}
		return a.AcknowledgedUntil.Sub(now), a.State == store.StateAcknowledged
	}
	suppressed := func(k store.Key) (time.Duration, bool) {
		a, err := st.store.Get(k)
		if err != nil {
			t.Fatal(err)
		}
		return a.SuppressUntil.Sub(now), a.SuppressUntil.After(now)
	}
	api := func(k store.Key, action, in string) {
		body := strings.NewReader(fmt.Sprintf(`{"for":%q}`, in))
		req, err := http.NewRequest(http.MethodPost, st.web.URL+"/api/v1/alerts/"+k.Source+"/"+k.ID+"/"+action, body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	entries := []struct {
		name string
		give func(k store.Key, in string) (time.Duration, bool)
	}{
		{"web form, acknowledge", func(k store.Key, in string) (time.Duration, bool) {
			st.post(browser, "/alerts/"+k.Source+"/"+k.ID+"/acknowledge", url.Values{"for": {in}, "mode": {"wallclock"}})
			return acked(k)
		}},
		{"web form, suppress", func(k store.Key, in string) (time.Duration, bool) {
			st.post(browser, "/alerts/"+k.Source+"/"+k.ID+"/suppress", url.Values{"for": {in}})
			return suppressed(k)
		}},
		{"API, acknowledge", func(k store.Key, in string) (time.Duration, bool) {
			api(k, "acknowledge", in)
			return acked(k)
		}},
		{"API, suppress", func(k store.Key, in string) (time.Duration, bool) {
			api(k, "suppress", in)
			return suppressed(k)
		}},
		{"mauve ack --for", func(k store.Key, in string) (time.Duration, bool) {
			_, _ = client.Acknowledge(context.Background(), k, AckOptions{For: in})
			return acked(k)
		}},
		{"terminal client", func(k store.Key, in string) (time.Duration, bool) {
			var m tea.Model = term.NewModel(term.Options{Actions: termActions{client}, Title: "test"})
			msgs := []tea.Msg{tea.WindowSizeMsg{Width: 100, Height: 20}, term.ConnMsg{Connected: true},
				term.AlertsMsg{Alerts: []term.Alert{{Source: k.Source, ID: k.ID, Level: "normal", State: "raised"}}, At: now},
				tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'a'}}}
			for _, r := range in {
				if r == ' ' {
					msgs = append(msgs, tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
				} else {
					msgs = append(msgs, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
				}
			}
			msgs = append(msgs, tea.KeyMsg{Type: tea.KeyEnter}, tea.KeyMsg{Type: tea.KeyEnter}, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'y'}})
			driveTerm(m, msgs)
			return acked(k)
		}},
		{"config, suppress_after", func(_ store.Key, in string) (time.Duration, bool) {
			p, diags := policy.Parse([]byte(fmt.Sprintf("person \"p\" {\n  all = [log]\n  suppress_after = { %q = 5 }\n}\n", in)), "durations.hcl", func(string) string { return "" })
			if diags.HasErrors() {
				return 0, false
			}
			return p.People["p"].SuppressAfter[0].Period, true
		}},
	}
	for i, c := range []struct {
		in   string
		want time.Duration // 0: refused
		// unitless: a bare number of hours, which the config refuses
		// (a duration there always has a unit).
		unitless bool
	}{
		{"90m", 90 * time.Minute, false},
		{"1.5h", 90 * time.Minute, false}, // refused by the station, passed by the terminal client, before
		{"2h30m", 150 * time.Minute, false},
		{"1d", 24 * time.Hour, false},
		{"1.5d", 36 * time.Hour, false},   // refused by acknowledge, passed by suppress, before
		{"1w", 7 * 24 * time.Hour, false}, // passed by acknowledge, refused by suppress, before
		{" 45m ", 45 * time.Minute, false},
		{"90s", 90 * time.Second, false},
		{"2", 2 * time.Hour, true},
		{"0.25", 15 * time.Minute, true},
		{"0", 0, false},
		{"0h", 0, false},
		{"-1h", 0, false},
		{"soon", 0, false},
		{"2 hours", 0, false},
		{"1x", 0, false},
		{"1h30", 0, false},
		{"1e3h", 0, false},
		{"1.5.5h", 0, false},
		{"h", 0, false},
	} {
		for j, e := range entries {
			k := store.Key{Source: "durations", ID: fmt.Sprintf("r%d-e%d", i, j)}
			st.send(k.Source, wire.Alert{ID: k.ID, Summary: "a duration test"})
			got, ok := e.give(k, c.in)
			if !ok {
				got = 0
			}
			want, wantOK := c.want, c.want > 0
			if c.unitless && strings.HasPrefix(e.name, "config") {
				want, wantOK = 0, false
			}
			if ok != wantOK || (ok && got != want) {
				t.Errorf("%q through the %s: got %v (taken: %v), want %v (taken: %v)", c.in, e.name, got, ok, want, wantOK)
			}
		}
	}
}

// termActions are the terminal client's actions done through a Client,
// as `mauve client` does them.
type termActions struct{ c *Client }

func (a termActions) Acknowledge(ctx context.Context, source, id, forDur, note string) error {
	_, err := a.c.Acknowledge(ctx, store.Key{Source: source, ID: id}, AckOptions{For: forDur, Note: note})
	return err
}

func (a termActions) Unacknowledge(ctx context.Context, source, id, note string) error {
	_, err := a.c.Unacknowledge(ctx, store.Key{Source: source, ID: id}, note)
	return err
}

// driveTerm feeds msgs to the terminal model, running each command it
// returns (an action's request included) before the next message.
func driveTerm(m tea.Model, msgs []tea.Msg) tea.Model {
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

// Acknowledging for 0 working hours through the web form lasts until
// working hours next start (the form refused 0 before); inside them it
// ends at once.
func TestPages_AcknowledgeZeroWorkingHours(t *testing.T) {
	st := newPagesStation(t)
	st.advance(2*24*time.Hour + 8*time.Hour) // Wednesday 10:00 → Friday 18:00
	st.send("web1", wire.Alert{ID: "disk", Summary: "disk full"})
	c := st.login()
	res := st.post(c, "/alerts/web1/disk/acknowledge", url.Values{"for": {"0"}, "mode": {"working"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("got %d, want 303:\n%s", res.status, res.body)
	}
	a, err := st.store.Get(store.Key{Source: "web1", ID: "disk"})
	if err != nil {
		t.Fatal(err)
	}
	monday := time.Date(2026, 11, 30, 9, 30, 0, 0, st.pol.Station.Location)
	if a.State != store.StateAcknowledged || !a.AcknowledgedUntil.Equal(monday) {
		t.Errorf("got %s until %s, want acknowledged until Monday's opening, %s", a.State, a.AcknowledgedUntil, monday)
	}
}
