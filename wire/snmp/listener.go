package snmp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/mauve-alert/mauve/wire"
)

// ListenerOptions configure NewListener. The zero value is usable.
type ListenerOptions struct {
	// Logger receives drops (at most about one line a second) and socket
	// errors; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Listener reads traps from one UDP socket, decodes and maps them by the
// configuration in force, counts what it drops, and hands each update to
// a wire.Handler.
type Listener struct {
	conn    net.PacketConn
	config  func() *Config
	handler wire.Handler
	log     *slog.Logger
	now     func() time.Time

	// The decoder of the configuration last seen; rebuilt when config
	// returns another one (a reload).
	decFor *Config
	dec    *Decoder
	decErr error
	none   Config // in force while config returns nil: every trap is dropped

	received atomic.Uint64
	accepted atomic.Uint64
	dropped  [5]atomic.Uint64 // by Reasons

	limit wire.LogLimiter
}

// NewListener returns a listener on conn, which the caller keeps owning
// (Run does not close it). config is asked for the configuration in
// force for every trap, so a reload takes effect on the next one.
func NewListener(conn net.PacketConn, config func() *Config, h wire.Handler, opts ListenerOptions) *Listener {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Listener{conn: conn, config: config, handler: h, log: opts.Logger, now: opts.Now}
}

// Run reads traps until ctx ends.
func (l *Listener) Run(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() { _ = l.conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	buf := make([]byte, 65536)
	for {
		n, addr, err := l.conn.ReadFrom(buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return fmt.Errorf("read SNMP traps on %s: %w", l.conn.LocalAddr(), err)
		}
		var from netip.AddrPort
		if ua, ok := addr.(*net.UDPAddr); ok {
			from = ua.AddrPort()
		}
		l.Receive(buf[:n], from)
	}
}

// Receive runs one datagram through the listener's path: decode, check,
// map, count, hand on. It must not be called while Run runs: the
// listener decodes one trap at a time.
func (l *Listener) Receive(b []byte, from netip.AddrPort) {
	l.received.Add(1)
	now := l.now()
	cfg := l.config()
	if cfg == nil {
		cfg = &l.none
	}
	if cfg != l.decFor {
		l.decFor = cfg
		l.dec, l.decErr = NewDecoder(cfg.Credentials)
		if l.decErr != nil {
			l.log.Error("SNMP traps cannot be checked; dropping every trap until the config is fixed", "err", l.decErr)
		}
	}
	if l.decErr != nil {
		l.count(ReasonUSM)
		return
	}
	t, err := l.dec.Decode(b, from)
	if err == nil {
		var u wire.Update
		if u, err = cfg.Map(t, now); err == nil {
			l.accepted.Add(1)
			l.handler(u, from, now)
			l.answer(t, from)
			return
		}
	}
	reason := Reason(err)
	l.count(reason)
	l.logDrop(now, "SNMP trap dropped", "from", from.String(), "reason", reason, "err", err)
}

// answer acknowledges an inform once the handler has taken it; the
// sender repeats it until then.
func (l *Listener) answer(t Trap, to netip.AddrPort) {
	if !t.Inform || !to.IsValid() {
		return
	}
	b, err := t.Response()
	if err == nil {
		_, err = l.conn.WriteTo(b, net.UDPAddrFromAddrPort(to))
	}
	if err != nil {
		l.logDrop(l.now(), "SNMP inform not answered", "to", to.String(), "err", err)
	}
}

func (l *Listener) count(reason string) {
	for i, r := range Reasons {
		if r == reason {
			l.dropped[i].Add(1)
		}
	}
}

func (l *Listener) logDrop(now time.Time, msg string, args ...any) {
	l.limit.Log(l.log, now, msg, args...)
}

// Stats is a snapshot of a Listener's counters. Received = Accepted + the
// sum of Dropped.
type Stats struct {
	Received, Accepted uint64
	// Dropped counts traps by reason; every reason of Reasons is present.
	Dropped map[string]uint64
}

// Stats returns the listener's counters. Safe to call while Run runs.
func (l *Listener) Stats() Stats {
	s := Stats{Received: l.received.Load(), Accepted: l.accepted.Load(), Dropped: map[string]uint64{}}
	for i, r := range Reasons {
		s.Dropped[r] = l.dropped[i].Load()
	}
	return s
}

// WriteMetrics writes the listener's counters in the Prometheus text
// exposition format.
func (l *Listener) WriteMetrics(w io.Writer) {
	s := l.Stats()
	metrics.WriteCounterUint64(w, "mauve_snmp_traps_received_total", s.Received)
	metrics.WriteCounterUint64(w, "mauve_snmp_traps_accepted_total", s.Accepted)
	for _, r := range Reasons {
		metrics.WriteCounterUint64(w, fmt.Sprintf("mauve_snmp_traps_dropped_total{reason=%q}", r), s.Dropped[r])
	}
}
