package ui

import (
	"net/http"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui/components"
)

// alertPage: GET /alerts/{source}/{id} shows one alert with its sanitized
// detail, notes, action forms and history. With ?fragment=1 it renders
// the page body alone, for live updates.
func (p *pages) alertPage(w http.ResponseWriter, r *http.Request) {
	k := pathKey(r)
	v, err := p.alertView(k)
	if err != nil {
		p.fail(w, r, "No such alert", notFound(k, err))
		return
	}
	pg := p.page(r, alertTitle(v.Alert), true)
	if r.URL.Query().Get("fragment") != "" {
		p.render(w, r, http.StatusOK, components.AlertBody(pg, v))
		return
	}
	p.render(w, r, http.StatusOK, components.Alert(pg, v))
}

// alertAction: POST /alerts/{source}/{id}/{action} does one action through
// Server.act, the same call as the API's, then shows the alert again. A
// refused action (unknown or cleared alert, bad duration, missing field)
// re-renders the page with the message beside the form and a 4xx.
func (p *pages) alertAction(w http.ResponseWriter, r *http.Request) {
	k := pathKey(r)
	name := r.PathValue("action")
	f, err := readActionForm(w, r)
	if err == nil {
		var act action
		var req actionRequest
		act, req, err = formAction(name, f, p.location())
		if err == nil {
			_, err = p.s.act(act, k, personFrom(r.Context()), req)
		}
	}
	if err == nil {
		http.Redirect(w, r, components.AlertPath(k.Source, k.ID), http.StatusSeeOther)
		return
	}
	status, msg := statusOf(err)
	if status >= 500 {
		p.s.log.Error("page action", "action", name, "alert", k, "err", err)
	}
	v, verr := p.alertView(k)
	if verr != nil {
		// The alert itself is gone (or never was): say so on its own.
		p.fail(w, r, "No such alert", notFound(k, verr))
		return
	}
	v.Error, v.ErrorAction, v.Form = msg, name, f
	p.render(w, r, status, components.Alert(p.page(r, alertTitle(v.Alert), true), v))
}

// alertTitle names an alert in the browser's title bar and tabs.
func alertTitle(a store.Alert) string {
	if a.Summary != "" {
		return a.Summary
	}
	return a.Source + "/" + a.ID
}

// alertView reads an alert and its history into the page's view model.
func (p *pages) alertView(k store.Key) (components.AlertPage, error) {
	a, err := p.s.store.Get(k)
	if err != nil {
		return components.AlertPage{}, err
	}
	h, err := p.s.store.History(k)
	if err != nil {
		return components.AlertPage{}, err
	}
	return components.AlertPage{
		Alert:      a,
		Detail:     storedDetail(a.Detail),
		History:    h,
		AckDefault: p.ackDefault(a.Group),
	}, nil
}

// ackDefault is the acknowledgement the alert's group offers by default.
func (p *pages) ackDefault(group string) string {
	pol := p.s.policy()
	if pol == nil {
		return ""
	}
	for _, g := range pol.Groups {
		if g.Name == group {
			return shortDuration(g.AcknowledgementTime)
		}
	}
	return ""
}
