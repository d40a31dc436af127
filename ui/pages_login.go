package ui

import (
	"net/http"

	"github.com/mauve-alert/mauve/ui/components"
)

// loginForm: GET /login shows the form; POST /login is auth's (session.go).
func (p *pages) loginForm(w http.ResponseWriter, r *http.Request) {
	p.renderLogin(w, r, loginView{Next: localPath(r.URL.Query().Get("next"))}, http.StatusOK)
}

// renderLogin shows the login form with view's message and status. The
// login handlers in session.go call it after a failed attempt.
func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, view loginView, status int) {
	p := &pages{s: s}
	p.renderLogin(w, r, view, status)
}

func (p *pages) renderLogin(w http.ResponseWriter, r *http.Request, view loginView, status int) {
	next := view.Next
	if next == "/" {
		next = ""
	}
	pg := p.page(r, "Log in", false)
	pg.Person, pg.Present = "", nil
	p.render(w, r, status, components.Login(pg, components.LoginView{
		Username: view.Username,
		Next:     next,
		Error:    view.Error,
	}))
}
