package wire_test

import (
	"context"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

// kernelReadBuffer reads a socket's receive buffer back with getsockopt.
func kernelReadBuffer(t *testing.T, pc net.PacketConn) int {
	t.Helper()
	rc, err := pc.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var (
		n    int
		gerr error
	)
	if err := rc.Control(func(fd uintptr) {
		n, gerr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF)
	}); err != nil {
		t.Fatal(err)
	}
	if gerr != nil {
		t.Fatal(gerr)
	}
	return n
}

// rmemMax is net.core.rmem_max, the cap on an unprivileged SetReadBuffer.
func rmemMax(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/sys/net/core/rmem_max")
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestListener_ReadBuffer runs a listener that asks for more receive
// buffer than net.core.rmem_max allows an unprivileged process, and reads
// the size back with getsockopt. As root (CAP_NET_ADMIN: here and in CI)
// SO_RCVBUFFORCE must grant at least what was asked; otherwise the
// listener falls back to SetReadBuffer and reports what it got.
func TestListener_ReadBuffer(t *testing.T) {
	want := 2*rmemMax(t) + 1<<20
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	got := make(chan struct{}, 1)
	l := wire.NewListener([]net.PacketConn{pc}, func(wire.Update, netip.AddrPort, time.Time) {
		select {
		case got <- struct{}{}:
		default:
		}
	}, wire.ListenerOptions{ReadBuffer: want, Workers: 1})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()

	// Readers start after the buffers are set: one update through means
	// ReadBuffers is final.
	sender, err := net.Dial("udp4", pc.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	b, err := wire.Encode(wire.Update{Source: "buf", TransmissionID: 1, Alerts: []wire.Alert{{ID: "a"}}})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for received := false; !received; {
		if _, err := sender.Write(b); err != nil {
			t.Fatal(err)
		}
		select {
		case <-got:
			received = true
		case <-time.After(50 * time.Millisecond):
			if time.Now().After(deadline) {
				t.Fatal("no update reached the handler")
			}
		}
	}

	kernel := kernelReadBuffer(t, pc)
	if reported := l.ReadBuffers(); len(reported) != 1 || reported[0] != kernel {
		t.Errorf("ReadBuffers() = %v, want [%d] (getsockopt SO_RCVBUF)", reported, kernel)
	}
	if os.Geteuid() == 0 {
		if kernel < want {
			t.Errorf("as root: got SO_RCVBUF %d, want at least %d (SO_RCVBUFFORCE)", kernel, want)
		}
	} else if kernel < rmemMax(t) {
		t.Errorf("unprivileged: got SO_RCVBUF %d, want at least net.core.rmem_max %d (SetReadBuffer)", kernel, rmemMax(t))
	}
	var m strings.Builder
	l.WriteMetrics(&m)
	line := "mauve_udp_receive_buffer_bytes{addr=\"" + pc.LocalAddr().String() + "\"} " + strconv.Itoa(kernel) + "\n"
	if !strings.Contains(m.String(), line) {
		t.Errorf("metrics lack %q:\n%s", line, m.String())
	}
}
