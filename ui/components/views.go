package components

import (
	"time"

	"github.com/a-h/templ"

	"github.com/mauve-alert/mauve/store"
)

// Page is what every page's layout needs.
type Page struct {
	Title  string
	Person string    // the logged-in person; "" on the login page
	Now    time.Time // the moment the page is rendered, in the station's zone
	// Present lists the people whose live clients are connected. Nil means
	// the station does not know (the slot is left out); empty means nobody.
	Present []string
	// Live turns on the live-update script for the page.
	Live bool
	// Nav names the navigation entry this page is ("alerts", "history"),
	// marked aria-current for screen readers and styled as current.
	Nav string
}

// LoginView is the login form.
type LoginView struct {
	Username string // refilled after a failed attempt
	Next     string // where to go after logging in; "" is the alert list
	Error    string // inline message after a failed attempt
}

// ListFilter is the alert list's filters as the person chose them. The
// values are the raw query parameters so the form can be refilled.
type ListFilter struct {
	State  string // "active" (raised or acknowledged), "raised", "acknowledged", "cleared" or "all"
	Level  string // "", "urgent", "normal" or "low"
	Source string
	Query  string // free text search
}

// Encode returns the filter as a URL query string, without "?".
func (f ListFilter) Encode() string {
	return encodeQuery("state", f.State, "level", f.Level, "source", f.Source, "q", f.Query)
}

// AlertList is the alert list page and its live fragment.
type AlertList struct {
	Filter ListFilter
	Levels []LevelGroup // urgent, normal, low; empty groups left out
	Total  int          // alerts shown
	Raised int          // of those, raised and not acknowledged: the tab title's count
	Notice string       // outcome of a bulk action
	Error  string       // inline error of a bulk action
	Action ActionForm   // refill of the bulk action form
}

// LevelGroup is one level's alerts, grouped by subject.
type LevelGroup struct {
	Level    string
	Count    int
	Subjects []SubjectGroup
}

// SubjectGroup is the alerts of one subject within a level.
type SubjectGroup struct {
	Subject string
	Alerts  []*store.Alert // pointers into the store's list: no copies
}

// ActionForm is what a person typed into an action form, to refill it
// after an error.
type ActionForm struct {
	For   string // duration, e.g. "2h" or "2"
	Mode  string // "wallclock", "daytime" or "working"
	Until string // datetime-local value
	Note  string
}

// AlertPage is one alert with its history and action forms.
type AlertPage struct {
	Alert   store.Alert
	Detail  templ.Component // sanitized detail HTML
	History []store.Event   // oldest first
	// AckDefault is the group's acknowledgement time shown as the default
	// of the acknowledge form, e.g. "1h".
	AckDefault string
	// Error is an inline message for the form named by ErrorAction.
	Error       string
	ErrorAction string
	Form        ActionForm
}

// HistoryQuery is the history search form's raw values.
type HistoryQuery struct {
	From, To string // datetime-local values
	Source   string
	Subject  string
	Text     string
}

// HistoryPage is the history search page.
type HistoryPage struct {
	Query  HistoryQuery
	Events []store.Event
	Limit  int    // the most events shown; when len(Events) == Limit there may be more
	Error  string // inline message for a bad query
	// Calendar is the raises per day over a month or week, shown above
	// the events; nil leaves it out.
	Calendar *Calendar
}
