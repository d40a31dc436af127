package wire

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// SendOptions configure Send. The zero value sends unsigned updates through
// the system resolver.
type SendOptions struct {
	// Resolver looks up host names; nil means net.DefaultResolver.
	Resolver Resolver
	// Key, when set, signs the update (see Sign).
	Key []byte
	// Now is the clock for a missing TransmissionTime; nil means time.Now.
	Now func() time.Time
}

// DestinationError is one destination the update did not reach.
type DestinationError struct {
	Destination string
	Err         error
}

func (e DestinationError) Error() string {
	// The destination names the host already: say only what the look-up
	// found, and where it looked.
	var le *lookupError
	if errors.As(e.Err, &le) && (e.Destination == le.host || strings.HasPrefix(e.Destination, le.host+":")) {
		if le.srv {
			return fmt.Sprintf("%s: %v (looked up SRV _mauvealert._udp.%s, then its address)", e.Destination, le.err, le.host)
		}
		return e.Destination + ": " + le.err.Error()
	}
	return e.Destination + ": " + e.Err.Error()
}

// SendError is returned by Send when some destinations failed; the others
// were sent the update.
type SendError struct {
	// Failed lists the destinations not reached, in argument order.
	Failed []DestinationError
	// Total is how many destinations were given.
	Total int
}

func (e *SendError) Error() string {
	parts := make([]string, len(e.Failed))
	for i, f := range e.Failed {
		parts[i] = f.Error()
	}
	if len(e.Failed) == 1 && e.Total == 1 {
		return "send to " + parts[0]
	}
	return fmt.Sprintf("sent to %d of %d destinations; failed: %s",
		e.Total-len(e.Failed), e.Total, strings.Join(parts, "; "))
}

// Unwrap returns the individual failures.
func (e *SendError) Unwrap() []error {
	out := make([]error, len(e.Failed))
	for i, f := range e.Failed {
		out[i] = f
	}
	return out
}

// NewTransmissionID returns a random non-zero transmission id.
func NewTransmissionID() uint64 {
	var b [8]byte
	for {
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
		if id := binary.LittleEndian.Uint64(b[:]); id != 0 {
			return id
		}
	}
}

// Send encodes u once (giving it a random TransmissionID and the current
// TransmissionTime when they are zero, and signing it when opts.Key is set)
// and sends the same datagram to every address of every destination, without
// awaiting any reply. Each destination is parsed by ParseDestination and
// resolved by Resolve, all at once. A bad update or a bad destination
// argument sends nothing; otherwise, when some destinations fail, the
// others are still sent the datagram and the error is a *SendError naming
// the ones that failed.
func Send(ctx context.Context, u Update, dests []string, opts SendOptions) error {
	if len(dests) == 0 {
		return errors.New("no destination given")
	}
	parsed := make([]Destination, len(dests))
	for i, s := range dests {
		d, err := ParseDestination(s)
		if err != nil {
			return err
		}
		parsed[i] = d
	}
	b, err := prepare(u, opts)
	if err != nil {
		return err
	}
	errs := make([]error, len(parsed))
	var wg sync.WaitGroup
	for i, d := range parsed {
		wg.Go(func() { errs[i] = sendTo(ctx, opts.Resolver, d, b) })
	}
	wg.Wait()
	serr := &SendError{Total: len(dests)}
	for i, err := range errs {
		if err != nil {
			serr.Failed = append(serr.Failed, DestinationError{Destination: dests[i], Err: err})
		}
	}
	if len(serr.Failed) > 0 {
		return serr
	}
	return nil
}

// prepare fills in the transmission id and time, signs and encodes.
func prepare(u Update, opts SendOptions) ([]byte, error) {
	if u.TransmissionID == 0 {
		u.TransmissionID = NewTransmissionID()
	}
	if u.TransmissionTime.IsZero() {
		now := time.Now
		if opts.Now != nil {
			now = opts.Now
		}
		u.TransmissionTime = now()
	}
	if len(opts.Key) > 0 {
		var err error
		if u, err = Sign(u, opts.Key); err != nil {
			return nil, err
		}
	}
	return Encode(u)
}

func sendTo(ctx context.Context, r Resolver, d Destination, b []byte) error {
	addrs, err := Resolve(ctx, r, d)
	if err != nil {
		return err
	}
	var errs []error
	for _, ap := range addrs {
		if err := sendDatagram(ap, b); err != nil {
			errs = append(errs, err)
		}
	}
	// A destination fails only when no address took the datagram: a host
	// with an AAAA record but no IPv6 route must still get it over IPv4.
	if len(errs) == len(addrs) {
		return errors.Join(errs...)
	}
	return nil
}

func sendDatagram(ap netip.AddrPort, b []byte) error {
	c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(ap))
	if err != nil {
		return fmt.Errorf("send to %s: %w", ap, err)
	}
	defer c.Close()
	if _, err := c.Write(b); err != nil {
		return fmt.Errorf("send to %s: %w", ap, err)
	}
	return nil
}
