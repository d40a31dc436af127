package wire_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mauve-alert/mauve/wire"
)

func TestParseDestination(t *testing.T) {
	tests := []struct {
		in   string
		want string // Destination.String(), or the error's substring
		host string
		port uint16
		err  bool
	}{
		{in: "station", want: "station", host: "station"},
		{in: "station.example.com:4000", want: "station.example.com:4000", host: "station.example.com", port: 4000},
		{in: "192.0.2.7", want: "192.0.2.7"},
		{in: "192.0.2.7:99", want: "192.0.2.7:99", port: 99},
		{in: "[2001:db8::1]:32741", want: "[2001:db8::1]:32741", port: 32741},
		{in: "2001:db8::1", want: "2001:db8::1"},
		{in: "::1", want: "::1"},
		{in: "[::1]", want: "::1"},
		{in: "fe80::1%eth0", want: "fe80::1%eth0"},
		{in: "", want: `destination "": empty`, err: true},
		{in: "station:", want: `port "" is not a number`, err: true},
		{in: "station:http", want: `port "http" is not a number from 1 to 65535`, err: true},
		{in: "station:0", want: `port "0"`, err: true},
		{in: "192.0.2.7:0", want: "port 0", err: true},
		{in: "[2001:db8::1]:70000", want: `port "70000"`, err: true},
		{in: "a b", want: `host "a b" is not a host name`, err: true},
		{in: "http://station/", want: "(want host, host:port, address or [IPv6]:port)", err: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			d, err := wire.ParseDestination(tc.in)
			if tc.err {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("got %v, %v; want an error containing %q", d, err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.String() != tc.want || d.Host != tc.host || d.Port != tc.port {
				t.Errorf("got %q (host %q port %d), want %q (host %q port %d)", d, d.Host, d.Port, tc.want, tc.host, tc.port)
			}
		})
	}
}

// zone is a test resolver answering from tables.
type zone struct {
	srv   map[string][]*net.SRV
	hosts map[string][]string
}

func (z zone) LookupSRV(_ context.Context, service, proto, name string) (string, []*net.SRV, error) {
	if s, ok := z.srv["_"+service+"._"+proto+"."+name]; ok {
		return "", s, nil
	}
	return "", nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func (z zone) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	var out []netip.Addr
	for _, a := range z.hosts[strings.TrimSuffix(host, ".")] {
		out = append(out, netip.MustParseAddr(a))
	}
	if out == nil {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return out, nil
}

func TestResolve(t *testing.T) {
	z := zone{
		srv: map[string][]*net.SRV{
			"_mauvealert._udp.example.com": {{Target: "a.example.com.", Port: 1001}, {Target: "b.example.com.", Port: 1002}},
			"_mauvealert._udp.none.test":   {{Target: ".", Port: 0}},
		},
		hosts: map[string][]string{
			"a.example.com": {"192.0.2.1", "2001:db8::1"},
			"b.example.com": {"192.0.2.2"},
			"plain.test":    {"192.0.2.9", "::ffff:192.0.2.10"},
		},
	}
	tests := []struct {
		dest string
		want []string
		err  string
	}{
		{dest: "example.com", want: []string{"192.0.2.1:1001", "[2001:db8::1]:1001", "192.0.2.2:1002"}},
		{dest: "example.com:5", err: "look up example.com: no such host"}, // a port skips SRV
		{dest: "a.example.com:5", want: []string{"192.0.2.1:5", "[2001:db8::1]:5"}},
		{dest: "plain.test", want: []string{"192.0.2.9:32741", "192.0.2.10:32741"}},
		{dest: "none.test", err: "SRV _mauvealert._udp.none.test has no usable target"},
		{dest: "192.0.2.3", want: []string{"192.0.2.3:32741"}},
		{dest: "[::1]:7", want: []string{"[::1]:7"}},
		{dest: "missing.test", err: "look up missing.test: no such host"},
	}
	for _, tc := range tests {
		t.Run(tc.dest, func(t *testing.T) {
			d, err := wire.ParseDestination(tc.dest)
			if err != nil {
				t.Fatal(err)
			}
			aps, err := wire.Resolve(context.Background(), z, d)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("got %v, %v; want error %q", aps, err, tc.err)
				}
				return
			}
			var got []string
			for _, ap := range aps {
				got = append(got, ap.String())
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestDefaultDestinations(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "mauvesend.destination")
	if err := os.WriteFile(file, []byte("# the stations\nalpha\n\n  [::1]:4000  # v6\nbeta:1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("# nothing\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "MAUVE_DESTINATION" {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		name string
		env  string
		path string
		want []string
		err  string
	}{
		{"environment first", "one, two three", file, []string{"one", "two", "three"}, ""},
		{"then the file", "", file, []string{"alpha", "[::1]:4000", "beta:1"}, ""},
		{"file lists none", "", empty, nil, "lists none"},
		{"no file", "", filepath.Join(dir, "missing"), nil, "does not exist (name a station"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := wire.DefaultDestinations(env(tc.env), tc.path)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %q, %v; want error containing %q", got, err, tc.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestSend_PartialFailure(t *testing.T) {
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	u := wire.Update{Source: "h", Alerts: []wire.Alert{{ID: "a"}}}
	err = wire.Send(context.Background(), u, []string{"missing.test", pc.LocalAddr().String()}, wire.SendOptions{Resolver: zone{}})
	var serr *wire.SendError
	if !errors.As(err, &serr) || len(serr.Failed) != 1 || serr.Failed[0].Destination != "missing.test" || serr.Total != 2 {
		t.Fatalf("got %v, want a *SendError naming missing.test only", err)
	}
	buf := make([]byte, 1000)
	n, _, err := pc.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	got, err := wire.Decode(buf[:n])
	if err != nil || got.TransmissionID == 0 || got.TransmissionTime.IsZero() || got.Source != "h" {
		t.Errorf("received %+v, %v; want the update with an id and a time", got, err)
	}
	// Nothing is sent when a destination is malformed or the update bad.
	if err := wire.Send(context.Background(), u, []string{pc.LocalAddr().String(), "bad host"}, wire.SendOptions{}); err == nil {
		t.Error("Send with a malformed destination: got nil error")
	}
	if err := wire.Send(context.Background(), wire.Update{}, []string{pc.LocalAddr().String()}, wire.SendOptions{}); !errors.Is(err, wire.ErrMissingSource) {
		t.Errorf("Send of an update without source: got %v, want ErrMissingSource", err)
	}
}
