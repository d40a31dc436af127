package ui

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/mauve-alert/mauve/store"
)

// principal is who a request acts for.
type principal struct {
	Person string // policy person name; "" only for a socket admin with no person
	Via    string // session, token, password, header, socket
	// Admin is set for a socket peer that is root or the station's own
	// user: it may create tokens for anyone.
	Admin bool
	// UnixUser is the socket peer's user name, for messages.
	UnixUser string
	// For a request with a bearer token: the token's secret (so tokens
	// it makes record their creator) and whether it may make tokens.
	token           string
	mayCreateTokens bool
}

// tokenMaker checks that p may make an API token and returns the spec's
// CreatedBy: a token may only if it was made for that, and the tokens it
// makes go when it is revoked.
func tokenMaker(p principal) (createdBy string, err error) {
	if p.Via != "token" {
		return "", nil
	}
	if !p.mayCreateTokens {
		return "", &apiError{http.StatusForbidden, "this API token may not make tokens (it was made without may_create_tokens): make tokens on the station's socket, on the web page after logging in, or with a token made for that"}
	}
	return p.token, nil
}

type principalKey struct{}

func withPrincipal(ctx context.Context, p principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// personFrom returns the name of the person a request acts for, or "" when
// the request is not authenticated. Handlers behind pageAuth, apiAuth and
// socketAuth always get a name.
func personFrom(ctx context.Context) string {
	p, _ := ctx.Value(principalKey{}).(principal)
	return p.Person
}

func principalFrom(ctx context.Context) (principal, bool) {
	p, ok := ctx.Value(principalKey{}).(principal)
	return p, ok
}

// errNoCredentials is returned by authenticate when a request carries none.
var errNoCredentials = errors.New("log in: send a session cookie, an Authorization: Bearer token, or HTTP Basic name and password")

// authenticate finds the person of a request from, in order: the trusted
// header (only when the policy names one), a bearer token, HTTP Basic, or
// the session cookie. A credential that is present but wrong is an error;
// it does not fall through to the next kind.
//
// The trusted header is believed from anyone who can reach the listener:
// set station.trusted_header only when the HTTP listener is reachable by
// the authenticating proxy alone (e.g. it listens on 127.0.0.1), and have
// the proxy overwrite the header.
func (s *Server) authenticate(r *http.Request) (principal, error) {
	p := s.policy()
	now := s.now()
	if h := p.Station.TrustedHeader; h != "" {
		if name := strings.TrimSpace(r.Header.Get(h)); name != "" {
			if _, ok := p.People[name]; !ok {
				return principal{}, &apiError{http.StatusForbidden, fmt.Sprintf("%s names %q, who is not a person in the configuration", h, name)}
			}
			return principal{Person: name, Via: "header"}, nil
		}
	}
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, cred, _ := strings.Cut(auth, " ")
		switch {
		case strings.EqualFold(scheme, "Bearer"):
			secret := strings.TrimSpace(cred)
			info, err := s.store.TokenLookup(secret, now)
			if err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return principal{}, &apiError{http.StatusUnauthorized, "unknown or revoked API token"}
				}
				return principal{}, fmt.Errorf("look up token: %w", err)
			}
			if _, ok := p.People[info.Person]; !ok {
				return principal{}, &apiError{http.StatusUnauthorized, fmt.Sprintf("the token's person %q is no longer in the configuration", info.Person)}
			}
			return principal{Person: info.Person, Via: "token", token: secret, mayCreateTokens: info.MayCreateTokens}, nil
		case strings.EqualFold(scheme, "Basic"):
			name, password, ok := r.BasicAuth()
			if !ok {
				return principal{}, &apiError{http.StatusBadRequest, "malformed Basic authorization header"}
			}
			if err := s.checkPassword(r, name, password); err != nil {
				return principal{}, err
			}
			return principal{Person: name, Via: "password"}, nil
		default:
			return principal{}, &apiError{http.StatusUnauthorized, fmt.Sprintf("unsupported authorization scheme %q (want Bearer or Basic)", scheme)}
		}
	}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		name, err := s.store.SessionPerson(c.Value, now)
		if err == nil {
			if _, ok := p.People[name]; ok {
				return principal{Person: name, Via: "session"}, nil
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			return principal{}, fmt.Errorf("look up session: %w", err)
		}
		return principal{}, &apiError{http.StatusUnauthorized, "the session has expired: log in again"}
	}
	return principal{}, errNoCredentials
}

// dummyHash keeps a login for an unknown name as slow as one for a known
// name, so timing does not reveal who exists.
const dummyHash = "$2a$10$20fIM30KzrXYsWQkM4XIzegK4KIlDbhKNkQHCzo344zOxsl689mDm"

// checkPassword checks a name and password against the policy, slowing
// repeated failures from the same name and address. The attempt is
// reserved with the throttle before bcrypt runs, so concurrent guesses
// cannot outrun it, and unknown names are throttled like known ones.
func (s *Server) checkPassword(r *http.Request, name, password string) error {
	now := s.now()
	wait, finish := s.logins.reserve(name, r, now)
	if wait > 0 {
		return &apiError{http.StatusTooManyRequests, fmt.Sprintf("too many failed logins for %q from this address: try again in %s", name, wait.Round(time.Second))}
	}
	hash := dummyHash
	person, ok := s.policy().People[name]
	if ok && person.Password != "" {
		hash = person.Password
	}
	s.stats.passwordChecks.Add(1)
	err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
	if err != nil || !ok || person.Password == "" {
		finish(false)
		s.stats.loginFailures.Add(1)
		s.log.Warn("failed login", "person", name, "remote", r.RemoteAddr, "client", clientAddr(r))
		return &apiError{http.StatusUnauthorized, "wrong name or password"}
	}
	finish(true)
	return nil
}

// apiAuth requires a person for the API; without one it answers 401 JSON.
func (s *Server) apiAuth(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		h.ServeHTTP(w, r.WithContext(withPrincipal(r.Context(), p)))
	})
}

// pageAuth requires a person for a browser page; without one it redirects
// to the login form, which comes back here after logging in.
func (s *Server) pageAuth(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r)
		if err == nil {
			h.ServeHTTP(w, r.WithContext(withPrincipal(r.Context(), p)))
			return
		}
		if status, _ := statusOf(err); status != http.StatusUnauthorized {
			s.writeError(w, r, err) // throttled, forbidden, or the server's fault
			return
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	})
}

// metricsAuth lets loopback clients (a local Prometheus) read /metrics
// without credentials; anyone else needs a person like the API.
func (s *Server) metricsAuth(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isLoopback(r) {
			h.ServeHTTP(w, r)
			return
		}
		s.apiAuth(h).ServeHTTP(w, r)
	})
}

// crossOrigin refuses cross-site state-changing requests with 403. The
// station's own origin (station.url) is read from the policy in force at
// each request, so a reload that changes it takes effect at once; the
// protection built for the last URL seen is reused until it changes.
func (s *Server) crossOrigin(h http.Handler) http.Handler {
	deny := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, &apiError{http.StatusForbidden, "cross-origin request refused: send it from the station's own pages or without a browser"})
	})
	var last atomic.Pointer[originGuard]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := s.policy().Station.URL
		g := last.Load()
		if g == nil || g.url != u {
			g = newOriginGuard(u, h, deny)
			last.Store(g)
		}
		g.handler.ServeHTTP(w, r)
	})
}

// originGuard is the cross-origin protection for one station.url.
type originGuard struct {
	url     string
	handler http.Handler
}

func newOriginGuard(stationURL string, h, deny http.Handler) *originGuard {
	cop := http.NewCrossOriginProtection()
	if pu, err := url.Parse(stationURL); err == nil && pu.Scheme != "" && pu.Host != "" {
		_ = cop.AddTrustedOrigin(pu.Scheme + "://" + pu.Host)
	}
	cop.SetDenyHandler(deny)
	return &originGuard{url: stationURL, handler: cop.Handler(h)}
}

// constantTimeEqual compares secrets without leaking their common prefix.
func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
