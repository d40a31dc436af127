package notify_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	smtp "github.com/emersion/go-smtp"
)

// smtpPeer is a real SMTP server on loopback that keeps what it receives.
type smtpPeer struct {
	addr string
	srv  *smtp.Server

	mu       sync.Mutex
	msgs     []received
	sessions int
	got      chan received
	// stall, when set, makes DATA wait until it is closed (a slow server).
	stall chan struct{}
	// user and password, when set, are required through AUTH PLAIN.
	user, password string
}

// peerOptions start a peer that offers STARTTLS with a fresh certificate
// (returned as a pool the client must trust) and requires AUTH PLAIN.
type peerOptions struct {
	tls            bool
	implicitTLS    bool // TLS from the first byte (smtps), instead of STARTTLS
	user, password string
}

type received struct {
	From string
	To   []string
	Data []byte
	At   time.Time
	Msg  *mail.Message
	Body []byte
}

// startSMTP starts a peer on a free loopback port.
func startSMTP(t testing.TB) *smtpPeer { return startSMTPAt(t, "127.0.0.1:0") }

// startSMTPAt starts a peer on addr, a port a closed peer freed. Another
// listener may take a freed port first: a server that is to come up where
// one was down holds its port with holdDownPort instead.
func startSMTPAt(t testing.TB, addr string) *smtpPeer {
	t.Helper()
	p, _ := startSMTPWith(t, addr, peerOptions{})
	return p
}

// startSMTPWith starts a peer on addr with options; with TLS it returns the
// pool of roots that trusts it.
func startSMTPWith(t testing.TB, addr string, o peerOptions) (*smtpPeer, *x509.CertPool) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen for SMTP on %s: %v", addr, err)
	}
	return serveSMTP(t, ln, o)
}

// serveSMTP runs a peer on ln.
func serveSMTP(t testing.TB, ln net.Listener, o peerOptions) (*smtpPeer, *x509.CertPool) {
	t.Helper()
	p := &smtpPeer{addr: ln.Addr().String(), got: make(chan received, 4096), user: o.user, password: o.password}
	p.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		p.mu.Lock()
		p.sessions++
		p.mu.Unlock()
		return &smtpSession{peer: p}, nil
	}))
	p.srv.Domain = "localhost"
	p.srv.AllowInsecureAuth = true
	p.srv.ReadTimeout = 10 * time.Second
	p.srv.WriteTimeout = 10 * time.Second
	var roots *x509.CertPool
	if o.tls || o.implicitTLS {
		var cert tls.Certificate
		cert, roots = selfSigned(t)
		cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		if o.implicitTLS {
			ln = tls.NewListener(ln, cfg)
		} else {
			p.srv.TLSConfig = cfg
			p.srv.AllowInsecureAuth = false
		}
	}
	go func() { _ = p.srv.Serve(ln) }()
	t.Cleanup(p.close)
	return p, roots
}

// selfSigned makes a certificate for 127.0.0.1 and the pool that trusts it.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func (p *smtpPeer) close() { _ = p.srv.Close() }

func (p *smtpPeer) messages() []received {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]received(nil), p.msgs...)
}

func (p *smtpPeer) sessionCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sessions
}

// wait returns the next message received, failing after a bounded wait.
func (p *smtpPeer) wait(t testing.TB) received {
	t.Helper()
	select {
	case r := <-p.got:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no message reached the SMTP server within 10s")
		return received{}
	}
}

type smtpSession struct {
	peer   *smtpPeer
	from   string
	to     []string
	authed bool
}

func (s *smtpSession) AuthMechanisms() []string {
	if s.peer.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, password string) error {
		if user != s.peer.user || password != s.peer.password {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *smtpSession) Reset()        { s.from, s.to = "", nil }
func (s *smtpSession) Logout() error { return nil }

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.peer.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

// Rcpt refuses for good any address starting "reject" and for now any
// starting "later".
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	switch {
	case strings.HasPrefix(to, "reject"):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	case strings.HasPrefix(to, "later"):
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.peer.mu.Lock()
	stall := s.peer.stall
	s.peer.mu.Unlock()
	if stall != nil {
		<-stall
	}
	rec := received{From: s.from, To: s.to, Data: data, At: time.Now()}
	if rec.Msg, err = mail.ReadMessage(bytes.NewReader(data)); err != nil {
		return errors.New("unparseable message")
	}
	rec.Body, _ = io.ReadAll(rec.Msg.Body)
	s.peer.mu.Lock()
	s.peer.msgs = append(s.peer.msgs, rec)
	s.peer.mu.Unlock()
	s.peer.got <- rec
	return nil
}

// silentPeer accepts TCP connections and never says a word: the slowest
// SMTP server there is.
func silentPeer(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return ln.Addr().String()
}

// deadAddr is a loopback address where nothing listens, for as long as
// the test runs.
func deadAddr(t testing.TB) string { return holdDownPort(t).addr }

// downPort is a loopback TCP port held by a socket that is bound but not
// listening: the kernel refuses every connection to it, as to a server
// that is down, and gives the port to no one else (a port freed and
// listened on again later could be taken by another test meanwhile).
type downPort struct {
	fd   int
	addr string
	up   bool
}

func holdDownPort(t testing.TB) *downPort {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	syscall.CloseOnExec(fd)
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		_ = syscall.Close(fd)
		t.Fatalf("bind a loopback port: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		_ = syscall.Close(fd)
		t.Fatalf("getsockname: %v", err)
	}
	d := &downPort{fd: fd, addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*syscall.SockaddrInet4).Port))}
	t.Cleanup(func() {
		if !d.up {
			_ = syscall.Close(fd)
		}
	})
	return d
}

// startSMTP brings the server up: the held socket starts listening, so
// the port is never free in between.
func (d *downPort) startSMTP(t testing.TB) *smtpPeer {
	t.Helper()
	if err := syscall.Listen(d.fd, 128); err != nil {
		t.Fatalf("listen on %s: %v", d.addr, err)
	}
	d.up = true
	f := os.NewFile(uintptr(d.fd), d.addr)
	ln, err := net.FileListener(f) // a duplicate of the descriptor
	_ = f.Close()
	if err != nil {
		t.Fatalf("listener on %s: %v", d.addr, err)
	}
	p, _ := serveSMTP(t, ln, peerOptions{})
	return p
}
