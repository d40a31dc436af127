package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// overrideJSON is a rota override as the API shows and takes it.
type overrideJSON struct {
	ID        uint64    `json:"id,omitempty"`
	Rota      string    `json:"rota"`
	Person    string    `json:"person"`
	Covers    string    `json:"covers,omitempty"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	CreatedBy string    `json:"created_by,omitempty"`
	Created   time.Time `json:"created,omitzero"`
	Removed   time.Time `json:"removed,omitzero"`
	RemovedBy string    `json:"removed_by,omitempty"`
	Reason    string    `json:"reason,omitempty"`
}

type overridesResponse struct {
	Overrides []overrideJSON `json:"overrides"`
}

func toOverrideJSON(o store.Override) overrideJSON {
	return overrideJSON{ID: o.ID, Rota: o.Rota, Person: o.Person, Covers: o.Covers, From: o.From.UTC(), To: o.To.UTC(),
		CreatedBy: o.CreatedBy, Created: o.Created.UTC(), Removed: o.Removed.UTC(), RemovedBy: o.RemovedBy, Reason: o.Reason}
}

// handleListOverrides: GET /api/v1/rota-overrides lists the standing
// overrides (?all=1: removed ones too).
func (s *Server) handleListOverrides(w http.ResponseWriter, r *http.Request) {
	ov, err := s.store.Overrides(r.URL.Query().Get("all") != "")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := overridesResponse{Overrides: []overrideJSON{}}
	for _, o := range ov {
		out.Overrides = append(out.Overrides, toOverrideJSON(o))
	}
	writeJSON(w, http.StatusOK, out)
}

// handleAddOverride: POST /api/v1/rota-overrides records an override,
// made by the requester, after the policy has checked it.
func (s *Server) handleAddOverride(w http.ResponseWriter, r *http.Request) {
	var in overrideJSON
	if err := decodeBody(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	err := s.policy().CheckOverride(policy.Override{Rota: in.Rota, Person: in.Person, Covers: in.Covers, From: in.From, To: in.To})
	var fe *policy.FieldError
	if errors.As(err, &fe) {
		s.writeError(w, r, badRequest("%s", fe.Error()))
		return
	}
	p, _ := principalFrom(r.Context())
	o, err := s.store.AddOverride(store.Override{Rota: in.Rota, Person: in.Person, Covers: in.Covers, From: in.From, To: in.To, CreatedBy: p.Person}, s.now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.log.Info("rota override made", "id", o.ID, "rota", o.Rota, "person", o.Person, "covers", o.Covers, "from", o.From, "to", o.To, "by", p.Person, "via", p.Via)
	if s.overridesChanged != nil {
		s.overridesChanged()
	}
	writeJSON(w, http.StatusCreated, toOverrideJSON(o))
}

// handleRemoveOverride: DELETE /api/v1/rota-overrides/{id} removes one;
// it stays in the history with who removed it.
func (s *Server) handleRemoveOverride(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		s.writeError(w, r, badRequest("id: %q is not an override ID (a whole number, as the list shows)", r.PathValue("id")))
		return
	}
	p, _ := principalFrom(r.Context())
	o, err := s.store.RemoveOverride(id, p.Person, "removed by "+p.Person, s.now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.log.Info("rota override removed", "id", o.ID, "rota", o.Rota, "by", p.Person, "via", p.Via)
	if s.overridesChanged != nil {
		s.overridesChanged()
	}
	writeJSON(w, http.StatusOK, toOverrideJSON(o))
}

// shiftJSON is one turn on a rota.
type shiftJSON struct {
	Person   string    `json:"person"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Override bool      `json:"override,omitempty"`
}

// RotaJSON is one rota as GET /api/v1/rotas shows it: its shifts from the
// one holding now over the coming weeks, overrides applied and marked.
type RotaJSON struct {
	Name     string      `json:"name"`
	TimeZone string      `json:"time_zone"`
	Shifts   []shiftJSON `json:"shifts"`
}

type rotasResponse struct {
	Rotas []RotaJSON `json:"rotas"`
}

// handleListRotas: GET /api/v1/rotas?weeks=N (default 4, at most 52).
func (s *Server) handleListRotas(w http.ResponseWriter, r *http.Request) {
	weeks := 4
	if v := r.URL.Query().Get("weeks"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 52 {
			s.writeError(w, r, badRequest("weeks: %q is not a whole number from 1 to 52", v))
			return
		}
		weeks = n
	}
	p := s.policy()
	now := s.now()
	names := make([]string, 0, len(p.Rotas))
	for n := range p.Rotas {
		names = append(names, n)
	}
	slices.Sort(names)
	out := rotasResponse{Rotas: []RotaJSON{}}
	for _, n := range names {
		rt := p.Rotas[n]
		rj := RotaJSON{Name: n, TimeZone: rt.Location.String()}
		for _, sh := range rt.Shifts(now, now.Add(time.Duration(weeks)*7*24*time.Hour), p.Overrides) {
			rj.Shifts = append(rj.Shifts, shiftJSON{Person: sh.Person, Start: sh.Start.UTC(), End: sh.End.UTC(), Override: sh.Override})
		}
		out.Rotas = append(out.Rotas, rj)
	}
	writeJSON(w, http.StatusOK, out)
}

// Shift is one turn on a rota as the station lists it.
type Shift = shiftJSON

// OverrideRequest is a rota override to make.
type OverrideRequest = overrideJSON

// Rotas lists the station's rotas over the coming weeks.
func (c *Client) Rotas(ctx context.Context, weeks int) ([]RotaJSON, error) {
	var resp rotasResponse
	err := c.do(ctx, http.MethodGet, "/api/v1/rotas", url.Values{"weeks": {strconv.Itoa(weeks)}}, nil, &resp)
	return resp.Rotas, err
}

// AddOverride makes a rota override and returns it as recorded.
func (c *Client) AddOverride(ctx context.Context, o OverrideRequest) (OverrideRequest, error) {
	var resp overrideJSON
	err := c.do(ctx, http.MethodPost, "/api/v1/rota-overrides", nil, o, &resp)
	return resp, err
}

type feedURLResponse struct {
	Person string `json:"person"`
	// Path is the feed's path on this station; anyone holding it can read
	// the person's shifts, nothing else.
	Path string `json:"path"`
}

// handleFeedURL: GET /api/v1/rota-feed gives the requester the secret
// path of their own calendar feed.
func (s *Server) handleFeedURL(w http.ResponseWriter, r *http.Request) {
	p, _ := principalFrom(r.Context())
	if p.Person == "" {
		s.writeError(w, r, badRequest("person: the calendar feed is a person's own; you are not a person of this station"))
		return
	}
	secret, err := s.store.FeedSecret(s.now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, feedURLResponse{Person: p.Person,
		Path: "/calendar/" + url.PathEscape(p.Person) + "/" + policy.FeedToken(secret, p.Person) + ".ics"})
}

// handleRotaFeed: GET /calendar/{person}/{token}.ics is the person's
// shifts from a week ago to twelve weeks ahead as iCalendar. A wrong
// token is a 404, as if there were no such feed.
func (s *Server) handleRotaFeed(w http.ResponseWriter, r *http.Request) {
	person := r.PathValue("person")
	token, ok := strings.CutSuffix(r.PathValue("token"), ".ics")
	pol := s.policy()
	secret, err := s.store.FeedSecret(s.now())
	if err != nil {
		s.log.Error("calendar feed secret", "err", err)
		http.Error(w, "the calendar is unavailable", http.StatusInternalServerError)
		return
	}
	if !ok || pol.People[person] == nil || !policy.ValidFeedToken(secret, person, token) {
		http.NotFound(w, r)
		return
	}
	now := s.now()
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	_, _ = w.Write(pol.ICalendar(person, now.Add(-7*24*time.Hour), now.Add(12*7*24*time.Hour), now))
}
