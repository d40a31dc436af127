package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

// The realistic mode sends what scripts send: a subject, a summary and an
// HTML detail of a few hundred bytes, from many sources. Its datagrams are
// encoded once per alert and patched in place for each send (transmission
// id, and the alert id for new alerts), so the sender spends its time
// sending, not encoding.
//
// It measures, in one run: the loopback ceiling (datagrams/s
// a plain receiver takes from the same sender loop), the station's RSS
// holding -alerts such alerts, and the highest rates at which the station
// commits refreshes and new alerts without losing any, found by trials of
// -trial each (doubling, then bisecting).

// tidBase gives every transmission id nine varint bytes, so it can be
// patched in place at bytes 1–9 of the encoding (field 1 comes first).
const tidBase = 1 << 60

// template is one alert's encoded update and where its id's generation
// and index digits are.
type template struct {
	b      []byte
	idAt   int // offset of the id's 2+7 digits
	source string
}

// realisticAlertID is "a" + 2-digit generation + 7-digit index: the
// generation is 00 for the seeded alerts (which refreshes repeat) and new
// for every trial of new alerts.
func realisticAlertID(gen, i int) string { return fmt.Sprintf("a%02d%07d", gen, i) }

func realisticUpdate(o options, i int) wire.Update {
	host := fmt.Sprintf("db%04d.example.com", i%5000)
	return wire.Update{
		TransmissionID: tidBase,
		Source:         fmt.Sprintf("load%04d.example.com", i%o.sources),
		Alerts: []wire.Alert{{
			ID:      realisticAlertID(0, i),
			Subject: host,
			Summary: fmt.Sprintf("disk /var on %s is %d%% full", host, 80+i%20),
			Detail: fmt.Sprintf(`<p>Filesystem <b>/var</b> on <i>%s</i> is filling up.</p>`+
				`<table><tr><th>mount</th><th>used</th><th>free</th></tr>`+
				`<tr><td>/var</td><td>%d%%</td><td>%d GB</td></tr></table>`+
				`<p>See <a href="https://wiki.example.com/runbooks/disk-full" title="runbook">the runbook</a> &amp; the <code>du -sh /var/*</code> output.</p>`,
				host, 80+i%20, 20-i%20),
		}},
	}
}

func buildTemplates(o options) ([]template, error) {
	ts := make([]template, o.alerts)
	for i := range ts {
		u := realisticUpdate(o, i)
		b, err := wire.Encode(u)
		if err != nil {
			return nil, err
		}
		if b[0] != 0x08 {
			return nil, errors.New("encoding does not start with the transmission id")
		}
		at := bytes.Index(b, []byte(u.Alerts[0].ID))
		if at < 0 {
			return nil, errors.New("alert id not found in its encoding")
		}
		ts[i] = template{b: b, idAt: at + 1, source: u.Source}
	}
	return ts, nil
}

// sender patches and sends templates.
type sender struct {
	ts  []template
	tid uint64
}

// send sends through conn at rate (0: as fast as possible) until the
// deadline: refreshes of the seeded alerts when gen is 0, else new alerts
// of generation gen numbered from 0. It returns how many were sent.
func (s *sender) send(conn net.Conn, rate float64, deadline time.Time, gen int) (int, error) {
	start := time.Now()
	sent := 0
	for i := 0; ; i++ {
		if i%64 == 0 {
			now := time.Now()
			if now.After(deadline) {
				return sent, nil
			}
			if rate > 0 {
				due := start.Add(time.Duration(float64(sent) / rate * float64(time.Second)))
				if d := due.Sub(now); d > 0 {
					time.Sleep(d)
				}
			}
		}
		t := &s.ts[i%len(s.ts)]
		s.tid++
		binary.PutUvarint(t.b[1:10], tidBase+s.tid)
		// Refreshes name the seeded alert (generation 00, its own index);
		// new alerts a fresh id of this generation.
		n := i % len(s.ts)
		if gen > 0 {
			n = i % 10_000_000
		}
		putDigits(t.b[t.idAt:t.idAt+2], gen)
		putDigits(t.b[t.idAt+2:t.idAt+9], n)
		_, err := conn.Write(t.b)
		if err != nil {
			var op *net.OpError
			if errors.As(err, &op) {
				continue // ECONNREFUSED from an ICMP, or ENOBUFS: not sent
			}
			return sent, err
		}
		sent++
	}
}

// sinkReaders is how many goroutines read the ceiling's sink socket: as
// many as the station's readers on its socket.
const sinkReaders = 4

// ceiling runs the sender loop against a sink socket that only counts, as
// fast as it can, for d.
func (s *sender) ceiling(d time.Duration) (float64, error) {
	sink, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer sink.Close()
	if u, ok := sink.(*net.UDPConn); ok {
		u.SetReadBuffer(4 << 20)
	}
	var got atomic.Int64
	var readers sync.WaitGroup
	for range sinkReaders {
		readers.Go(func() {
			buf := make([]byte, 65536)
			for {
				if _, _, err := sink.ReadFrom(buf); err != nil {
					return
				}
				got.Add(1)
			}
		})
	}
	conn, err := net.Dial("udp", sink.LocalAddr().String())
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	start := time.Now()
	if _, err := s.send(conn, 0, start.Add(d), 0); err != nil {
		return 0, err
	}
	elapsed := time.Since(start)
	time.Sleep(200 * time.Millisecond)
	sink.Close()
	readers.Wait()
	return float64(got.Load()) / elapsed.Seconds(), nil
}

// trialResult is one trial at one offered rate.
type trialResult struct {
	rate      float64 // offered, as sent
	sent      int
	committed float64
	kernel    float64 // dropped by the kernel on the station's sockets
	shed      float64
}

func (r trialResult) lossless() bool { return r.committed >= float64(r.sent) && r.sent > 0 }

// trial sends for d at rate and waits until the station has committed
// everything or stopped committing.
func (s *sender) trial(o options, conn net.Conn, rate float64, d time.Duration, gen int) (trialResult, error) {
	before, err := scrape(o.http)
	if err != nil {
		return trialResult{}, err
	}
	start := time.Now()
	sent, err := s.send(conn, rate, start.Add(d), gen)
	if err != nil {
		return trialResult{}, err
	}
	took := time.Since(start)
	after, err := waitCommitted(o, before, sent, 30*time.Second)
	if err != nil {
		return trialResult{}, err
	}
	return trialResult{
		rate:      float64(sent) / took.Seconds(),
		sent:      sent,
		committed: after.get("mauve_updates_accepted_total") - before.get("mauve_updates_accepted_total"),
		kernel:    after.get("mauve_udp_receive_drops_total") - before.get("mauve_udp_receive_drops_total"),
		shed:      after.get(`mauve_ingest_dropped_total{reason="source_flood"}`) - before.get(`mauve_ingest_dropped_total{reason="source_flood"}`),
	}, nil
}

// waitCommitted scrapes until the station committed n more updates than
// in before, or it has committed or dropped all it decoded and has
// received nothing new for half a second (what is not committed then was lost), or max passed.
func waitCommitted(o options, before metrics, n int, max time.Duration) (metrics, error) {
	deadline := time.Now().Add(max)
	last, lastChange := -1.0, time.Now()
	for {
		after, err := scrape(o.http)
		if err != nil {
			return nil, err
		}
		if after.get("mauve_updates_accepted_total")-before.get("mauve_updates_accepted_total") >= float64(n) {
			return after, nil
		}
		rcv := after.get("mauve_datagrams_received_total")
		if rcv != last {
			last, lastChange = rcv, time.Now()
		}
		// Settled: everything decoded was committed or dropped (the
		// queue does not count the batch being committed).
		handled := after.get("mauve_updates_accepted_total") +
			after.get(`mauve_ingest_dropped_total{reason="source_flood"}`) +
			after.get(`mauve_ingest_dropped_total{reason="commit_failed"}`)
		settled := handled >= after.get("mauve_datagrams_decoded_total")
		if (settled && time.Since(lastChange) > 500*time.Millisecond) || time.Now().After(deadline) {
			return after, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// search finds the highest offered rate with a lossless trial: doubling
// from start until a trial loses, then bisecting a few times.
func (s *sender) search(o options, out io.Writer, conn net.Conn, what string, start, ceiling float64, gen func() int) (float64, error) {
	var good, bad float64
	rate := start
	for bad == 0 {
		r, err := s.trial(o, conn, rate, o.trial, gen())
		if err != nil {
			return 0, err
		}
		report(out, what, r)
		if !r.lossless() {
			bad = rate
			break
		}
		good = max(good, r.rate)
		if rate > 1.5*ceiling {
			return good, nil
		}
		rate *= 2
	}
	for range o.bisect {
		if bad-good < 0.03*bad {
			break
		}
		rate = (good + bad) / 2
		r, err := s.trial(o, conn, rate, o.trial, gen())
		if err != nil {
			return 0, err
		}
		report(out, what, r)
		if r.lossless() {
			good = max(good, r.rate)
		} else {
			bad = rate
		}
	}
	return good, nil
}

func report(out io.Writer, what string, r trialResult) {
	verdict := "lossless"
	if !r.lossless() {
		verdict = fmt.Sprintf("LOST %.0f (kernel %.0f, shed %.0f)", float64(r.sent)-r.committed, r.kernel, r.shed)
	}
	fmt.Fprintf(out, "  %-11s %8.0f/s offered: sent %d, committed %.0f: %s\n", what, r.rate, r.sent, r.committed, verdict)
}

// runRealistic is -realistic -search: ceiling, seeding, RSS, then the two
// searches, all against one station in one run.
func runRealistic(o options, out io.Writer) error {
	ts, err := buildTemplates(o)
	if err != nil {
		return err
	}
	s := &sender{ts: ts}
	fmt.Fprintf(out, "realistic datagrams: %d alerts over %d sources, %d–%d bytes each\n", len(ts), o.sources, minLen(ts), maxLen(ts))
	ceil, err := s.ceiling(o.duration)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "loopback ceiling: %.0f datagrams/s received by a plain socket\n", ceil)

	conn, err := net.Dial("udp", o.station)
	if err != nil {
		return err
	}
	defer conn.Close()
	// Seed every alert once, slowly enough to lose nothing, resending
	// until the station holds them all.
	before, err := scrape(o.http)
	if err != nil {
		return err
	}
	seed := ceil / 8
	start := time.Now()
	sent, err := s.send(conn, seed, start.Add(time.Duration(float64(len(ts))/seed*float64(time.Second))), 0)
	if err != nil {
		return err
	}
	after, err := waitCommitted(o, before, sent, time.Minute)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "seeded: sent %d at %.0f/s, committed %.0f\n", sent, seed,
		after.get("mauve_updates_accepted_total")-before.get("mauve_updates_accepted_total"))
	fmt.Fprintf(out, "station RSS holding %d realistic alerts: %s\n", len(ts), rss(after))

	refresh, err := s.search(o, out, conn, "refreshes", ceil/8, ceil, func() int { return 0 })
	if err != nil {
		return err
	}
	g := 0
	fresh, err := s.search(o, out, conn, "new alerts", ceil/8, ceil, func() int { g++; return g })
	if err != nil {
		return err
	}
	if final, err := scrape(o.http); err == nil {
		fmt.Fprintf(out, "station RSS at the end: %s\n", rss(final))
	}
	fmt.Fprintf(out, "lossless refreshes: %.0f/s = %.2f of the loopback ceiling (aim ≥ 0.50)\n", refresh, refresh/ceil)
	fmt.Fprintf(out, "lossless new alerts: %.0f/s = %.2f of the loopback ceiling (aim ≥ 0.33)\n", fresh, fresh/ceil)
	return nil
}

func minLen(ts []template) int {
	n := math.MaxInt
	for _, t := range ts {
		n = min(n, len(t.b))
	}
	return n
}

func maxLen(ts []template) int {
	n := 0
	for _, t := range ts {
		n = max(n, len(t.b))
	}
	return n
}

// rss describes the station's resident memory: in all, its own (anonymous:
// the Go heap and stacks) and the database file's pages mapped in (page
// cache the kernel can take back).
func rss(m metrics) string {
	s := fmt.Sprintf("%.1f MB", m.get("process_resident_memory_bytes")/1e6)
	if anon, ok := m["process_resident_memory_anon_bytes"]; ok {
		s += fmt.Sprintf(" (anonymous %.1f MB, file-backed %.1f MB)", anon/1e6, m.get("process_resident_memory_file_bytes")/1e6)
	}
	return s + fmt.Sprintf(", Go heap in use %.1f MB", m.get("go_memstats_heap_inuse_bytes")/1e6)
}

// putDigits writes v into b as zero-padded decimal digits.
func putDigits(b []byte, v int) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
}
