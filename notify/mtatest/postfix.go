package mtatest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Addresses the server answers specially, so that tests can see a real
// refusal: RejectAddr is refused for good (550), DeferAddr for now (451).
// Every other address at example.com is accepted.
const (
	RejectAddr = "reject-me@example.com"
	DeferAddr  = "later@example.com"
)

// Server is one postfix run by a test, stopped when the test ends.
type Server struct {
	// Addr is 127.0.0.1:port of its SMTP listener (no TLS, no AUTH).
	Addr string

	dir    string
	conf   string
	policy net.Listener
	cmd    *exec.Cmd
	exited chan struct{}

	mu       sync.Mutex
	accepted map[string]time.Time // queue id → when the message's end was accepted
}

// Mail is one message the server accepted and delivered.
type Mail struct {
	QueueID string
	// Accepted is when postfix, having read the whole message, asked
	// whether to take it: just before its answer to the end of DATA or to
	// BDAT LAST, the moment a client learns its mail is queued.
	Accepted time.Time
	Raw      []byte
}

// Header returns the first header field name of m, or "".
func (m Mail) Header(name string) string {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		return ""
	}
	return msg.Header.Get(name)
}

// Start runs postfix on a free loopback port with its config, queue and
// mailbox under a temporary directory, or skips the test when postfix is
// not installed or the test does not run as root.
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin, err := exec.LookPath("postfix")
	if err != nil {
		bin = "/usr/sbin/postfix"
		if _, err := os.Stat(bin); err != nil {
			tb.Skip("postfix not installed: the real-MTA tests need Debian's postfix (.ci/test.sh installs it)")
		}
	}
	if os.Geteuid() != 0 {
		tb.Skip("not root: postfix's master runs as root (CI runs the tests as root)")
	}
	owner, err := user.Lookup("postfix")
	if err != nil {
		tb.Fatalf("postfix installed without its postfix user: %v", err)
	}
	s := &Server{dir: tb.TempDir(), accepted: map[string]time.Time{}}
	// postfix's daemons run as the postfix user and must reach the queue,
	// which lives under the test's private temporary directory.
	for _, d := range []string{s.dir, filepath.Dir(s.dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			tb.Fatal(err)
		}
	}
	s.conf = filepath.Join(s.dir, "conf")
	uid, _ := strconv.Atoi(owner.Uid)
	gid, _ := strconv.Atoi(owner.Gid)
	for _, d := range []struct {
		name  string
		owned bool
	}{{"conf", false}, {"queue", false}, {"data", true}, {"mail", true}} {
		p := filepath.Join(s.dir, d.name)
		if err := os.Mkdir(p, 0o755); err != nil {
			tb.Fatal(err)
		}
		if d.owned {
			if err := os.Chown(p, uid, gid); err != nil {
				tb.Fatal(err)
			}
		}
	}
	s.policy, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go s.servePolicy()
	tb.Cleanup(func() { _ = s.policy.Close() })

	// postfix binds its own port: one taken between choosing it and the
	// bind is chosen again.
	for try := 1; ; try++ {
		err := s.start(tb, bin, owner)
		if err == nil {
			break
		}
		if try == 3 || !strings.Contains(s.Log(), "Address already in use") {
			tb.Fatalf("postfix did not start: %v\n%s", err, s.Log())
		}
	}
	tb.Cleanup(s.Stop)
	return s
}

// start writes the config for a fresh free port and runs postfix's master
// in the foreground, returning once the SMTP listener greets.
func (s *Server) start(tb testing.TB, bin string, owner *user.User) error {
	tb.Helper()
	s.Addr = freeAddr(tb)
	files := map[string]string{
		"main.cf":    mainCF(s.dir, s.policy.Addr().String(), owner),
		"master.cf":  fmt.Sprintf(masterCF, s.Addr),
		"recipients": RejectAddr + " 550 5.1.1 no such user here\n" + DeferAddr + " 451 4.3.0 try again later\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(s.conf, name), []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	s.cmd = exec.Command(bin, "-c", s.conf, "start-fg")
	var out bytes.Buffer
	s.cmd.Stdout, s.cmd.Stderr = &out, &out
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("run %s: %w", bin, err)
	}
	s.exited = make(chan struct{})
	go func() {
		_ = s.cmd.Wait()
		close(s.exited)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if greets(s.Addr) {
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("master exited: %s", strings.TrimSpace(out.String()))
		default:
		}
		if time.Now().After(deadline) {
			s.Stop()
			return errors.New("no SMTP greeting after 30s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// greets reports whether an SMTP server at addr sends its 220 greeting.
func greets(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "220") {
		return false
	}
	_, _ = c.Write([]byte("QUIT\r\n"))
	return true
}

// Stop stops postfix and waits for its master to exit. Mail it accepted
// stays readable.
func (s *Server) Stop() {
	if s.cmd == nil || s.exited == nil {
		return
	}
	select {
	case <-s.exited:
		return
	default:
	}
	_ = exec.Command(s.cmd.Path, "-c", s.conf, "stop").Run()
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		// The master ignored the stop: kill it and its script.
		if pid, err := os.ReadFile(filepath.Join(s.dir, "queue", "pid", "master.pid")); err == nil {
			if n, err := strconv.Atoi(strings.TrimSpace(string(pid))); err == nil {
				if p, err := os.FindProcess(n); err == nil {
					_ = p.Kill()
				}
			}
		}
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// Log returns postfix's log, for a failing test's message.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "maillog"))
	return string(b)
}

// Count is how many messages have been delivered so far.
func (s *Server) Count() int {
	names, _ := os.ReadDir(filepath.Join(s.dir, "mail", "box", "new"))
	return len(names)
}

// WaitCount waits, for at most limit, until n messages have been
// delivered, and returns all of them in the order they were accepted.
func (s *Server) WaitCount(tb testing.TB, n int, limit time.Duration) []Mail {
	tb.Helper()
	deadline := time.Now().Add(limit)
	for s.Count() < n {
		if time.Now().After(deadline) {
			tb.Fatalf("postfix delivered %d mails after %s, want %d; its log ends:\n%s", s.Count(), limit, n, tail(s.Log(), 20))
		}
		time.Sleep(5 * time.Millisecond)
	}
	return s.Mails(tb)
}

// Mails returns every delivered message in the order accepted.
func (s *Server) Mails(tb testing.TB) []Mail {
	tb.Helper()
	box := filepath.Join(s.dir, "mail", "box", "new")
	names, err := os.ReadDir(box)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		tb.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ms := make([]Mail, 0, len(names))
	for _, n := range names {
		raw, err := os.ReadFile(filepath.Join(box, n.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		m := Mail{Raw: raw}
		if id := queueID.FindSubmatch(raw); id != nil {
			m.QueueID = string(id[1])
		}
		at, ok := s.accepted[m.QueueID]
		if !ok {
			tb.Fatalf("delivered message %s (queue id %q) was never accepted at its end", n.Name(), m.QueueID)
		}
		m.Accepted = at
		ms = append(ms, m)
	}
	slices.SortFunc(ms, func(a, b Mail) int { return a.Accepted.Compare(b.Accepted) })
	return ms
}

// queueID finds the queue id in the Received field postfix adds.
var queueID = regexp.MustCompile(`\(Postfix\) with \S+ id ([0-9A-Za-z]+)`)

// servePolicy answers postfix's policy queries (its policy delegation
// protocol): the one at the end of each message notes when it came.
func (s *Server) servePolicy() {
	for {
		c, err := s.policy.Accept()
		if err != nil {
			return
		}
		go s.policyConn(c)
	}
}

func (s *Server) policyConn(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	attrs := map[string]string{}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		if line != "" {
			k, v, _ := strings.Cut(line, "=")
			attrs[k] = v
			continue
		}
		if attrs["protocol_state"] == "END-OF-MESSAGE" && attrs["queue_id"] != "" {
			s.mu.Lock()
			s.accepted[attrs["queue_id"]] = time.Now()
			s.mu.Unlock()
		}
		clear(attrs)
		if _, err := c.Write([]byte("action=DUNNO\n\n")); err != nil {
			return
		}
	}
}

// freeAddr returns a loopback address with a port nothing listens on now.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// mainCF: mail for example.com goes into one maildir; every other
// destination is refused at RCPT, and the transports that could carry mail
// off the machine are the error transport.
func mainCF(dir, policy string, owner *user.User) string {
	return fmt.Sprintf(`# written by mauve's mtatest
compatibility_level = 3.6
queue_directory = %[1]s/queue
data_directory = %[1]s/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = %[1]s/maillog
maillog_file_prefixes = %[1]s
myhostname = mta.test
mydomain = mta.test
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost =
relay_domains =
default_transport = error:nothing leaves this test MTA
relay_transport = error:nothing leaves this test MTA
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access texthash:%[1]s/conf/recipients
smtpd_end_of_data_restrictions = check_policy_service inet:%[2]s
virtual_mailbox_domains = example.com
virtual_mailbox_base = %[1]s/mail
virtual_mailbox_maps = static:box/
virtual_uid_maps = static:%[3]s
virtual_gid_maps = static:%[4]s
virtual_minimum_uid = 1
alias_maps =
alias_database =
biff = no
`, dir, policy, owner.Uid, owner.Gid)
}

// masterCF runs the services a queue and a virtual delivery need, none in
// a chroot, and smtpd on the test's port only.
const masterCF = `%s inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`
