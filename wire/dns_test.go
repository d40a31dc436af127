package wire_test

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/mauve-alert/mauve/wire"
)

// dnsServer is a tiny authoritative DNS server on loopback answering SRV,
// A and AAAA questions from tables, so Send's SRV lookup runs through the
// real Go resolver.
type dnsServer struct {
	conn  net.PacketConn
	srv   map[string]dnsmessage.SRVResource // by question name
	hosts map[string]netip.Addr             // by question name
}

func startDNS(t *testing.T, srv map[string]dnsmessage.SRVResource, hosts map[string]netip.Addr) *net.Resolver {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &dnsServer{conn: pc, srv: srv, hosts: hosts}
	done := make(chan struct{})
	go func() { defer close(done); s.serve() }()
	t.Cleanup(func() { pc.Close(); <-done })
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "udp", pc.LocalAddr().String())
		},
	}
}

func (s *dnsServer) serve() {
	buf := make([]byte, 1500)
	for {
		n, from, err := s.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		if resp, err := s.answer(buf[:n]); err == nil {
			s.conn.WriteTo(resp, from)
		}
	}
}

func (s *dnsServer) answer(query []byte) ([]byte, error) {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil {
		return nil, err
	}
	q, err := p.Question()
	if err != nil {
		return nil, err
	}
	name := q.Name.String()
	_, hasSRV := s.srv[name]
	_, hasHost := s.hosts[name]
	rcode := dnsmessage.RCodeNameError
	if hasSRV || hasHost {
		rcode = dnsmessage.RCodeSuccess
	}
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RCode: rcode})
	b.EnableCompression()
	b.StartQuestions()
	b.Question(q)
	b.StartAnswers()
	rh := dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}
	switch a := s.hosts[name]; {
	case q.Type == dnsmessage.TypeSRV && hasSRV:
		b.SRVResource(rh, s.srv[name])
	case q.Type == dnsmessage.TypeA && a.Is4():
		b.AResource(rh, dnsmessage.AResource{A: a.As4()})
	case q.Type == dnsmessage.TypeAAAA && a.Is6():
		b.AAAAResource(rh, dnsmessage.AAAAResource{AAAA: a.As16()})
	}
	return b.Finish()
}

func TestSend_SRVThroughDNS(t *testing.T) {
	station, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer station.Close()
	port := uint16(station.LocalAddr().(*net.UDPAddr).Port)
	res := startDNS(t,
		map[string]dnsmessage.SRVResource{
			"_mauvealert._udp.alerts.test.": {Priority: 10, Weight: 10, Port: port, Target: dnsmessage.MustNewName("st1.alerts.test.")},
		},
		map[string]netip.Addr{"st1.alerts.test.": netip.MustParseAddr("127.0.0.1")},
	)
	u := wire.Update{Source: "h", Alerts: []wire.Alert{{ID: "srv"}}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := wire.Send(ctx, u, []string{"alerts.test"}, wire.SendOptions{Resolver: res}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	station.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 1000)
	n, _, err := station.ReadFrom(buf)
	if err != nil {
		t.Fatalf("the SRV target received nothing: %v", err)
	}
	got, err := wire.Decode(buf[:n])
	if err != nil || got.Alerts[0].ID != "srv" {
		t.Errorf("received %+v, %v", got, err)
	}
	// Without a port and without SRV, a missing host is an error.
	if err := wire.Send(ctx, u, []string{"nothing.test"}, wire.SendOptions{Resolver: res}); err == nil {
		t.Error("Send to an unknown host: got nil error")
	}
}
