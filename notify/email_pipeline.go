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
	tripPlain     tripKind = iota // no PIPELINING: one command at a time (go-mail's smtp.Client commands)
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

// answers reads the server's answers to the commands of a trip: it keeps
// the first refusal of the transaction at hand, and notes whether the
// server answered anything at all.
type answers struct {
	c     *smtp.Client
	first *refusal
	heard bool
}

// note sorts what a command returned: true when the server agreed, false
// with a nil error when it refused (the first refusal is kept), and the
// error when no answer came (the connection failed).
func (a *answers) note(command string, err error) (bool, error) {
	var te *textproto.Error
	switch {
	case err == nil:
		a.heard = true
		return true, nil
	case errors.As(err, &te):
		a.heard = true
		if a.first == nil {
			a.first = &refusal{Command: command, Err: te}
		}
		return false, nil
	default:
		return false, err
	}
}

// read reads the answer to a pipelined command.
func (a *answers) read(command string, want int) (bool, error) {
	_, _, err := a.c.Text.ReadResponse(want)
	return a.note(command, err)
}

// refused is the transaction's first refusal, or nil; reset starts the
// next transaction.
func (a *answers) refused() error {
	if a.first == nil {
		return nil
	}
	return a.first
}

func (a *answers) reset() { a.first = nil }

// A trip function sends parcels over c and returns the fates of the
// first len(fates) of them, whether the server answered anything (a
// connection that fails before any answer may only have gone stale while
// idle), and err when the connection failed, leaving the rest without a
// fate. After a refusal the caller must RSET before the next trip.

// chunkedTrip sends every parcel of ps in one write, each as a whole
// transaction (RFC 2920 pipelining of RFC 3030 chunks): MAIL, RCPT, and
// BDAT LAST with the message as its one chunk. A server that refuses a
// command still reads the chunk after a BDAT, so the connection stays in
// step. The answer to each BDAT LAST decides that parcel's fate.
func chunkedTrip(c *smtp.Client, ps []*parcel, buf *bytes.Buffer) (fates []fate, heard bool, err error) {
	// The trip is built in buf and handed over whole: the connection's
	// own writer would cut it into 4 KiB writes.
	buf.Reset()
	for _, p := range ps {
		writeEnvelope(buf, c, p)
		buf.WriteString("BDAT " + strconv.Itoa(len(p.body)) + " LAST\r\n")
		buf.Write(p.body)
	}
	if _, err := c.Text.W.Write(buf.Bytes()); err != nil {
		return nil, false, err
	}
	if err := c.Text.W.Flush(); err != nil {
		return nil, false, err
	}
	a := answers{c: c}
	refusedBefore := false // an earlier transaction of the trip was refused
	for _, p := range ps {
		a.reset()
		if _, err := a.read("MAIL", 250); err != nil {
			return fates, a.heard, err
		}
		for range p.rcpts {
			if _, err := a.read("RCPT", 25); err != nil {
				return fates, a.heard, err
			}
		}
		// The server may take the message after refusing MAIL as nested
		// (the transaction an earlier refusal left open takes the
		// recipients), so the envelope's answers only explain a refusal.
		envelope := a.refused()
		a.reset()
		took, err := a.read("BDAT", 250)
		if err != nil {
			return fates, a.heard, err
		}
		f := fate{}
		if !took {
			f.err = a.refused()
			if envelope != nil {
				f.err = envelope
			}
			f.again = refusedBefore
		}
		fates = append(fates, f)
		refusedBefore = refusedBefore || !took || envelope != nil
	}
	return fates, true, nil
}

// pipelinedTrip sends one parcel with MAIL, RCPT and DATA in one write
// (RFC 2920), then, after the server's 354, the dot-stuffed content. When
// the server refused MAIL or RCPT and still answers DATA with 354, a lone
// dot ends the transaction without a message.
func pipelinedTrip(c *smtp.Client, p *parcel) (fates []fate, heard bool, err error) {
	w := c.Text.W
	writeEnvelope(w, c, p)
	w.WriteString("DATA\r\n")
	if err := w.Flush(); err != nil {
		return nil, false, err
	}
	a := answers{c: c}
	if _, err := a.read("MAIL", 250); err != nil {
		return nil, a.heard, err
	}
	for range p.rcpts {
		if _, err := a.read("RCPT", 25); err != nil {
			return nil, a.heard, err
		}
	}
	go354, err := a.read("DATA", 354)
	if err != nil {
		return nil, a.heard, err
	}
	if go354 {
		if err := writeData(c, p, a.first != nil); err != nil {
			return nil, true, err
		}
		if _, err := a.read("DATA", 250); err != nil {
			return nil, true, err
		}
	}
	return []fate{{err: a.refused()}}, true, nil
}

// writeData writes p's content after a 354, dot-stuffed, or only the
// closing dot when the transaction was refused.
func writeData(c *smtp.Client, p *parcel, refused bool) error {
	if refused {
		if _, err := c.Text.W.WriteString(".\r\n"); err != nil {
			return err
		}
		return c.Text.W.Flush()
	}
	dw := c.Text.DotWriter()
	if _, err := dw.Write(p.body); err != nil {
		return err
	}
	return dw.Close()
}

// plainTrip sends one parcel a command at a time, with go-mail's own
// commands, for a server that offers no PIPELINING.
func plainTrip(c *smtp.Client, p *parcel) (fates []fate, heard bool, err error) {
	a := answers{c: c}
	done := func(ok bool, err error) bool { return !ok || err != nil }
	ok, err := a.note("MAIL", c.Mail(p.from))
	if done(ok, err) {
		return fateOf(&a, err)
	}
	for _, r := range p.rcpts {
		if ok, err := a.note("RCPT", c.Rcpt(r)); done(ok, err) {
			return fateOf(&a, err)
		}
	}
	dw, err := c.Data()
	if ok, err := a.note("DATA", err); done(ok, err) {
		return fateOf(&a, err)
	}
	if _, err := dw.Write(p.body); err != nil {
		return nil, true, err
	}
	_, err = a.note("DATA", dw.Close())
	return fateOf(&a, err)
}

// fateOf is the one parcel's fate from a, unless the connection failed.
func fateOf(a *answers, err error) ([]fate, bool, error) {
	if err != nil {
		return nil, a.heard, err
	}
	return []fate{{err: a.refused()}}, true, nil
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
