package notify_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

const (
	testSID   = "AC0123456789abcdef0123456789abcdef"
	testToken = "tw-token-5e3f9a1c"
	testFrom  = "+441234567890"
)

// twilioServer implements the request shape of Twilio's Messages API and
// checks every request as Twilio would: the path names the account, basic
// authentication is the SID and auth token, the body is a form with To,
// From and Body. It answers like Twilio: 201 with the message resource, or
// a JSON error with Twilio's code.
type twilioServer struct {
	t      *testing.T
	status int // when non-zero, answer this status instead
	hang   chan struct{}

	mu       sync.Mutex
	messages []url.Values
	arrived  chan struct{} // receives once per request, if non-nil
}

func newTwilioServer(t *testing.T) (*twilioServer, *httptest.Server) {
	f := &twilioServer{t: t, hang: make(chan struct{})}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(f.hang) })
	return f, srv
}

func twilioError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"code": %d, "message": %q, "more_info": "https://www.twilio.com/docs/errors/%d", "status": %d}`, code, msg, code, status)
}

func (f *twilioServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.arrived != nil {
		f.arrived <- struct{}{}
	}
	if f.status == -1 {
		select {
		case <-r.Context().Done():
		case <-f.hang:
		}
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/2010-04-01/Accounts/"+testSID+"/Messages.json" {
		twilioError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
		return
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user != testSID || pass != testToken {
		// Twilio echoes nothing of the credentials; a careless proxy might.
		twilioError(w, http.StatusUnauthorized, 20003, "Authenticate (got "+pass+")")
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		twilioError(w, http.StatusBadRequest, 20001, "bad content type "+ct)
		return
	}
	if err := r.ParseForm(); err != nil {
		twilioError(w, http.StatusBadRequest, 20001, err.Error())
		return
	}
	form := r.PostForm
	for _, k := range []string{"To", "From", "Body"} {
		if form.Get(k) == "" {
			twilioError(w, http.StatusBadRequest, 21604, "A '"+k+"' parameter is required.")
			return
		}
	}
	if form.Get("To") == "+15005550001" { // Twilio's magic invalid number
		twilioError(w, http.StatusBadRequest, 21211, "The 'To' number +15005550001 is not a valid phone number.")
		return
	}
	if f.status != 0 {
		twilioError(w, f.status, 20500, "An internal server error has occurred")
		return
	}
	f.mu.Lock()
	f.messages = append(f.messages, form)
	n := len(f.messages)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"sid": "SM%032d", "status": "queued", "to": %q, "from": %q}`, n, form.Get("To"), form.Get("From"))
}

func (f *twilioServer) bodies() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var b []string
	for _, m := range f.messages {
		if m.Get("To") != "+447111222333" || m.Get("From") != testFrom {
			f.t.Errorf("message To=%q From=%q, want +447111222333 and %s", m.Get("To"), m.Get("From"), testFrom)
		}
		b = append(b, m.Get("Body"))
	}
	return b
}

func twilioConfig(apiURL string, max int) *policy.SMS {
	return &policy.SMS{
		Name: "twilio", Provider: "twilio", Account: testSID, Token: testToken,
		From: testFrom, APIURL: apiURL, MaxMessagesPerAlert: max,
	}
}

func TestTwilioSendsTheShortForm(t *testing.T) {
	fake, srv := newTwilioServer(t)
	logs, logger := newLogBuffer()
	ch, err := notify.NewSMS(twilioConfig(srv.URL, 3), srv.Client(), logger)
	if err != nil {
		t.Fatal(err)
	}
	m := chanMessage(t, "johnny", store.EventRaised, chanAlert(), "")
	if err := ch.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := fake.bodies()
	want := "link-eth0: RAISED (urgent): 5 minutes ago: core1.example.com eth0 is down -- from core-router. https://alerts1.example.com/alerts/core-router/link-eth0"
	if len(got) != 1 || got[0] != want {
		t.Errorf("bodies = %q, want [%q]", got, want)
	}
	checkNoSecret(t, "log", logs.String(), testToken)
}

func TestTwilioSplitsIntoParts(t *testing.T) {
	note := "further alerts suppressed until things calm down"
	long := chanAlert()
	long.Summary = strings.Repeat("the link to edge2 flaps again ", 30)
	tests := []struct {
		name      string
		alert     store.Alert
		note      string
		max       int
		wantParts int
		limit     int // per part, in characters (this text is one byte each in GSM-7 or a BMP rune in UCS-2)
	}{
		{"fits one", chanAlert(), "", 3, 1, 160},
		{"note is kept", chanAlert(), note, 3, 2, 153},
		{"long is cut to max", long, note, 3, 3, 153},
		{"max one", long, note, 1, 1, 160},
		{"ucs2", func() store.Alert { a := chanAlert(); a.Summary = "磁盘已满 " + strings.Repeat("½", 80); return a }(), "", 3, 3, 67},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, srv := newTwilioServer(t)
			ch, err := notify.NewSMS(twilioConfig(srv.URL, tt.max), srv.Client(), nil)
			if err != nil {
				t.Fatal(err)
			}
			m := chanMessage(t, "johnny", store.EventRaised, tt.alert, tt.note)
			if err := ch.Send(context.Background(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}
			parts := fake.bodies()
			if len(parts) != tt.wantParts {
				t.Fatalf("got %d messages, want %d: %q", len(parts), tt.wantParts, parts)
			}
			for i, p := range parts {
				if n := len([]rune(p)); n > tt.limit {
					t.Errorf("part %d is %d characters, want at most %d: %q", i+1, n, tt.limit, p)
				}
			}
			if !strings.HasPrefix(parts[0], "link-eth0: RAISED (urgent)") {
				t.Errorf("first part = %q, want the short form's start", parts[0])
			}
			if all := strings.Join(parts, " "); tt.note != "" && !strings.HasSuffix(all, " "+tt.note) {
				t.Errorf("parts %q do not end with the whole note", parts)
			}
		})
	}
}

func TestTwilioFailures(t *testing.T) {
	tests := []struct {
		name      string
		token     string
		to        string
		status    int
		timeout   time.Duration
		permanent bool
		wantInErr string
	}{
		{"invalid number", testToken, "+15005550001", 0, 0, true, "twilio error 21211"},
		{"wrong token", "wrong-token-123", "+447111222333", 0, 0, true, "HTTP 401"},
		{"server error", testToken, "+447111222333", 500, 0, false, "HTTP 500"},
		{"overloaded", testToken, "+447111222333", 503, 0, false, "HTTP 503"},
		{"rate limited", testToken, "+447111222333", 429, 0, false, "HTTP 429"},
		{"no answer", testToken, "+447111222333", -1, 300 * time.Millisecond, false, "deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, srv := newTwilioServer(t)
			fake.status = tt.status
			cfg := twilioConfig(srv.URL, 3)
			cfg.Token = tt.token
			logs, logger := newLogBuffer()
			ch, err := notify.NewSMS(cfg, srv.Client(), logger)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			m := chanMessage(t, "johnny", store.EventRaised, chanAlert(), "")
			m.Person.SMS = tt.to
			err = ch.Send(ctx, m)
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			if got := notify.IsPermanent(err); got != tt.permanent {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, got, tt.permanent)
			}
			if !strings.Contains(err.Error(), tt.wantInErr) {
				t.Errorf("error %q does not say %q", err, tt.wantInErr)
			}
			checkNoSecret(t, "error", err.Error(), testToken, tt.token, "/Accounts/")
			checkNoSecret(t, "log", logs.String(), testToken, tt.token)
		})
	}
}

func TestSMSPersonWithoutNumberFallsBack(t *testing.T) {
	_, srv := newTwilioServer(t)
	ch, err := notify.NewSMS(twilioConfig(srv.URL, 3), srv.Client(), nil)
	if err != nil {
		t.Fatal(err)
	}
	err = ch.Send(context.Background(), chanMessage(t, "nobody", store.EventRaised, chanAlert(), ""))
	if !notify.IsPermanent(err) {
		t.Errorf("Send to a person with no number = %v, want a permanent error", err)
	}
}

func TestNewSMSRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  policy.SMS
		want string
	}{
		{"unknown provider", policy.SMS{Name: "x", Provider: "carrier-pigeon"}, `unknown provider "carrier-pigeon"`},
		{"twilio without token", policy.SMS{Name: "x", Provider: "twilio", Account: testSID, From: testFrom}, "twilio needs token"},
		{"http without url", policy.SMS{Name: "x", Provider: "http"}, "needs url"},
		{"bad template", policy.SMS{Name: "x", Provider: "http", URL: "https://sms.example.com/", Body: "{{.To"}, "body template"},
		{"relative api_url", policy.SMS{Name: "x", Provider: "twilio", Account: testSID, Token: testToken, From: testFrom, APIURL: "localhost"}, "not an absolute URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := notify.NewSMS(&tt.cfg, nil, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewSMS = %v, want an error saying %q", err, tt.want)
			}
			if err != nil {
				checkNoSecret(t, "error", err.Error(), testToken)
			}
		})
	}
}

func TestSMSCancelStopsSending(t *testing.T) {
	fake, srv := newTwilioServer(t)
	fake.status = -1
	fake.arrived = make(chan struct{}, 1)
	ch, err := notify.NewSMS(twilioConfig(srv.URL, 3), srv.Client(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ch.Send(ctx, chanMessage(t, "johnny", store.EventRaised, chanAlert(), "")) }()
	<-fake.arrived
	cancel()
	err = <-done
	if !errors.Is(err, context.Canceled) || notify.IsPermanent(err) {
		t.Errorf("Send after cancel = %v, want a transient context.Canceled", err)
	}
}
