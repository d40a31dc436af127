package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui"
	"github.com/mauve-alert/mauve/ui/term"
)

// stationOptions choose the station a command talks to: --server with a
// token, or on the station the unix socket of --config.
type stationOptions struct {
	server string
	token  string
	config string
}

func (o *stationOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.server, "server", "", "station URL, such as https://alerts1.example.com (default: $MAUVE_SERVER, else the local socket)")
	f.StringVar(&o.token, "token", "", "API token for --server (default: $MAUVE_TOKEN)")
	f.StringVar(&o.config, "config", "/etc/mauve/mauve.hcl", "station config naming the unix socket (station.listen.socket), used without --server")
}

// dial returns a client for the chosen station.
func (o *stationOptions) dial(getenv func(string) string) (*ui.Client, error) {
	server := firstSet(o.server, getenv("MAUVE_SERVER"))
	if server == "" {
		p, err := localStation(o.config, getenv)
		if err != nil {
			return nil, err
		}
		return ui.NewSocketClient(p.Station.ListenSocket), nil
	}
	token := firstSet(o.token, getenv("MAUVE_TOKEN"))
	if token == "" {
		return nil, fmt.Errorf("no token for %s: give --token or set $MAUVE_TOKEN (make one with `mauve token create`)", server)
	}
	c, err := ui.NewClient(server, token)
	if err != nil {
		return nil, fmt.Errorf("--server: %w", err)
	}
	return c, nil
}

// ackOptions are the flags of `mauve ack`.
type ackOptions struct {
	stationOptions
	forDur string
	mode   string
	until  string
	note   string
	list   bool
}

// newAckCommand is `mauve ack`.
func newAckCommand(env *Env) *cobra.Command {
	o := &ackOptions{}
	cmd := &cobra.Command{
		Use:   "ack SOURCE/ID... [--for 2h] [--mode working] [--note TEXT]",
		Short: "Acknowledge alerts: someone is on it",
		Long: `mauve ack acknowledges raised alerts, so their reminders stop until the
acknowledgement ends. --for is how long (default: the alert group's
acknowledgement_time), counted as wallclock, daytime or working hours with
--mode; --until gives an end time instead (RFC 3339, "2026-12-24 09:00" or
"14:00"). The station caps both at its max_acknowledgement.

On the station it talks to the unix socket named in --config, and you are the
person whose unix_user is your login: 'ssh alerts1 mauve ack core-router/bgp
--for 1h' just works. Elsewhere, give --server and a token (--token or
$MAUVE_TOKEN).

mauve ack --list shows what is raised.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAck(cmd.Context(), o, args, cmd.OutOrStdout(), env.Getenv)
		},
	}
	o.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&o.forDur, "for", "", "how long, such as 90m, 1.5h, 2d, or a number of hours (default: the group's acknowledgement_time)")
	f.StringVar(&o.mode, "mode", "", "count --for as wallclock, daytime or working hours (default wallclock)")
	f.StringVar(&o.until, "until", "", "acknowledge until this time instead of --for")
	f.StringVar(&o.note, "note", "", "a note for the history and the people told")
	f.BoolVarP(&o.list, "list", "l", false, "list raised and acknowledged alerts")
	return cmd
}

func runAck(ctx context.Context, o *ackOptions, args []string, out io.Writer, getenv func(string) string) error {
	if o.list {
		if len(args) > 0 {
			return errors.New("--list takes no alerts")
		}
		c, err := o.dial(getenv)
		if err != nil {
			return err
		}
		alerts, err := c.List(ctx, store.Filter{})
		if err != nil {
			return err
		}
		return printAlertTable(out, alerts, time.Now())
	}
	if o.forDur != "" && o.until != "" {
		return errors.New("give either --for or --until, not both")
	}
	return eachAlert(ctx, &o.stationOptions, args, out, getenv, func(c *ui.Client, k store.Key) (store.Alert, error) {
		return c.Acknowledge(ctx, k, ui.AckOptions{For: firstSet(o.forDur, o.until), Mode: o.mode, Note: o.note})
	})
}

// noteOptions are the flags of `mauve unack` and `mauve clear`.
type noteOptions struct {
	stationOptions
	note string
}

// newUnackCommand is `mauve unack`.
func newUnackCommand(env *Env) *cobra.Command {
	return newNoteActionCommand(env, "unack SOURCE/ID... [--note TEXT]",
		"Take back an acknowledgement: the alert is raised again",
		func(ctx context.Context, c *ui.Client, k store.Key, note string) (store.Alert, error) {
			return c.Unacknowledge(ctx, k, note)
		})
}

// newClearCommand is `mauve clear`.
func newClearCommand(env *Env) *cobra.Command {
	return newNoteActionCommand(env, "clear SOURCE/ID... [--note TEXT]",
		"Clear alerts by hand",
		func(ctx context.Context, c *ui.Client, k store.Key, note string) (store.Alert, error) {
			return c.Clear(ctx, k, note)
		})
}

func newNoteActionCommand(env *Env, use, short string, act func(context.Context, *ui.Client, store.Key, string) (store.Alert, error)) *cobra.Command {
	o := &noteOptions{}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long: short + `.

Like mauve ack, it uses the station's unix socket (--config) on the station,
and --server with a token elsewhere.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return eachAlert(ctx, &o.stationOptions, args, cmd.OutOrStdout(), env.Getenv, func(c *ui.Client, k store.Key) (store.Alert, error) {
				return act(ctx, c, k, o.note)
			})
		},
	}
	o.addFlags(cmd)
	cmd.Flags().StringVar(&o.note, "note", "", "a note for the history and the people told")
	return cmd
}

// eachAlert parses SOURCE/ID arguments, applies act to each and prints one
// line per alert; it fails (after trying them all) when any failed.
func eachAlert(ctx context.Context, o *stationOptions, args []string, out io.Writer, getenv func(string) string, act func(*ui.Client, store.Key) (store.Alert, error)) error {
	if len(args) == 0 {
		return errors.New("name at least one alert as SOURCE/ID (mauve ack --list shows them)")
	}
	keys := make([]store.Key, len(args))
	for i, a := range args {
		src, id, ok := strings.Cut(a, "/")
		if !ok || src == "" || id == "" {
			return fmt.Errorf("%q: want SOURCE/ID, such as core-router/bgp", a)
		}
		keys[i] = store.Key{Source: src, ID: id}
	}
	c, err := o.dial(getenv)
	if err != nil {
		return err
	}
	var failed []string
	for _, k := range keys {
		a, err := act(c, k)
		if err != nil {
			var ue *ui.Error
			if !errors.As(err, &ue) || ue.Status == 401 || ue.Status == 403 {
				return err // the station is unreachable or will refuse them all
			}
			if ue.Status == 404 {
				// The station's message names the alert again.
				fmt.Fprintf(out, "%s: no such alert (mauve ack --list shows them)\n", term.Printable(k.String()))
			} else if strings.Contains(err.Error(), k.String()) {
				fmt.Fprintln(out, term.Printable(err.Error())) // it names the alert already
			} else {
				fmt.Fprintln(out, term.Printable(fmt.Sprintf("%s: %v", k, err)))
			}
			failed = append(failed, k.String())
			continue
		}
		fmt.Fprintln(out, term.Printable(describeAlert(a)))
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d alerts not changed: %s", len(failed), len(keys), strings.Join(failed, ", "))
	}
	return nil
}

// describeAlert is one line saying an alert's state after an action.
func describeAlert(a store.Alert) string {
	switch a.State {
	case store.StateAcknowledged:
		return fmt.Sprintf("%s/%s acknowledged by %s until %s", a.Source, a.ID, a.AcknowledgedBy, a.AcknowledgedUntil.Local().Format("Mon 2 Jan 15:04 MST"))
	default:
		return fmt.Sprintf("%s/%s %s", a.Source, a.ID, a.State)
	}
}

// printAlertTable prints raised and acknowledged alerts, one per line.
func printAlertTable(out io.Writer, alerts []store.Alert, now time.Time) error {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LEVEL\tSTATE\tALERT\tAGE\tSUMMARY")
	n := 0
	for _, a := range alerts {
		if a.State == store.StateCleared {
			continue
		}
		n++
		state := string(a.State)
		if a.State == store.StateAcknowledged {
			state = "acked by " + a.AcknowledgedBy + " until " + a.AcknowledgedUntil.Local().Format("Mon 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", term.Printable(string(a.Level)), term.Printable(state), term.Printable(a.Source+"/"+a.ID), alertAge(now, a.RaisedAt), tableCell(a.Summary, 60))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if n == 0 {
		_, err := fmt.Fprintln(out, "nothing is raised")
		return err
	}
	return nil
}

// alertAge is a short human duration since t.
func alertAge(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	default:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
}

// tableCell squeezes s onto one line of at most n runes, with no control
// characters that could play tricks on a terminal.
func tableCell(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(term.Printable(s)), " "))
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return string(r)
}

// localStation loads the station config that names the unix socket, for
// commands run without a server; its errors say what to give instead.
func localStation(config string, getenv func(string) string) (*policy.Policy, error) {
	p, err := policy.Load(config, getenv)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("no --server given, and no station config at %s to find the local socket in "+
			"(on the station give --config FILE; elsewhere --server URL with --token)", config)
	case err != nil:
		return nil, fmt.Errorf("no --server given, and the station config naming the local socket has errors: %w", err)
	case p.Station.ListenSocket == "":
		return nil, fmt.Errorf("no --server given, and %s names no station.listen.socket "+
			"(add socket = \"/run/mauve/mauve.sock\" to station.listen, or give --server URL with --token)", config)
	}
	return p, nil
}
