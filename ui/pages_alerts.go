package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui/components"
)

// alertList: GET / shows the alerts grouped by level then subject, with
// filters, search and the bulk action form.
func (p *pages) alertList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v, err := p.listView(q)
	if err != nil {
		p.fail(w, r, "Alerts", err)
		return
	}
	v.Notice = doneNotice(q.Get("did"), q.Get("done"))
	pg := p.page(r, listTitle(v.Raised), true)
	pg.Nav = "alerts"
	p.render(w, r, http.StatusOK, components.Alerts(pg, v))
}

// alertListFragment: GET /fragments/alerts renders the list alone; the
// live-update script swaps it in on every change.
func (p *pages) alertListFragment(w http.ResponseWriter, r *http.Request) {
	v, err := p.listView(r.URL.Query())
	if err != nil {
		p.fail(w, r, "Alerts", err)
		return
	}
	p.render(w, r, http.StatusOK, components.AlertsFragment(p.page(r, "Alerts", false), v))
}

// bulkAction: POST /alerts does one action to every selected alert, each
// through Server.act, then goes back to the list. Refusals are listed
// inline above the list.
func (p *pages) bulkAction(w http.ResponseWriter, r *http.Request) {
	f, err := readActionForm(w, r)
	back, _ := url.ParseQuery(r.PostForm.Get("back"))
	name := r.PostForm.Get("action")
	if name == "suppress" {
		f.For, f.Until = "", r.PostForm.Get("suppress_until")
	}
	var act action
	var req actionRequest
	if err == nil {
		act, req, err = formAction(name, f, p.location())
	}
	var keys []store.Key
	if err == nil {
		for _, v := range r.PostForm["k"] {
			k, ok := components.ParseSelection(v)
			if !ok {
				err = badRequest("bad alert selection %q", v)
				break
			}
			keys = append(keys, k)
		}
		if err == nil && len(keys) == 0 {
			err = badRequest("select at least one alert first, with the boxes beside them")
		}
	}
	status, done := http.StatusOK, 0
	var problems []string
	if err != nil {
		status, _ = statusOf(err)
		problems = append(problems, errText(err))
	} else {
		person := personFrom(r.Context())
		for _, k := range keys {
			if _, aerr := p.s.act(act, k, person, req); aerr != nil {
				st, msg := statusOf(aerr)
				if st >= 500 {
					p.s.log.Error("page bulk action", "action", name, "alert", k, "err", aerr)
				}
				if len(problems) == 0 {
					status = st
				}
				problems = append(problems, k.String()+": "+msg)
				continue
			}
			done++
		}
	}
	if len(problems) == 0 {
		back.Set("did", name)
		back.Set("done", strconv.Itoa(done))
		http.Redirect(w, r, "/?"+back.Encode(), http.StatusSeeOther)
		return
	}
	if done > 0 {
		status = http.StatusOK
	}
	v, lerr := p.listView(back)
	if lerr != nil {
		p.fail(w, r, "Alerts", lerr)
		return
	}
	v.Error = strings.Join(problems, "; ")
	v.Notice = doneNotice(name, strconv.Itoa(done))
	v.Action = f
	pg := p.page(r, listTitle(v.Raised), true)
	pg.Nav = "alerts"
	p.render(w, r, status, components.Alerts(pg, v))
}

// listTitle puts the number of raised, unacknowledged alerts first in the
// list's title, where a tab or a wall screen's title bar shows it.
func listTitle(raised int) string {
	if raised == 0 {
		return "Alerts"
	}
	return "(" + strconv.Itoa(raised) + ") Alerts"
}

func errText(err error) string {
	_, msg := statusOf(err)
	return msg
}

// doneNotice says what a bulk action did, e.g. "Acknowledged 3 alerts.".
func doneNotice(did, done string) string {
	n, err := strconv.Atoi(done)
	if err != nil || n <= 0 {
		return ""
	}
	verb := map[string]string{
		"acknowledge": "Acknowledged", "unacknowledge": "Unacknowledged", "raise": "Raised",
		"clear": "Cleared", "suppress": "Suppressed", "unsuppress": "Unsuppressed", "note": "Added a note to",
	}[did]
	if verb == "" {
		return ""
	}
	if n == 1 {
		return verb + " 1 alert."
	}
	return fmt.Sprintf("%s %d alerts.", verb, n)
}

// listView reads the filter from a query, makes the one List call and
// shapes the result for the page.
func (p *pages) listView(q url.Values) (components.AlertList, error) {
	f := listFilter(q)
	sf := store.Filter{Source: f.Source, Level: store.Level(f.Level), Text: f.Query}
	switch f.State {
	case "raised", "acknowledged", "cleared":
		sf.State = store.State(f.State)
	case "active":
		sf.Active = true
	}
	alerts, err := p.s.store.List(sf)
	if err != nil {
		return components.AlertList{}, fmt.Errorf("list alerts: %w", err)
	}
	return groupAlerts(f, alerts), nil
}

// listFilter reads the list's filters from a query; unknown values fall
// back to the default rather than failing.
func listFilter(q url.Values) components.ListFilter {
	f := components.ListFilter{
		State:  q.Get("state"),
		Level:  q.Get("level"),
		Source: strings.TrimSpace(q.Get("source")),
		Query:  strings.TrimSpace(q.Get("q")),
	}
	switch f.State {
	case "raised", "acknowledged", "cleared", "all":
	default:
		f.State = "active"
	}
	if !store.Level(f.Level).Valid() {
		f.Level = ""
	}
	return f
}
