package ui

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// sessionCookie names the browser session cookie.
const sessionCookie = "mauve_session"

// loginView is what the login form shows (rendered by s.renderLogin).
type loginView struct {
	Next     string // where to go after logging in; always a local path
	Username string // as typed, shown again after a failure
	Error    string // inline message after a failure; "" on first show
}

// handleLogin checks the form's username and password, starts a session
// and sends the browser on to next.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	limitBody(w, r, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.renderLogin(w, r, loginView{Error: "the login form could not be read: send username and password"}, http.StatusBadRequest)
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("username"))
	password := r.PostForm.Get("password")
	next := localPath(r.PostForm.Get("next"))
	view := loginView{Next: next, Username: name}
	if name == "" || password == "" {
		view.Error = "enter your name and password"
		s.renderLogin(w, r, view, http.StatusBadRequest)
		return
	}
	if err := s.checkPassword(r, name, password); err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			view.Error = ae.msg
			s.renderLogin(w, r, view, ae.status)
			return
		}
		s.writeError(w, r, err)
		return
	}
	if err := s.startSession(w, r, name); err != nil {
		s.writeError(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// handleLoginOnce logs in with a single-use token printed by `mauve serve`
// on embedded defaults.
func (s *Server) handleLoginOnce(w http.ResponseWriter, r *http.Request) {
	name, ok := s.once.take(r.URL.Query().Get("token"), s.now())
	if !ok {
		s.renderLogin(w, r, loginView{Next: "/", Error: "that one-time login link was already used or has expired: log in with your name and password (a station on its embedded defaults prints a new link each time mauve serve starts)"}, http.StatusUnauthorized)
		return
	}
	if _, ok := s.policy().People[name]; !ok {
		s.renderLogin(w, r, loginView{Next: "/", Error: fmt.Sprintf("person %q is no longer in the configuration", name)}, http.StatusUnauthorized)
		return
	}
	if err := s.startSession(w, r, name); err != nil {
		s.writeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// handleLogout ends the session and goes back to the login form.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.store.DeleteSession(c.Value); err != nil {
			s.log.Warn("delete session", "err", err)
		}
	}
	http.SetCookie(w, s.cookie(r, "", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request, name string) error {
	id, err := s.store.CreateSession(name, s.sessionTTL, s.now())
	if err != nil {
		return fmt.Errorf("start session for %s: %w", name, err)
	}
	http.SetCookie(w, s.cookie(r, id, int(s.sessionTTL/time.Second)))
	s.log.Info("login", "person", name, "remote", r.RemoteAddr)
	return nil
}

// cookie builds the session cookie: HttpOnly, SameSite=Lax, and Secure
// whenever the browser reached us over TLS (directly or via a proxy).
func (s *Server) cookie(r *http.Request, value string, maxAge int) *http.Cookie {
	// Not from station.url: someone on http://127.0.0.1:1288 of a station
	// whose url is https would never get the cookie back.
	secure := r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
	return &http.Cookie{
		Name:     sessionCookie,
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
}

// localPath returns p if it is a clean path on this site, else "/", so a
// login link cannot send people elsewhere. Browsers drop tabs and
// newlines and read a backslash as a slash, so "/\t/host" or "/\\host"
// would leave the site: a path must start with exactly one '/', hold no
// control character, space or backslash, and parse as a path alone (no
// scheme, host or user).
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || len(p) > 2048 {
		return "/"
	}
	for _, r := range p {
		if r <= ' ' || r == 0x7f || r == '\\' || (r >= 0x80 && r <= 0x9f) || unicode.IsSpace(r) || r == utf8.RuneError {
			return "/"
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return p
}

// OneTimeLoginURL returns base + "/login/once?token=…", a link that logs
// the default person in once (within a day). The default person is the only
// person of the policy; it fails when there are several or none.
func (s *Server) OneTimeLoginURL(base string) (string, error) {
	p := s.policy()
	if len(p.People) != 1 {
		return "", fmt.Errorf("one-time login needs exactly one person in the configuration, found %d", len(p.People))
	}
	var name string
	for n := range p.People {
		name = n
	}
	token, err := s.once.add(name, s.now().Add(24*time.Hour))
	if err != nil {
		return "", err
	}
	return strings.TrimRight(base, "/") + "/login/once?token=" + token, nil
}

// onceTokens are single-use login tokens, kept in memory: a restart
// prints a new one.
type onceTokens struct {
	mu     sync.Mutex
	tokens map[string]onceToken
}

type onceToken struct {
	person  string
	expires time.Time
}

func newOnceTokens() *onceTokens { return &onceTokens{tokens: map[string]onceToken{}} }

func (o *onceTokens) add(person string, expires time.Time) (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make one-time login token: %w", err)
	}
	t := hex.EncodeToString(b)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.tokens[t] = onceToken{person: person, expires: expires}
	return t, nil
}

func (o *onceTokens) take(token string, now time.Time) (string, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for t, ot := range o.tokens {
		if constantTimeEqual(t, token) {
			delete(o.tokens, t)
			return ot.person, now.Before(ot.expires)
		}
	}
	return "", false
}

// loginThrottle slows repeated failed logins per name and client address:
// after freeFailures failures, each further attempt must wait twice as
// long as the last, up to maxWait. An address is also slowed across all
// names after freeAddressFailures, so guessing names costs as much as
// guessing passwords. Entries are forgotten after forgetAfter without a
// failure. It lives in memory; a restart forgives everyone.
//
// An attempt is reserved, counted as a failure, before the password is
// checked, all under one lock: concurrent attempts cannot all pass the
// check before any failure is recorded. A success takes it back.
type loginThrottle struct {
	mu      sync.Mutex
	entries map[string]*throttleEntry
}

type throttleEntry struct {
	failures int
	last     time.Time
}

const (
	freeFailures        = 3
	freeAddressFailures = 20
	firstWait           = time.Second
	maxWait             = 5 * time.Minute
	forgetAfter         = 15 * time.Minute
	maxThrottleLen      = 10000
)

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{entries: map[string]*throttleEntry{}}
}

// clientAddr is the address a login comes from: the peer, or, when the
// peer is a reverse proxy on this host, the client the proxy last added
// to X-Forwarded-For, so people behind the proxy are told apart and one
// of them cannot lock a person out for all the others.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return host
	}
	xff := r.Header.Values("X-Forwarded-For")
	if len(xff) == 0 {
		return host
	}
	hops := strings.Split(xff[len(xff)-1], ",")
	last := strings.TrimSpace(hops[len(hops)-1])
	if ip := net.ParseIP(last); ip != nil {
		return ip.String()
	}
	return host
}

// throttleKeys are the entries a login of name from r counts against:
// the name at the client address, and the address for any name.
func throttleKeys(name string, r *http.Request) (pair, addr string) {
	a := clientAddr(r)
	return name + "\x00" + a, "\x00" + a
}

// reserve answers how long the attempt must wait (when > 0, nothing is
// counted), or counts it as a failure of both keys and returns finish,
// which takes it back from the pair (and the address) on success.
func (t *loginThrottle) reserve(name string, r *http.Request, now time.Time) (wait time.Duration, finish func(ok bool)) {
	pair, addr := throttleKeys(name, r)
	t.mu.Lock()
	defer t.mu.Unlock()
	wait = max(t.wait(pair, freeFailures, now), t.wait(addr, freeAddressFailures, now))
	if wait > 0 {
		return wait, nil
	}
	if len(t.entries) >= maxThrottleLen {
		t.prune(now)
	}
	t.fail(pair, now)
	t.fail(addr, now)
	return 0, func(ok bool) {
		if !ok {
			return
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		delete(t.entries, pair)
		if e, found := t.entries[addr]; found {
			if e.failures--; e.failures <= 0 {
				delete(t.entries, addr)
			}
		}
	}
}

// wait returns how long key must still wait before its next attempt.
// The caller holds t.mu.
func (t *loginThrottle) wait(key string, free int, now time.Time) time.Duration {
	e, ok := t.entries[key]
	if !ok || e.failures < free || now.Sub(e.last) > forgetAfter {
		return 0
	}
	d := firstWait << min(e.failures-free, 20)
	d = min(d, maxWait)
	if left := e.last.Add(d).Sub(now); left > 0 {
		return left
	}
	return 0
}

// fail counts a failure of key. The caller holds t.mu.
func (t *loginThrottle) fail(key string, now time.Time) {
	e, ok := t.entries[key]
	if !ok || now.Sub(e.last) > forgetAfter {
		e = &throttleEntry{}
		t.entries[key] = e
	}
	e.failures++
	e.last = now
}

// prune forgets stale entries, and the oldest half if that is not enough.
// The caller holds t.mu.
func (t *loginThrottle) prune(now time.Time) {
	for k, e := range t.entries {
		if now.Sub(e.last) > forgetAfter {
			delete(t.entries, k)
		}
	}
	if len(t.entries) < maxThrottleLen {
		return
	}
	keys := make([]string, 0, len(t.entries))
	for k := range t.entries {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return t.entries[keys[i]].last.Before(t.entries[keys[j]].last) })
	for _, k := range keys[:len(keys)/2] {
		delete(t.entries, k)
	}
}
