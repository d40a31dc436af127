package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/policy"
)

func sessionCookie(t *testing.T, r response) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "mauve_session" {
			return c
		}
	}
	t.Fatalf("got no mauve_session cookie; headers %v", r.header)
	return nil
}

func withCookie(c *http.Cookie) auth {
	return func(r *http.Request) { r.AddCookie(c) }
}

// TestSession_LoginLogout: a good login sets a session cookie with the
// right flags that the API accepts; logout ends it.
func TestSession_LoginLogout(t *testing.T) {
	s := newStation(t)
	r := s.form(t, "/login", url.Values{"username": {"johnny"}, "password": {testPassword}, "next": {"/alerts/a/b"}}, noAuth)
	wantStatus(t, r, http.StatusSeeOther)
	if got := r.header.Get("Location"); got != "/alerts/a/b" {
		t.Errorf("got redirect to %q, want /alerts/a/b", got)
	}
	c := sessionCookie(t, r)
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure {
		t.Errorf("got cookie HttpOnly=%v SameSite=%v Secure=%v, want true, Lax, false over plain http", c.HttpOnly, c.SameSite, c.Secure)
	}
	me := s.do(t, "GET", "/api/v1/me", "", withCookie(c))
	wantStatus(t, me, 200)
	if got := me.json(t)["via"]; got != "session" {
		t.Errorf("got via %v, want session", got)
	}

	out := s.form(t, "/logout", nil, withCookie(c))
	wantStatus(t, out, http.StatusSeeOther)
	if got := sessionCookie(t, out); got.MaxAge >= 0 || got.Value != "" {
		t.Errorf("got logout cookie %v, want it deleted", got)
	}
	wantStatus(t, s.do(t, "GET", "/api/v1/me", "", withCookie(c)), http.StatusUnauthorized)
}

// TestSession_SecureBehindTLSProxy: the cookie is Secure when a proxy says
// the browser used https.
func TestSession_SecureBehindTLSProxy(t *testing.T) {
	s := newStation(t)
	r := s.form(t, "/login", url.Values{"username": {"johnny"}, "password": {testPassword}}, noAuth, "X-Forwarded-Proto", "https")
	wantStatus(t, r, http.StatusSeeOther)
	if c := sessionCookie(t, r); !c.Secure {
		t.Error("got a cookie without Secure behind a TLS proxy")
	}
}

// TestSession_Failures: wrong passwords and unknown names fail alike;
// after three failures further attempts from the same name and address
// must wait, longer each time; other names are not affected.
func TestSession_Failures(t *testing.T) {
	s := newStation(t)
	bad := url.Values{"username": {"johnny"}, "password": {"wrong"}}
	for i := range 3 {
		r := s.form(t, "/login", bad, noAuth)
		wantStatus(t, r, http.StatusUnauthorized)
		if !strings.Contains(r.body, "wrong name or password") {
			t.Errorf("attempt %d: got %q, want the form with \"wrong name or password\"", i+1, r.body)
		}
	}
	r := s.form(t, "/login", bad, noAuth)
	wantStatus(t, r, http.StatusTooManyRequests)
	// Even the right password waits.
	good := url.Values{"username": {"johnny"}, "password": {testPassword}}
	wantStatus(t, s.form(t, "/login", good, noAuth), http.StatusTooManyRequests)
	// HTTP Basic shares the throttle.
	wantStatus(t, s.do(t, "GET", "/api/v1/me", "", basic("johnny", testPassword)), http.StatusTooManyRequests)
	// Someone else is not slowed.
	wantStatus(t, s.form(t, "/login", url.Values{"username": {"archie"}, "password": {testPassword}}, noAuth), http.StatusSeeOther)

	s.clock.Add(time.Second)
	wantStatus(t, s.form(t, "/login", bad, noAuth), http.StatusUnauthorized) // 4th failure: now wait 2 s
	s.clock.Add(time.Second)
	wantStatus(t, s.form(t, "/login", good, noAuth), http.StatusTooManyRequests)
	s.clock.Add(time.Second)
	wantStatus(t, s.form(t, "/login", good, noAuth), http.StatusSeeOther)
	// Success forgives.
	wantStatus(t, s.form(t, "/login", bad, noAuth), http.StatusUnauthorized)
	wantStatus(t, s.form(t, "/login", good, noAuth), http.StatusSeeOther)

	unknown := s.form(t, "/login", url.Values{"username": {"nobody"}, "password": {"x"}}, noAuth)
	wantStatus(t, unknown, http.StatusUnauthorized)
	if !strings.Contains(unknown.body, "wrong name or password") {
		t.Errorf("got %q for an unknown name, want the same message as a wrong password", unknown.body)
	}
	wantStatus(t, s.form(t, "/login", url.Values{"username": {"johnny"}}, noAuth), http.StatusBadRequest)
}

// TestSession_NextStaysLocal: the login form cannot send people elsewhere.
func TestSession_NextStaysLocal(t *testing.T) {
	s := newStation(t)
	for _, next := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"} {
		r := s.form(t, "/login", url.Values{"username": {"johnny"}, "password": {testPassword}, "next": {next}}, noAuth)
		wantStatus(t, r, http.StatusSeeOther)
		if got := r.header.Get("Location"); got != "/" {
			t.Errorf("next %q: got redirect to %q, want /", next, got)
		}
	}
}

// TestCrossOrigin: a cross-site POST is refused with 403 even with valid
// credentials, on the API and the login form; same-origin passes.
func TestCrossOrigin(t *testing.T) {
	s := newStation(t)
	s.raise(t, "a", "b", "x", "")
	tok := s.token(t, "johnny")
	cross := []string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}
	r := s.do(t, "POST", "/api/v1/alerts/a/b/acknowledge", `{"for":"1h"}`, bearer(tok), cross...)
	wantStatus(t, r, http.StatusForbidden)
	if r.json(t)["error"] == nil {
		t.Errorf("got %s, want a JSON error", r.body)
	}
	wantStatus(t, s.form(t, "/login", url.Values{"username": {"johnny"}, "password": {testPassword}}, noAuth, cross...), http.StatusForbidden)
	wantStatus(t, s.do(t, "POST", "/api/v1/alerts/a/b/acknowledge", `{"for":"1h"}`, bearer(tok), "Origin", "https://evil.example"), http.StatusForbidden)

	get := s.do(t, "GET", "/api/v1/alerts/a/b", "", bearer(tok))
	if got := get.json(t)["state"]; got != "raised" {
		t.Fatalf("after refused cross-site ack got state %v, want raised", got)
	}
	same := s.do(t, "POST", "/api/v1/alerts/a/b/acknowledge", `{"for":"1h"}`, bearer(tok), "Sec-Fetch-Site", "same-origin", "Origin", s.http.URL)
	wantStatus(t, same, http.StatusOK)
}

// TestAuth_Credentials: wrong tokens and schemes are 401; a trusted header
// is honoured only when configured.
func TestAuth_Credentials(t *testing.T) {
	s := newStation(t)
	wantStatus(t, s.do(t, "GET", "/api/v1/me", "", bearer("not-a-token")), http.StatusUnauthorized)
	wantStatus(t, s.do(t, "GET", "/api/v1/me", "", noAuth, "Authorization", "Digest x"), http.StatusUnauthorized)
	wantStatus(t, s.do(t, "GET", "/api/v1/me", "", basic("johnny", "wrong")), http.StatusUnauthorized)
	wantStatus(t, s.do(t, "GET", "/api/v1/me", "", noAuth, "X-Remote-User", "johnny"), http.StatusUnauthorized)

	p := newStation(t, func(p *policy.Policy) { p.Station.TrustedHeader = "X-Remote-User" })
	r := p.do(t, "GET", "/api/v1/me", "", noAuth, "X-Remote-User", "johnny")
	wantStatus(t, r, http.StatusOK)
	if got := r.json(t)["person"]; got != "johnny" {
		t.Errorf("got person %v, want johnny", got)
	}
	wantStatus(t, p.do(t, "GET", "/api/v1/me", "", noAuth, "X-Remote-User", "mallory"), http.StatusForbidden)
}

// TestOneTimeLogin: the link printed on embedded defaults logs in once.
func TestOneTimeLogin(t *testing.T) {
	s := newStation(t, func(p *policy.Policy) { delete(p.People, "archie") })
	link, err := s.server.OneTimeLoginURL(s.http.URL)
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(link, s.http.URL)
	r := s.do(t, "GET", path, "", noAuth)
	wantStatus(t, r, http.StatusSeeOther)
	me := s.do(t, "GET", "/api/v1/me", "", withCookie(sessionCookie(t, r)))
	if got := me.json(t)["person"]; got != "johnny" {
		t.Errorf("got person %v, want johnny", got)
	}
	again := s.do(t, "GET", path, "", noAuth)
	wantStatus(t, again, http.StatusUnauthorized)
	// The person on the embedded defaults has no password: say how to get a new link.
	if want := "or has expired: log in with your name and password (a station on its embedded defaults prints a new link each time mauve serve starts)"; !strings.Contains(again.body, want) {
		t.Errorf("second use: got body %q, want it to contain %q", again.body, want)
	}

	two := newStation(t)
	if _, err := two.server.OneTimeLoginURL(two.http.URL); err == nil {
		t.Error("got a one-time link with two people, want an error")
	}
}

// TestSession_Expires: a session ends after its time (7 days by default).
func TestSession_Expires(t *testing.T) {
	s := newStation(t)
	r := s.form(t, "/login", url.Values{"username": {"johnny"}, "password": {testPassword}}, noAuth)
	wantStatus(t, r, http.StatusSeeOther)
	c := sessionCookie(t, r)
	if c.MaxAge != 7*24*3600 {
		t.Errorf("got cookie Max-Age %d, want 7 days", c.MaxAge)
	}
	s.clock.Add(6 * 24 * time.Hour)
	wantStatus(t, s.do(t, "GET", "/api/v1/me", "", withCookie(c)), http.StatusOK)
	s.clock.Add(2 * 24 * time.Hour)
	wantStatus(t, s.do(t, "GET", "/api/v1/me", "", withCookie(c)), http.StatusUnauthorized)
}
