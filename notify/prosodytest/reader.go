package prosodytest

import (
	"context"
	"encoding/xml"
	"io"
	"net"
	"testing"
	"time"

	"mellium.im/sasl"
	"mellium.im/xmlstream"
	"mellium.im/xmpp"
	"mellium.im/xmpp/jid"
	"mellium.im/xmpp/ping"
	"mellium.im/xmpp/stanza"
)

// Reader is a second, independent client logged in as a recipient; it
// collects the bodies of the chat messages it receives. The test's end
// closes it.
type Reader struct {
	bodies chan string
}

// DialReader logs in as user@localhost (over STARTTLS trusting the test's
// CA, or in plain text on a plaintext server), announces itself available
// and returns once the server routes chats to it.
func (s *Server) DialReader(t testing.TB, user, password string) *Reader {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	conn, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	var features []xmpp.StreamFeature
	if s.TLS != nil {
		features = append(features, xmpp.StartTLS(s.TLS))
	}
	auth := xmpp.SASL("", password, sasl.ScramSha1, sasl.Plain)
	if s.TLS == nil {
		auth.Necessary &^= xmpp.Secure // the loopback test server runs without TLS
	}
	features = append(features, auth, xmpp.BindResource())
	sess, err := xmpp.NewClientSession(ctx, jid.MustParse(user+"@"+Domain), conn, features...)
	if err != nil {
		conn.Close()
		t.Fatalf("log in as %s: %v\n%s", user, err, s.Logs())
	}
	r := &Reader{bodies: make(chan string, 16)}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = sess.Serve(xmpp.HandlerFunc(r.handle))
	}()
	t.Cleanup(func() {
		_ = sess.Conn().SetDeadline(time.Now().Add(time.Second))
		_ = sess.Close()
		_ = sess.Conn().Close()
		<-served
	})
	if err := sess.Send(ctx, stanza.Presence{Type: stanza.AvailablePresence}.Wrap(nil)); err != nil {
		t.Fatal(err)
	}
	// The server answers the ping after it has handled the presence sent
	// before it on this stream: from then on it routes chats here.
	if err := ping.Send(ctx, sess, jid.MustParse(Domain)); err != nil {
		t.Fatalf("ping: %v", err)
	}
	return r
}

// handle keeps the body of each chat message.
func (r *Reader) handle(tr xmlstream.TokenReadEncoder, start *xml.StartElement) error {
	if start.Name.Local != "message" {
		return nil
	}
	var msg struct {
		stanza.Message
		Body string `xml:"body"`
	}
	// The handler's reader starts after the start element; put it back so
	// the decoder sees the element whole.
	d := xml.NewTokenDecoder(xmlstream.MultiReader(xmlstream.Token(*start), tr))
	if err := d.Decode(&msg); err != nil && err != io.EOF {
		return nil
	}
	if msg.Type == stanza.ChatMessage && msg.Body != "" {
		select {
		case r.bodies <- msg.Body:
		default: // a test that stopped reading: drop rather than block the session
		}
	}
	return nil
}

// Next returns the next message body, failing the test after 15s.
func (r *Reader) Next(t testing.TB) string {
	t.Helper()
	select {
	case b := <-r.bodies:
		return b
	case <-time.After(15 * time.Second):
		t.Fatal("no message arrived within 15s")
		return ""
	}
}

// Drain returns the bodies that have arrived and not been read yet,
// without waiting.
func (r *Reader) Drain() []string {
	var got []string
	for {
		select {
		case b := <-r.bodies:
			got = append(got, b)
		default:
			return got
		}
	}
}
