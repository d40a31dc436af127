package wire

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Handler receives each accepted update with the sender's address and the
// reception time. It should be quick (hand the update to a queue or a
// batching writer). It is called from several goroutines at once, but all
// the updates of one source come from one goroutine, in the order their
// socket received them.
type Handler func(u Update, from netip.AddrPort, receivedAt time.Time)

// DefaultMaxAlerts is how many alerts one update may hold when
// ListenerOptions.MaxAlerts is 0. Classic senders never needed more than a
// few hundred; a 64 KB datagram of one-byte alerts holds some 13,000, which
// decode to a megabyte.
const DefaultMaxAlerts = 1000

// ListenerOptions configure NewListener. The zero value is usable.
type ListenerOptions struct {
	// Logger receives rejections (at most about one line a second) and
	// socket errors; nil discards them.
	Logger *slog.Logger
	// Workers is the number of goroutines that decode, verify and hand on
	// updates; 0 means 2. Each socket has one reader, which sends all the
	// datagrams naming one source to the same worker, so a source's
	// updates reach the Handler in the order the socket received them.
	Workers int
	// ReadBuffer is the socket receive buffer to ask for, in bytes; 0
	// means DefaultReadBuffer, negative leaves the system default. With
	// CAP_NET_ADMIN (root) it is set with SO_RCVBUFFORCE; otherwise
	// SetReadBuffer, which Linux caps at net.core.rmem_max.
	ReadBuffer int
	// DuplicateWindow is how long a transmission id is remembered, and how
	// far a signed update's transmission time may be from now; 0 means 5m.
	DuplicateWindow time.Duration
	// MaxAlerts is the most alerts one update may hold; an update with
	// more is refused before it is decoded. 0 means DefaultMaxAlerts.
	MaxAlerts int
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
	dedup   *dedup       // unsigned updates (and signed ones without a key)
	signed  *signedDedup // updates verified with their source's key
	seed    maphash.Seed // routes a source to its worker
	stats   counters
	limit   LogLimiter
	bufs    []atomic.Int64 // receive buffer granted, per conn
}

// NewListener returns a listener on conns, which the caller keeps owning
// (Run does not close them).
func NewListener(conns []net.PacketConn, h Handler, opts ListenerOptions) *Listener {
	if opts.Workers <= 0 {
		opts.Workers = 2
	}
	if opts.ReadBuffer == 0 {
		opts.ReadBuffer = DefaultReadBuffer
	}
	if opts.DuplicateWindow <= 0 {
		opts.DuplicateWindow = 5 * time.Minute
	}
	if opts.MaxAlerts <= 0 {
		opts.MaxAlerts = DefaultMaxAlerts
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
		signed:  newSignedDedup(opts.DuplicateWindow),
		seed:    maphash.MakeSeed(),
		bufs:    make([]atomic.Int64, len(conns)),
	}
	// Size the buffers now, not when Run starts: datagrams may arrive as
	// soon as the station says it is up, and a burst into the kernel's
	// default buffer (about 200 small datagrams) would be cut short.
	l.setReadBuffers()
	return l
}

// workerQueue is how many datagrams may wait for one worker. A full queue
// blocks the readers, pushing back on the socket buffers; it holds at
// most 64 × 64 KiB.
const workerQueue = 64

// packet is one datagram on its way from a reader to a worker.
type packet struct {
	b    []byte
	from netip.AddrPort
	at   time.Time
	scan scanned
}

// Run reads until ctx is done, then returns nil; it returns an error early
// only when every socket has failed (for example, been closed). It starts
// one reader per socket and Workers workers, and waits for all of them.
//
// A socket has a single reader because the kernel queues a socket's
// datagrams in arrival order: with several readers, a raise and the clear
// sent just after it could be handed on in the wrong order.
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

	queues := make([]chan packet, l.opts.Workers)
	var workers sync.WaitGroup
	for i := range queues {
		queues[i] = make(chan packet, workerQueue)
		workers.Go(func() {
			for p := range queues[i] {
				l.handle(p.b, p.from, p.at, p.scan)
			}
		})
	}
	var readers sync.WaitGroup
	errs := make([]error, len(l.conns))
	for i, c := range l.conns {
		readers.Go(func() { errs[i] = l.read(ctx, c, queues) })
	}
	readers.Wait()
	for _, q := range queues {
		close(q)
	}
	workers.Wait()
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("UDP listener stopped: %w", errors.Join(errs...))
}

// read is one socket's reader: it reads each datagram, finds its source
// and hands it to that source's worker.
func (l *Listener) read(ctx context.Context, c net.PacketConn, queues []chan packet) error {
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
			l.limit.Log(l.log, l.opts.Now(), "UDP read error", "addr", c.LocalAddr(), "err", err)
			continue
		}
		now := l.opts.Now()
		l.stats.received.Add(1)
		sc := l.scan(buf[:n])
		q := queues[0]
		if len(queues) > 1 {
			q = queues[maphash.Bytes(l.seed, sc.source)%uint64(len(queues))]
		}
		q <- packet{b: bytes.Clone(buf[:n]), from: from, at: now, scan: sc}
	}
}

// Receive runs one datagram through exactly the path a datagram read from
// a socket takes (size and alert count, decoding, the source check, the
// signature, de-duplication, times), counting it, and calls the Handler
// if it is accepted, before returning. It is for tests, fuzzing and
// relaying; it may be called while Run runs, from any goroutine, but the
// order of one source's updates is then the caller's to keep.
func (l *Listener) Receive(b []byte, from netip.AddrPort) {
	now := l.opts.Now()
	l.stats.received.Add(1)
	l.handle(b, from, now, l.scan(b))
}

// scanned is what a reader learns of a datagram before decoding it.
type scanned struct {
	source []byte // raw, as sent; nil when malformed
	alerts int
	err    error // malformed at the top level
}

func (l *Listener) scan(b []byte) scanned {
	if len(b) > MaxDatagram {
		return scanned{err: &TooLargeError{Size: len(b)}}
	}
	source, alerts, err := scan(b)
	return scanned{source: source, alerts: alerts, err: err}
}

// handle processes one datagram; nothing in it may stop the reader.
func (l *Listener) handle(b []byte, from netip.AddrPort, now time.Time, sc scanned) {
	defer func() {
		if p := recover(); p != nil {
			l.log.Error("update handler panicked", "from", from, "panic", p)
		}
	}()
	u, err := l.accept(b, now, sc)
	if err != nil {
		reason := Reason(err)
		l.stats.reject(reason)
		if reason != ReasonDuplicate {
			l.limit.Log(l.log, now, "datagram rejected", "from", from, "reason", reason, "err", err.Error())
		}
		return
	}
	if refused := l.checkTimes(&u, now); refused != nil {
		l.limit.Log(l.log, now, "alerts refused for their times", "from", from, "source", u.Source,
			"refused", len(refused), "err", refused[0].Error())
	}
	l.stats.decoded.Add(1)
	l.handler(u, from, now)
}

// accept decodes, checks, verifies and de-duplicates one datagram, in that
// order: the source is checked before its key is looked up, so that a name
// a station would clean into a protected one never gets that far.
func (l *Listener) accept(b []byte, now time.Time, sc scanned) (Update, error) {
	if sc.err != nil {
		return Update{}, sc.err
	}
	if sc.alerts > l.opts.MaxAlerts {
		return Update{}, reject(ReasonTooManyAlerts, "update from %q holds %d alerts, over the limit of %d an update (station max_alerts_per_update); send them in several updates",
			sc.source, sc.alerts, l.opts.MaxAlerts)
	}
	u, err := Decode(b)
	if err != nil {
		return Update{}, err
	}
	var key []byte
	if l.opts.Keys != nil {
		var required bool
		key, required = l.opts.Keys(u.Source)
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
	var dup bool
	if len(u.Signature) > 0 && len(key) > 0 {
		dup = l.signed.seenBefore(u.Source, u.TransmissionID, u.Signature, u.TransmissionTime, now)
	} else {
		dup = l.dedup.seenBefore(u.TransmissionID, now)
	}
	if dup {
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

// LogLimiter lets through about one log line a second and reports how many
// it held back.
type LogLimiter struct {
	mu         sync.Mutex
	last       time.Time
	suppressed int
}

func (r *LogLimiter) Log(log *slog.Logger, now time.Time, msg string, args ...any) {
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

// Raise and clear times before earliestUnix (2000-01-01T00:00:00Z) or more
// than latestAhead from now are plainly wrong (a sender's clock reset, a
// unit mistake), as classic judged them.
const (
	earliestUnix = 946684800
	latestAhead  = 10 * 365 * 24 * time.Hour
)

// checkTimes removes from u the alerts whose raise or clear time is plainly
// wrong once shifted by the sender's clock offset (as a station applies
// them), lists their ids in u.Refused, counts them, and returns why each
// was refused. The rest of the update still applies.
func (l *Listener) checkTimes(u *Update, now time.Time) []error {
	var offset time.Duration
	if !u.TransmissionTime.IsZero() {
		offset = now.Sub(u.TransmissionTime)
	}
	latest := now.Add(latestAhead)
	bad := func(t time.Time) bool {
		if t.IsZero() {
			return false
		}
		t = t.Add(offset)
		return t.Unix() < earliestUnix || t.After(latest)
	}
	var errs []error
	kept := u.Alerts[:0]
	for _, a := range u.Alerts {
		what, t := "", time.Time{}
		switch {
		case bad(a.RaiseTime):
			what, t = "raise", a.RaiseTime
		case bad(a.ClearTime):
			what, t = "clear", a.ClearTime
		default:
			kept = append(kept, a)
			continue
		}
		u.Refused = append(u.Refused, a.ID)
		l.stats.badTimes.Add(1)
		errs = append(errs, fmt.Errorf("update %d from %q: alert %q refused: %s time %s is before 2000 or more than ten years ahead (after the sender's clock offset of %s)",
			u.TransmissionID, u.Source, a.ID, what, t.Format(time.RFC3339), offset.Round(time.Second)))
	}
	clear(u.Alerts[len(kept):])
	u.Alerts = kept
	return errs
}
