package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// How messages share connections. Send queues a parcel; carriers, one a
// connection, take parcels off the queue in trips. On a server that offers
// PIPELINING and CHUNKING a trip carries up to maxTrip whole transactions
// in one write, so a burst costs a round trip per trip rather than four per
// message; otherwise a trip carries one message.
const (
	maxTrip = 32
	// tripBytes caps the content of one trip, so a trip of long messages
	// does not sit in one write for long.
	tripBytes = 1 << 20
	// spawnDepth: another carrier (and connection) starts while more than
	// this many parcels a carrier are waiting, up to MaxConns.
	spawnDepth = 2
)

// parcel is one message on its way, composed by Send and carried by a
// carrier. Its fields after done are guarded by Email.mu.
type parcel struct {
	from  string
	rcpts []string
	ascii bool   // from and rcpts are ASCII (no SMTPUTF8 needed)
	body  []byte // the message as written to the server, CRLF lines
	done  chan error

	gone bool  // its Send returned before an outcome
	trip *trip // the trip carrying it
}

// trip is the parcels one carrier has in flight on one connection.
type trip struct {
	parcels []*parcel
	abort   func() // fails the connection's pending I/O
}

// Send delivers m to m.Person's email address. A 5xx answer from the server
// (a rejected recipient, a refused sender) is permanent; a refused or
// dropped connection, a timeout and a 4xx answer are transient. If ctx ends
// first, Send returns at once; a message already on its way may still
// arrive.
func (e *Email) Send(ctx context.Context, m Message) error {
	if m.Person == nil || m.Person.Email == "" {
		return Permanent(fmt.Errorf("email: %s has no email address", m.Notification.Person))
	}
	p, err := e.parcel(m)
	if err != nil {
		return Permanent(err)
	}
	e.post(p)
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		e.withdraw(p)
		return ctx.Err()
	}
}

// parcel composes m and writes it out once, for any number of attempts.
func (e *Email) parcel(m Message) (*parcel, error) {
	msg, err := e.compose(m)
	if err != nil {
		return nil, err
	}
	from, err := msg.GetSender(false)
	if err != nil {
		return nil, fmt.Errorf("email: sender: %w", err)
	}
	rcpts, err := msg.GetRecipients()
	if err != nil {
		return nil, fmt.Errorf("email: recipients: %w", err)
	}
	var body bytes.Buffer
	body.Grow(4096)
	if _, err := msg.WriteTo(&body); err != nil {
		return nil, fmt.Errorf("email: write the message: %w", err)
	}
	return &parcel{
		from: from, rcpts: rcpts, ascii: isASCII(from + strings.Join(rcpts, "")),
		body: body.Bytes(), done: make(chan error, 1),
	}, nil
}

// post queues p and starts a carrier when none is running, or when the
// queue is deeper than the running ones take at a time.
func (e *Email) post(p *parcel) {
	e.mu.Lock()
	e.queue = append(e.queue, p)
	spawn := e.carriers == 0 || (e.carriers < e.opts.MaxConns && len(e.queue) > e.carriers*spawnDepth)
	if spawn {
		e.carriers++
	}
	e.mu.Unlock()
	if spawn {
		go e.carry()
	}
}

// withdraw marks p's Send as returned. A parcel still queued is never
// sent; when every parcel of a trip is gone, the trip is cut short.
func (e *Email) withdraw(p *parcel) {
	e.mu.Lock()
	p.gone = true
	var abort func()
	if t := p.trip; t != nil {
		abort = t.abort
		for _, q := range t.parcels {
			if !q.gone {
				abort = nil
				break
			}
		}
	}
	e.mu.Unlock()
	if abort != nil {
		abort()
	}
}

// board takes up to n parcels off the queue for a trip, passing over
// withdrawn ones; it returns nil when none are waiting.
func (e *Email) board(n int, abort func()) *trip {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := &trip{abort: abort}
	size := 0
	i := 0
	for ; i < len(e.queue) && len(t.parcels) < n; i++ {
		p := e.queue[i]
		if p.gone {
			continue
		}
		if len(t.parcels) > 0 && size+len(p.body) > tripBytes {
			break
		}
		size += len(p.body)
		p.trip = t
		t.parcels = append(t.parcels, p)
	}
	e.queue = e.queue[i:]
	if len(t.parcels) == 0 {
		return nil
	}
	return t
}

// idleOrExit reports whether parcels are waiting. When none are, the
// carrier is counted out and its connection c (if any) left idle under the
// same lock, so a parcel posted after this starts a new carrier that finds
// the connection.
func (e *Email) idleOrExit(c *smtpConn) bool {
	e.mu.Lock()
	for _, p := range e.queue {
		if !p.gone {
			e.mu.Unlock()
			return true
		}
	}
	e.queue = e.queue[:0]
	e.carriers--
	closed := e.closed
	if c != nil && !closed {
		e.keepIdleLocked(*c)
	}
	e.mu.Unlock()
	if c != nil && closed {
		e.goodbye(*c)
	}
	return false
}

// requeue puts parcels back at the head of the queue, in order.
func (e *Email) requeue(ps []*parcel) {
	if len(ps) == 0 {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range ps {
		p.trip = nil
	}
	e.queue = append(ps[:len(ps):len(ps)], e.queue...)
}

// settle gives p its outcome.
func (e *Email) settle(p *parcel, err error) {
	e.mu.Lock()
	p.trip = nil
	e.mu.Unlock()
	p.done <- err
}

// carry runs trips until the queue is empty, keeping one connection
// between them, and leaves the connection idle for the next burst.
func (e *Email) carry() {
	var c *smtpConn
	// The carrier's trips are written from buf, which outlives the
	// carrier: carriers come and go with every burst.
	buf, _ := e.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer e.bufs.Put(buf)
	reused := false
	for e.idleOrExit(c) {
		if c != nil && e.isClosed() {
			// Closed meanwhile (a reload): the connection is not kept
			// for another trip.
			e.release(*c)
			c = nil
		}
		if c == nil {
			ctx, cancel := context.WithTimeout(context.Background(), e.opts.Timeout)
			nc, r, err := e.conn(ctx)
			cancel()
			if err != nil {
				e.failQueued(classifySMTP(err))
				continue
			}
			c, reused = &nc, r
		}
		if !e.runTrip(c, reused, buf) {
			_ = c.c.Close()
			c = nil
		}
		reused = true
	}
}

// allGone reports whether every sender of t gave up.
func (e *Email) allGone(t *trip) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range t.parcels {
		if !p.gone {
			return false
		}
	}
	return true
}

func timedOut(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func (e *Email) isClosed() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.closed
}

// failQueued gives every waiting parcel err: the server cannot be
// reached now, and each would wait as long to learn it.
func (e *Email) failQueued(err error) {
	e.mu.Lock()
	q := e.queue
	e.queue = nil
	e.mu.Unlock()
	for _, p := range q {
		if !p.gone {
			p.done <- err
		}
	}
}

// runTrip boards one trip onto c and carries it, trying once more on a
// fresh connection when c was idle and the server hung up before any
// answer. It reports whether c is still fit for the next trip.
func (e *Email) runTrip(c *smtpConn, reused bool, buf *bytes.Buffer) bool {
	kind := kindOf(c.c)
	n := 1
	if kind == tripChunked {
		n = maxTrip
	}
	t := e.board(n, c.abort)
	if t == nil {
		return true
	}
	c.deadline(e.opts.Timeout)
	fates, heard, err := e.carryOn(c, kind, t, buf)
	if err != nil && !heard && reused && !timedOut(err) && !e.allGone(t) {
		// The idle connection went stale (the server hung up) before the
		// server said anything; one fresh connection settles whether the
		// server is really gone. A timeout is a slow server, not a stale
		// connection, and a trip whose senders all gave up is not sent
		// again.
		_ = c.c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), e.opts.Timeout)
		nc, derr := e.dial(ctx)
		cancel()
		if derr != nil {
			e.settleAll(t.parcels, classifySMTP(derr))
			return false // c is the closed stale connection
		}
		*c = nc
		kind = kindOf(c.c)
		c.deadline(e.opts.Timeout)
		fates, _, err = e.carryOn(c, kind, t, buf)
	}
	var again []*parcel
	refused := false
	for i, f := range fates {
		p := t.parcels[i]
		switch {
		case f.again:
			again = append(again, p)
		case f.err != nil:
			e.settle(p, classifySMTP(f.err))
		default:
			e.settle(p, nil)
		}
		refused = refused || f.err != nil
	}
	rest := t.parcels[len(fates):]
	if err != nil {
		e.requeue(again)
		e.settleAll(rest, classifySMTP(err))
		return false
	}
	// A fresh connection may carry fewer at a time than the one the trip
	// was boarded for: the rest wait for the next trip.
	e.requeue(append(again, rest...))
	if refused {
		// A refused transaction may still be open on the server.
		return c.c.Reset() == nil
	}
	return true
}

// carryOn sends the parcels of t over c as kind allows.
func (e *Email) carryOn(c *smtpConn, kind tripKind, t *trip, buf *bytes.Buffer) ([]fate, bool, error) {
	switch kind {
	case tripChunked:
		return chunkedTrip(c.c, t.parcels, buf)
	case tripPipelined:
		return pipelinedTrip(c.c, t.parcels[0])
	default:
		return plainTrip(c.c, t.parcels[0])
	}
}

func (e *Email) settleAll(ps []*parcel, err error) {
	for _, p := range ps {
		e.settle(p, err)
	}
}

// abort fails the connection's pending I/O now.
func (c *smtpConn) abort() {
	if c.raw != nil {
		_ = c.raw.SetDeadline(time.Unix(1, 0))
		return
	}
	_ = c.c.Close()
}

// deadline bounds the next trip on c.
func (c *smtpConn) deadline(d time.Duration) {
	if c.raw != nil {
		_ = c.raw.SetDeadline(time.Now().Add(d))
		return
	}
	_ = c.c.UpdateDeadline(d)
}
