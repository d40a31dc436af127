package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/policy"
	"github.com/spf13/cobra"
)

// serveOptions are the flags of `mauve serve`.
type serveOptions struct {
	config string
	db     string
	udp    []string
	http   string
	debug  bool

	// ready, when set, is called with the started station (tests read its
	// addresses from it).
	ready func(*station)
	// backoff, when set, replaces the notify worker's retry schedule
	// (tests that wait for a retry on the real clock).
	backoff notify.Backoff
}

func newServeCommand(env *Env) *cobra.Command {
	opts := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the alert station",
		Long: `Run the alert station: receive updates over UDP, remember alerts in the
database, tell people according to the config, and serve the web interface.

Without --config the station runs on embedded defaults: UDP [::]:32741, web
interface http://127.0.0.1:1288, state in ./mauve.db, one local person told
through the log. Flags override the config file's station block.

SIGTERM or SIGINT commits what was received and exits; SIGHUP reloads the
config file (a bad file keeps the config in force and logs why).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), opts, env)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.config, "config", "", "config file (default: the embedded defaults)")
	f.StringVar(&opts.db, "db", "", "database file (default: station.database, else ./mauve.db)")
	f.StringArrayVar(&opts.udp, "udp", nil, "UDP address to receive updates on, repeatable (default: station.listen.udp)")
	f.StringVar(&opts.http, "http", "", "address of the web interface and API (default: station.listen.http)")
	f.BoolVar(&opts.debug, "debug", false, "log debug messages")
	return cmd
}

// runServe runs a station until ctx is done or SIGTERM/SIGINT arrives,
// reloading the config on SIGHUP.
func runServe(ctx context.Context, opts *serveOptions, env *Env) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	level := slog.LevelInfo
	if opts.debug {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
	cfg := stationConfig{
		ConfigPath: opts.config,
		DB:         opts.db,
		UDP:        opts.udp,
		HTTP:       opts.http,
		Logger:     log,
		Getenv:     env.Getenv,
		Hostname:   env.Hostname,
		Now:        env.Now,
		Stderr:     env.Stderr,
		Backoff:    opts.backoff,
	}
	// Catch SIGHUP before starting: its default action would kill a
	// station that is still opening its database. One that arrives during
	// start-up reloads once the station runs.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	st, err := startStation(ctx, cfg)
	if err != nil {
		return startFailure(env.Stderr, opts.config, err)
	}
	if opts.ready != nil {
		opts.ready(st)
	}

	stopped := make(chan error, 1)
	go func() { stopped <- st.wait(ctx) }()
	var runErr error
loop:
	for {
		select {
		case <-hup:
			if err := st.reload(); err != nil {
				logReloadFailure(log, configName(opts.config), err)
			} else {
				log.Info("config reloaded", "config", configName(opts.config))
			}
		case runErr = <-stopped:
			break loop
		}
	}
	log.Info("station stopping: committing what was received")
	if err := st.close(); err != nil && runErr == nil {
		runErr = err
	}
	if runErr == nil {
		log.Info("station stopped")
	}
	return runErr
}

// startFailure reports a station that did not start. A bad config file has
// its diagnostics printed one per line, as mauve config check does, then a
// count; any other error is returned as it is.
func startFailure(stderr io.Writer, config string, err error) error {
	var le *policy.LoadError
	if !errors.As(err, &le) {
		return err
	}
	for _, d := range le.Diagnostics {
		fmt.Fprintln(stderr, policy.FormatDiagnostic(d))
	}
	errs, warns := policy.Counts(le.Diagnostics)
	return fmt.Errorf("%s: %s, %s; the station did not start", config, plural(errs, "error"), plural(warns, "warning"))
}

// logReloadFailure logs a reload that kept the config in force, with each
// diagnostic of a bad file as its own log line.
func logReloadFailure(log *slog.Logger, config string, err error) {
	var le *policy.LoadError
	if !errors.As(err, &le) {
		log.Error("config not reloaded: keeping the config in force", "config", config, "err", err)
		return
	}
	for _, d := range le.Diagnostics {
		log.Error("config not reloaded", "diagnostic", policy.FormatDiagnostic(d))
	}
	errs, warns := policy.Counts(le.Diagnostics)
	log.Error("config not reloaded: keeping the config in force", "config", config, "errors", errs, "warnings", warns)
}

// configName is how logs name the config: its file, or the embedded defaults.
func configName(path string) string { return firstNonEmpty(path, "(embedded defaults)") }
