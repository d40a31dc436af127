//go:build !linux

package wire

import (
	"errors"
	"syscall"
)

// forceReadBuffer is Linux-only (SO_RCVBUFFORCE); elsewhere the listener
// falls back to SetReadBuffer.
func forceReadBuffer(syscall.RawConn, int) error { return errors.ErrUnsupported }

// readBuffer is not reported outside Linux.
func readBuffer(syscall.RawConn) (int, error) { return 0, errors.ErrUnsupported }
