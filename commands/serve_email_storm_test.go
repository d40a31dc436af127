package commands

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify/mtatest"
	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// e2eStormSize is the storm of the latency harness: the aim is a
// p99 under 100 ms from datagram to SMTP DATA with this many queued.
const e2eStormSize = 1000

// e2eStormHCL: every alert mails johnny once (no reminders in the storm).
const e2eStormHCL = `
station {
  name = "alerts1.example.com"
  url  = "http://mauve.test"
}
email {
  from   = "mauve@example.com"
  server = %q
  tls    = "none"
}
person "johnny" {
  email = "johnny@example.com"
  all   = [email]
  suppress_after = {} # every mail of a storm counts here
}
alert_group "default" {
  level = urgent
  notify "johnny" {
    every = "0"
  }
}
`

// e2eStorm is one storm's figures.
type e2eStorm struct {
	lat        []time.Duration // datagram written → its DATA ended, per alert
	ingest     []time.Duration // datagram written → its raise committed (seen by a store subscriber)
	outbox     []time.Duration // raise committed → its DATA ended
	sent, mail time.Duration   // how long sending took; first datagram → last DATA
}

// runE2EStorm sends n datagrams, one raise each, as fast as one socket
// writes them, to a station using mb as its mail server, and waits for
// every mail. Each alert's latency runs from just before its datagram is
// written to the end of its SMTP DATA. It fails on a lost or repeated mail.
// The datagrams are encoded before the storm starts, as the scripts that
// send them run elsewhere. Given the station's store (in this process), a
// subscriber notes when each raise is committed, which splits the latency
// into ingestion (UDP, decode, group commit) and delivery (outbox, worker,
// SMTP); it costs the station a change event per commit, so the benchmark
// leaves it out.
func runE2EStorm(tb testing.TB, udp string, s *store.Store, mb e2eSink, n int, tag string) e2eStorm {
	tb.Helper()
	before := mb.count()
	split := s != nil
	c, err := net.Dial("udp", udp)
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	committed := make(map[string]time.Time, n)
	stop := func() {}
	if split {
		changes, unsubscribe := s.Subscribe()
		watched := make(chan struct{})
		go func() {
			defer close(watched)
			for c := range changes {
				if c.Event == store.EventRaised && c.After.Source == "storm" {
					committed["storm/"+c.After.ID] = time.Now()
				}
			}
		}()
		stop = func() {
			unsubscribe()
			<-watched
		}
	}
	ids := make([]string, n)
	datagrams := make([][]byte, n)
	for i := range n {
		ids[i] = fmt.Sprintf("%s-%04d", tag, i)
		datagrams[i], err = wire.Encode(wire.Update{Source: "storm", Alerts: []wire.Alert{{ID: ids[i], Summary: "storm"}}})
		if err != nil {
			tb.Fatal(err)
		}
	}
	sentAt := make([]time.Time, n)
	start := time.Now()
	for i, b := range datagrams {
		sentAt[i] = time.Now()
		if _, err := c.Write(b); err != nil {
			tb.Fatal(err)
		}
	}
	sent := time.Since(start)
	byID := make(map[string]time.Time, n)
	for i, id := range ids {
		byID["storm/"+id] = sentAt[i]
	}
	got := mb.arrivals(tb, before+n, 60*time.Second)[before:]
	stop() // every raise was committed before its mail went out
	st := e2eStorm{sent: sent, lat: make([]time.Duration, 0, n)}
	seen := make(map[string]bool, n)
	for _, m := range got {
		id := m.alert
		at, ok := byID[id]
		if !ok || seen[id] {
			tb.Fatalf("mail for %q: unexpected or repeated", id)
		}
		seen[id] = true
		st.lat = append(st.lat, m.at.Sub(at))
		if ct, ok := committed[id]; ok {
			st.ingest = append(st.ingest, ct.Sub(at))
			st.outbox = append(st.outbox, m.at.Sub(ct))
		}
		st.mail = max(st.mail, m.at.Sub(start))
	}
	return st
}

// e2eSink is a mail server a storm is sent to: the scripted e2eMailbox, or
// a real postfix (mtatest).
type e2eSink interface {
	count() int
	// arrivals waits, for at most limit, until n mails have arrived, and
	// returns all of them in the order they arrived.
	arrivals(tb testing.TB, n int, limit time.Duration) []e2eArrival
}

// e2eArrival is one mail of a storm: its alert, and when the server
// answered the end of its content.
type e2eArrival struct {
	alert string
	at    time.Time
}

func (mb *e2eMailbox) arrivals(tb testing.TB, n int, limit time.Duration) []e2eArrival {
	tb.Helper()
	got := mb.waitCount(tb, n, limit)
	as := make([]e2eArrival, len(got))
	for i, m := range got {
		as[i] = e2eArrival{alert: m.header("X-Mauve-Alert"), at: m.At}
	}
	return as
}

// e2ePostfix is a real postfix as a storm's mail server: a mail has
// arrived when postfix accepted its end (its queue file is on disk), and
// is counted once postfix has delivered it to the test's mailbox.
type e2ePostfix struct{ *mtatest.Server }

func (p e2ePostfix) count() int { return p.Count() }

func (p e2ePostfix) arrivals(tb testing.TB, n int, limit time.Duration) []e2eArrival {
	tb.Helper()
	got := p.WaitCount(tb, n, limit)
	as := make([]e2eArrival, len(got))
	for i, m := range got {
		as[i] = e2eArrival{alert: m.Header("X-Mauve-Alert"), at: m.Accepted}
	}
	return as
}

func e2ePercentiles(ds []time.Duration) (p50, p99, pmax time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	return at(0.50), at(0.99), s[len(s)-1]
}

// TestServe_DatagramToSMTPStorm: a storm of 1,000 raises by UDP datagram
// into the station `mauve serve` runs, each mailed once to a real SMTP
// server on loopback. It asserts that every mail arrives exactly once; the
// latency figures are logged (go test -run TestServe_DatagramToSMTPStorm -v
// ./commands/), never asserted.
func TestServe_DatagramToSMTPStorm(t *testing.T) {
	mb := startE2EMailbox(t)
	rs := startE2EStation(t, fmt.Sprintf(e2eStormHCL, mb.addr), time.Now)
	st := runE2EStorm(t, rs.udp, rs.st.store, mb, e2eStormSize, "t")
	p50, p99, pmax := e2ePercentiles(st.lat)
	t.Logf("storm of %d datagrams (sent in %v, last mail after %v), datagram → SMTP DATA: p50 %v, p99 %v, max %v",
		e2eStormSize, st.sent.Round(time.Millisecond), st.mail.Round(time.Millisecond),
		p50.Round(time.Millisecond), p99.Round(time.Millisecond), pmax.Round(time.Millisecond))
	i50, i99, imax := e2ePercentiles(st.ingest)
	o50, o99, omax := e2ePercentiles(st.outbox)
	t.Logf("  datagram → committed (%d seen): p50 %v, p99 %v, max %v; committed → SMTP DATA: p50 %v, p99 %v, max %v",
		len(st.ingest), i50.Round(time.Millisecond), i99.Round(time.Millisecond), imax.Round(time.Millisecond),
		o50.Round(time.Millisecond), o99.Round(time.Millisecond), omax.Round(time.Millisecond))
}

// TestServe_DatagramToPostfix: raises by UDP datagram into the station
// `mauve serve` runs, mailed through a real postfix on loopback, which
// queues each on disk and delivers each exactly once.
func TestServe_DatagramToPostfix(t *testing.T) {
	mta := mtatest.Start(t)
	rs := startE2EStation(t, fmt.Sprintf(e2eStormHCL, mta.Addr), time.Now)
	st := runE2EStorm(t, rs.udp, nil, e2ePostfix{mta}, 100, "p")
	p50, p99, pmax := e2ePercentiles(st.lat)
	t.Logf("100 datagrams, datagram → accepted by postfix: p50 %v, p99 %v, max %v",
		p50.Round(time.Millisecond), p99.Round(time.Millisecond), pmax.Round(time.Millisecond))
}

// BenchmarkServe_DatagramToSMTP measures, per alert, the time from
// writing its raise datagram to the end of its SMTP DATA, through the
// station `mauve serve` runs and a real SMTP server on loopback:
//   - storm1000: each iteration is a storm of 1,000 datagrams into one
//     running station (the aim: p99 under 100 ms), after one storm
//     unmeasured: a station's first storm also grows its database file
//     and heap (TestServe_DatagramToSMTPStorm logs a first storm);
//   - storm1000-postfix: the same with a real postfix as the mail server,
//     a mail arriving when postfix accepted its end (queued on disk);
//   - storm1000-process: the same into the built binary, `mauve serve` in
//     a process of its own as deployed, so the station's runtime and heap
//     are not shared with the mail server and the sender of this process;
//   - idle: one datagram at a time, the next once the last mail arrived.
func BenchmarkServe_DatagramToSMTP(b *testing.B) {
	b.Run("storm1000", func(b *testing.B) {
		mb := startE2EMailbox(b)
		rs := startE2EStation(b, fmt.Sprintf(e2eStormHCL, mb.addr), time.Now)
		benchStorms(b, rs.udp, mb)
	})
	b.Run("storm1000-postfix", func(b *testing.B) {
		mta := mtatest.Start(b)
		rs := startE2EStation(b, fmt.Sprintf(e2eStormHCL, mta.Addr), time.Now)
		benchStorms(b, rs.udp, e2ePostfix{mta})
	})
	b.Run("storm1000-process", func(b *testing.B) {
		mb := startE2EMailbox(b)
		dir := b.TempDir()
		cfg := filepath.Join(dir, "mauve.hcl")
		if err := os.WriteFile(cfg, fmt.Appendf(nil, e2eStormHCL, mb.addr), 0o644); err != nil {
			b.Fatal(err)
		}
		p := startServeProcess(b, buildMauve(b), filepath.Join(dir, "mauve.db"), "--config", cfg)
		benchStorms(b, p.udp, mb)
		// Stopped as systemd would, so its connections end with QUIT
		// rather than a reset the mail server logs.
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		<-p.done
		p.done <- nil // for the cleanup
	})
	b.Run("idle", func(b *testing.B) {
		mb := startE2EMailbox(b)
		rs := startE2EStation(b, fmt.Sprintf(e2eStormHCL, mb.addr), time.Now)
		var lat []time.Duration
		i := 0
		for b.Loop() {
			i++
			st := runE2EStorm(b, rs.udp, nil, mb, 1, fmt.Sprintf("i%d", i))
			lat = append(lat, st.lat...)
		}
		e2eReport(b, lat)
	})
}

// benchStorms runs one storm unmeasured, then a storm an iteration, into
// the station listening on udp, and reports the latencies.
func benchStorms(b *testing.B, udp string, mb e2eSink) {
	runE2EStorm(b, udp, nil, mb, e2eStormSize, "warm")
	var lat []time.Duration
	i := 0
	for b.Loop() {
		i++
		st := runE2EStorm(b, udp, nil, mb, e2eStormSize, fmt.Sprintf("b%d", i))
		lat = append(lat, st.lat...)
	}
	e2eReport(b, lat)
}

func e2eReport(b *testing.B, lat []time.Duration) {
	p50, p99, pmax := e2ePercentiles(lat)
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(pmax.Microseconds())/1000, "max-ms")
}
