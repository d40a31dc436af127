package ui

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui/components"
)

// historyLimit is the most events the history page shows at once.
const historyLimit = 500

// historyPage: GET /history searches events across alerts by time range,
// source, subject and text, newest first, under a calendar of the raises
// per day (pages_calendar.go). A bad time, month or week is an inline
// message with a 400, never a 500.
func (p *pages) historyPage(w http.ResponseWriter, r *http.Request) {
	qv := r.URL.Query()
	hq := components.HistoryQuery{
		From:    strings.TrimSpace(qv.Get("from")),
		To:      strings.TrimSpace(qv.Get("to")),
		Source:  strings.TrimSpace(qv.Get("source")),
		Subject: strings.TrimSpace(qv.Get("subject")),
		Text:    strings.TrimSpace(qv.Get("text")),
	}
	v := components.HistoryPage{Query: hq, Limit: historyLimit}
	pg := p.page(r, "History", false)
	pg.Nav = "history"
	cal, status, err := p.historyCalendar(qv, pg.Now)
	if err != nil {
		p.fail(w, r, "History", err)
		return
	}
	v.Calendar = cal
	sq, err := historyQuery(hq, p.location())
	if err != nil {
		status, msg := statusOf(err)
		v.Error = msg
		p.render(w, r, status, components.History(pg, v))
		return
	}
	v.Events, err = p.s.store.SearchHistory(sq)
	if err != nil {
		p.fail(w, r, "History", fmt.Errorf("search history: %w", err))
		return
	}
	p.render(w, r, status, components.History(pg, v))
}

// historyQuery turns the form into the store's query; times are read in
// the station's zone.
func historyQuery(hq components.HistoryQuery, loc *time.Location) (store.HistoryQuery, error) {
	q := store.HistoryQuery{Source: hq.Source, Subject: hq.Subject, Text: hq.Text, Limit: historyLimit}
	var err error
	if hq.From != "" {
		if q.From, err = parseLocalTime(hq.From, loc); err != nil {
			return q, badRequest("from: %q is not a time (want a date and time such as 2026-11-25T14:00)", hq.From)
		}
	}
	if hq.To != "" {
		if q.To, err = parseLocalTime(hq.To, loc); err != nil {
			return q, badRequest("to: %q is not a time (want a date and time such as 2026-11-25T14:00)", hq.To)
		}
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return q, badRequest("to (%s) is before from (%s): swap them", hq.To, hq.From)
	}
	return q, nil
}
