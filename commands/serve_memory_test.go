package commands

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

// manyAlertsDatagram encodes one update holding as many one-byte alerts as
// fit in a 64 KB datagram: about 13,000, which decode to well over a
// megabyte.
func manyAlertsDatagram(t testing.TB, tid uint64) []byte {
	t.Helper()
	n := 13200
	for {
		u := wire.Update{TransmissionID: tid, Source: "flood.example.com", Alerts: make([]wire.Alert, n)}
		for i := range u.Alerts {
			u.Alerts[i].ID = string(rune('!' + i%90))
		}
		b, err := wire.Encode(u)
		if err == nil && len(b) <= 65507 {
			return b
		}
		n -= 100
	}
}

// vmRSS reads a process's resident size from /proc/PID/status.
func vmRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// 64 KB datagrams of thousands of one-byte alerts each, as fast as one
// sender can for three seconds, into `mauve serve` in its own process
// (GOMEMLIMIT set, as the systemd unit does): the ingest queue is bounded
// by decoded bytes, so the station's resident size stays bounded and it
// still answers /healthz. (Today's queue, bounded by count alone, holds
// 65,536 such updates: tens of gigabytes.)
func TestServe_ManyAlertDatagramsKeepMemoryBounded(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc to read the station's resident size")
	}
	const bound = 300 << 20
	bin := buildMauve(t)
	t.Setenv("GOMEMLIMIT", "150MiB")
	p := startServeProcess(t, bin, filepath.Join(t.TempDir(), "mauve.db"))
	pid := p.cmd.Process.Pid

	conn, err := net.Dial("udp", p.udp)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const firstTID = 1 << 60
	dgram := manyAlertsDatagram(t, firstTID)
	if dgram[0] != 0x08 || binary.PutUvarint(make([]byte, 10), firstTID) != 9 {
		t.Fatalf("the datagram does not start with a 9-byte transmission_id: % x", dgram[:10])
	}
	var peak int64
	var mu sync.Mutex
	sample := func() {
		if rss, err := vmRSS(pid); err == nil {
			mu.Lock()
			peak = max(peak, rss)
			mu.Unlock()
		}
	}
	ctx, stop := context.WithTimeout(context.Background(), 3*time.Second)
	defer stop()
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for ctx.Err() == nil {
			sample()
			<-tick.C
		}
	})
	sent := 0
	for i := uint64(1); ctx.Err() == nil && sent < 200000; i++ {
		// A new transmission id each time, so the listener's duplicate
		// check lets each through: bytes 1–9 hold it as a 9-byte varint.
		binary.PutUvarint(dgram[1:10], firstTID+i)
		if _, err := conn.Write(dgram); err == nil {
			sent++
		}
	}
	wg.Wait()
	// The queue drains: sample a little longer while it does.
	for range 20 {
		sample()
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("sent %d datagrams of %d bytes; station peak RSS %.1f MB", sent, len(dgram), float64(peak)/1e6)
	if peak == 0 || peak > bound {
		t.Errorf("station peak RSS %.1f MB, want at most %d MB", float64(peak)/1e6, bound>>20)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + p.http + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz after the flood: %v (status %v)", err, resp)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
