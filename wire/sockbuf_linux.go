package wire

import (
	"fmt"
	"syscall"
)

// forceReadBuffer sets the socket's receive buffer with SO_RCVBUFFORCE,
// which ignores net.core.rmem_max but needs CAP_NET_ADMIN (root has it).
// It fails with EPERM for an unprivileged process.
func forceReadBuffer(rc syscall.RawConn, bytes int) error {
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUFFORCE, bytes)
	}); err != nil {
		return err
	}
	if serr != nil {
		return fmt.Errorf("setsockopt SO_RCVBUFFORCE %d: %w", bytes, serr)
	}
	return nil
}

// readBuffer returns the socket's receive buffer as the kernel reports it
// (getsockopt SO_RCVBUF: on Linux twice what was set, the kernel's own
// allowance for bookkeeping included).
func readBuffer(rc syscall.RawConn) (int, error) {
	var (
		n    int
		gerr error
	)
	if err := rc.Control(func(fd uintptr) {
		n, gerr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF)
	}); err != nil {
		return 0, err
	}
	if gerr != nil {
		return 0, fmt.Errorf("getsockopt SO_RCVBUF: %w", gerr)
	}
	return n, nil
}
