package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui"
	"github.com/mauve-alert/mauve/wire"
)

// stationConfig is what `mauve serve` was asked for: the config file and
// the flags that override its station block.
type stationConfig struct {
	ConfigPath string   // "" = the embedded defaults
	DB         string   // "" = station.database
	UDP        []string // empty = station.listen.udp
	HTTP       string   // "" = station.listen.http
	Socket     *string  // nil = station.listen.socket; "" = none
	Logger     *slog.Logger
	Getenv     func(string) string
	Hostname   func() (string, error)
	Now        func() time.Time
	Stderr     io.Writer      // where the one-time login link is shown; nil = the log only
	Backoff    notify.Backoff // the notify worker's retry schedule; zero = its defaults
}

// station is one running alert station: its parts, started in order and
// stopped in reverse, and the addresses it listens on.
type station struct {
	cfg    stationConfig
	log    *slog.Logger
	now    func() time.Time
	policy atomic.Pointer[policy.Policy]
	chans  atomic.Pointer[map[string]notify.Channel]

	store    *store.Store
	ingest   *store.Ingest
	listener *wire.Listener
	udp      []net.PacketConn
	http     net.Listener
	socket   net.Listener
	traps    snmpTraps

	parts []*part // started parts, in start order
}

// part is one goroutine-owning component with its own context, so close
// can stop them one by one in reverse order.
type part struct {
	name   string
	cancel context.CancelFunc
	done   chan error
	// asked is set, before done receives, when the part returned after
	// its context ended: it stopped because it was told to.
	asked atomic.Bool
}

// loadPolicy loads the config file, or builds the embedded defaults.
func loadPolicy(cfg stationConfig) (*policy.Policy, error) {
	if cfg.ConfigPath == "" {
		host, _ := cfg.Hostname()
		return policy.DefaultFor(host), nil
	}
	return policy.Load(cfg.ConfigPath, cfg.Getenv)
}

// decider asks whichever policy is in force, so a reload takes effect on
// the next change.
type decider struct {
	p *atomic.Pointer[policy.Policy]
}

func (d decider) Decide(c store.Change) store.Decision { return d.p.Load().Decide(c) }

// startStation assembles and starts a station: load the policy (a bad file
// stops here, before the database is touched), open the store, postpone
// what fell due while down, build the notify channels and worker, bind the
// UDP sockets and the HTTP listener, then start everything. On error,
// whatever was started is stopped again.
func startStation(ctx context.Context, cfg stationConfig) (_ *station, err error) {
	p, err := loadPolicy(cfg)
	if err != nil {
		return nil, err
	}
	st := &station{cfg: cfg, log: cfg.Logger, now: cfg.Now}
	st.policy.Store(p)
	for _, w := range policyWarnings(p) {
		st.log.Warn("config", "warning", w)
	}
	defer func() {
		if err != nil {
			st.close()
		}
	}()

	dbPath := firstNonEmpty(cfg.DB, p.Station.Database, policy.DefaultDatabase)
	st.store, err = store.Open(dbPath, store.Options{
		Decider:       decider{&st.policy},
		ExpireCleared: p.Station.ExpireCleared,
	})
	if err != nil {
		return nil, err
	}
	if p, err = withOverrides(p, st.store, st.log, st.now()); err != nil {
		return nil, err
	}
	st.policy.Store(p)
	start := st.now()
	if p.Station.InitialSleep > 0 {
		if err := st.store.Postpone(start.Add(p.Station.InitialSleep)); err != nil {
			return nil, err
		}
	}
	chans, err := notify.NewChannels(p, st.log)
	if err != nil {
		return nil, fmt.Errorf("notification channels: %w", err)
	}
	st.chans.Store(&chans)

	udpAddrs := cfg.UDP
	if len(udpAddrs) == 0 {
		udpAddrs = p.Station.ListenUDP
	}
	for _, a := range udpAddrs {
		c, err := net.ListenPacket("udp", a)
		if err != nil {
			return nil, listenError("UDP", a, "station.listen.udp or --udp", err)
		}
		st.udp = append(st.udp, c)
	}
	if err := st.bindSNMP(); err != nil {
		return nil, err
	}
	httpAddr := firstNonEmpty(cfg.HTTP, p.Station.ListenHTTP)
	if httpAddr != "" {
		if st.http, err = net.Listen("tcp", httpAddr); err != nil {
			return nil, listenError("HTTP", httpAddr, "station.listen.http or --http", err)
		}
		st.linkToListener(p)
	}
	sockPath := p.Station.ListenSocket
	if cfg.Socket != nil {
		sockPath = *cfg.Socket
	}
	if sockPath != "" {
		if st.socket, err = ui.ListenSocket(sockPath); err != nil {
			// mauve ack is a convenience; the station still runs.
			st.log.Warn("no socket for mauve ack", "err", err)
			st.socket = nil
		}
	}
	return st, st.run(ctx)
}

// run builds the goroutine-owning parts and starts them, the store's
// consumers first, the listeners last.
func (st *station) run(ctx context.Context) error {
	pol := st.policy.Load
	st.ingest = store.NewIngest(st.store, st.ingestOptions())
	st.start(ctx, "scheduler", store.NewScheduler(st.store, store.SchedulerOptions{Logger: st.log, Now: st.now}).Run)
	st.start(ctx, "ingest", st.ingest.Run)

	presence, err := notify.NewPresence(notify.PresenceOptions{Alerts: st.store, Now: st.now, HoldFrom: func() time.Duration { return pol().Station.ClientHold }})
	if err != nil {
		return err
	}
	worker := notify.NewWorker(notify.WorkerOptions{
		Outbox:   st.store,
		Policy:   pol,
		Channels: func() map[string]notify.Channel { return *st.chans.Load() },
		Logger:   st.log,
		Presence: presence,
		Backoff:  st.cfg.Backoff,
	})
	st.start(ctx, "notify", worker.Run)

	p := pol()
	st.listener = wire.NewListener(st.udp, st.ingest.Handle, wire.ListenerOptions{
		Logger:          st.log,
		DuplicateWindow: p.Station.DuplicateWindow,
		MaxAlerts:       p.Station.MaxAlertsPerUpdate,
		// Four workers decode while each socket's one reader keeps its
		// buffer from filling (fewer kernel drops under load).
		Workers: 4,
		Keys:    func(source string) ([]byte, bool) { return pol().SenderKey(source) },
		Now:     st.now,
	})
	st.start(ctx, "udp", st.listener.Run)
	st.startSNMP(ctx)

	server, err := ui.NewServer(ui.Options{
		Store:    st.store,
		Policy:   pol,
		Logger:   st.log,
		Metrics:  []ui.MetricsWriter{st.listener, st.store, st.ingest, worker, metricsFunc(writeProcessMetrics), udpDrops{}, &st.traps},
		Now:      st.now,
		Presence: presence,
		// A reload racing an override: the reload reads the store after.
		OverridesChanged: st.refreshOverrides,
	})
	if err != nil {
		return err
	}
	if st.http != nil {
		st.start(ctx, "http", func(ctx context.Context) error { return server.Serve(ctx, st.http) })
		if p.Filename == "" {
			st.printLoginLink(server)
		}
	}
	if st.socket != nil {
		st.start(ctx, "socket", func(ctx context.Context) error { return server.ServeSocket(ctx, st.socket) })
	}
	if hb := p.Station.Heartbeat; hb != nil && len(hb.Destination) > 0 {
		beat := &wire.Heartbeat{
			Source: p.Station.Name, Destinations: hb.Destination, Every: hb.Every,
			RaiseAfter: hb.RaiseAfter, Summary: hb.Summary, Detail: hb.Detail,
			Logger: st.log, Now: st.now,
		}
		st.start(ctx, "heartbeat", beat.Run)
	}
	st.log.Info("station started", "name", p.Station.Name, "db", st.store.Path(),
		"udp", addrs(st.udp), "http", addrOf(st.http), "config", configName(p.Filename))
	return nil
}

// printLoginLink logs a single-use link that logs the embedded defaults'
// one person in, since that person has no password.
func (st *station) printLoginLink(server *ui.Server) {
	link, err := server.OneTimeLoginURL(st.listenerURL())
	if err != nil {
		st.log.Warn("no one-time login link", "err", err)
		return
	}
	st.log.Info("open the web interface (this link works once)", "url", link)
	if st.cfg.Stderr != nil {
		fmt.Fprintf(st.cfg.Stderr, "mauve: log in to the web interface once with %s\n", link)
	}
}

// listenerURL is the base URL of where the web interface really listens.
func (st *station) listenerURL() string {
	addr := st.http.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(addr.Port))
}

// linkToListener points the embedded defaults' station.url, which names
// the default address, at where the station really listens (--http may
// have moved it), so the links in notifications lead to this station.
func (st *station) linkToListener(p *policy.Policy) {
	if p.Filename == "" && st.http != nil {
		p.Station.URL = st.listenerURL()
	}
}

// start runs fn in its own goroutine under its own context.
func (st *station) start(ctx context.Context, name string, fn func(context.Context) error) {
	ctx, cancel := context.WithCancel(ctx)
	pt := &part{name: name, cancel: cancel, done: make(chan error, 1)}
	st.parts = append(st.parts, pt)
	go func() {
		err := fn(ctx)
		pt.asked.Store(ctx.Err() != nil)
		pt.done <- err
	}()
}

// wait returns when any part stops by itself, with its error.
func (st *station) wait(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var once sync.Once
	stopped := make(chan error, 1)
	for _, pt := range st.parts {
		go func() {
			select {
			case err := <-pt.done:
				pt.done <- err // keep it for close
				// A stop that was asked for is no failure. The part's own
				// context says so reliably; wait's ctx may not have heard
				// of the cancellation yet when the part has.
				if pt.asked.Load() || ctx.Err() != nil {
					return
				}
				once.Do(func() { stopped <- fmt.Errorf("%s stopped: %w", pt.name, orStopped(err)) })
			case <-ctx.Done():
			}
		}()
	}
	select {
	case err := <-stopped:
		return err
	case <-ctx.Done():
		return nil
	}
}

func orStopped(err error) error {
	if err == nil {
		return errors.New("it returned without being asked to")
	}
	return err
}

// close stops the parts in reverse order (listeners first, so the ingest
// queue drains into a last commit before the store closes), then closes
// the sockets and the store.
func (st *station) close() error {
	var errs []error
	for i := len(st.parts) - 1; i >= 0; i-- {
		pt := st.parts[i]
		pt.cancel()
		if err := <-pt.done; err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", pt.name, err))
		}
	}
	st.parts = nil
	if chans := st.chans.Swap(nil); chans != nil {
		notify.CloseChannels(*chans)
	}
	for _, c := range st.udp {
		c.Close()
	}
	st.traps.close()
	if st.http != nil {
		st.http.Close()
	}
	if st.socket != nil {
		st.socket.Close()
	}
	if st.store != nil {
		if err := st.store.Close(); err != nil {
			errs = append(errs, err)
		}
		st.store = nil
	}
	return errors.Join(errs...)
}

// reload loads the config file again; a bad file keeps the policy in force
// (and says why). The listen addresses and the database are not reloaded.
func (st *station) reload() error {
	p, err := loadPolicy(st.cfg)
	if err != nil {
		return fmt.Errorf("reload: keeping the current config: %w", err)
	}
	st.linkToListener(p)
	chans, err := notify.NewChannels(p, st.log)
	if err != nil {
		return fmt.Errorf("reload: keeping the current config: notification channels: %w", err)
	}
	if p, err = withOverrides(p, st.store, st.log, st.now()); err != nil {
		return fmt.Errorf("reload: keeping the current config: %w", err)
	}
	st.policy.Store(p)
	// The worker may still be sending through an old channel; a closed
	// channel finishes that send and keeps no connection after it.
	if old := st.chans.Swap(&chans); old != nil {
		notify.CloseChannels(*old)
	}
	for _, w := range policyWarnings(p) {
		st.log.Warn("config", "warning", w)
	}
	if err := st.store.Redecide(st.now()); err != nil {
		return fmt.Errorf("reload: config in force, but re-deciding alerts: %w", err)
	}
	return nil
}

func policyWarnings(p *policy.Policy) []string {
	var out []string
	for _, w := range p.Warnings {
		out = append(out, policy.FormatDiagnostic(w))
	}
	return out
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func addrs(cs []net.PacketConn) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.LocalAddr().String())
	}
	return out
}

func addrOf(l net.Listener) string {
	if l == nil {
		return ""
	}
	return l.Addr().String()
}
