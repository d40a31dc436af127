package ui

import (
	"net/http"
)

// routes is the whole URL surface of the station on one screen. It returns
// the handler for TCP listeners (browser pages and API) and the one for the
// unix socket (API only).
//
// Two muxes, as safeweb does: the browser mux (pages, login, static files)
// and the API mux (JSON under /api/v1). Both sit behind the same security
// headers and cross-origin protection.
//
// browserRoutes (pages_routes.go) registers every page on the browser mux,
// wrapping each page that needs a person in s.pageAuth (which redirects to
// /login) and leaving static assets and GET /login open. Inside a handler,
// personFrom(r.Context()) gives the person's name. POST /login, POST
// /logout and GET /login/once are handled in auth.go; a failed login
// re-renders the form through s.renderLogin(w, r, loginView, status).
func (s *Server) routes() (web, socket http.Handler) {
	api := http.NewServeMux()
	s.apiRoutes(api)

	browser := http.NewServeMux()
	browser.HandleFunc("GET /healthz", s.handleHealth)
	browser.Handle("GET /metrics", s.metricsAuth(http.HandlerFunc(s.handleMetrics)))
	browser.HandleFunc("POST /login", s.handleLogin)
	browser.HandleFunc("GET /login/once", s.handleLoginOnce)
	browser.HandleFunc("POST /logout", s.handleLogout)
	// The token in the path is the credential: phones' calendars send no other.
	browser.HandleFunc("GET /calendar/{person}/{token}", s.handleRotaFeed)
	s.browserRoutes(browser) // pages, GET /login, static assets: pages_routes.go

	top := http.NewServeMux()
	top.Handle("/api/", s.apiAuth(api))
	top.Handle("/", browser)

	web = s.countStatus(compress(securityHeaders(s.crossOrigin(top))))
	socket = s.countStatus(securityHeaders(s.crossOrigin(s.socketAuth(api))))
	return web, socket
}

// apiRoutes registers the JSON API. Authentication wraps the whole mux
// (apiAuth on TCP, socketAuth on the unix socket), so every handler here
// has a person.
func (s *Server) apiRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/me", s.handleMe)
	mux.HandleFunc("GET /api/v1/alerts", s.handleListAlerts)
	mux.HandleFunc("GET /api/v1/alerts/{source}/{id}", s.handleGetAlert)
	mux.HandleFunc("GET /api/v1/alerts/{source}/{id}/history", s.handleAlertHistory)
	mux.Handle("POST /api/v1/alerts/{source}/{id}/acknowledge", s.handleAlertAction(actAcknowledge))
	mux.Handle("POST /api/v1/alerts/{source}/{id}/unacknowledge", s.handleAlertAction(actUnacknowledge))
	mux.Handle("POST /api/v1/alerts/{source}/{id}/raise", s.handleAlertAction(actRaise))
	mux.Handle("POST /api/v1/alerts/{source}/{id}/clear", s.handleAlertAction(actClear))
	mux.Handle("POST /api/v1/alerts/{source}/{id}/suppress", s.handleAlertAction(actSuppress))
	mux.Handle("POST /api/v1/alerts/{source}/{id}/unsuppress", s.handleAlertAction(actUnsuppress))
	mux.Handle("POST /api/v1/alerts/{source}/{id}/notes", s.handleAlertAction(actNote))
	mux.HandleFunc("POST /api/v1/alerts/actions", s.handleBulkAction)
	mux.HandleFunc("GET /api/v1/history", s.handleSearchHistory)
	mux.HandleFunc("GET /api/v1/events", s.handleEvents)
	mux.HandleFunc("POST /api/v1/tokens", s.handleCreateToken)
	mux.HandleFunc("GET /api/v1/tokens", s.handleListTokens)
	mux.HandleFunc("DELETE /api/v1/tokens/{id}", s.handleRevokeToken)
	mux.HandleFunc("GET /api/v1/rotas", s.handleListRotas)
	mux.HandleFunc("GET /api/v1/rota-overrides", s.handleListOverrides)
	mux.HandleFunc("GET /api/v1/rota-feed", s.handleFeedURL)
	mux.HandleFunc("POST /api/v1/rota-overrides", s.handleAddOverride)
	mux.HandleFunc("DELETE /api/v1/rota-overrides/{id}", s.handleRemoveOverride)
	mux.Handle("/api/", s.apiNoRoute(mux))
}
