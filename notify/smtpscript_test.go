package notify_test

import (
	"bufio"
	"bytes"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// scriptSMTP is a small SMTP server on loopback written for the tests of
// the email channel's connections: it offers exactly the extensions it is
// given, counts connections and commands, and can hold back the answer
// that ends a transaction until the test lets it go.
//
// Recipients starting "reject" are refused for good (550), "later" for
// now (451). A MAIL inside an open transaction is refused as nested (503),
// as real servers do, until RSET or the end of the transaction.
type scriptSMTP struct {
	addr string
	ln   net.Listener
	o    scriptOptions

	mu       sync.Mutex
	msgs     []scriptMsg
	conns    int
	ended    int // connections over
	rsets    int
	commands []string
	got      chan scriptMsg
}

type scriptOptions struct {
	exts []string // after EHLO, e.g. "PIPELINING", "CHUNKING", "8BITMIME"
	// gate, if set, holds the answer that ends the first connection's
	// first transaction (after gateAfter others) until it is closed.
	gate      chan struct{}
	gateAfter int
}

// scriptMsg is a message the server took.
type scriptMsg struct {
	From string
	To   []string
	Data []byte
}

func startScriptSMTP(t testing.TB, o scriptOptions) *scriptSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &scriptSMTP{addr: ln.Addr().String(), ln: ln, o: o, got: make(chan scriptMsg, 1024)}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns++
			first := s.conns == 1
			s.mu.Unlock()
			wg.Go(func() {
				defer func() {
					_ = c.Close()
					s.mu.Lock()
					s.ended++
					s.mu.Unlock()
				}()
				s.serve(c, first)
			})
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		wg.Wait()
	})
	return s
}

func (s *scriptSMTP) messages() []scriptMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]scriptMsg(nil), s.msgs...)
}

func (s *scriptSMTP) counts() (conns, rsets int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns, s.rsets
}

// count is how many times the server received command verb.
func (s *scriptSMTP) count(verb string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.commands {
		if c == verb {
			n++
		}
	}
	return n
}

// quits counts the QUIT commands received, and ended the connections
// over.
func (s *scriptSMTP) quits() (quits, ended int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.commands {
		if c == "QUIT" {
			quits++
		}
	}
	return quits, s.ended
}

func (s *scriptSMTP) wait(t testing.TB) scriptMsg {
	t.Helper()
	select {
	case m := <-s.got:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no message reached the SMTP server within 10s")
		return scriptMsg{}
	}
}

// session is one connection's state.
type session struct {
	s    *scriptSMTP
	c    net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
	from string
	open bool // MAIL taken, transaction not ended
	to   []string

	gated bool // this connection's first transactions wait for the gate
	done  int  // transactions ended on this connection, taken or not
}

func (s *scriptSMTP) serve(c net.Conn, first bool) {
	ss := &session{s: s, c: c, r: bufio.NewReaderSize(c, 64<<10), w: bufio.NewWriter(c), gated: first && s.o.gate != nil}
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	ss.reply("220 localhost ESMTP script")
	ss.flush()
	for {
		line, err := ss.r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		verb = strings.ToUpper(verb)
		s.mu.Lock()
		s.commands = append(s.commands, verb)
		s.mu.Unlock()
		switch verb {
		case "EHLO":
			lines := append([]string{"localhost"}, s.o.exts...)
			for i, l := range lines {
				sep := "-"
				if i == len(lines)-1 {
					sep = " "
				}
				ss.reply("250" + sep + l)
			}
		case "HELO", "NOOP":
			ss.reply("250 ok")
		case "MAIL":
			if ss.open {
				ss.reply("503 5.5.1 nested MAIL command")
				break
			}
			ss.open, ss.from, ss.to = true, path(arg, "FROM:"), nil
			ss.reply("250 2.1.0 sender ok")
		case "RCPT":
			addr := path(arg, "TO:")
			switch {
			case !ss.open:
				ss.reply("503 5.5.1 MAIL first")
			case strings.HasPrefix(addr, "reject"):
				ss.reply("550 5.1.1 no such user")
			case strings.HasPrefix(addr, "later"):
				ss.reply("451 4.3.0 try again later")
			default:
				ss.to = append(ss.to, addr)
				ss.reply("250 2.1.5 recipient ok")
			}
		case "DATA":
			if !ss.open || len(ss.to) == 0 {
				ss.reply("554 5.5.1 no valid recipients")
				ss.done++
				break
			}
			ss.reply("354 go ahead")
			ss.flush()
			data, err := ss.readDot()
			if err != nil {
				return
			}
			ss.reply("250 2.0.0 queued")
			ss.deliver(data)
		case "RSET":
			ss.open, ss.from, ss.to = false, "", nil
			s.mu.Lock()
			s.rsets++
			s.mu.Unlock()
			ss.reply("250 2.0.0 reset")
		case "QUIT":
			ss.reply("221 2.0.0 bye")
			ss.flush()
			return
		default:
			ss.reply("500 5.5.2 unknown command")
		}
		if ss.gated && ss.done >= 1+s.o.gateAfter {
			ss.gated = false
			<-s.o.gate
		}
		ss.flush()
	}
}

func (ss *session) reply(line string) { ss.w.WriteString(line + "\r\n") }
func (ss *session) flush()            { _ = ss.w.Flush() }

// readDot reads DATA content up to the lone dot, undoing dot-stuffing.
func (ss *session) readDot() ([]byte, error) {
	var b bytes.Buffer
	for {
		line, err := ss.r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		if line == ".\r\n" {
			return b.Bytes(), nil
		}
		b.WriteString(strings.TrimPrefix(line, "."))
	}
}

// deliver takes the message of the transaction and ends it.
func (ss *session) deliver(data []byte) {
	m := scriptMsg{From: ss.from, To: ss.to, Data: data}
	s := ss.s
	s.mu.Lock()
	s.msgs = append(s.msgs, m)
	s.mu.Unlock()
	select {
	case s.got <- m:
	default: // nobody waits (a benchmark); messages keeps them
	}
	ss.open, ss.from, ss.to = false, "", nil
	ss.done++
}

// path is the address of a MAIL FROM: or RCPT TO: argument.
func path(arg, prefix string) string {
	if len(arg) >= len(prefix) && strings.EqualFold(arg[:len(prefix)], prefix) {
		arg = arg[len(prefix):]
	}
	arg, _, _ = strings.Cut(strings.TrimSpace(arg), " ")
	return strings.Trim(arg, "<>")
}
