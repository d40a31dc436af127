//go:build !linux

package ui

import (
	"errors"
	"net"
)

// peerUID is only implemented on Linux; elsewhere the socket refuses
// everyone and `mauve ack` must use --server with a token.
func peerUID(c *net.UnixConn) (int, error) {
	return -1, errors.New("peer credentials are only supported on Linux")
}
