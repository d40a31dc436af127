package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mauve-alert/mauve/store"
)

// alertJSON is an alert as the API shows it. Times are RFC 3339 or null.
type alertJSON struct {
	Source            string      `json:"source"`
	ID                string      `json:"id"`
	Subject           string      `json:"subject"`
	Summary           string      `json:"summary"`
	Detail            string      `json:"detail"`
	Importance        uint32      `json:"importance"`
	State             store.State `json:"state"`
	Level             store.Level `json:"level"`
	Group             string      `json:"group"`
	RaisedAt          *time.Time  `json:"raised_at"`
	ClearedAt         *time.Time  `json:"cleared_at"`
	AcknowledgedBy    string      `json:"acknowledged_by"`
	AcknowledgedAt    *time.Time  `json:"acknowledged_at"`
	AcknowledgedUntil *time.Time  `json:"acknowledged_until"`
	WillRaiseAt       *time.Time  `json:"will_raise_at"`
	WillClearAt       *time.Time  `json:"will_clear_at"`
	SuppressUntil     *time.Time  `json:"suppress_until"`
	CreatedAt         *time.Time  `json:"created_at"`
	UpdatedAt         *time.Time  `json:"updated_at"`
}

// eventJSON is one history event as the API shows it.
type eventJSON struct {
	Seq    uint64          `json:"seq"`
	Time   time.Time       `json:"time"`
	Source string          `json:"source"`
	ID     string          `json:"id"`
	Kind   store.EventKind `json:"kind"`
	Actor  string          `json:"actor"`
	Text   string          `json:"text"`
	State  store.State     `json:"state"`
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func timeOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func toAlertJSON(a store.Alert) alertJSON {
	return alertJSON{
		Source:            a.Source,
		ID:                a.ID,
		Subject:           a.Subject,
		Summary:           a.Summary,
		Detail:            a.Detail,
		Importance:        a.Importance,
		State:             a.State,
		Level:             a.Level,
		Group:             a.Group,
		RaisedAt:          timeOrNil(a.RaisedAt),
		ClearedAt:         timeOrNil(a.ClearedAt),
		AcknowledgedBy:    a.AcknowledgedBy,
		AcknowledgedAt:    timeOrNil(a.AcknowledgedAt),
		AcknowledgedUntil: timeOrNil(a.AcknowledgedUntil),
		WillRaiseAt:       timeOrNil(a.WillRaiseAt),
		WillClearAt:       timeOrNil(a.WillClearAt),
		SuppressUntil:     timeOrNil(a.SuppressUntil),
		CreatedAt:         timeOrNil(a.CreatedAt),
		UpdatedAt:         timeOrNil(a.UpdatedAt),
	}
}

// alertJSON is a as the API shows it. Its detail is the store's, which
// the store sanitized with an allow-list when it was received (see
// store.Alert.Detail): the API, pages and mail all show that same text.
func (s *Server) alertJSON(a store.Alert) alertJSON {
	return toAlertJSON(a)
}

func (j alertJSON) alert() store.Alert {
	return store.Alert{
		Source: j.Source, ID: j.ID, Subject: j.Subject, Summary: j.Summary, Detail: j.Detail,
		Importance: j.Importance, State: j.State, Level: j.Level, Group: j.Group,
		RaisedAt: timeOrZero(j.RaisedAt), ClearedAt: timeOrZero(j.ClearedAt),
		AcknowledgedBy: j.AcknowledgedBy, AcknowledgedAt: timeOrZero(j.AcknowledgedAt),
		AcknowledgedUntil: timeOrZero(j.AcknowledgedUntil),
		WillRaiseAt:       timeOrZero(j.WillRaiseAt), WillClearAt: timeOrZero(j.WillClearAt),
		SuppressUntil: timeOrZero(j.SuppressUntil),
		CreatedAt:     timeOrZero(j.CreatedAt), UpdatedAt: timeOrZero(j.UpdatedAt),
	}
}

func toEventJSON(e store.Event) eventJSON {
	return eventJSON{Seq: e.Seq, Time: e.Time.UTC(), Source: e.Source, ID: e.ID, Kind: e.Kind, Actor: e.Actor, Text: e.Text, State: e.State}
}

func (j eventJSON) event() store.Event {
	return store.Event{Seq: j.Seq, Time: j.Time, Source: j.Source, ID: j.ID, Kind: j.Kind, Actor: j.Actor, Text: j.Text, State: j.State}
}

func toEventsJSON(events []store.Event) []eventJSON {
	out := make([]eventJSON, len(events))
	for i, e := range events {
		out[i] = toEventJSON(e)
	}
	return out
}

type alertsResponse struct {
	Alerts []alertJSON `json:"alerts"`
}

type eventsResponse struct {
	Events []eventJSON `json:"events"`
}

// handleListAlerts: GET /api/v1/alerts?state=&source=&level=&q=
// state is raised, acknowledged, cleared or active (raised or
// acknowledged); q keeps alerts whose subject, summary, source or id
// contains it, ignoring case — the alert list page's filters.
func (s *Server) handleListAlerts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.Filter{State: store.State(q.Get("state")), Source: q.Get("source"), Level: store.Level(q.Get("level")), Text: q.Get("q")}
	switch f.State {
	case "", store.StateRaised, store.StateAcknowledged, store.StateCleared:
	case "active":
		f.State, f.Active = "", true
	default:
		s.writeError(w, r, badRequest("state: unknown state %q (want raised, acknowledged, cleared or active)", f.State))
		return
	}
	if f.Level != "" && !f.Level.Valid() {
		s.writeError(w, r, badRequest("level: unknown level %q (want urgent, normal or low)", f.Level))
		return
	}
	alerts, err := s.store.List(f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeAlertList(w, alerts)
}

// writeAlertList writes {"alerts":[...]} one alert at a time through a
// small buffer with the hand-written encoder, so a list of 10,000 alerts
// is neither held whole in memory as JSON nor encoded by reflection.
func (s *Server) writeAlertList(w http.ResponseWriter, alerts []store.Alert) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	buf := make([]byte, 0, 64<<10)
	buf = append(buf, `{"alerts":[`...)
	for i, a := range alerts {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendAlertJSON(buf, a)
		if len(buf) > 48<<10 {
			if _, err := w.Write(buf); err != nil {
				return // the client went away
			}
			buf = buf[:0]
		}
	}
	buf = append(buf, "]}\n"...)
	_, _ = w.Write(buf)
}

func pathKey(r *http.Request) store.Key {
	return store.Key{Source: r.PathValue("source"), ID: r.PathValue("id")}
}

// handleGetAlert: GET /api/v1/alerts/{source}/{id}
func (s *Server) handleGetAlert(w http.ResponseWriter, r *http.Request) {
	a, err := s.store.Get(pathKey(r))
	if err != nil {
		s.writeError(w, r, notFound(pathKey(r), err))
		return
	}
	writeJSON(w, http.StatusOK, s.alertJSON(a))
}

// handleAlertHistory: GET /api/v1/alerts/{source}/{id}/history
func (s *Server) handleAlertHistory(w http.ResponseWriter, r *http.Request) {
	events, err := s.store.History(pathKey(r))
	if err == nil && len(events) == 0 {
		_, err = s.store.Get(pathKey(r)) // no events: is there such an alert?
	}
	if err != nil {
		s.writeError(w, r, notFound(pathKey(r), err))
		return
	}
	writeJSON(w, http.StatusOK, eventsResponse{Events: toEventsJSON(events)})
}

// handleSearchHistory: GET /api/v1/history?from=&to=&source=&subject=&q=&limit=
func (s *Server) handleSearchHistory(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	hq := store.HistoryQuery{Source: v.Get("source"), Subject: v.Get("subject"), Text: v.Get("q"), Limit: 1000}
	var err error
	if f := v.Get("from"); f != "" {
		if hq.From, err = parseTime("from", f, true); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if t := v.Get("to"); t != "" {
		if hq.To, err = parseTime("to", t, true); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if !hq.From.IsZero() && !hq.To.IsZero() && hq.To.Before(hq.From) {
		s.writeError(w, r, badRequest("to (%s) is before from (%s)", hq.To.Format(time.RFC3339), hq.From.Format(time.RFC3339)))
		return
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n <= 0 || n > 10000 {
			s.writeError(w, r, badRequest("limit: bad number %q (want 1 to 10000)", l))
			return
		}
		hq.Limit = n
	}
	events, err := s.store.SearchHistory(hq)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, eventsResponse{Events: toEventsJSON(events)})
}

// handleMe: GET /api/v1/me says who the request acts for.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	p, _ := principalFrom(r.Context())
	writeJSON(w, http.StatusOK, map[string]string{"person": p.Person, "via": p.Via})
}

type tokenRequest struct {
	Person string `json:"person"` // default: the requester
	Name   string `json:"name"`   // what the token is for, e.g. "laptop"
	// MayCreateTokens lets the new token make tokens itself.
	MayCreateTokens bool `json:"may_create_tokens,omitempty"`
}

type tokenResponse struct {
	Person          string `json:"person"`
	Name            string `json:"name"`
	Token           string `json:"token"`
	MayCreateTokens bool   `json:"may_create_tokens"`
}

// handleCreateToken: POST /api/v1/tokens makes an API token for the
// requester, or (a socket admin only) for any person. A request with a
// token may do so only when that token was made with may_create_tokens;
// the new token is then revoked with it.
func (s *Server) handleCreateToken(w http.ResponseWriter, r *http.Request) {
	var req tokenRequest
	if err := decodeBody(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	p, _ := principalFrom(r.Context())
	createdBy, err := tokenMaker(p)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Person == "" {
		req.Person = p.Person
	}
	if req.Person == "" {
		s.writeError(w, r, badRequest("person: missing (name the person the token is for)"))
		return
	}
	if req.Person != p.Person && !p.Admin {
		s.writeError(w, r, &apiError{http.StatusForbidden, "only root or the station's user, on the station's socket, may make tokens for someone else"})
		return
	}
	if _, ok := s.policy().People[req.Person]; !ok {
		s.writeError(w, r, badRequest("person: no person %q in the configuration", req.Person))
		return
	}
	if req.Name == "" {
		req.Name = "api"
	}
	secret, err := s.store.CreateTokenSpec(store.TokenSpec{Person: req.Person, Name: req.Name, MayCreateTokens: req.MayCreateTokens, CreatedBy: createdBy}, s.now())
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			err = &apiError{http.StatusUnauthorized, "the token making it was revoked meanwhile"}
		}
		s.writeError(w, r, err)
		return
	}
	s.log.Info("token created", "person", req.Person, "name", req.Name, "may_create_tokens", req.MayCreateTokens, "by", p.Person, "via", p.Via)
	writeJSON(w, http.StatusCreated, tokenResponse{Person: req.Person, Name: req.Name, Token: secret, MayCreateTokens: req.MayCreateTokens})
}

// apiMethods are the methods the API might answer, in the order an
// Allow header lists them.
var apiMethods = [...]string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// apiNoRoute answers API requests that match no route with JSON: 405 with
// an Allow header when the path exists for other methods, else 404. (The
// catch-all "/api/" pattern takes every method, so the mux's own 405
// never happens.)
func (s *Server) apiNoRoute(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range apiMethods {
			probe := &http.Request{Method: m, URL: r.URL, Host: r.Host, Header: http.Header{}}
			if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/api/" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			s.writeError(w, r, &apiError{http.StatusMethodNotAllowed, fmt.Sprintf("%s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, strings.Join(allow, ", "))})
			return
		}
		s.writeError(w, r, &apiError{http.StatusNotFound, "no such API route: " + r.Method + " " + r.URL.Path})
	})
}

// notFound gives store.ErrNotFound a message naming the alert.
func notFound(k store.Key, err error) error {
	if err != nil && isNotFound(err) {
		return &apiError{http.StatusNotFound, "no alert " + k.String()}
	}
	return err
}
