package ui

// The browser pages' plumbing: the pages type the handlers hang on, the
// page context every layout needs, rendering, and failures shown as pages.
// Handlers live in pages_alerts.go, pages_alert.go, pages_history.go and
// pages_login.go; routes in pages_routes.go.

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/a-h/templ"

	"github.com/mauve-alert/mauve/ui/components"
)

// pages holds what the page handlers share beyond the Server: the
// embedded static files and render buffers. Built once by browserRoutes.
type pages struct {
	s      *Server
	assets *staticAssets
	// bufs keeps render buffers between requests, so a large list is not
	// regrown from nothing on every live update.
	bufs sync.Pool
}

// maxPooledBuffer bounds what the pool keeps: a 50,000-alert page once
// must not pin its buffer for ever.
const maxPooledBuffer = 8 << 20

// page returns the layout context of a request: its person, the time in
// the station's zone, and who is present.
func (p *pages) page(r *http.Request, title string, live bool) components.Page {
	now := p.s.now()
	if loc := p.location(); loc != nil {
		now = now.In(loc)
	}
	pg := components.Page{Title: title, Person: personFrom(r.Context()), Now: now, Live: live}
	if p.s.presence != nil && pg.Person != "" {
		pg.Present = append([]string{}, p.s.presence.List()...)
	}
	return pg
}

// location is the station's time zone, in which pages show and read times.
func (p *pages) location() *time.Location {
	if pol := p.s.policy(); pol != nil && pol.Station.Location != nil {
		return pol.Station.Location
	}
	return time.Local
}

// render writes c with status. It renders into a buffer first so that a
// failure half-way never sends half a page with a 200.
func (p *pages) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	buf, _ := p.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooledBuffer {
			p.bufs.Put(buf)
		}
	}()
	if err := c.Render(r.Context(), buf); err != nil {
		if errors.Is(err, context.Canceled) {
			return
		}
		p.s.log.Error("render page", "path", r.URL.Path, "err", err)
		http.Error(w, "internal error; the station's log has the details", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail shows err as a page with the status of the one error table
// (respond.go). Errors of the server's own making are logged and shown
// as a short message.
func (p *pages) fail(w http.ResponseWriter, r *http.Request, title string, err error) {
	status, msg := statusOf(err)
	if status >= 500 {
		p.s.log.Error("page failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	p.render(w, r, status, components.Problem(p.page(r, title, false), status, msg))
}
