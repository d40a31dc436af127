package commands

import (
	"net"
	"os"
	"testing"
	"time"
)

// socketDrops counts the datagrams the kernel dropped on this process's
// UDP sockets: a socket with the smallest buffer, sent a thousand
// datagrams it never reads, has drops the count includes. This is what
// the station's ingest-loss alert hears of kernel loss from.
func TestSocketDrops_CountsOurSocketsDrops(t *testing.T) {
	if _, err := os.Stat("/proc/net/udp"); err != nil {
		t.Skip("needs /proc/net/udp")
	}
	before, _ := socketDrops()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if err := pc.(*net.UDPConn).SetReadBuffer(1); err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("udp", pc.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	payload := make([]byte, 512)
	deadline := time.Now().Add(10 * time.Second)
	for {
		for range 1000 {
			c.Write(payload)
		}
		after, found := socketDrops()
		if found && after > before {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("socketDrops: %d (found %v) after sending into a full socket, want more than %d", after, found, before)
		}
	}
}
