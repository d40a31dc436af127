package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// MetricsWriter is anything that can append Prometheus text-format metrics
// to /metrics (the listener, the store batcher, the notify workers).
type MetricsWriter = interface{ WriteMetrics(io.Writer) }

// Presence is told when a person's live client (`mauve client`) connects
// to the event stream, so notifications to that person can be held and
// shown there instead; Join's result is called when it goes away. List
// names the people with a live client open, for the pages.
type Presence interface {
	Join(person string) (leave func())
	List() []string
}

// Options configure NewServer.
type Options struct {
	// Store is the station's memory. Required.
	Store *store.Store
	// Policy returns the policy in force. It is called for every request,
	// so a reload takes effect at once. Required.
	Policy func() *policy.Policy
	// Logger receives one line per request that failed on the server's
	// side and per security event (failed login). nil discards.
	Logger *slog.Logger
	// Metrics are written, in order, after the server's own on /metrics.
	Metrics []MetricsWriter
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Presence is told of live clients; nil means nobody is ever present.
	Presence Presence
	// SessionTTL is how long a login lasts; 0 means 7 days.
	SessionTTL time.Duration
	// KeepAlive is how often an idle event stream sends a comment so
	// proxies and clients know it is alive; 0 means 15 s.
	KeepAlive time.Duration
	// MaxConns caps the connections each listener serves at once; 0
	// means 1024. Beyond it /healthz is still answered and anything else
	// gets 503.
	MaxConns int
	// MaxStreams caps the event streams open at once; 0 means 512.
	MaxStreams int
	// MaxStreamsPerPerson caps the event streams one person holds open;
	// 0 means 16.
	MaxStreamsPerPerson int
	// OverridesChanged is called after a rota override is made or
	// removed, so the policy in force sees it; nil: nothing is called.
	OverridesChanged func()
}

// Server is the station's HTTP side: the browser pages, the JSON API, the
// live event stream, logins, /healthz and /metrics. One Server may serve
// any number of listeners at once (TCP with Serve, the unix socket with
// ServeSocket).
type Server struct {
	store      *store.Store
	policy     func() *policy.Policy
	log        *slog.Logger
	metrics    []MetricsWriter
	now        func() time.Time
	presence   Presence
	sessionTTL time.Duration
	keepAlive  time.Duration
	maxConns   int
	// overridesChanged: see Options.OverridesChanged.
	overridesChanged func()

	logins    *loginThrottle
	once      *onceTokens
	streamCap *streamLimit
	stats     serverStats

	web    http.Handler // browser and API, authenticated by credentials
	socket http.Handler // API only, authenticated by peer credentials
}

type serverStats struct {
	requests       [6]atomic.Uint64 // by status class 1xx..5xx; [0] unused
	loginFailures  atomic.Uint64
	passwordChecks atomic.Uint64 // bcrypt comparisons run
	streams        atomic.Int64
	resyncs        atomic.Uint64 // event streams told to fetch the list again
	connsRefused   atomic.Uint64 // connections beyond the cap
}

// NewServer builds a Server. It fails when a required option is missing.
func NewServer(o Options) (*Server, error) {
	if o.Store == nil {
		return nil, errors.New("ui: Options.Store is required")
	}
	if o.Policy == nil {
		return nil, errors.New("ui: Options.Policy is required")
	}
	s := &Server{
		store:      o.Store,
		policy:     o.Policy,
		log:        o.Logger,
		metrics:    o.Metrics,
		now:        o.Now,
		presence:   o.Presence,
		sessionTTL: o.SessionTTL,
		keepAlive:  o.KeepAlive,
		maxConns:   o.MaxConns,
	}
	s.overridesChanged = o.OverridesChanged
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.keepAlive <= 0 {
		s.keepAlive = 15 * time.Second
	}
	if s.maxConns <= 0 {
		s.maxConns = defaultMaxConns
	}
	if s.sessionTTL <= 0 {
		s.sessionTTL = 7 * 24 * time.Hour
	}
	s.logins = newLoginThrottle()
	s.once = newOnceTokens()
	s.streamCap = newStreamLimit(o.MaxStreams, o.MaxStreamsPerPerson)
	s.web, s.socket = s.routes()
	return s, nil
}

// Handler returns the handler Serve uses: browser pages and the API,
// authenticated by session, token, password or trusted header.
func (s *Server) Handler() http.Handler { return s.web }

// Serve serves the browser pages and the API on ln until ctx is done, then
// shuts down gracefully: it stops accepting, ends live event streams and
// waits (up to 5 s) for requests in flight. It returns nil after a
// shutdown caused by ctx.
//
// It serves at most Options.MaxConns connections at once; beyond that,
// /healthz is still answered and other requests get 503.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	return s.serve(ctx, s.limitListener(ln), s.web, nil)
}

// ServeSocket serves the API on a unix socket listener (see ListenSocket)
// until ctx is done. The person of each request is the policy person whose
// unix_user is the name of the peer's uid (SO_PEERCRED); a peer with no
// person gets 403 and nothing changes.
func (s *Server) ServeSocket(ctx context.Context, ln net.Listener) error {
	return s.serve(ctx, ln, s.socket, peerContext)
}

func (s *Server) serve(ctx context.Context, ln net.Listener, h http.Handler, connContext func(context.Context, net.Conn) context.Context) error {
	streams, endStreams := context.WithCancel(context.Background())
	defer endStreams()
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		BaseContext: func(net.Listener) context.Context {
			return context.WithValue(context.Background(), streamsKey{}, streams)
		},
		ConnContext: connContext,
	}
	srv.RegisterOnShutdown(endStreams)

	var wg sync.WaitGroup
	done := make(chan struct{})
	defer close(done)
	var shutdownErr error
	wg.Go(func() {
		select {
		case <-ctx.Done():
		case <-done:
			return
		}
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shutdownErr = srv.Shutdown(sctx)
	})
	err := srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		wg.Wait()
		if shutdownErr != nil {
			return fmt.Errorf("shut down http on %s: %w", ln.Addr(), shutdownErr)
		}
		return nil
	}
	return fmt.Errorf("serve http on %s: %w", ln.Addr(), err)
}

// streamsKey holds, in a request context, a context that ends when the
// server shuts down, so long-lived event streams end and let Shutdown
// finish while ordinary requests in flight complete.
type streamsKey struct{}

func streamsDone(ctx context.Context) <-chan struct{} {
	if c, ok := ctx.Value(streamsKey{}).(context.Context); ok {
		return c.Done()
	}
	return nil
}

// securityHeaders sets the headers every response carries.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		h.ServeHTTP(w, r)
	})
}

// countStatus counts responses by status class for /metrics.
func (s *Server) countStatus(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		if c := sw.status / 100; c >= 1 && c <= 5 {
			s.stats.requests[c].Add(1)
		}
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush on the real writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// isLoopback reports whether r came straight from this host (not through
// a proxy that says it forwarded someone else's request).
func isLoopback(r *http.Request) bool {
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
