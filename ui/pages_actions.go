package ui

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mauve-alert/mauve/ui/components"
)

// maxForm bounds every browser form body.
const maxForm = 64 << 10

// formAction turns an action form into the API's action and request, so
// a form and a JSON call do exactly the same thing (Server.act). Browser
// forms differ from JSON in two ways: "until" is a datetime-local value in
// the station's zone, and a note-only action sends its text as "note".
// "for" (a duration, or a bare number of hours) is read as JSON's is.
func formAction(name string, f components.ActionForm, loc *time.Location) (action, actionRequest, error) {
	req := actionRequest{Mode: f.Mode, Note: strings.TrimSpace(f.Note)}
	var act action
	switch name {
	case "acknowledge":
		act = actAcknowledge
	case "unacknowledge":
		act = actUnacknowledge
	case "raise":
		act = actRaise
	case "clear":
		act = actClear
	case "suppress":
		act = actSuppress
	case "unsuppress":
		act = actUnsuppress
	case "note", "notes":
		act, req.Text = actNote, req.Note
		if req.Text == "" {
			return act, req, badRequest("write the note first: the note is empty")
		}
	case "":
		return "", req, badRequest("choose an action: acknowledge, unacknowledge, raise, clear, suppress, unsuppress or note")
	default:
		return "", req, badRequest("unknown action %q (want acknowledge, unacknowledge, raise, clear, suppress, unsuppress or note)", name)
	}
	if act == actAcknowledge || act == actSuppress {
		if f.Until != "" {
			until, err := parseLocalTime(f.Until, loc)
			if err != nil {
				return act, req, err
			}
			req.Until = until.Format(time.RFC3339)
		}
		req.For = strings.TrimSpace(f.For) // Server.act reads it with policy.ParseFor, bare hours and all
		if act == actSuppress && req.Until == "" && req.For == "" {
			return act, req, badRequest("hold notifications for how long? Give hours in \"For\" or a time in \"Until\"")
		}
	}
	return act, req, nil
}

// parseLocalTime reads a datetime-local value ("2026-11-25T14:00", with
// optional seconds) in the station's zone.
func parseLocalTime(s string, loc *time.Location) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(s), loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, badRequest("until: %q is not a time (want a date and time such as 2026-11-25T14:00)", s)
}

// readActionForm parses an action form's fields.
func readActionForm(w http.ResponseWriter, r *http.Request) (components.ActionForm, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return components.ActionForm{}, badRequest("the form could not be read: %v", err)
	}
	f := components.ActionForm{
		For:   r.PostForm.Get("for"),
		Mode:  r.PostForm.Get("mode"),
		Until: r.PostForm.Get("until"),
		Note:  r.PostForm.Get("note"),
	}
	if q := r.PostForm.Get("quick"); q != "" {
		// A one-tap button: its duration wins over the typed fields.
		f.For, f.Until = q, ""
	}
	return f, nil
}

// shortDuration writes a duration as people say it: "1h", "90m", "2d".
func shortDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	default:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
}
