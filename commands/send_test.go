package commands_test

import (
	"bytes"
	"context"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/commands"
	"github.com/mauve-alert/mauve/wire"
)

var now = time.Unix(1764000000, 0).UTC()

func at(d time.Duration) time.Time { return now.Add(d) }

// station is a loopback UDP socket standing in for a mauve station.
type station struct {
	t    *testing.T
	conn *net.UDPConn
}

func newStation(t *testing.T, network, addr string) *station {
	t.Helper()
	c, err := net.ListenUDP(network, net.UDPAddrFromAddrPort(netip.MustParseAddrPort(addr)))
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return &station{t: t, conn: c}
}

func (s *station) addr() string { return s.conn.LocalAddr().String() }

func (s *station) port() string { return strconv.Itoa(s.conn.LocalAddr().(*net.UDPAddr).Port) }

// receive returns the next datagram's raw bytes and update, failing after 5 s.
func (s *station) receive() ([]byte, wire.Update) {
	s.t.Helper()
	buf := make([]byte, 70000)
	s.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := s.conn.Read(buf)
	if err != nil {
		s.t.Fatalf("station %s received nothing: %v", s.addr(), err)
	}
	u, err := wire.Decode(buf[:n])
	if err != nil {
		s.t.Fatalf("station %s received a bad datagram: %v", s.addr(), err)
	}
	return buf[:n], u
}

// nothing checks that no datagram arrived: mauve send has returned, and a
// datagram it sent on loopback would already be queued.
func (s *station) nothing() {
	s.t.Helper()
	s.conn.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	buf := make([]byte, 70000)
	if n, err := s.conn.Read(buf); err == nil {
		s.t.Errorf("station %s received %d bytes; want nothing sent", s.addr(), n)
	}
}

// fakeResolver answers from tables, like a DNS zone for "*.test".
type fakeResolver struct {
	srv   map[string][]*net.SRV   // by "_mauvealert._udp.host"
	hosts map[string][]netip.Addr // by host name
}

func (r fakeResolver) LookupSRV(_ context.Context, service, proto, name string) (string, []*net.SRV, error) {
	key := "_" + service + "._" + proto + "." + name
	if s, ok := r.srv[key]; ok {
		return key, s, nil
	}
	return "", nil, &net.DNSError{Err: "no such host", Name: key, IsNotFound: true}
}

func (r fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := r.hosts[strings.TrimSuffix(host, ".")]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// testEnv returns an Env with a fixed clock and host name, capturing output.
func testEnv(t *testing.T, vars map[string]string) (*commands.Env, *bytes.Buffer, *bytes.Buffer) {
	var stdout, stderr bytes.Buffer
	return &commands.Env{
		Stdin:           strings.NewReader(""),
		Stdout:          &stdout,
		Stderr:          &stderr,
		Getenv:          func(k string) string { return vars[k] },
		Hostname:        func() (string, error) { return "testhost", nil },
		Now:             func() time.Time { return now },
		Build:           commands.BuildInfo{Version: "1.2.3", Commit: "abc123", Date: "2026-11-25T00:00:00Z"},
		DestinationFile: filepath.Join(t.TempDir(), "none"),
	}, &stdout, &stderr
}

func run(env *commands.Env, argv ...string) int {
	return commands.Main(context.Background(), argv, env)
}

// expand replaces {DEST}, {DEST6}, {PORT} and {PORT6} in args.
func expand(args []string, v4, v6 *station) []string {
	r := strings.NewReplacer("{DEST6}", v6.addr(), "{PORT6}", v6.port(), "{DEST}", v4.addr(), "{PORT}", v4.port())
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = r.Replace(a)
	}
	return out
}

func TestSend_ClassicCommandLines(t *testing.T) {
	v4 := newStation(t, "udp4", "127.0.0.1:0")
	v6 := newStation(t, "udp6", "[::1]:0")
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	host := func(id string) wire.Update {
		return wire.Update{Source: "testhost", Alerts: []wire.Alert{{ID: id}}}
	}
	with := func(u wire.Update, f func(*wire.Update)) wire.Update { f(&u); return u }

	tests := []struct {
		name string
		argv []string
		vars map[string]string // environment
		to   string            // "v6": the update goes to the IPv6 station
		want wire.Update
		key  string // the update must verify with this key
	}{
		{name: "heartbeat", argv: []string{"mauvesend", "{DEST}", "-i", "heartbeat", "-c", "-r", "+10m"},
			want: with(host("heartbeat"), func(u *wire.Update) { u.Alerts[0].ClearTime, u.Alerts[0].RaiseTime = now, at(10*time.Minute) })},
		{name: "raise with summary", argv: []string{"mauve", "send", "{DEST}", "-i", "disk", "-s", "/var is 97% full", "-r"},
			want: with(host("disk"), func(u *wire.Update) { u.Alerts[0].Summary, u.Alerts[0].RaiseTime = "/var is 97% full", now })},
		{name: "clear now", argv: []string{"mauvesend", "{DEST}", "-i", "disk", "-c"},
			want: with(host("disk"), func(u *wire.Update) { u.Alerts[0].ClearTime = now })},
		{name: "id alone: neither time", argv: []string{"mauvesend", "{DEST}", "-i", "ping"}, want: host("ping")},
		{name: "raise at absolute time", argv: []string{"mauvesend", "{DEST}", "-i", "a", "-r", "1764003600"},
			want: with(host("a"), func(u *wire.Update) { u.Alerts[0].RaiseTime = at(time.Hour) })},
		{name: "--raise=-1h", argv: []string{"mauvesend", "{DEST}", "-i", "a", "--raise=-1h"},
			want: with(host("a"), func(u *wire.Update) { u.Alerts[0].RaiseTime = at(-time.Hour) })},
		{name: "-r -1h taken as a time", argv: []string{"mauvesend", "{DEST}", "-i", "a", "-r", "-1h"},
			want: with(host("a"), func(u *wire.Update) { u.Alerts[0].RaiseTime = at(-time.Hour) })},
		{name: "attached -r+5m and -c+1d", argv: []string{"mauvesend", "{DEST}", "-i", "a", "-r+5m", "-c+1d"},
			want: with(host("a"), func(u *wire.Update) {
				u.Alerts[0].RaiseTime, u.Alerts[0].ClearTime = at(5*time.Minute), at(24*time.Hour)
			})},
		{name: "attached id -ia", argv: []string{"mauvesend", "{DEST}", "-ia", "-sdown", "-r"},
			want: with(host("a"), func(u *wire.Update) { u.Alerts[0].Summary, u.Alerts[0].RaiseTime = "down", now })},
		{name: "replace with no alerts", argv: []string{"mauvesend", "{DEST}", "-p"},
			want: wire.Update{Source: "testhost", Replace: true}},
		{name: "replace with a source", argv: []string{"mauvesend", "{DEST}", "-o", "backups", "-p", "-i", "nightly", "-s", "backup failed", "-r"},
			want: wire.Update{Source: "backups", Replace: true, Alerts: []wire.Alert{{ID: "nightly", Summary: "backup failed", RaiseTime: now}}}},
		{name: "several -i groups", argv: []string{"mauvesend", "{DEST}", "-i", "a", "-s", "one", "-r", "-i", "b", "-s", "two", "-c", "-i", "c", "-u", "db1", "-d", "<b>x</b>", "-e", "+1h"},
			want: wire.Update{Source: "testhost", Alerts: []wire.Alert{
				{ID: "a", Summary: "one", RaiseTime: now},
				{ID: "b", Summary: "two", ClearTime: now},
				{ID: "c", Subject: "db1", Detail: "<b>x</b>", SuppressUntil: at(time.Hour)},
			}}},
		{name: "destination after the options", argv: []string{"mauvesend", "-i", "a", "-r", "now", "{DEST}"},
			want: with(host("a"), func(u *wire.Update) { u.Alerts[0].RaiseTime = now })},
		{name: "destination between options", argv: []string{"mauvesend", "-i", "a", "{DEST}", "-s", "x"},
			want: with(host("a"), func(u *wire.Update) { u.Alerts[0].Summary = "x" })},
		{name: "destination after --", argv: []string{"mauvesend", "-i", "a", "-c", "--", "{DEST}"},
			want: with(host("a"), func(u *wire.Update) { u.Alerts[0].ClearTime = now })},
		{name: "suppress", argv: []string{"mauvesend", "{DEST}", "-i", "a", "-r", "-e", "+2h"},
			want: with(host("a"), func(u *wire.Update) { u.Alerts[0].RaiseTime, u.Alerts[0].SuppressUntil = now, at(2*time.Hour) })},
		{name: "long options", argv: []string{"mauvesend", "{DEST}", "--id", "a", "--summary", "s", "--subject=u", "--detail", "d", "--raise", "--clear=+1d"},
			want: wire.Update{Source: "testhost", Alerts: []wire.Alert{{ID: "a", Summary: "s", Subject: "u", Detail: "d", RaiseTime: now, ClearTime: at(24 * time.Hour)}}}},
		{name: "abbreviated long options", argv: []string{"mauvesend", "{DEST}", "--sou=web", "--id", "a", "--summ", "s", "--subj", "u", "--rai"},
			want: wire.Update{Source: "web", Alerts: []wire.Alert{{ID: "a", Summary: "s", Subject: "u", RaiseTime: now}}}},
		{name: "raise now, clear later (auto-expiring)", argv: []string{"mauvesend", "{DEST}", "-i", "a", "-r", "now", "-c", "+30m"},
			want: with(host("a"), func(u *wire.Update) { u.Alerts[0].RaiseTime, u.Alerts[0].ClearTime = now, at(30*time.Minute) })},
		{name: "relative seconds without unit", argv: []string{"mauvesend", "{DEST}", "-i", "a", "-r", "+90"},
			want: with(host("a"), func(u *wire.Update) { u.Alerts[0].RaiseTime = at(90 * time.Second) })},
		{name: "clustered -vp", argv: []string{"mauvesend", "{DEST}", "-vp"},
			want: wire.Update{Source: "testhost", Replace: true}},
		{name: "IPv6 [::1]:port", argv: []string{"mauvesend", "{DEST6}", "-i", "a", "-r"}, to: "v6",
			want: with(host("a"), func(u *wire.Update) { u.Alerts[0].RaiseTime = now })},
		{name: "SRV record", argv: []string{"mauvesend", "alerts.test", "-i", "a", "-c"},
			want: with(host("a"), func(u *wire.Update) { u.Alerts[0].ClearTime = now })},
		{name: "host:port through the resolver", argv: []string{"mauvesend", "station.test:{PORT}", "-i", "a", "-c"},
			want: with(host("a"), func(u *wire.Update) { u.Alerts[0].ClearTime = now })},
		{name: "$MAUVE_DESTINATION", argv: []string{"mauvesend", "-i", "a", "-c"}, vars: map[string]string{"MAUVE_DESTINATION": "{DEST}"},
			want: with(host("a"), func(u *wire.Update) { u.Alerts[0].ClearTime = now })},
		{name: "signed with --key-file", argv: []string{"mauvesend", "{DEST}", "--key-file", keyFile, "-i", "a", "-r"}, key: "s3cret",
			want: with(host("a"), func(u *wire.Update) { u.Alerts[0].RaiseTime = now })},
		{name: "signed with $MAUVE_KEY", argv: []string{"mauvesend", "{DEST}", "-i", "a", "-r"}, vars: map[string]string{"MAUVE_KEY": "k2"}, key: "k2",
			want: with(host("a"), func(u *wire.Update) { u.Alerts[0].RaiseTime = now })},
		{name: "UTF-8 summary", argv: []string{"mauvesend", "{DEST}", "-i", "température", "-s", "été ☀", "-r"},
			want: wire.Update{Source: "testhost", Alerts: []wire.Alert{{ID: "température", Summary: "été ☀", RaiseTime: now}}}},
	}
	res := fakeResolver{
		srv:   map[string][]*net.SRV{"_mauvealert._udp.alerts.test": {{Target: "s1.alerts.test.", Port: mustPort(t, v4.port())}}},
		hosts: map[string][]netip.Addr{"s1.alerts.test": {netip.MustParseAddr("127.0.0.1")}, "station.test": {netip.MustParseAddr("127.0.0.1")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]string{}
			for k, v := range tc.vars {
				vars[k] = expand([]string{v}, v4, v6)[0]
			}
			env, _, stderr := testEnv(t, vars)
			env.Resolver = res
			if code := run(env, expand(tc.argv, v4, v6)...); code != 0 {
				t.Fatalf("exit status %d, stderr %q", code, stderr)
			}
			st, other := v4, v6
			if tc.to == "v6" {
				st, other = v6, v4
			}
			_, got := st.receive()
			other.nothing()
			checkUpdate(t, got, tc.want, tc.key)
		})
	}
}

func mustPort(t *testing.T, s string) uint16 {
	p, err := strconv.ParseUint(s, 10, 16)
	if err != nil {
		t.Fatal(err)
	}
	return uint16(p)
}

// checkUpdate compares what a station received with want, whose
// transmission id, time and signature the sender chose.
func checkUpdate(t *testing.T, got, want wire.Update, key string) {
	t.Helper()
	if got.TransmissionID == 0 {
		t.Errorf("transmission id is 0; want a random one")
	}
	if !got.TransmissionTime.Equal(now) {
		t.Errorf("transmission time: got %v, want %v", got.TransmissionTime, now)
	}
	if key != "" {
		if err := wire.Verify(got, []byte(key), now, time.Minute); err != nil {
			t.Errorf("Verify: %v", err)
		}
	} else if got.Signature != nil {
		t.Errorf("signature %x; want none", got.Signature)
	}
	got.TransmissionID, got.TransmissionTime, got.Signature = 0, time.Time{}, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("received:\n%s\nwant:\n%s", wire.Text(got), wire.Text(want))
	}
}

func TestSend_Verbose(t *testing.T) {
	st := newStation(t, "udp4", "127.0.0.1:0")
	env, stdout, _ := testEnv(t, nil)
	if code := run(env, "mauvesend", st.addr(), "-v", "-i", "a", "-r"); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	_, u := st.receive()
	if got, want := stdout.String(), strconv.FormatUint(u.TransmissionID, 10)+"\n"; got != want {
		t.Errorf("-v printed %q, want %q", got, want)
	}

	env, stdout, _ = testEnv(t, nil)
	if code := run(env, "mauvesend", st.addr(), "-vv", "-i", "a", "-r"); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	_, u = st.receive()
	if got, want := stdout.String(), wire.Text(u); got != want {
		t.Errorf("-vv printed\n%s\nwant\n%s", got, want)
	}
}

func TestSend_SeveralDestinations(t *testing.T) {
	v4 := newStation(t, "udp4", "127.0.0.1:0")
	v6 := newStation(t, "udp6", "[::1]:0")
	file := filepath.Join(t.TempDir(), "mauvesend.destination")
	if err := os.WriteFile(file, []byte("# stations\n"+v4.addr()+"\n\n"+v6.addr()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env, _, stderr := testEnv(t, nil)
	env.DestinationFile = file
	if code := run(env, "mauvesend", "-i", "a", "-c"); code != 0 {
		t.Fatalf("exit status %d, stderr %q", code, stderr)
	}
	b4, _ := v4.receive()
	b6, _ := v6.receive()
	if !bytes.Equal(b4, b6) {
		t.Errorf("stations received different datagrams:\n%x\n%x", b4, b6)
	}
}

func TestSend_SomeDestinationsFail(t *testing.T) {
	st := newStation(t, "udp4", "127.0.0.1:0")
	env, _, stderr := testEnv(t, nil)
	env.Resolver = fakeResolver{}
	code := run(env, "mauvesend", "nowhere.test", st.addr(), "gone.test:9", "-i", "a", "-c")
	if code == 0 {
		t.Fatalf("exit status 0; want non-zero when a destination fails")
	}
	st.receive() // the good one still got it
	want := "*** Error: sent to 1 of 3 destinations; failed: nowhere.test: no such host (looked up SRV _mauvealert._udp.nowhere.test, then its address); gone.test:9: no such host\n"
	if got := stderr.String(); got != want {
		t.Errorf("stderr:\ngot  %q\nwant %q", got, want)
	}
}

func TestSend_HelpVersionManual(t *testing.T) {
	tests := []struct {
		argv []string
		want string // in stdout
	}{
		{[]string{"mauvesend", "-h"}, "Usage: mauve send"},
		{[]string{"mauve", "send", "--help", "-i"}, "-i, --id ID"},
		{[]string{"mauvesend", "-m"}, "HEARTBEATS"},
		{[]string{"mauvesend", "-V"}, "mauve send 1.2.3 (commit abc123, built 2026-11-25T00:00:00Z)"},
		{[]string{"mauvesend", "--version"}, "mauve send 1.2.3"},
		{[]string{"mauve", "version"}, "mauve 1.2.3\ncommit: abc123\nbuilt:  2026-11-25T00:00:00Z\n"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.argv, " "), func(t *testing.T) {
			env, stdout, stderr := testEnv(t, nil)
			if code := run(env, tc.argv...); code != 0 {
				t.Fatalf("exit status %d, stderr %q", code, stderr)
			}
			if !strings.Contains(stdout.String(), tc.want) {
				t.Errorf("stdout %q does not contain %q", stdout, tc.want)
			}
		})
	}
}

func TestMain_UnknownCommand(t *testing.T) {
	env, _, stderr := testEnv(t, nil)
	if code := run(env, "mauve", "frobnicate"); code == 0 {
		t.Errorf("exit status 0 for an unknown command")
	}
	if got := stderr.String(); !strings.HasPrefix(got, `mauve: no command "frobnicate" (want ack, `) || strings.Count(got, "\n") != 1 {
		t.Errorf("stderr %q; want one line naming the command", got)
	}
}
