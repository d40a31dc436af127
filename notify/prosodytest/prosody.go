package prosodytest

import (
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Domain is the server's only virtual host: accounts are user@localhost.
const Domain = "localhost"

// Server is one prosody run by a test, stopped when the test ends.
type Server struct {
	t      testing.TB
	dir    string
	config string
	// Addr is 127.0.0.1:port of the client (c2s) listener, STARTTLS or
	// plaintext.
	Addr string
	// DirectTLSAddr is 127.0.0.1:port of the listener that speaks TLS from
	// the first byte (XEP-0368); "" for a plaintext server.
	DirectTLSAddr string
	// TLS trusts only the test's CA, with "localhost" as the server name;
	// nil for a plaintext server.
	TLS *tls.Config
	// CAFile is the PEM file of the test's CA, for a config's ca_file; ""
	// for a plaintext server.
	CAFile string
	cmd    *exec.Cmd
	exited chan struct{}
}

// Start writes a config for a server on free loopback ports with the one
// virtual host and starts it. With withTLS it generates a CA and a
// certificate for localhost, requires STARTTLS on Addr and offers direct
// TLS on DirectTLSAddr; without, it allows plain authentication on the
// unencrypted stream.
func Start(t testing.TB, withTLS bool) *Server {
	t.Helper()
	for _, bin := range []string{"prosody", "prosodyctl"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("%s not found: the XMPP tests need a real prosody on loopback; install it with `apt-get install -y prosody`", bin)
		}
	}
	s := &Server{t: t, dir: t.TempDir()}
	s.Addr = freeAddr(t)
	_, port, _ := net.SplitHostPort(s.Addr)
	directPorts := ""

	for _, d := range []string{"data", "certs"} {
		if err := os.Mkdir(filepath.Join(s.dir, d), 0o750); err != nil {
			t.Fatal(err)
		}
	}
	encryption := `c2s_require_encryption = false
allow_unencrypted_plain_auth = true`
	vhostTLS := ""
	if withTLS {
		certs := filepath.Join(s.dir, "certs")
		s.TLS = writeTestCert(t, certs)
		s.CAFile = filepath.Join(certs, "ca.pem")
		s.DirectTLSAddr = freeAddr(t)
		_, directPorts, _ = net.SplitHostPort(s.DirectTLSAddr)
		encryption = fmt.Sprintf(`c2s_require_encryption = true
c2s_direct_tls_ssl = { certificate = %q, key = %q }`,
			filepath.Join(certs, "localhost.crt"), filepath.Join(certs, "localhost.key"))
		vhostTLS = fmt.Sprintf(`  ssl = { certificate = %q, key = %q }`,
			filepath.Join(certs, "localhost.crt"), filepath.Join(certs, "localhost.key"))
	}
	config := fmt.Sprintf(`-- written by mauve's prosodytest
pidfile = %[1]q
data_path = %[2]q
certificates = %[3]q
run_as_root = true
daemonize = false
interfaces = { "127.0.0.1" }
c2s_ports = { %[4]s }
c2s_direct_tls_ports = { %[8]s }
s2s_ports = { }
http_ports = { }
https_ports = { }
modules_enabled = { "roster", "saslauth", "tls", "disco", "ping", "offline", "posix" }
modules_disabled = { "s2s", "http", "admin_shell", "s2s_bidi" }
authentication = "internal_plain"
storage = "internal"
%[5]s
log = { info = %[6]q }

VirtualHost "localhost"
%[7]s
`, filepath.Join(s.dir, "prosody.pid"), filepath.Join(s.dir, "data"), filepath.Join(s.dir, "certs"),
		port, encryption, filepath.Join(s.dir, "prosody.log"), vhostTLS, directPorts)
	s.config = filepath.Join(s.dir, "prosody.cfg.lua")
	if err := os.WriteFile(s.config, []byte(config), 0o640); err != nil {
		t.Fatal(err)
	}
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// freeAddr returns a loopback address with a port nothing listens on now.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Register creates an account user@localhost with prosodyctl.
func (s *Server) Register(user, password string) {
	s.t.Helper()
	out, err := exec.Command("prosodyctl", "--config", s.config, "register", user, Domain, password).CombinedOutput()
	if err != nil {
		s.t.Fatalf("prosodyctl register %s: %v\n%s", user, err, out)
	}
}

// Start runs prosody in the foreground and waits (bounded) until its
// ports accept connections. Start (the function) calls it; tests call it
// again after Stop to bring the server back.
func (s *Server) Start() {
	s.t.Helper()
	s.cmd = exec.Command("prosody", "--config", s.config, "-F")
	out, err := os.Create(filepath.Join(s.dir, "prosody.out"))
	if err != nil {
		s.t.Fatal(err)
	}
	s.cmd.Stdout, s.cmd.Stderr = out, out
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start prosody: %v", err)
	}
	exited := make(chan struct{})
	s.exited = exited
	cmd := s.cmd
	go func() {
		_ = cmd.Wait()
		out.Close()
		close(exited)
	}()
	for _, addr := range []string{s.Addr, s.DirectTLSAddr} {
		if addr != "" {
			s.waitListening(addr)
		}
	}
}

// waitListening polls addr until it accepts a connection, for at most 15s.
func (s *Server) waitListening(addr string) {
	s.t.Helper()
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		select {
		case <-s.exited:
			s.t.Fatalf("prosody exited at start:\n%s", s.Logs())
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("prosody did not listen on %s within 15s:\n%s", addr, s.Logs())
		}
	}
}

// Stop ends prosody (SIGTERM, then SIGKILL after 10s) and waits for it.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd = nil
}

// Logs returns prosody's output and log, for failure messages.
func (s *Server) Logs() string {
	var b strings.Builder
	for _, f := range []string{"prosody.out", "prosody.log"} {
		data, _ := os.ReadFile(filepath.Join(s.dir, f))
		fmt.Fprintf(&b, "--- %s\n%s", f, data)
	}
	return b.String()
}

// Log returns prosody's log file alone, for tests that count its events.
func (s *Server) Log() string {
	data, _ := os.ReadFile(filepath.Join(s.dir, "prosody.log"))
	return string(data)
}
