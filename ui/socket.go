package ui

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// ListenSocket creates the unix socket `mauve ack` talks to, as safesocket
// does: a socket another live process answers on is refused (a second
// station), a stale one left by a crash is replaced, anything that is not
// a socket is left alone and refused; the new socket has mode 0660, so
// only the station's user and group may connect: people who use `mauve
// ack` on the station need their unix user in that group. The listener
// removes the file when closed.
func ListenSocket(path string) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("make socket directory for %s: %w", path, err)
	}
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&os.ModeSocket == 0 {
			return nil, fmt.Errorf("listen on socket %s: the path exists and is not a socket; move it away or choose another station.listen.socket", path)
		}
		c, err := net.DialTimeout("unix", path, time.Second)
		if err == nil {
			c.Close()
			return nil, fmt.Errorf("listen on socket %s: another mauve serve is answering on it", path)
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			return nil, fmt.Errorf("listen on socket %s: probe the existing socket: %w", path, err)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("remove stale socket %s: %w", path, err)
		}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("listen on socket %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o660); err != nil {
		ln.Close()
		return nil, fmt.Errorf("set mode of socket %s: %w", path, err)
	}
	return ln, nil
}

// peer is who is at the other end of a unix socket connection.
type peer struct {
	UID  int
	User string // "" when the uid has no name
	Err  error  // why the peer could not be identified
}

type peerKey struct{}

// peerContext records the peer credentials of a unix connection in its
// context (the http.Server ConnContext hook of ServeSocket).
func peerContext(ctx context.Context, c net.Conn) context.Context {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return context.WithValue(ctx, peerKey{}, peer{UID: -1, Err: errors.New("not a unix socket connection")})
	}
	uid, err := peerUID(uc)
	if err != nil {
		return context.WithValue(ctx, peerKey{}, peer{UID: -1, Err: err})
	}
	p := peer{UID: uid}
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		p.User = u.Username
	}
	return context.WithValue(ctx, peerKey{}, p)
}

// socketAuth makes the person of a socket request the one whose unix_user
// is the peer's user name. A peer with no person is refused with 403 and a
// message saying how to become one; root and the station's own user may
// still create tokens for others (mauve token create).
func (s *Server) socketAuth(h http.Handler) http.Handler {
	self := os.Getuid()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pe, ok := r.Context().Value(peerKey{}).(peer)
		if !ok || pe.Err != nil {
			why := "no peer credentials"
			if ok {
				why = pe.Err.Error()
			}
			s.writeError(w, r, &apiError{http.StatusForbidden, "cannot tell who is calling: " + why})
			return
		}
		pr := principal{Via: "socket", Admin: pe.UID == 0 || pe.UID == self, UnixUser: pe.User}
		if pe.User != "" {
			if person := s.policy().PersonByUnixUser(pe.User); person != nil {
				pr.Person = person.Name
			}
		}
		if pr.Person == "" && !(pr.Admin && r.Method == http.MethodPost && r.URL.Path == "/api/v1/tokens") {
			who := pe.User
			if who == "" {
				who = "uid " + strconv.Itoa(pe.UID)
			}
			s.writeError(w, r, &apiError{http.StatusForbidden, fmt.Sprintf("unix user %s is not a person of this station: add unix_user = %q to your person block in the configuration", who, pe.User)})
			return
		}
		h.ServeHTTP(w, r.WithContext(withPrincipal(r.Context(), pr)))
	})
}
