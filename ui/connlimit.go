package ui

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Default caps on connections.
const (
	// defaultMaxConns is how many connections the TCP listener serves at
	// once. (The unix socket is for the station's own users, unlimited.)
	defaultMaxConns = 1024
	// overflowConns is how many connections beyond the cap are still
	// read, each for one request: /healthz is answered, anything else
	// gets 503. Beyond that a connection is closed at once.
	overflowConns = 16
	// overflowTimeout bounds how long an overflow connection may take to
	// send its request and read the answer.
	overflowTimeout = 5 * time.Second
)

// limitListener hands at most max connections at a time to the HTTP
// server. A connection beyond that is not left waiting in the kernel's
// backlog (where a health check would time out): it is accepted and
// answered apart, so /healthz keeps answering while the station is full.
type limitListener struct {
	net.Listener
	s   *Server
	max int64

	open     atomic.Int64
	overflow atomic.Int64
	wg       sync.WaitGroup
}

func (s *Server) limitListener(ln net.Listener) *limitListener {
	return &limitListener{Listener: ln, s: s, max: int64(s.maxConns)}
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.open.Add(1) <= l.max {
			return &limitedConn{Conn: c, l: l}, nil
		}
		l.open.Add(-1)
		l.s.stats.connsRefused.Add(1)
		if l.overflow.Add(1) > overflowConns {
			l.overflow.Add(-1)
			_ = c.Close()
			continue
		}
		l.wg.Go(func() {
			defer l.overflow.Add(-1)
			l.s.serveOverflow(c, l.max)
		})
	}
}

// Close stops accepting and waits for overflow connections to finish
// (each within overflowTimeout).
func (l *limitListener) Close() error {
	err := l.Listener.Close()
	l.wg.Wait()
	return err
}

// limitedConn gives its place back when closed.
type limitedConn struct {
	net.Conn
	l    *limitListener
	once sync.Once
}

func (c *limitedConn) Close() error {
	c.once.Do(func() { c.l.open.Add(-1) })
	return c.Conn.Close()
}

// serveOverflow answers one request on a connection beyond the cap:
// /healthz as usual, anything else 503 saying why; then closes it.
func (s *Server) serveOverflow(c net.Conn, max int64) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(overflowTimeout))
	req, err := http.ReadRequest(bufio.NewReaderSize(io.LimitReader(c, 64<<10), 4096))
	if err != nil {
		return
	}
	w := &bufferedResponse{header: http.Header{}, status: http.StatusOK}
	if req.URL.Path == "/healthz" && (req.Method == http.MethodGet || req.Method == http.MethodHead) {
		securityHeaders(http.HandlerFunc(s.handleHealth)).ServeHTTP(w, req)
	} else {
		// Not writeError: a flood of these is no server failure to log.
		w.header.Set("Retry-After", "5")
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": fmt.Sprintf("the station has %d connections open, its limit: try again later", max)})
	}
	resp := &http.Response{
		StatusCode:    w.status,
		ProtoMajor:    1,
		ProtoMinor:    1,
		Request:       req,
		Header:        w.header,
		Body:          io.NopCloser(&w.body),
		ContentLength: int64(w.body.Len()),
		Close:         true,
	}
	w.header.Set("Content-Length", strconv.Itoa(w.body.Len()))
	if err := resp.Write(c); err != nil && !errors.Is(err, net.ErrClosed) {
		s.log.Debug("answer over the connection cap", "remote", c.RemoteAddr(), "err", err)
	}
}

// bufferedResponse collects a small response in memory.
type bufferedResponse struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (w *bufferedResponse) Header() http.Header { return w.header }

func (w *bufferedResponse) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
}

func (w *bufferedResponse) Write(b []byte) (int, error) {
	w.wrote = true
	return w.body.Write(b)
}
