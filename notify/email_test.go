package notify_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

func newEmail(t *testing.T, cfg *policy.Email, opts notify.EmailOptions) *notify.Email {
	t.Helper()
	e, err := notify.NewEmail(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// TestEmail_AlertLifecycle_Threaded sends raise, reminder, acknowledgement
// and clear of one alert to a real SMTP server and checks what a mail
// client sees: subjects, both body parts, and threading headers.
func TestEmail_AlertLifecycle_Threaded(t *testing.T) {
	peer := startSMTP(t)
	p := testPolicy(t, peer.addr)
	e := newEmail(t, p.Email, notify.EmailOptions{})
	r := notify.NewRenderer()

	raised := testAlert()
	raised.RaisedAt = t0
	acked := raised
	acked.State, acked.AcknowledgedBy, acked.AcknowledgedAt, acked.AcknowledgedUntil = store.StateAcknowledged, "archie", t0.Add(20*time.Minute), t0.Add(80*time.Minute)
	cleared := raised
	cleared.State, cleared.RaisedAt, cleared.ClearedAt = store.StateCleared, time.Time{}, t0.Add(90*time.Minute)
	steps := []struct {
		event       store.EventKind
		alert       store.Alert
		at          time.Time
		wantSubject string
	}{
		{store.EventRaised, raised, t0, "[mauve] RAISED (urgent): core1.example.com: eth0 is down -- core-router"},
		{store.EventReminder, raised, t0.Add(15 * time.Minute), "[mauve] REMINDER (urgent): core1.example.com: eth0 is down -- core-router"},
		{store.EventAcknowledged, acked, t0.Add(20 * time.Minute), "[mauve] ACKNOWLEDGED by archie until 15:20 GMT (urgent): core1.example.com: eth0 is down -- core-router"},
		{store.EventCleared, cleared, t0.Add(90 * time.Minute), "[mauve] CLEARED (urgent): core1.example.com: eth0 is down -- core-router"},
	}
	for i, s := range steps {
		n := notification(uint64(i+1), s.event, s.alert, "johnny")
		n.RaisedAt = t0 // as the store keeps it, the clear's too
		m := r.Render(p, n, "", "", s.at)
		if err := e.Send(context.Background(), m); err != nil {
			t.Fatalf("send %s: %v", s.event, err)
		}
	}

	var raiseID string
	for i, s := range steps {
		got := peer.wait(t)
		h := got.Msg.Header
		if dec := decodeHeader(t, h.Get("Subject")); dec != s.wantSubject {
			t.Errorf("%s: subject: got %q, want %q", s.event, dec, s.wantSubject)
		}
		if got.From != "mauve@example.com" || len(got.To) != 1 || got.To[0] != "johnny@example.com" {
			t.Errorf("%s: envelope: got %s -> %v, want mauve@example.com -> johnny@example.com", s.event, got.From, got.To)
		}
		text, html := bodyParts(t, got)
		if !strings.Contains(text, "https://alerts1.example.com/alerts/core-router/link-eth0") {
			t.Errorf("%s: text part has no link to the alert:\n%s", s.event, text)
		}
		if !strings.Contains(html, `<li>peer: edge2</li>`) {
			t.Errorf("%s: html part lacks the detail:\n%s", s.event, html)
		}
		if got, want := h.Get("X-Mauve-Event"), string(s.event); got != want {
			t.Errorf("X-Mauve-Event: got %q, want %q", got, want)
		}
		// No vacation or out-of-office replies to the station.
		if got := h.Get("Auto-Submitted"); got != "auto-generated" {
			t.Errorf("Auto-Submitted: got %q, want auto-generated", got)
		}
		if got := h.Get("X-Auto-Response-Suppress"); got != "All" {
			t.Errorf("X-Auto-Response-Suppress: got %q, want All", got)
		}
		// The urgent alert's raise and reminder are flagged; its
		// acknowledgement and clear are not.
		wantImportance := ""
		if s.event == store.EventRaised || s.event == store.EventReminder {
			wantImportance = "high"
		}
		if got := h.Get("Importance"); got != wantImportance {
			t.Errorf("%s: Importance: got %q, want %q", s.event, got, wantImportance)
		}
		msgID, refs, inReply := h.Get("Message-Id"), h.Get("References"), h.Get("In-Reply-To")
		alertRoot := "<core-router/link-eth0@alerts1.example.com>"
		if !strings.Contains(refs, alertRoot) {
			t.Errorf("%s: References %q lacks the alert root %s", s.event, refs, alertRoot)
		}
		switch {
		case i == 0:
			raiseID = msgID
			if inReply != alertRoot {
				t.Errorf("raise: In-Reply-To: got %q, want %q", inReply, alertRoot)
			}
		default:
			if inReply != raiseID || !strings.Contains(refs, raiseID) {
				t.Errorf("%s: In-Reply-To %q, References %q: want both to name the raise %q", s.event, inReply, refs, raiseID)
			}
		}
	}
	if n := peer.sessionCount(); n != 1 {
		t.Errorf("SMTP sessions for a burst of 4: got %d, want 1", n)
	}
}

func TestEmail_Classification(t *testing.T) {
	peer := startSMTP(t)
	tests := []struct {
		name          string
		server        string
		to            string
		wantPermanent bool
	}{
		{name: "recipient rejected 550", server: peer.addr, to: "reject-me@example.com", wantPermanent: true},
		{name: "recipient deferred 451", server: peer.addr, to: "later@example.com", wantPermanent: false},
		{name: "no address", server: peer.addr, to: "", wantPermanent: true},
		{name: "server down", server: deadAddr(t), to: "johnny@example.com", wantPermanent: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPolicy(t, tt.server)
			e := newEmail(t, p.Email, notify.EmailOptions{Timeout: 5 * time.Second})
			m := notify.NewRenderer().Render(p, notification(1, store.EventRaised, testAlert(), "johnny"), "", "", t0)
			m.Person = &policy.Person{Name: "johnny", Email: tt.to}
			err := e.Send(context.Background(), m)
			if err == nil {
				t.Fatal("send: got nil error, want a failure")
			}
			if got := notify.IsPermanent(err); got != tt.wantPermanent {
				t.Errorf("IsPermanent(%v): got %v, want %v", err, got, tt.wantPermanent)
			}
		})
	}
}

// TestEmail_Reconnects checks that a connection the server dropped while
// idle is replaced without losing the message.
func TestEmail_Reconnects(t *testing.T) {
	peer := startSMTP(t)
	p := testPolicy(t, peer.addr)
	e := newEmail(t, p.Email, notify.EmailOptions{})
	m := notify.NewRenderer().Render(p, notification(1, store.EventRaised, testAlert(), "johnny"), "", "", t0)
	if err := e.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	peer.wait(t)
	peer.close()
	peer2 := startSMTPAt(t, peer.addr)
	if err := e.Send(context.Background(), m); err != nil {
		t.Fatalf("send after the server restarted: %v", err)
	}
	peer2.wait(t)
}

func TestEmail_BadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  *policy.Email
		want string
	}{
		{"no block", nil, "no email block"},
		{"bad tls", &policy.Email{Server: "localhost:25", TLS: "sometimes"}, `tls mode "sometimes"`},
		{"bad port", &policy.Email{Server: "localhost:99999"}, "bad port"},
		{"no server", &policy.Email{}, "no server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := notify.NewEmail(tt.cfg, notify.EmailOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func decodeHeader(t *testing.T, v string) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(v)
	if err != nil {
		t.Fatalf("decode header %q: %v", v, err)
	}
	return s
}

// bodyParts returns the text/plain and text/html parts of a received mail.
func bodyParts(t *testing.T, r received) (text, html string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(r.Msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type: got %q (%v), want multipart/alternative", mt, err)
	}
	mr := multipart.NewReader(strings.NewReader(string(r.Body)), params["boundary"])
	for {
		part, err := mr.NextPart() // decodes quoted-printable
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(part)
		switch ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); ct {
		case "text/plain":
			text = string(b)
		case "text/html":
			html = string(b)
		}
	}
	if text == "" || html == "" {
		t.Fatalf("want a text and an html part, got text %d bytes, html %d bytes", len(text), len(html))
	}
	return text, html
}

// TestEmail_TLSModes runs each tls mode of the email block against servers
// that offer STARTTLS, implicit TLS, or nothing.
func TestEmail_TLSModes(t *testing.T) {
	plain := startSMTP(t)
	starttls, roots1 := startSMTPWith(t, "127.0.0.1:0", peerOptions{tls: true})
	implicit, roots2 := startSMTPWith(t, "127.0.0.1:0", peerOptions{implicitTLS: true})
	roots := roots1.Clone()
	roots.AddCert(certOf(t, implicit.addr, roots2))
	tests := []struct {
		mode   string
		server string
		peer   *smtpPeer
		wantOK bool
	}{
		{"none", "plain", plain, true},
		{"opportunistic", "plain", plain, true},
		{"opportunistic", "starttls", starttls, true},
		{"starttls", "starttls", starttls, true},
		{"starttls", "plain", plain, false}, // refuses to send in clear
		{"tls", "implicit tls", implicit, true},
		{"tls", "plain", plain, false},
	}
	for _, tt := range tests {
		t.Run(tt.mode+" to "+tt.server, func(t *testing.T) {
			cfg := &policy.Email{From: "mauve@example.com", Server: tt.peer.addr, TLS: tt.mode}
			e := newEmail(t, cfg, notify.EmailOptions{Timeout: 2 * time.Second,
				TLSConfig: &tls.Config{RootCAs: roots, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}})
			m := notify.NewRenderer().Render(testPolicy(t, tt.peer.addr), notification(1, store.EventRaised, testAlert(), "johnny"), "", "", t0)
			err := e.Send(context.Background(), m)
			if got := err == nil; got != tt.wantOK {
				t.Fatalf("Send: got error %v, want success %v", err, tt.wantOK)
			}
			if tt.wantOK {
				tt.peer.wait(t)
			}
		})
	}
}

// certOf returns the leaf certificate the TLS server at addr presents.
func certOf(t *testing.T, addr string, roots *x509.CertPool) *x509.Certificate {
	t.Helper()
	c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: roots, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0]
}

// TestEmail_SendAfterClose: a channel closed by a reload while the worker
// still holds it delivers, and keeps no connection open.
func TestEmail_SendAfterClose(t *testing.T) {
	peer := startSMTP(t)
	p := testPolicy(t, peer.addr)
	e := newEmail(t, p.Email, notify.EmailOptions{})
	m := notify.NewRenderer().Render(p, notification(1, store.EventRaised, testAlert(), "johnny"), "", "", t0)
	if err := e.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Send(context.Background(), m); err != nil {
		t.Fatalf("send after Close: %v", err)
	}
	peer.wait(t)
	peer.wait(t)
	if n := peer.sessionCount(); n != 2 {
		t.Errorf("SMTP sessions: got %d, want 2 (the first closed by Close)", n)
	}
}
