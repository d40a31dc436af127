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

// writeEnvelope writes p's MAIL FROM, with the parameters the server
// offers that go-mail would also send, and a RCPT TO a recipient.
func writeEnvelope(w interface{ WriteString(string) (int, error) }, c *smtp.Client, p *parcel) {
	cmd := "MAIL FROM:" + angle(p.from)
	if ok, _ := c.Extension("8BITMIME"); ok {
		cmd += " BODY=8BITMIME"
	}
	if ok, _ := c.Extension("SMTPUTF8"); ok && !p.ascii {
		cmd += " SMTPUTF8"
	}
	w.WriteString(cmd + "\r\n")
	for _, r := range p.rcpts {
		w.WriteString("RCPT TO:" + angle(r) + "\r\n")
	}
}

// answers reads the server's answers to the commands of one transaction
// and keeps the first refusal.
type answers struct {
	c     *smtp.Client
	first *refusal
}

// read reads the answer to command: ok when it is the wanted one; err
// only when no answer came (the connection failed).
func (a *answers) read(command string, want int) (ok bool, err error) {
	_, _, err = a.c.Text.ReadResponse(want)
	var te *textproto.Error
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &te):
		if a.first == nil {
			a.first = &refusal{Command: command, Err: te}
		}
		return false, nil
	default:
		return false, err
	}
}

// envelope reads the answers to MAIL and each RCPT of p.
func (a *answers) envelope(p *parcel) error {
	if _, err := a.read("MAIL", 250); err != nil {
		return err
	}
	for range p.rcpts {
		if _, err := a.read("RCPT", 25); err != nil {
			return err
		}
	}
	return nil
}

// refused is the first refusal, or nil.
func (a *answers) refused() error {
	if a.first == nil {
		return nil
	}
	return a.first
}

// chunkedTrip sends every parcel of ps over c in one write, each as a
// whole transaction (RFC 2920 pipelining of RFC 3030 chunks): MAIL, RCPT,
// and BDAT LAST with the message as its one chunk. A server that refuses a
// command still reads the chunk after a BDAT, so the connection stays in
// step. It then reads every answer in order and returns each parcel's
// fate, which the answer to its BDAT LAST decides. answered counts the
// parcels the server answered at all; err is set when the connection
// failed, and then the parcels from answered on have no fate. After a
// refusal the caller must RSET before the next trip.
func chunkedTrip(c *smtp.Client, ps []*parcel, buf *bytes.Buffer) (fates []fate, answered int, err error) {
	// The trip is built in buf and handed over whole: the connection's
	// own writer would cut it into 4 KiB writes.
	buf.Reset()
	for _, p := range ps {
		writeEnvelope(buf, c, p)
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
		a := answers{c: c}
		if err := a.envelope(p); err != nil {
			return fates, i, err
		}
		// The answer to BDAT LAST says whether the server took the
		// message. It may take it after refusing MAIL as nested (the
		// transaction an earlier refusal left open takes the recipients),
		// so the earlier answers only explain a refusal.
		envelope := a.refused()
		a.first = nil
		took, err := a.read("BDAT", 250)
		if err != nil {
			return fates, i, err
		}
		if !took {
			why := a.refused()
			if envelope != nil {
				why = envelope
			}
			fates[i] = fate{err: why, again: refused}
		}
		refused = refused || !took || envelope != nil
	}
	return fates, len(ps), nil
}

// pipelinedTrip sends one parcel over c with MAIL, RCPT and DATA in one
// write (RFC 2920), then, after the server's 354, the dot-stuffed
// content. When the server refused MAIL or RCPT and still answers DATA
// with 354, an empty message ends the transaction without delivering it.
func pipelinedTrip(c *smtp.Client, p *parcel) (f fate, answered bool, err error) {
	w := c.Text.W
	writeEnvelope(w, c, p)
	w.WriteString("DATA\r\n")
	if err := w.Flush(); err != nil {
		return fate{}, false, err
	}
	a := answers{c: c}
	if _, err := a.read("MAIL", 250); err != nil {
		return fate{}, false, err
	}
	for range p.rcpts {
		if _, err := a.read("RCPT", 25); err != nil {
			return fate{}, true, err
		}
	}
	go354, err := a.read("DATA", 354)
	if err != nil {
		return fate{}, true, err
	}
	if !go354 {
		return fate{err: a.refused()}, true, nil
	}
	if a.first != nil {
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
	if _, err := a.read("DATA", 250); err != nil {
		return fate{}, true, err
	}
	return fate{err: a.refused()}, true, nil
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
