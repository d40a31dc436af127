package ui

// This file belongs to the browser pages (the pages side of ui/). This
// placeholder keeps the package compiling until their version is committed.

import (
	"html/template"
	"net/http"
)

// browserRoutes registers the browser pages on mux (see routes.go).
func (s *Server) browserRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		s.renderLogin(w, r, loginView{Next: localPath(r.URL.Query().Get("next"))}, http.StatusOK)
	})
}

// renderLogin shows the login form with view's message and status.
func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, view loginView, status int) {
	login := template.Must(template.New("login").Parse(`<!doctype html><title>mauve: log in</title>
<form method="post" action="/login"><p>{{.Error}}</p><input type="hidden" name="next" value="{{.Next}}">
<input name="username" value="{{.Username}}"><input type="password" name="password"><button>Log in</button></form>`))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = login.Execute(w, view)
}
