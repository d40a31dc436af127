package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// action is one thing a person can do to an alert.
type action string

// The actions, named as in their URLs and in bulk requests.
const (
	actAcknowledge   action = "acknowledge"
	actUnacknowledge action = "unacknowledge"
	actRaise         action = "raise"
	actClear         action = "clear"
	actSuppress      action = "suppress"
	actUnsuppress    action = "unsuppress"
	actNote          action = "notes"
)

// actionRequest is the body of every action; each action reads the fields
// it needs. For acknowledge: for (a duration, default the group's
// acknowledgement_time) counted in mode (wallclock, daytime or working), or
// until (RFC 3339); for suppress: for or until; for notes: text.
type actionRequest struct {
	For   string `json:"for,omitempty"`
	Mode  string `json:"mode,omitempty"`
	Until string `json:"until,omitempty"`
	Note  string `json:"note,omitempty"`
	Text  string `json:"text,omitempty"`
}

const maxNote = 4096

// handleAlertAction: POST /api/v1/alerts/{source}/{id}/{action}
func (s *Server) handleAlertAction(act action) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req actionRequest
		if err := decodeBody(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		a, err := s.act(act, pathKey(r), personFrom(r.Context()), req)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, s.alertJSON(a))
	})
}

type bulkRequest struct {
	Action action   `json:"action"`
	Alerts []string `json:"alerts"`
	actionRequest
}

type bulkResult struct {
	Alert  string     `json:"alert"`
	Status int        `json:"status"`
	Error  string     `json:"error,omitempty"`
	Result *alertJSON `json:"result,omitempty"`
}

// handleBulkAction: POST /api/v1/alerts/actions does one action to several
// alerts. The request is refused whole when malformed; otherwise each
// alert gets its own status (200, 404, 409, 400) in "results".
func (s *Server) handleBulkAction(w http.ResponseWriter, r *http.Request) {
	var req bulkRequest
	if err := decodeBody(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	switch req.Action {
	case actAcknowledge, actUnacknowledge, actRaise, actClear, actSuppress, actUnsuppress, actNote:
	case "":
		s.writeError(w, r, badRequest("action: missing (want acknowledge, unacknowledge, raise, clear, suppress, unsuppress or notes)"))
		return
	default:
		s.writeError(w, r, badRequest("action: unknown action %q (want acknowledge, unacknowledge, raise, clear, suppress, unsuppress or notes)", req.Action))
		return
	}
	if len(req.Alerts) == 0 {
		s.writeError(w, r, badRequest("alerts: missing (want a list of SOURCE/ID)"))
		return
	}
	keys := make([]store.Key, len(req.Alerts))
	for i, k := range req.Alerts {
		key, err := parseKey(k)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		keys[i] = key
	}
	person := personFrom(r.Context())
	results := make([]bulkResult, len(keys))
	for i, k := range keys {
		results[i] = bulkResult{Alert: k.String(), Status: http.StatusOK}
		a, err := s.act(req.Action, k, person, req.actionRequest)
		if err != nil {
			results[i].Status, results[i].Error = statusOf(err)
			if results[i].Status >= 500 {
				s.log.Error("bulk action", "action", req.Action, "alert", k, "err", err)
			}
			continue
		}
		j := s.alertJSON(a)
		results[i].Result = &j
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": results})
}

// act validates req for act and makes the one store call it needs.
func (s *Server) act(act action, k store.Key, person string, req actionRequest) (store.Alert, error) {
	if len(req.Note) > maxNote || len(req.Text) > maxNote {
		return store.Alert{}, badRequest("note: longer than %d bytes", maxNote)
	}
	now := s.now()
	var a store.Alert
	var err error
	switch act {
	case actAcknowledge:
		var until time.Time
		if until, err = s.ackUntil(k, req, now); err != nil {
			return store.Alert{}, err
		}
		a, err = s.store.Acknowledge(k, person, until, req.Note, now)
	case actUnacknowledge:
		a, err = s.store.Unacknowledge(k, person, req.Note, now)
	case actRaise:
		a, err = s.store.Raise(k, person, req.Note, now)
	case actClear:
		a, err = s.store.Clear(k, person, req.Note, now)
	case actSuppress:
		var until time.Time
		if until, err = suppressUntil(req, now); err != nil {
			return store.Alert{}, err
		}
		a, err = s.store.Suppress(k, person, until, req.Note, now)
	case actUnsuppress:
		a, err = s.store.Unsuppress(k, person, req.Note, now)
	case actNote:
		text := strings.TrimSpace(req.Text)
		if text == "" {
			text = strings.TrimSpace(req.Note)
		}
		if text == "" {
			return store.Alert{}, badRequest("text: missing (the note to add)")
		}
		a, err = s.store.AddNote(k, person, text, now)
	default:
		return store.Alert{}, badRequest("unknown action %q", act)
	}
	if err != nil {
		return store.Alert{}, actionError(act, k, err)
	}
	return a, nil
}

// ackUntil asks the policy when an acknowledgement ends: for a duration
// counted in mode (wallclock, daytime or working hours), or until a time;
// by default the group's acknowledgement_time; capped by
// max_acknowledgement.
func (s *Server) ackUntil(k store.Key, req actionRequest, now time.Time) (time.Time, error) {
	spec := req.For
	if req.Until != "" {
		if req.For != "" {
			return time.Time{}, badRequest("give either for or until, not both")
		}
		spec = req.Until
	}
	a, err := s.store.Get(k)
	if err != nil {
		return time.Time{}, actionError(actAcknowledge, k, err)
	}
	if a.State == store.StateCleared {
		return time.Time{}, actionError(actAcknowledge, k, store.ErrCleared)
	}
	until, err := s.policy().AcknowledgeUntil(a, spec, req.Mode, now)
	if err != nil {
		return time.Time{}, badRequest("%v", err)
	}
	return until, nil
}

func suppressUntil(req actionRequest, now time.Time) (time.Time, error) {
	switch {
	case req.Until != "" && req.For != "":
		return time.Time{}, badRequest("give either for or until, not both")
	case req.Until != "":
		until, err := parseTime("until", req.Until, false)
		if err != nil {
			return time.Time{}, err
		}
		if !until.After(now) {
			return time.Time{}, badRequest("until: %s is not in the future", req.Until)
		}
		return until, nil
	case req.For != "":
		d, err := policy.ParseFor(req.For)
		if err != nil {
			return time.Time{}, badRequest("for: %v", err)
		}
		if d <= 0 {
			return time.Time{}, badRequest("for: %q: a suppression must last longer than zero", req.For)
		}
		return now.Add(d), nil
	default:
		return time.Time{}, badRequest("suppress needs for (a duration such as 2h) or until (RFC 3339)")
	}
}

// actionError names the alert in not-found and cleared errors.
func actionError(act action, k store.Key, err error) error {
	switch {
	case isNotFound(err):
		return &apiError{http.StatusNotFound, "no alert " + k.String()}
	case errors.Is(err, store.ErrCleared):
		return &apiError{http.StatusConflict, fmt.Sprintf("cannot %s %s: it is cleared", strings.TrimSuffix(string(act), "s"), k)}
	}
	return err
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
