package notify

import (
	"bytes"
	"errors"
	"fmt"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/wneessen/go-mail/smtp"
)

// refusal is a command of a mail transaction that the server answered
// with an error. The connection is still in step with the server.
type refusal struct {
	Command string // "MAIL", "RCPT", "DATA" or "BDAT"
	Err     *textproto.Error
}

func (r *refusal) Error() string { return fmt.Sprintf("%s refused: %v", r.Command, r.Err) }
func (r *refusal) Unwrap() error { return r.Err }

// fate is what became of one parcel on a trip.
type fate struct {
	err error // nil: the server took the message
	// again: the server refused it after refusing an earlier parcel of
	// the same trip, so the refusal may only echo that one (a transaction
	// left open makes the next MAIL a nested one); it goes on a later
	// trip.
	again bool
}

// tripKind is how a connection carries messages, from what the server
// offered after EHLO.
type tripKind int

const (
	tripPlain     tripKind = iota // neither PIPELINING nor CHUNKING: go-mail's command-by-command transaction
	tripPipelined                 // PIPELINING: MAIL, RCPT, DATA in one write, then the content
	tripChunked                   // PIPELINING and CHUNKING: whole transactions in one write
)

func kindOf(c *smtp.Client) tripKind {
	if ok, _ := c.Extension("PIPELINING"); !ok {
		return tripPlain
	}
	if ok, _ := c.Extension("CHUNKING"); !ok {
		return tripPipelined
	}
	return tripChunked
}

// envelope is the MAIL FROM command for a parcel, with the parameters
// the server offers that go-mail would also send.
func envelope(c *smtp.Client, p *parcel) string {
	cmd := "MAIL FROM:" + angle(p.from)
	if ok, _ := c.Extension("8BITMIME"); ok {
		cmd += " BODY=8BITMIME"
	}
	if ok, _ := c.Extension("SMTPUTF8"); ok && !p.ascii {
		cmd += " SMTPUTF8"
	}
	return cmd
}

// chunkedTrip sends every parcel of ps over c in one write, each as a
// whole transaction (RFC 2920 pipelining of RFC 3030 chunks): MAIL, RCPT,
// and BDAT LAST with the message as its one chunk. A server that refuses a
// command still reads the chunk after a BDAT, so the connection stays in
// step. It then reads every answer in order and returns each parcel's
// fate, which the answer to its BDAT LAST decides. answered counts the parcels the server answered at all; err is
// set when the connection failed, and then the parcels from answered on
// have no fate. After a refusal the caller must RSET before the next trip.
func chunkedTrip(c *smtp.Client, ps []*parcel, buf *bytes.Buffer) (fates []fate, answered int, err error) {
	// The trip is built in buf and handed over whole: the connection's
	// own writer would cut it into 4 KiB writes.
	buf.Reset()
	for _, p := range ps {
		buf.WriteString(envelope(c, p))
		buf.WriteString("\r\n")
		for _, r := range p.rcpts {
			buf.WriteString("RCPT TO:" + angle(r) + "\r\n")
		}
		buf.WriteString("BDAT " + strconv.Itoa(len(p.body)) + " LAST\r\n")
		buf.Write(p.body)
	}
	if _, err := c.Text.W.Write(buf.Bytes()); err != nil {
		return nil, 0, err
	}
	if err := c.Text.W.Flush(); err != nil {
		return nil, 0, err
	}
	fates = make([]fate, len(ps))
	refused := false
	for i, p := range ps {
		var first error
		read := func(command string, want int) error {
			_, _, err := c.Text.ReadResponse(want)
			var te *textproto.Error
			switch {
			case err == nil:
				return nil
			case errors.As(err, &te):
				if first == nil {
					first = &refusal{Command: command, Err: te}
				}
				return nil
			default:
				return err
			}
		}
		if err := read("MAIL", 250); err != nil {
			return fates, i, err
		}
		for range p.rcpts {
			if err := read("RCPT", 25); err != nil {
				return fates, i, err
			}
		}
		// The answer to BDAT LAST says whether the server took the
		// message. It may take it after refusing MAIL as nested (the
		// transaction an earlier refusal left open takes the recipients),
		// so the earlier answers only explain a refusal.
		before := first
		first = nil
		if err := read("BDAT", 250); err != nil {
			return fates, i, err
		}
		if first != nil {
			if before != nil {
				first = before
			}
			fates[i] = fate{err: first, again: refused}
		}
		refused = refused || first != nil || before != nil
	}
	return fates, len(ps), nil
}

// pipelinedTrip sends one parcel over c with MAIL, RCPT and DATA in one
// write (RFC 2920), then, after the server's 354, the dot-stuffed
// content. When the server refused MAIL or RCPT and still answers DATA
// with 354, an empty message ends the transaction without delivering it.
func pipelinedTrip(c *smtp.Client, p *parcel) (f fate, answered bool, err error) {
	w := c.Text.W
	w.WriteString(envelope(c, p))
	w.WriteString("\r\n")
	for _, r := range p.rcpts {
		w.WriteString("RCPT TO:" + angle(r) + "\r\n")
	}
	w.WriteString("DATA\r\n")
	if err := w.Flush(); err != nil {
		return fate{}, false, err
	}
	var first error
	read := func(command string, want int) (bool, error) {
		_, _, err := c.Text.ReadResponse(want)
		var te *textproto.Error
		switch {
		case err == nil:
			return true, nil
		case errors.As(err, &te):
			if first == nil {
				first = &refusal{Command: command, Err: te}
			}
			return false, nil
		default:
			return false, err
		}
	}
	if _, err := read("MAIL", 250); err != nil {
		return fate{}, false, err
	}
	for range p.rcpts {
		if _, err := read("RCPT", 25); err != nil {
			return fate{}, true, err
		}
	}
	go354, err := read("DATA", 354)
	if err != nil {
		return fate{}, true, err
	}
	if !go354 {
		return fate{err: first}, true, nil
	}
	if first != nil {
		// A lone dot: the content ends before it starts.
		if _, err := c.Text.W.WriteString(".\r\n"); err != nil {
			return fate{}, true, err
		}
		if err := c.Text.W.Flush(); err != nil {
			return fate{}, true, err
		}
	} else {
		dw := c.Text.DotWriter()
		if _, err := dw.Write(p.body); err != nil {
			return fate{}, true, err
		}
		if err := dw.Close(); err != nil {
			return fate{}, true, err
		}
	}
	if _, err := read("DATA", 250); err != nil {
		return fate{}, true, err
	}
	return fate{err: first}, true, nil
}

// angle puts an address between angle brackets unless it has them.
func angle(addr string) string {
	if strings.HasPrefix(addr, "<") {
		return addr
	}
	return "<" + addr + ">"
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
