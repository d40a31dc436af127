package wire

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
)

// DefaultPort is the station's UDP port when a destination names none and
// has no SRV record.
const DefaultPort = 32741

// DefaultDestinationFile lists destinations, one per line, for senders given
// none on the command line or in $MAUVE_DESTINATION.
const DefaultDestinationFile = "/etc/mauvealert/mauvesend.destination"

// Resolver looks up SRV records and addresses; *net.Resolver satisfies it.
type Resolver interface {
	LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error)
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

var _ Resolver = (*net.Resolver)(nil)

// Destination is one parsed destination argument.
type Destination struct {
	// Host is a name to resolve; empty when Addr is a literal address.
	Host string
	// Addr is the literal IP address given, if any.
	Addr netip.Addr
	// Port is the port given; 0 when none was (then SRV, or DefaultPort).
	Port uint16
}

func (d Destination) String() string {
	host := d.Host
	if d.Addr.IsValid() {
		host = d.Addr.String()
	}
	if d.Port == 0 {
		return host
	}
	return net.JoinHostPort(host, strconv.Itoa(int(d.Port)))
}

// ParseDestination parses `host`, `host:port`, `v4addr`, `v4addr:port`,
// `[v6addr]:port`, `[v6addr]` or a bare `v6addr`.
func ParseDestination(s string) (Destination, error) {
	bad := func(why string) (Destination, error) {
		return Destination{}, fmt.Errorf("destination %q: %s (want host, host:port, address or [IPv6]:port)", s, why)
	}
	if s == "" {
		return bad("empty")
	}
	if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		return Destination{Addr: a}, nil
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		if ap.Port() == 0 {
			return bad("port 0")
		}
		return Destination{Addr: ap.Addr(), Port: ap.Port()}, nil
	}
	host, port := s, ""
	if strings.Contains(s, ":") {
		var err error
		if host, port, err = net.SplitHostPort(s); err != nil {
			return bad(strings.TrimPrefix(err.Error(), "address "+s+": "))
		}
	}
	if host == "" || strings.ContainsAny(host, " \t/[]@") {
		return bad(fmt.Sprintf("host %q is not a host name", host))
	}
	d := Destination{Host: host}
	if a, err := netip.ParseAddr(host); err == nil {
		d = Destination{Addr: a}
	}
	if strings.Contains(s, ":") {
		p, err := strconv.ParseUint(port, 10, 16)
		if err != nil || p == 0 {
			return bad(fmt.Sprintf("port %q is not a number from 1 to 65535", port))
		}
		d.Port = uint16(p)
	}
	return d, nil
}

// Resolve returns every address the update must go to for d: a literal
// address as given; a host with a port, each of its A/AAAA addresses; a host
// without one, each address of each target of SRV _mauvealert._udp.host,
// or when it has no SRV record, each of its own addresses on DefaultPort.
func Resolve(ctx context.Context, r Resolver, d Destination) ([]netip.AddrPort, error) {
	if r == nil {
		r = net.DefaultResolver
	}
	if d.Addr.IsValid() {
		return []netip.AddrPort{netip.AddrPortFrom(d.Addr.Unmap(), portOr(d.Port))}, nil
	}
	if d.Port == 0 {
		_, srvs, err := r.LookupSRV(ctx, "mauvealert", "udp", d.Host)
		if err == nil && len(srvs) > 0 {
			return resolveSRV(ctx, r, d.Host, srvs)
		}
	}
	addrs, err := r.LookupNetIP(ctx, "ip", d.Host)
	if err != nil {
		return nil, &lookupError{host: d.Host, srv: d.Port == 0, err: unwrapDNS(err)}
	}
	return withPort(nil, addrs, portOr(d.Port)), nil
}

// lookupError is a destination host with no address; srv says its SRV
// record was looked for first.
type lookupError struct {
	host string
	srv  bool
	err  error
}

func (e *lookupError) Error() string { return "look up " + e.host + ": " + e.err.Error() }
func (e *lookupError) Unwrap() error { return e.err }

func resolveSRV(ctx context.Context, r Resolver, host string, srvs []*net.SRV) ([]netip.AddrPort, error) {
	var out []netip.AddrPort
	var errs []error
	for _, srv := range srvs {
		target := strings.TrimSuffix(srv.Target, ".")
		if target == "" || srv.Port == 0 {
			continue // "." means the service is decidedly not offered there
		}
		addrs, err := r.LookupNetIP(ctx, "ip", target)
		if err != nil {
			errs = append(errs, fmt.Errorf("look up %s (SRV target of _mauvealert._udp.%s): %w", target, host, unwrapDNS(err)))
			continue
		}
		out = withPort(out, addrs, srv.Port)
	}
	if len(out) == 0 {
		if len(errs) == 0 {
			return nil, fmt.Errorf("SRV _mauvealert._udp.%s has no usable target", host)
		}
		return nil, errors.Join(errs...)
	}
	return out, nil
}

func withPort(out []netip.AddrPort, addrs []netip.Addr, port uint16) []netip.AddrPort {
	for _, a := range addrs {
		ap := netip.AddrPortFrom(a.Unmap(), port)
		if !slices.Contains(out, ap) {
			out = append(out, ap)
		}
	}
	return out
}

func portOr(p uint16) uint16 {
	if p == 0 {
		return DefaultPort
	}
	return p
}

// unwrapDNS shortens *net.DNSError to its message ("no such host").
func unwrapDNS(err error) error {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return errors.New(dns.Err)
	}
	return err
}

// DefaultDestinations returns the destinations for a sender given none:
// those in getenv("MAUVE_DESTINATION") (separated by spaces or commas), or
// else the lines of the file at path (DefaultDestinationFile when empty),
// ignoring blank lines and # comments. Neither: an error saying so.
func DefaultDestinations(getenv func(string) string, path string) ([]string, error) {
	if v := strings.FieldsFunc(getenv("MAUVE_DESTINATION"), func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n'
	}); len(v) > 0 {
		return v, nil
	}
	if path == "" {
		path = DefaultDestinationFile
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no destination given, $MAUVE_DESTINATION is unset and %s does not exist (name a station: host, host:port or [IPv6]:port)", path)
		}
		return nil, fmt.Errorf("read destinations: %w", err)
	}
	var out []string
	for line := range strings.Lines(string(b)) {
		line, _, _ = strings.Cut(line, "#")
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no destination given and %s lists none (one host, host:port or [IPv6]:port per line)", path)
	}
	return out, nil
}
