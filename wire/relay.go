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
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// RelayOptions configure NewRelay. The zero value is usable.
type RelayOptions struct {
	// Logger receives rejections and send errors (each at most about one
	// line a second, per destination for send errors) and address changes;
	// nil discards them.
	Logger *slog.Logger
	// Resolver looks up destinations; nil means net.DefaultResolver.
	Resolver Resolver
	// DuplicateWindow is how long a datagram is remembered so that a copy
	// arriving by another path is not forwarded again; 0 means 5m, the
	// station's default.
	DuplicateWindow time.Duration
	// ResolveEvery is how often each named destination is looked up again
	// (SRV and addresses); 0 means one minute. A destination that has no
	// address yet is retried every few seconds meanwhile.
	ResolveEvery time.Duration
	// Now is the clock of the duplicate window; nil means time.Now.
	Now func() time.Time
}

// relayQueue is how many datagrams may wait for one destination. A
// destination that cannot keep up loses datagrams beyond it (counted)
// rather than holding up the others: alerts are fire and forget.
const relayQueue = 256

// relayLookupTimeout bounds one look-up of one destination.
const relayLookupTimeout = 10 * time.Second

// relayRetry is how soon a destination without any address is looked up
// again.
const relayRetry = 5 * time.Second

// relayStartWait is how long Run waits for the first look-ups before it
// starts reading; datagrams wait in the socket buffer meanwhile, so that
// the first ones are not forwarded to fewer destinations than the rest.
const relayStartWait = 3 * time.Second

// Relay reads datagrams from UDP sockets and forwards each, byte for byte,
// to every destination, so that a signed update stays verifiable. It
// decodes each datagram only to refuse what no station would accept (too
// large, malformed, no source) and to drop repeats: a datagram seen within
// the duplicate window is forwarded once, however many paths bring it, so
// relays forwarding to each other do not loop. Repeats are recognised by
// transmission id and content together, so a forged datagram reusing a
// genuine update's id cannot shadow it; a transmission id of 0 is never a
// repeat, as at a station. Build it with NewRelay and start it with Run.
type Relay struct {
	conns []net.PacketConn
	dests []*relayDest
	opts  RelayOptions
	log   *slog.Logger
	dedup *dedup
	seed  maphash.Seed
	limit LogLimiter

	received  atomic.Uint64
	forwarded atomic.Uint64
	rejected  [len(reasonTable)]atomic.Uint64
}

// relayDest is one destination argument: its addresses as last resolved,
// each with a connected socket, and its queue.
type relayDest struct {
	arg   string
	dest  Destination
	queue chan []byte
	limit LogLimiter
	ready chan struct{} // closed after the first look-up

	mu      sync.RWMutex
	targets []relayTarget

	sent         atomic.Uint64
	sendErrors   atomic.Uint64
	dropped      atomic.Uint64
	lookupErrors atomic.Uint64
}

type relayTarget struct {
	addr netip.AddrPort
	conn *net.UDPConn
}

// NewRelay returns a relay reading conns, which the caller keeps owning
// (Run does not close them), and forwarding to dests, each parsed as by
// ParseDestination: a bad one is an error naming it. Destinations are
// looked up when Run starts.
func NewRelay(conns []net.PacketConn, dests []string, opts RelayOptions) (*Relay, error) {
	if len(dests) == 0 {
		return nil, errors.New("no destination given")
	}
	if opts.DuplicateWindow <= 0 {
		opts.DuplicateWindow = 5 * time.Minute
	}
	if opts.ResolveEvery <= 0 {
		opts.ResolveEvery = time.Minute
	}
	if opts.Resolver == nil {
		opts.Resolver = net.DefaultResolver
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Relay{
		conns: conns,
		opts:  opts,
		log:   log,
		dedup: newDedup(opts.DuplicateWindow, dedupCapacity),
		seed:  maphash.MakeSeed(),
	}
	for _, s := range dests {
		d, err := ParseDestination(s)
		if err != nil {
			return nil, err
		}
		r.dests = append(r.dests, &relayDest{arg: s, dest: d, queue: make(chan []byte, relayQueue), ready: make(chan struct{})})
	}
	return r, nil
}

// Run looks up the destinations, reads until ctx is done, forwards what
// was read before that, and returns nil; it returns an error early only
// when every socket has failed (for example, been closed). A relay runs
// once.
func (r *Relay) Run(ctx context.Context) error {
	var resolvers sync.WaitGroup
	defer resolvers.Wait()
	rctx, stopResolving := context.WithCancel(ctx)
	defer stopResolving()
	for _, d := range r.dests {
		resolvers.Go(func() { r.resolveLoop(rctx, d) })
	}
	start := time.NewTimer(relayStartWait)
	for _, d := range r.dests {
		select {
		case <-d.ready:
		case <-start.C:
		case <-ctx.Done():
		}
	}
	start.Stop()

	var senders sync.WaitGroup
	for _, d := range r.dests {
		senders.Go(func() { r.sendLoop(d) })
	}
	// Unblock every pending read once ctx is done.
	stop := context.AfterFunc(ctx, func() {
		for _, c := range r.conns {
			_ = c.SetReadDeadline(time.Unix(1, 0))
		}
	})
	defer stop()
	var readers sync.WaitGroup
	errs := make([]error, len(r.conns))
	for i, c := range r.conns {
		readers.Go(func() { errs[i] = r.read(ctx, c) })
	}
	readers.Wait()
	for _, d := range r.dests {
		close(d.queue)
	}
	senders.Wait()
	stopResolving()
	resolvers.Wait()
	for _, d := range r.dests {
		d.setTargets(nil)
	}
	if ctx.Err() != nil || len(r.conns) == 0 {
		return nil
	}
	return fmt.Errorf("relay stopped: %w", errors.Join(errs...))
}

// read is one socket's reader. A socket has a single reader, and each
// destination a single queue, so datagrams from one sender leave in the
// order they came (a raise and the clear just after it stay in order).
func (r *Relay) read(ctx context.Context, c net.PacketConn) error {
	buf := make([]byte, MaxDatagram+1)
	for {
		n, addr, err := c.ReadFrom(buf)
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
			r.limit.Log(r.log, r.opts.Now(), "UDP read error", "addr", c.LocalAddr(), "err", err)
			continue
		}
		r.Receive(buf[:n], addrPort(addr))
	}
}

// Receive handles one datagram as if read from a socket: it checks it,
// drops it if a repeat, and queues a copy of it for every destination. It
// is for tests and fuzzing; it may be called while Run runs, from any
// goroutine, but the order of datagrams is then the caller's to keep.
func (r *Relay) Receive(b []byte, from netip.AddrPort) {
	now := r.opts.Now()
	r.received.Add(1)
	if err := r.check(b, now); err != nil {
		reason := Reason(err)
		r.reject(reason)
		if reason != ReasonDuplicate {
			r.limit.Log(r.log, now, "datagram not relayed", "from", from, "reason", reason, "err", err.Error())
		}
		return
	}
	r.forwarded.Add(1)
	b = bytes.Clone(b) // shared, read-only, by every destination's queue
	for _, d := range r.dests {
		select {
		case d.queue <- b:
		default:
			d.dropped.Add(1)
			d.limit.Log(r.log, now, "destination queue full, datagram dropped", "destination", d.arg, "queued", relayQueue)
		}
	}
}

// check refuses what a station would refuse whatever its config, and
// repeats.
func (r *Relay) check(b []byte, now time.Time) error {
	u, err := Decode(b)
	if err != nil {
		return err
	}
	if u.TransmissionID == 0 {
		return nil
	}
	// The id is in the bytes; hashing them all keys on id and content.
	if r.dedup.seenBefore(maphash.Bytes(r.seed, b), now) {
		return reject(ReasonDuplicate, "update %d from %q relayed within the last %s",
			u.TransmissionID, u.Source, r.opts.DuplicateWindow)
	}
	return nil
}

func (r *Relay) reject(reason string) {
	for i, rt := range reasonTable {
		if rt.reason == reason {
			r.rejected[i].Add(1)
			return
		}
	}
	r.rejected[1].Add(1) // malformed
}

// sendLoop writes each queued datagram to every address of d until the
// queue is closed. An address fails on its own; the destination counts as
// sent when any address took the datagram.
func (r *Relay) sendLoop(d *relayDest) {
	for b := range d.queue {
		d.mu.RLock()
		ok := false
		for _, t := range d.targets {
			if _, err := t.conn.Write(b); err != nil {
				d.sendErrors.Add(1)
				d.limit.Log(r.log, r.opts.Now(), "send failed", "destination", d.arg, "addr", t.addr, "err", err)
				continue
			}
			ok = true
		}
		if len(d.targets) == 0 {
			d.sendErrors.Add(1)
			d.limit.Log(r.log, r.opts.Now(), "destination has no address yet, datagram not sent", "destination", d.arg)
		}
		d.mu.RUnlock()
		if ok {
			d.sent.Add(1)
		}
	}
}

// resolveLoop looks d up now and again every ResolveEvery (a literal
// address once), keeping the last addresses found when a look-up fails.
func (r *Relay) resolveLoop(ctx context.Context, d *relayDest) {
	first := true
	for {
		lctx, cancel := context.WithTimeout(ctx, relayLookupTimeout)
		addrs, err := Resolve(lctx, r.opts.Resolver, d.dest)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			d.lookupErrors.Add(1)
			d.limit.Log(r.log, r.opts.Now(), "look-up failed, keeping the addresses found before",
				"destination", d.arg, "err", DestinationError{Destination: d.arg, Err: err}.Error(), "addresses", len(d.addrs()))
		} else {
			r.update(d, addrs)
		}
		if first {
			close(d.ready)
			first = false
		}
		wait := r.opts.ResolveEvery
		switch {
		case len(d.addrs()) == 0:
			wait = min(wait, relayRetry)
		case d.dest.Addr.IsValid() && err == nil:
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// update makes addrs d's addresses, keeping the sockets of those it had
// and connecting one to each new address.
func (r *Relay) update(d *relayDest, addrs []netip.AddrPort) {
	old := d.addrs()
	if slices.Equal(old, addrs) {
		return
	}
	var next []relayTarget
	d.mu.RLock()
	for _, ap := range addrs {
		if i := slices.IndexFunc(d.targets, func(t relayTarget) bool { return t.addr == ap }); i >= 0 {
			next = append(next, d.targets[i])
			continue
		}
		c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(ap))
		if err != nil {
			d.sendErrors.Add(1)
			d.limit.Log(r.log, r.opts.Now(), "cannot send to address", "destination", d.arg, "addr", ap, "err", err)
			continue
		}
		next = append(next, relayTarget{addr: ap, conn: c})
	}
	d.mu.RUnlock()
	d.setTargets(next)
	if now := d.addrs(); !slices.Equal(old, now) {
		r.log.Info("destination addresses", "destination", d.arg, "addresses", now)
	}
}

// setTargets replaces d's targets, closing the sockets no longer used.
func (d *relayDest) setTargets(next []relayTarget) {
	d.mu.Lock()
	old := d.targets
	d.targets = next
	d.mu.Unlock()
	for _, t := range old {
		if !slices.ContainsFunc(next, func(n relayTarget) bool { return n.conn == t.conn }) {
			t.conn.Close()
		}
	}
}

func (d *relayDest) addrs() []netip.AddrPort {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]netip.AddrPort, len(d.targets))
	for i, t := range d.targets {
		out[i] = t.addr
	}
	return out
}

// RelayStats is a snapshot of a Relay's counters since it was built.
// Received = Forwarded + the sum of Rejected.
type RelayStats struct {
	// Received counts datagrams read.
	Received uint64
	// Forwarded counts datagrams accepted and queued for every destination.
	Forwarded uint64
	// Rejected counts datagrams not forwarded, by reason (every reason of
	// Reasons is present), repeats included as "duplicate".
	Rejected map[string]uint64
	// Duplicates counts repeats not forwarded again (Rejected["duplicate"]).
	Duplicates uint64
	// Destinations has one entry per destination, in the order given.
	Destinations []RelayDestinationStats
}

// RelayDestinationStats are one destination's counters.
type RelayDestinationStats struct {
	// Destination is the argument as given.
	Destination string
	// Addresses are the addresses it resolved to last.
	Addresses []netip.AddrPort
	// Sent counts datagrams that at least one of its addresses took.
	Sent uint64
	// SendErrors counts failed writes to an address (a refused port, no
	// route) and datagrams it had no address for.
	SendErrors uint64
	// Dropped counts datagrams lost because its queue was full.
	Dropped uint64
	// LookupErrors counts failed look-ups.
	LookupErrors uint64
}

// Stats returns the relay's counters. Safe to call while Run runs.
func (r *Relay) Stats() RelayStats {
	s := RelayStats{
		Received:  r.received.Load(),
		Forwarded: r.forwarded.Load(),
		Rejected:  make(map[string]uint64, len(reasonTable)),
	}
	for i, rt := range reasonTable {
		s.Rejected[rt.reason] = r.rejected[i].Load()
	}
	s.Duplicates = s.Rejected[ReasonDuplicate]
	for _, d := range r.dests {
		s.Destinations = append(s.Destinations, RelayDestinationStats{
			Destination:  d.arg,
			Addresses:    d.addrs(),
			Sent:         d.sent.Load(),
			SendErrors:   d.sendErrors.Load(),
			Dropped:      d.dropped.Load(),
			LookupErrors: d.lookupErrors.Load(),
		})
	}
	return s
}
