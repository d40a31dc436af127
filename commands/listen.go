package commands

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
)

// listenError says which address could not be bound and why, once (the
// net package's error repeats the address and adds "listen udp"), and
// what would be right.
func listenError(what, addr, where string, err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) {
		err = oe.Err
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		err = se.Err
	}
	var ae *net.AddrError
	if errors.As(err, &ae) {
		err = errors.New(ae.Err)
	}
	switch {
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return fmt.Errorf("listen on %s %s: %w: not an address of this host; change %s", what, addr, err, where)
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("listen on %s %s: %w: ports below 1024 need root or CAP_NET_BIND_SERVICE; change %s", what, addr, err, where)
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("listen on %s %s: %w: another program (another mauve serve?) has it; stop that, or change %s", what, addr, err, where)
	}
	return fmt.Errorf("listen on %s %s: %w (want host:port, such as 127.0.0.1:1288 or [::]:32741, in %s)", what, addr, err, where)
}
