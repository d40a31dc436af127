package ui

import "net/http"

// browserRoutes registers the browser pages on mux (see routes.go): the
// login form and static files are open; every other page needs a person
// (pageAuth redirects to the login form).
//
//	GET  /login                           login form (POST /login is auth's)
//	GET  /static/{file}                   CSS and script, embedded
//	GET  /{$}                             alert list, grouped by level and subject
//	GET  /fragments/alerts                the list alone, for live updates
//	POST /alerts                          an action on the selected alerts
//	GET  /alerts/{source}/{id}            one alert: detail, actions, history
//	POST /alerts/{source}/{id}/{action}   acknowledge, unacknowledge, raise,
//	                                      clear, suppress, unsuppress, note
//	GET  /history                         history search under a calendar of
//	                                      raises per day (?month=YYYY-MM, ?week=YYYY-MM-DD)
//	GET  /tokens                          the person's API tokens
//	POST /tokens                          make one (its secret shown once)
//	POST /tokens/{id}/revoke              revoke one
func (s *Server) browserRoutes(mux *http.ServeMux) {
	p := &pages{s: s, assets: newStaticAssets()}
	auth := func(h http.HandlerFunc) http.Handler { return s.pageAuth(h) }

	mux.HandleFunc("GET /login", p.loginForm)
	mux.HandleFunc("GET /static/{file}", p.assets.serve)
	mux.Handle("GET /{$}", auth(p.alertList))
	mux.Handle("GET /fragments/alerts", auth(p.alertListFragment))
	mux.Handle("POST /alerts", auth(p.bulkAction))
	mux.Handle("GET /alerts/{source}/{id}", auth(p.alertPage))
	mux.Handle("POST /alerts/{source}/{id}/{action}", auth(p.alertAction))
	mux.Handle("GET /history", auth(p.historyPage))
	mux.Handle("GET /tokens", auth(p.tokensPage))
	mux.Handle("POST /tokens", auth(p.makeToken))
	mux.Handle("POST /tokens/{id}/revoke", auth(p.revokeToken))
}
