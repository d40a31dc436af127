package wire

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Handler receives each accepted update with the sender's address and the
// reception time. Readers call it synchronously, so it should be quick
// (hand the update to a queue or a batching writer). It may be called from
// several goroutines at once.
type Handler func(u Update, from netip.AddrPort, receivedAt time.Time)

// ListenerOptions configure NewListener. The zero value is usable.
type ListenerOptions struct {
	// Logger receives rejections (at most about one line a second) and
	// socket errors; nil discards them.
	Logger *slog.Logger
	// Readers is the number of reader goroutines per socket; 0 means 2.
	Readers int
	// ReadBuffer is the socket receive buffer to ask for, in bytes; 0
	// means DefaultReadBuffer, negative leaves the system default. With
	// CAP_NET_ADMIN (root) it is set with SO_RCVBUFFORCE; otherwise
	// SetReadBuffer, which Linux caps at net.core.rmem_max.
	ReadBuffer int
	// DuplicateWindow is how long a transmission id is remembered, and how
	// far a signed update's transmission time may be from now; 0 means 5m.
	DuplicateWindow time.Duration
	// Keys returns the shared key for a source and whether its updates must
	// be signed. A signed update whose source has a key is verified even
	// when not required. nil: no source has a key.
	Keys func(source string) (key []byte, required bool)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Listener reads datagrams from UDP sockets, decodes, verifies and
// de-duplicates them, counts what it rejects, and hands accepted updates to
// a Handler. Build it with NewListener and start it with Run.
type Listener struct {
	conns   []net.PacketConn
	handler Handler
	opts    ListenerOptions
	log     *slog.Logger
	dedup   *dedup
	stats   counters
	limit   logLimiter
	bufs    []atomic.Int64 // receive buffer granted, per conn
}

// NewListener returns a listener on conns, which the caller keeps owning
// (Run does not close them).
func NewListener(conns []net.PacketConn, h Handler, opts ListenerOptions) *Listener {
	if opts.Readers <= 0 {
		opts.Readers = 2
	}
	if opts.ReadBuffer == 0 {
		opts.ReadBuffer = DefaultReadBuffer
	}
	if opts.DuplicateWindow <= 0 {
		opts.DuplicateWindow = 5 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &Listener{
		conns:   conns,
		handler: h,
		opts:    opts,
		log:     log,
		dedup:   newDedup(opts.DuplicateWindow, dedupCapacity),
		bufs:    make([]atomic.Int64, len(conns)),
	}
	// Size the buffers now, not when Run starts: datagrams may arrive as
	// soon as the station says it is up, and a burst into the kernel's
	// default buffer (about 200 small datagrams) would be cut short.
	l.setReadBuffers()
	return l
}

// Run reads until ctx is done, then returns nil; it returns an error early
// only when every socket has failed (for example, been closed). It starts
// Readers goroutines per socket and waits for all of them.
func (l *Listener) Run(ctx context.Context) error {
	if len(l.conns) == 0 {
		<-ctx.Done()
		return nil
	}
	// Unblock every pending read once ctx is done.
	stop := context.AfterFunc(ctx, func() {
		for _, c := range l.conns {
			_ = c.SetReadDeadline(time.Unix(1, 0))
		}
	})
	defer stop()

	var wg sync.WaitGroup
	errs := make([]error, len(l.conns)*l.opts.Readers)
	for i, c := range l.conns {
		for r := range l.opts.Readers {
			wg.Go(func() { errs[i*l.opts.Readers+r] = l.read(ctx, c) })
		}
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("UDP listener stopped: %w", errors.Join(errs...))
}

// read is one reader's loop over one socket.
func (l *Listener) read(ctx context.Context, c net.PacketConn) error {
	buf := make([]byte, MaxDatagram+1)
	udp, _ := c.(*net.UDPConn)
	for {
		var (
			n    int
			from netip.AddrPort
			err  error
		)
		if udp != nil {
			n, from, err = udp.ReadFromUDPAddrPort(buf)
			from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
		} else {
			var addr net.Addr
			n, addr, err = c.ReadFrom(buf)
			from = addrPort(addr)
		}
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("read %s: %w", c.LocalAddr(), err)
			}
			if errors.Is(err, os.ErrDeadlineExceeded) {
				continue
			}
			// ICMP errors and the like are transient on UDP sockets.
			l.limit.log(l.log, l.opts.Now(), "UDP read error", "addr", c.LocalAddr(), "err", err)
			continue
		}
		l.handle(buf[:n], from)
	}
}

// handle processes one datagram; nothing in it may stop the reader.
func (l *Listener) handle(b []byte, from netip.AddrPort) {
	now := l.opts.Now()
	l.stats.received.Add(1)
	defer func() {
		if p := recover(); p != nil {
			l.log.Error("update handler panicked", "from", from, "panic", p)
		}
	}()
	u, err := l.accept(b, now)
	if err != nil {
		reason := Reason(err)
		l.stats.reject(reason)
		if reason != ReasonDuplicate {
			l.limit.log(l.log, now, "datagram rejected", "from", from, "reason", reason, "err", err.Error())
		}
		return
	}
	l.stats.decoded.Add(1)
	l.handler(u, from, now)
}

// accept decodes, verifies and de-duplicates one datagram.
func (l *Listener) accept(b []byte, now time.Time) (Update, error) {
	u, err := Decode(b)
	if err != nil {
		return Update{}, err
	}
	if l.opts.Keys != nil {
		key, required := l.opts.Keys(u.Source)
		switch {
		case len(u.Signature) == 0 && required:
			return Update{}, reject(ReasonUnsigned, "update %d from %q is unsigned, and this station requires %q to sign",
				u.TransmissionID, u.Source, u.Source)
		case len(u.Signature) > 0 && len(key) > 0:
			if err := verifyDatagram(b, u, key, now, l.opts.DuplicateWindow); err != nil {
				return Update{}, err
			}
		case required:
			return Update{}, reject(ReasonBadSignature, "update %d from %q: no key configured to verify it",
				u.TransmissionID, u.Source)
		}
	}
	if l.dedup.seenBefore(u.TransmissionID, now) {
		return Update{}, reject(ReasonDuplicate, "update %d from %q seen within the last %s",
			u.TransmissionID, u.Source, l.opts.DuplicateWindow)
	}
	return u, nil
}

func addrPort(a net.Addr) netip.AddrPort {
	if u, ok := a.(*net.UDPAddr); ok {
		ap := u.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	if a != nil {
		if ap, err := netip.ParseAddrPort(a.String()); err == nil {
			return ap
		}
	}
	return netip.AddrPort{}
}

// logLimiter lets through about one log line a second and reports how many
// it held back.
type logLimiter struct {
	mu         sync.Mutex
	last       time.Time
	suppressed int
}

func (r *logLimiter) log(log *slog.Logger, now time.Time, msg string, args ...any) {
	r.mu.Lock()
	if !r.last.IsZero() && now.Sub(r.last) < time.Second && now.After(r.last.Add(-time.Second)) {
		r.suppressed++
		r.mu.Unlock()
		return
	}
	r.last = now
	n := r.suppressed
	r.suppressed = 0
	r.mu.Unlock()
	if n > 0 {
		args = append(args, "suppressed", n)
	}
	log.Warn(msg, args...)
}
