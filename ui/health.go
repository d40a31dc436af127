package ui

import "net/http"

// handleHealth: GET /healthz answers 200 while the server runs. It needs
// no person, so load balancers and systemd watchdogs can ask.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
