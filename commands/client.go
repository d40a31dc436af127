package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	xterm "golang.org/x/term"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui"
	"github.com/mauve-alert/mauve/ui/term"
)

// clientOptions are the flags of `mauve client`.
type clientOptions struct {
	server  string
	token   string
	config  string
	once    bool
	json    bool
	present bool
	desktop bool
	minWait time.Duration
}

// clientFile is the optional client.json in the user's config directory
// (~/.config/mauve/client.json): {"server": "https://…", "token": "…"}.
type clientFile struct {
	Server string `json:"server"`
	Token  string `json:"token"`
}

// clientIO is what runClient needs of its process.
type clientIO struct {
	in        io.Reader
	out       io.Writer
	getenv    func(string) string
	configDir func() (string, error) // os.UserConfigDir
}

// newClientCommand is `mauve client`.
func newClientCommand(env *Env) *cobra.Command {
	return newClientCommandIO(clientIO{in: env.Stdin, out: env.Stdout, getenv: env.Getenv, configDir: os.UserConfigDir})
}

func newClientCommandIO(cio clientIO) *cobra.Command {
	o := &clientOptions{}
	cmd := &cobra.Command{
		Use:   "client",
		Short: "Watch raised alerts live; while it runs, your email and SMS wait",
		Long: `mauve client shows the station's raised alerts in the terminal, grouped by
level and updated live, with keys to acknowledge (a), unacknowledge (u), open
in a browser (o) and filter (/). New alerts also pop up as desktop
notifications where a session D-Bus exists.

While it runs, you count as present: the station holds your email, SMS and
XMPP notifications and shows them here instead. An urgent alert left
unacknowledged for the station's client_hold time (default 5m), or any alert
still unacknowledged when the client stops, is delivered as usual.

The station is --server URL with a token from --token, $MAUVE_TOKEN or the
file client.json in your config directory ({"server": "...", "token": "..."},
e.g. ~/.config/mauve/client.json). Without a server, on the station itself, it
uses the unix socket of --config (station.listen.socket) and your unix user.

--once prints the current alerts and exits; --json prints one JSON object per
change (waybar, i3blocks).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("present") {
				o.present = !o.once && !o.json
			}
			cio.out = cmd.OutOrStdout()
			return runClient(cmd.Context(), o, cio)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.server, "server", "", "station URL, such as https://alerts1.example.com (default: client.json, else the local socket)")
	f.StringVar(&o.token, "token", "", "API token (default: $MAUVE_TOKEN, else client.json)")
	f.StringVar(&o.config, "config", "/etc/mauve/mauve.hcl", "station config naming the unix socket, used when no server is given")
	f.BoolVar(&o.once, "once", false, "print the current alerts and exit")
	f.BoolVar(&o.json, "json", false, "print one JSON object per change, for status bars")
	f.BoolVar(&o.present, "present", true, "hold my email/SMS/XMPP while this client runs")
	// Shown as "(default true, false with --once or --json)", not a bare true.
	f.Lookup("present").DefValue = "true, false with --once or --json"
	f.BoolVar(&o.desktop, "desktop", true, "show desktop notifications of new alerts (D-Bus)")
	o.minWait = time.Second
	f.Var(durationFlag{&o.minWait}, "retry", "first wait before reconnecting; doubles up to 30s")
	return cmd
}

func runClient(ctx context.Context, o *clientOptions, cio clientIO) error {
	c, station, web, err := dialStation(o, cio)
	if err != nil {
		return err
	}
	src := &clientSource{c: c, present: o.present}
	follow := term.FollowOptions{MinBackoff: o.minWait, Fatal: fatalClientError}
	switch {
	case o.once:
		as, err := src.Alerts(ctx)
		if err != nil {
			return explainClientError(err, station)
		}
		return term.PrintOnce(cio.out, as, time.Now())
	case o.json:
		return explainClientError(term.StreamJSON(ctx, cio.out, src, follow), station)
	}
	if f, ok := cio.out.(*os.File); ok && !xterm.IsTerminal(int(f.Fd())) {
		return errors.New("standard output is not a terminal: use --once to print the alerts, or --json to stream them")
	}
	// Check the credentials before taking over the terminal.
	me, err := c.Me(ctx)
	if err != nil {
		return explainClientError(err, station)
	}
	var notifier term.Notifier
	if o.desktop {
		d := term.NewDesktop(cio.getenv("DBUS_SESSION_BUS_ADDRESS"))
		defer d.Close()
		notifier = d
	}
	err = term.Run(ctx, term.RunOptions{
		Source:   src,
		Actions:  clientActions{c},
		Follow:   follow,
		View:     term.Options{StationURL: web, Title: me + " @ " + station, Open: openBrowser, Present: o.present},
		In:       cio.in,
		Out:      cio.out,
		Notifier: notifier,
	})
	return explainClientError(err, station)
}

// dialStation picks the station and the credentials: --server, else the
// config file's server, else the local socket. It returns the client, the
// station's name for messages, and the base URL of its web pages.
func dialStation(o *clientOptions, cio clientIO) (c *ui.Client, station, web string, err error) {
	var file clientFile
	path := ""
	if dir, err := cio.configDir(); err == nil {
		path = filepath.Join(dir, "mauve", "client.json")
		b, err := os.ReadFile(path)
		switch {
		case err == nil:
			if err := json.Unmarshal(b, &file); err != nil {
				return nil, "", "", fmt.Errorf("%s: %w (want {\"server\": \"https://…\", \"token\": \"…\"})", path, err)
			}
		case !errors.Is(err, os.ErrNotExist):
			return nil, "", "", fmt.Errorf("read %s: %w", path, err)
		}
	}
	server := firstSet(o.server, cio.getenv("MAUVE_SERVER"), file.Server)
	if server == "" {
		p, err := localStation(o.config, cio.getenv)
		if err != nil {
			return nil, "", "", err
		}
		sock := p.Station.ListenSocket
		return ui.NewSocketClient(sock), "unix:" + sock, p.Station.URL, nil
	}
	token := firstSet(o.token, cio.getenv("MAUVE_TOKEN"), file.Token)
	if token == "" {
		return nil, "", "", fmt.Errorf("no token for %s: give --token, set $MAUVE_TOKEN, or put it in %s (make one with `mauve token create`)", server, path)
	}
	c, err = ui.NewClient(server, token)
	if err != nil {
		return nil, "", "", fmt.Errorf("--server: %w", err)
	}
	return c, server, server, nil
}

func firstSet(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// fatalClientError: credentials the station refuses will not get better
// by retrying.
func fatalClientError(err error) bool {
	var e *ui.Error
	return errors.As(err, &e) && (e.Status == 401 || e.Status == 403)
}

func explainClientError(err error, station string) error {
	var e *ui.Error
	if errors.As(err, &e) {
		switch e.Status {
		case 401:
			return fmt.Errorf("%s refused the token (%s): check --token, $MAUVE_TOKEN or client.json", station, e.Message)
		case 403:
			return fmt.Errorf("%s refused you: %s", station, e.Message)
		case 404:
			return fmt.Errorf("%s has no mauve API here (404): is --server the station's web address?", station)
		}
	}
	return err
}

func openBrowser(u string) error {
	cmd := exec.Command("xdg-open", u)
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release() // the browser outlives us

}

// clientSource adapts ui.Client to what the view follows.
type clientSource struct {
	c       *ui.Client
	present bool
}

func (s *clientSource) Alerts(ctx context.Context) ([]term.Alert, error) {
	as, err := s.c.List(ctx, store.Filter{})
	if err != nil {
		return nil, err
	}
	out := make([]term.Alert, 0, len(as))
	for _, a := range as {
		if a.State == store.StateCleared {
			continue
		}
		out = append(out, term.Alert{
			Source: a.Source, ID: a.ID, Subject: a.Subject, Summary: a.Summary,
			Level: a.Level, State: string(a.State), RaisedAt: a.RaisedAt,
			AcknowledgedBy: a.AcknowledgedBy, AcknowledgedUntil: a.AcknowledgedUntil,
		})
	}
	return out, nil
}

func (s *clientSource) Watch(ctx context.Context, changed func()) error {
	changed() // read the list as the stream opens
	// A change committed between that read and the station subscribing
	// this stream would be missed until the next one: read again once the
	// stream has surely been set up.
	again := time.AfterFunc(time.Second, changed)
	defer again.Stop()
	return s.c.Events(ctx, s.present, func(store.Change) error { changed(); return nil })
}

// clientActions adapts ui.Client to the view's actions.
type clientActions struct{ c *ui.Client }

func (a clientActions) Acknowledge(ctx context.Context, source, id, forDur, note string) error {
	_, err := a.c.Acknowledge(ctx, store.Key{Source: source, ID: id}, ui.AckOptions{For: forDur, Note: note})
	return err
}

func (a clientActions) Unacknowledge(ctx context.Context, source, id, note string) error {
	_, err := a.c.Unacknowledge(ctx, store.Key{Source: source, ID: id}, note)
	return err
}
