package notify_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// prosody is a real XMPP server (Debian's prosody) run by a test on
// loopback, with its config, data, certificate and log in a temporary
// directory. A missing prosody fails the test: install it with
// `apt-get install -y prosody`.
type prosody struct {
	t      *testing.T
	dir    string
	config string
	addr   string      // 127.0.0.1:port of the c2s listener
	tls    *tls.Config // trusts the test's CA; nil for a plaintext server
	cmd    *exec.Cmd
	exited chan struct{}
}

// startProsody writes a config for a server on a free loopback port with
// one virtual host, "localhost", and starts it. With withTLS it generates a
// CA and a certificate for localhost and requires STARTTLS; without, it
// allows plain authentication on the unencrypted stream.
func startProsody(t *testing.T, withTLS bool) *prosody {
	t.Helper()
	for _, bin := range []string{"prosody", "prosodyctl"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("%s not found: the XMPP tests need a real prosody on loopback; install it with `apt-get install -y prosody`", bin)
		}
	}
	p := &prosody{t: t, dir: t.TempDir()}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = l.Addr().String()
	l.Close()
	_, port, _ := net.SplitHostPort(p.addr)

	for _, d := range []string{"data", "certs"} {
		if err := os.Mkdir(filepath.Join(p.dir, d), 0o750); err != nil {
			t.Fatal(err)
		}
	}
	encryption := `c2s_require_encryption = false
allow_unencrypted_plain_auth = true`
	vhostTLS := ""
	if withTLS {
		p.tls = writeTestCert(t, filepath.Join(p.dir, "certs"))
		encryption = `c2s_require_encryption = true`
		vhostTLS = fmt.Sprintf(`  ssl = { certificate = %q, key = %q }`,
			filepath.Join(p.dir, "certs", "localhost.crt"), filepath.Join(p.dir, "certs", "localhost.key"))
	}
	config := fmt.Sprintf(`-- written by mauve's notify tests
pidfile = %[1]q
data_path = %[2]q
certificates = %[3]q
run_as_root = true
daemonize = false
interfaces = { "127.0.0.1" }
c2s_ports = { %[4]s }
c2s_direct_tls_ports = { }
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
`, filepath.Join(p.dir, "prosody.pid"), filepath.Join(p.dir, "data"), filepath.Join(p.dir, "certs"),
		port, encryption, filepath.Join(p.dir, "prosody.log"), vhostTLS)
	p.config = filepath.Join(p.dir, "prosody.cfg.lua")
	if err := os.WriteFile(p.config, []byte(config), 0o640); err != nil {
		t.Fatal(err)
	}
	p.start()
	t.Cleanup(p.stop)
	return p
}

// register creates an account with prosodyctl.
func (p *prosody) register(user, password string) {
	p.t.Helper()
	out, err := exec.Command("prosodyctl", "--config", p.config, "register", user, "localhost", password).CombinedOutput()
	if err != nil {
		p.t.Fatalf("prosodyctl register %s: %v\n%s", user, err, out)
	}
}

// start runs prosody in the foreground and waits (bounded) until its c2s
// port accepts connections.
func (p *prosody) start() {
	p.t.Helper()
	p.cmd = exec.Command("prosody", "--config", p.config, "-F")
	out, err := os.Create(filepath.Join(p.dir, "prosody.out"))
	if err != nil {
		p.t.Fatal(err)
	}
	p.cmd.Stdout, p.cmd.Stderr = out, out
	if err := p.cmd.Start(); err != nil {
		p.t.Fatalf("start prosody: %v", err)
	}
	p.exited = make(chan struct{})
	go func() {
		_ = p.cmd.Wait()
		out.Close()
		close(p.exited)
	}()
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		select {
		case <-p.exited:
			p.t.Fatalf("prosody exited at start:\n%s", p.logs())
		default:
		}
		if c, err := net.DialTimeout("tcp", p.addr, time.Second); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("prosody did not listen on %s within 15s:\n%s", p.addr, p.logs())
		}
	}
}

// stop ends prosody (SIGTERM, then SIGKILL) and waits for it.
func (p *prosody) stop() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
	p.cmd = nil
}

// logs returns prosody's output and log, for failure messages.
func (p *prosody) logs() string {
	var b strings.Builder
	for _, f := range []string{"prosody.out", "prosody.log"} {
		data, _ := os.ReadFile(filepath.Join(p.dir, f))
		fmt.Fprintf(&b, "--- %s\n%s", f, data)
	}
	return b.String()
}

// writeTestCert makes a CA and a certificate for "localhost" signed by it,
// writes the certificate and key where prosody reads them, and returns a
// client TLS config that trusts only that CA.
func writeTestCert(t *testing.T, dir string) *tls.Config {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mauve test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames:  []string{"localhost"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})...)
	if err := os.WriteFile(filepath.Join(dir, "localhost.crt"), certPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "localhost.key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &tls.Config{RootCAs: pool, ServerName: "localhost", MinVersion: tls.VersionTLS12}
}
