package wire

import (
	"net"
	"syscall"
)

// DefaultReadBuffer is the receive buffer a Listener asks for when
// ListenerOptions.ReadBuffer is 0: at about 1 KiB of kernel memory a small
// datagram, 16 MiB holds some 16,000 datagrams, a fifth of a second at
// 80,000 a second, for the times the station is descheduled.
const DefaultReadBuffer = 16 << 20

// setReadBuffers sizes every socket's receive buffer and records what the
// kernel granted. It tries SO_RCVBUFFORCE first (allowed with
// CAP_NET_ADMIN, and not capped by net.core.rmem_max), then SetReadBuffer
// (capped by net.core.rmem_max), and logs the size obtained, warning when
// it is less than asked for.
func (l *Listener) setReadBuffers() {
	want := l.opts.ReadBuffer
	for i, c := range l.conns {
		var rc syscall.RawConn
		if sc, ok := c.(syscall.Conn); ok {
			rc, _ = sc.SyscallConn()
		}
		how := "system default"
		if want > 0 {
			how = "SO_RCVBUFFORCE"
			var ferr error = syscall.EINVAL
			if rc != nil {
				ferr = forceReadBuffer(rc, want)
			}
			if ferr != nil {
				how = "SetReadBuffer"
				if rb, ok := c.(interface{ SetReadBuffer(int) error }); ok {
					if err := rb.SetReadBuffer(want); err != nil {
						l.log.Warn("set UDP receive buffer", "addr", c.LocalAddr(), "bytes", want, "err", err)
					}
				}
			}
		}
		got := 0
		if rc != nil {
			got, _ = readBuffer(rc)
		}
		l.bufs[i].Store(int64(got))
		switch {
		case got == 0:
			l.log.Info("UDP receive buffer", "addr", c.LocalAddr(), "asked", want, "via", how)
		case want > 0 && got < 2*want:
			// Linux reports twice the size set (socket(7)); less than
			// that means net.core.rmem_max capped it.
			l.log.Warn("UDP receive buffer smaller than asked for, so bursts may be dropped by the kernel: "+
				"set net.core.rmem_max to at least the size asked for (sysctl), or give the station CAP_NET_ADMIN",
				"addr", c.LocalAddr(), "bytes", got, "asked", want, "via", how)
		default:
			l.log.Info("UDP receive buffer", "addr", c.LocalAddr(), "bytes", got, "asked", want, "via", how)
		}
	}
}

// ReadBuffers returns, for each socket in the order given to NewListener,
// the receive buffer the kernel reported (getsockopt SO_RCVBUF) once Run
// has set it up; 0 where unknown (before Run, or outside Linux).
func (l *Listener) ReadBuffers() []int {
	out := make([]int, len(l.bufs))
	for i := range l.bufs {
		out[i] = int(l.bufs[i].Load())
	}
	return out
}

func addrString(c net.PacketConn) string {
	if a := c.LocalAddr(); a != nil {
		return a.String()
	}
	return ""
}
