// Command mauve-load blasts single-alert updates at a running station over
// UDP at a given rate and reports how many the station committed, the
// loopback UDP ceiling measured in the same run, the p99 time from
// reception to commit, and the station's resident memory.
//
//	go run ./store/loadtest/mauve-load -station 127.0.0.1:32741 -http 127.0.0.1:1288 -rate 100000 -duration 10s
//
// With -realistic it sends what scripts send (subject, summary and an HTML
// detail of a few hundred bytes, from many sources) and measures in one
// run the loopback ceiling, the station's RSS holding -alerts of them, and
// the highest rates at which it commits refreshes and new alerts without
// loss (see realistic.go):
//
//	go run ./store/loadtest/mauve-load -realistic -station 127.0.0.1:42741 -http 127.0.0.1:41288 -sources 1000 -duration 3s
//
// It reads the station's /metrics over plain HTTP/1.0 (loopback needs no
// credentials), so it needs nothing but the wire package.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

type options struct {
	station  string
	http     string
	rate     int
	duration time.Duration
	alerts   int
	sources  int
	change   bool
	ceiling  bool

	realistic bool
	trial     time.Duration
	bisect    int
}

func main() {
	var o options
	flag.StringVar(&o.station, "station", "127.0.0.1:32741", "the station's UDP address")
	flag.StringVar(&o.http, "http", "127.0.0.1:1288", `the station's HTTP address (for /metrics); "" = only send`)
	flag.IntVar(&o.rate, "rate", 100000, "updates per second to send; 0 = as fast as possible")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "how long to send")
	flag.IntVar(&o.alerts, "alerts", 100000, "distinct alerts, cycled through")
	flag.IntVar(&o.sources, "sources", 100, "distinct sources the alerts are spread over")
	flag.BoolVar(&o.change, "change", false, "give every update a new summary, so every one is a write")
	flag.BoolVar(&o.ceiling, "ceiling", true, "first measure the loopback UDP ceiling (a sink socket, same sender loop)")
	flag.BoolVar(&o.realistic, "realistic", false, "send what scripts send (subject, summary, HTML detail) and search for the lossless refresh and new-alert rates; -rate and -change are ignored, -duration is the ceiling's measuring time")
	flag.DurationVar(&o.trial, "trial", 2*time.Second, "with -realistic: how long each trial rate is sent")
	flag.IntVar(&o.bisect, "bisect", 4, "with -realistic: bisection steps after the first lossy trial")
	flag.Parse()
	do := run
	if o.realistic {
		if o.http == "" {
			fmt.Fprintln(os.Stderr, "mauve-load: -realistic needs -http, to see what the station committed")
			os.Exit(2)
		}
		do = runRealistic
	}
	if err := do(o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mauve-load:", err)
		os.Exit(1)
	}
}

func run(o options, out io.Writer) error {
	if o.ceiling {
		sent, got, err := measureCeiling(o)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "loopback ceiling: sent %d, received %d in %s: %.0f datagrams/s received\n",
			sent, got, o.duration, float64(got)/o.duration.Seconds())
	}
	var before metrics
	var err error
	if o.http != "" {
		if before, err = scrape(o.http); err != nil {
			return err
		}
	}
	conn, err := net.Dial("udp", o.station)
	if err != nil {
		return err
	}
	defer conn.Close()
	start := time.Now()
	sent, err := blast(conn, o, start.Add(o.duration))
	if err != nil {
		return err
	}
	sendTime := time.Since(start)
	if o.http == "" {
		fmt.Fprintf(out, "sent %d in %s: %.0f updates/s offered\n", sent, sendTime.Round(time.Millisecond), float64(sent)/sendTime.Seconds())
		return nil
	}
	// Wait until the station has committed everything it received.
	var after metrics
	lastChange, last := time.Now(), -1.0
	for {
		if after, err = scrape(o.http); err != nil {
			return err
		}
		acc := after.get("mauve_updates_accepted_total")
		if acc != last {
			last, lastChange = acc, time.Now()
		}
		if acc-before.get("mauve_updates_accepted_total") >= float64(sent) || time.Since(lastChange) > 2*time.Second {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	commitTime := lastChange.Sub(start)
	received := after.get("mauve_datagrams_received_total") - before.get("mauve_datagrams_received_total")
	committed := after.get("mauve_updates_accepted_total") - before.get("mauve_updates_accepted_total")
	batches := after.get("mauve_commit_batch_size_count") - before.get("mauve_commit_batch_size_count")
	fmt.Fprintf(out, "sent %d in %s: %.0f updates/s offered\n", sent, sendTime.Round(time.Millisecond), float64(sent)/sendTime.Seconds())
	fmt.Fprintf(out, "station received %.0f, committed %.0f (%.2f%% of sent) in %.0f transactions of %.0f on average\n",
		received, committed, 100*committed/float64(sent), batches, committed/math.Max(batches, 1))
	fmt.Fprintf(out, "lost before the station read them (kernel socket drops): %.0f\n",
		after.get("mauve_udp_receive_drops_total")-before.get("mauve_udp_receive_drops_total"))
	fmt.Fprintf(out, "committed rate: %.0f updates/s (until the last commit, %s)\n", committed/commitTime.Seconds(), commitTime.Round(time.Millisecond))
	fmt.Fprintf(out, "p50 / p99 reception-to-commit latency: %s / %s\n",
		latency(before, after, 0.50), latency(before, after, 0.99))
	if cpu := after.get("process_cpu_seconds_total") - before.get("process_cpu_seconds_total"); cpu > 0 && committed > 0 {
		fmt.Fprintf(out, "station CPU %.2fs: %.1fµs an update, %.0f updates/s per core busy\n",
			cpu, cpu/committed*1e6, committed/cpu)
	}
	fmt.Fprintf(out, "station RSS %.1f MB, Go heap in use %.1f MB\n",
		after.get("process_resident_memory_bytes")/1e6, after.get("go_memstats_heap_inuse_bytes")/1e6)
	return nil
}

// blast sends updates through conn at o.rate until the deadline.
func blast(conn net.Conn, o options, deadline time.Time) (int, error) {
	start := time.Now()
	sent := 0
	for i := 0; ; i++ {
		if i%256 == 0 {
			now := time.Now()
			if now.After(deadline) {
				return sent, nil
			}
			if o.rate > 0 {
				// Pace in steps of 256 datagrams.
				due := start.Add(time.Duration(float64(sent) / float64(o.rate) * float64(time.Second)))
				if d := due.Sub(now); d > 0 {
					time.Sleep(d)
				}
			}
		}
		b, err := datagram(o, i)
		if err != nil {
			return sent, err
		}
		if _, err := conn.Write(b); err != nil {
			var op *net.OpError
			if errors.As(err, &op) {
				continue // ECONNREFUSED from an ICMP: keep going
			}
			return sent, err
		}
		sent++
	}
}

func datagram(o options, i int) ([]byte, error) {
	a := i % o.alerts
	summary := "load test"
	if o.change {
		summary = "load test update " + strconv.Itoa(i)
	}
	return wire.Encode(wire.Update{
		TransmissionID: uint64(i) + 1 + uint64(time.Now().UnixNano())<<20,
		Source:         fmt.Sprintf("load%03d.example.com", a%o.sources),
		Alerts:         []wire.Alert{{ID: fmt.Sprintf("load-%07d", a), Summary: summary}},
	})
}

// measureCeiling runs the same sender loop against a sink socket on
// loopback that only counts, for the same duration.
func measureCeiling(o options) (sent int, received int64, err error) {
	sink, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	defer sink.Close()
	if u, ok := sink.(*net.UDPConn); ok {
		u.SetReadBuffer(4 << 20)
	}
	var got atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 65536)
		for {
			if _, _, err := sink.ReadFrom(buf); err != nil {
				return
			}
			got.Add(1)
		}
	}()
	conn, err := net.Dial("udp", sink.LocalAddr().String())
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close()
	o.rate = 0
	sent, err = blast(conn, o, time.Now().Add(o.duration))
	time.Sleep(200 * time.Millisecond)
	sink.Close()
	<-done
	return sent, got.Load(), err
}

// metrics is one scrape: sample name with labels → value.
type metrics map[string]float64

func (m metrics) get(name string) float64 { return m[name] }

// scrape reads /metrics with a hand-written HTTP/1.0 request.
func scrape(addr string) (metrics, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("scrape %s: %w", addr, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, "GET /metrics HTTP/1.0\r\nHost: %s\r\n\r\n", addr)
	r := bufio.NewReader(c)
	status, err := r.ReadString('\n')
	if err != nil || !strings.Contains(status, " 200 ") {
		return nil, fmt.Errorf("scrape %s: %q %v", addr, status, err)
	}
	m := metrics{}
	inBody := false
	for {
		line, err := r.ReadString('\n')
		line = strings.TrimRight(line, "\r\n")
		if !inBody {
			inBody = line == ""
		} else if line != "" && !strings.HasPrefix(line, "#") {
			if i := strings.LastIndexByte(line, ' '); i > 0 {
				if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil {
					m[line[:i]] = v
				}
			}
		}
		if err != nil {
			break
		}
	}
	return m, nil
}

// latency estimates a quantile of the latency histogram between two
// scrapes, interpolating within the bucket.
func latency(before, after metrics, q float64) time.Duration {
	const name = "mauve_ingest_latency_seconds_bucket"
	type bucket struct{ le, n float64 }
	var bs []bucket
	for k, v := range after {
		if !strings.HasPrefix(k, name+"{le=\"") {
			continue
		}
		le := strings.TrimSuffix(strings.TrimPrefix(k, name+"{le=\""), "\"}")
		f := math.Inf(1)
		if le != "+Inf" {
			f, _ = strconv.ParseFloat(le, 64)
		}
		bs = append(bs, bucket{f, v - before[k]})
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i].le < bs[j].le })
	if len(bs) == 0 || bs[len(bs)-1].n == 0 {
		return 0
	}
	rank := q * bs[len(bs)-1].n
	lo, prev := 0.0, 0.0
	for _, b := range bs {
		if b.n >= rank {
			if math.IsInf(b.le, 1) {
				return time.Duration(lo * float64(time.Second))
			}
			frac := (rank - prev) / math.Max(b.n-prev, 1)
			return time.Duration((lo + (b.le-lo)*frac) * float64(time.Second)).Round(10 * time.Microsecond)
		}
		lo, prev = b.le, b.n
	}
	return 0
}
