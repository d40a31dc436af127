package notify_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// scriptSMTP is a small SMTP server on loopback written for the tests of
// the client's pipelining: it offers exactly the extensions it is given,
// and it can hold its replies back to prove that the client sends a group
// of commands without waiting for each answer (a client that waited would
// wait forever; the server gives up after holdLimit and counts it).
//
// Recipients starting "reject" are refused for good (550), "later" for
// now (451). A MAIL inside an open transaction is refused as nested (503),
// as real servers do, until RSET or the end of the transaction.
type scriptSMTP struct {
	addr string
	ln   net.Listener
	o    scriptOptions

	mu        sync.Mutex
	msgs      []scriptMsg
	conns     int
	ended     int // connections over
	stalls    int // replies held back until holdLimit: the client waited mid-group
	rsets     int
	discarded []int // sizes of data discarded after a 354 with no recipient
	commands  []string
	got       chan scriptMsg
}

type scriptOptions struct {
	exts []string // after EHLO, e.g. "PIPELINING", "CHUNKING", "8BITMIME"
	// hold: replies are written only when the client has sent the end of
	// a group (DATA, the end of the data, BDAT, RSET, EHLO, QUIT, NOOP).
	hold bool
	// accept354: DATA is answered 354 even with no valid recipient (RFC
	// 2920 §3.1 allows it); the data that follows is discarded.
	accept354 bool
	// gate, if set, holds the replies to the first connection's first
	// transaction (after gateAfter others) until it is closed.
	gate      chan struct{}
	gateAfter int
	// then: after the gate, replies are held until this many more
	// transactions have been read on that connection.
	then int
	// strict: after refusing a nested MAIL, refuse the rest of that
	// transaction until RSET; otherwise, as go-smtp does, its RCPT and
	// BDAT join the transaction still open.
	strict bool
}

// scriptMsg is a message the server took.
type scriptMsg struct {
	From string
	To   []string
	Data []byte
	BDAT bool // came in BDAT chunks, not DATA
}

const holdLimit = 5 * time.Second

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

func (s *scriptSMTP) counts() (conns, stalls, rsets int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns, s.stalls, s.rsets
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
	s      *scriptSMTP
	c      net.Conn
	r      *bufio.Reader
	w      *bufio.Writer
	from   string
	open   bool // MAIL taken, transaction not ended
	broken bool // strict: a nested MAIL was refused; refuse until RSET
	to     []string
	chunks bytes.Buffer

	gated bool // this connection's first transaction waits for the gate
	then  int  // transactions still to read before replying, after the gate
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
		groupEnd := true
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
			groupEnd = false
			if ss.open {
				ss.reply("503 5.5.1 nested MAIL command")
				ss.broken = s.o.strict
				break
			}
			ss.open, ss.from, ss.to = true, path(arg, "FROM:"), nil
			ss.chunks.Reset()
			ss.reply("250 2.1.0 sender ok")
		case "RCPT":
			groupEnd = false
			addr := path(arg, "TO:")
			switch {
			case !ss.open || ss.broken:
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
			valid := ss.open && len(ss.to) > 0
			if !valid && !s.o.accept354 {
				ss.reply("554 5.5.1 no valid recipients")
				ss.ended(false)
				break
			}
			ss.reply("354 go ahead")
			ss.flush()
			data, err := ss.readDot()
			if err != nil {
				return
			}
			if valid {
				ss.reply("250 2.0.0 queued")
				ss.deliver(data, false)
				break
			}
			ss.reply(fmt.Sprintf("554 5.5.1 no valid recipients (%d bytes discarded)", len(data)))
			s.mu.Lock()
			s.discarded = append(s.discarded, len(data))
			s.mu.Unlock()
			ss.ended(false)
		case "BDAT":
			f := strings.Fields(arg)
			n, err := strconv.Atoi(f[0])
			if err != nil || n < 0 {
				ss.reply("501 5.5.4 bad size")
				break
			}
			chunk := make([]byte, n)
			if _, err := io.ReadFull(ss.r, chunk); err != nil {
				return
			}
			last := len(f) > 1 && strings.EqualFold(f[1], "LAST")
			switch {
			case !ss.open || len(ss.to) == 0 || ss.broken:
				ss.reply("554 5.5.1 no valid recipients")
				if last {
					ss.ended(false)
				}
			case !last:
				ss.chunks.Write(chunk)
				ss.reply(fmt.Sprintf("250 2.0.0 %d octets", n))
			default:
				ss.chunks.Write(chunk)
				ss.reply("250 2.0.0 queued")
				ss.deliver(bytes.Clone(ss.chunks.Bytes()), true)
			}
		case "RSET":
			ss.open, ss.from, ss.to, ss.broken = false, "", nil, false
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
		ss.maybeFlush(groupEnd)
	}
}

// maybeFlush writes the replies out unless they are held: with hold, the
// client may not be waiting for them before the end of a group; and the
// gate and then rules hold them longer.
func (ss *session) maybeFlush(groupEnd bool) {
	s := ss.s
	if ss.gated && ss.done >= 1+s.o.gateAfter {
		ss.gated = false
		<-s.o.gate
		ss.flush() // the first transaction's replies
		ss.then = s.o.then
	}
	if ss.then > 0 {
		if ss.r.Buffered() > 0 || ss.waitForMore() {
			return // flushed by ended once enough transactions are read
		}
		ss.then = 0
	}
	if s.o.hold && !groupEnd {
		if ss.r.Buffered() > 0 {
			return
		}
		// The client stopped sending mid-group: a pipelining client never
		// does that.
		if ss.waitForMore() {
			return
		}
	}
	ss.flush()
}

// waitForMore waits a while for the client to send more while replies are
// held. If nothing comes, the client is waiting for them: that counts as
// a stall, and the caller gives in and flushes.
func (ss *session) waitForMore() bool {
	_ = ss.c.SetReadDeadline(time.Now().Add(holdLimit))
	_, err := ss.r.Peek(1)
	_ = ss.c.SetReadDeadline(time.Now().Add(30 * time.Second))
	if err == nil {
		return true
	}
	ss.s.mu.Lock()
	ss.s.stalls++
	ss.s.mu.Unlock()
	return false
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
func (ss *session) deliver(data []byte, bdat bool) {
	m := scriptMsg{From: ss.from, To: ss.to, Data: data, BDAT: bdat}
	s := ss.s
	s.mu.Lock()
	s.msgs = append(s.msgs, m)
	s.mu.Unlock()
	select {
	case s.got <- m:
	default: // nobody waits (a benchmark); messages keeps them
	}
	ss.ended(true)
}

// ended counts a transaction that ended, taken or refused. A refused one
// stays open, as on real servers: its sender stands, and the next MAIL is
// refused as nested until RSET.
func (ss *session) ended(taken bool) {
	if taken {
		ss.open, ss.from, ss.to = false, "", nil
	}
	ss.done++
	ss.broken = false
	if ss.then > 0 {
		ss.then--
		if ss.then == 0 {
			ss.flush()
		}
	}
}

// path is the address of a MAIL FROM: or RCPT TO: argument.
func path(arg, prefix string) string {
	if len(arg) >= len(prefix) && strings.EqualFold(arg[:len(prefix)], prefix) {
		arg = arg[len(prefix):]
	}
	arg, _, _ = strings.Cut(strings.TrimSpace(arg), " ")
	return strings.Trim(arg, "<>")
}
