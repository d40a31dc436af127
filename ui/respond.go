package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/mauve-alert/mauve/store"
)

// apiError is an error whose message is meant for the person who made the
// request, with the status that goes with it.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

// badRequest is a 400 with a message saying what was wrong and what would
// be right.
func badRequest(format string, args ...any) error {
	return &apiError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// errorStatus is the one (read-only) table from domain errors to HTTP statuses. Errors
// not in it (and not an *apiError) are the server's fault: they are logged
// and answered with a short 500.
var errorStatus = []struct {
	err    error
	status int
}{
	{store.ErrNotFound, http.StatusNotFound},
	{store.ErrCleared, http.StatusConflict},
	{errNoCredentials, http.StatusUnauthorized},
}

// statusOf returns the status and public message of err.
func statusOf(err error) (int, string) {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.status, ae.msg
	}
	for _, e := range errorStatus {
		if errors.Is(err, e.err) {
			return e.status, err.Error()
		}
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", mbe.Limit)
	}
	return http.StatusInternalServerError, "internal error; the station's log has the details"
}

// writeError answers with err as JSON {"error": "..."}.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := statusOf(err)
	if status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mauve"`)
	}
	writeJSON(w, status, map[string]string{"error": msg})
}

// writeJSON answers with v as JSON. encoding/json escapes <, > and & so a
// hostile summary cannot become markup even if someone serves it as HTML.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	_ = enc.Encode(v)
}

// maxBody bounds every JSON request body.
const maxBody = 64 << 10

// decodeBody reads a JSON object into v. An empty body leaves v as is.
// Unknown fields, trailing data and wrong types are 400s that name the
// problem.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	limitBody(w, r, maxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return badRequest("malformed JSON body at byte %d: %v", se.Offset, se)
		case errors.As(err, &te):
			return badRequest("field %q must be a %s, not a JSON %s", te.Field, te.Type, te.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			return badRequest("%s in the request body", strings.TrimPrefix(err.Error(), "json: "))
		default:
			return badRequest("malformed JSON body: %v", err)
		}
	}
	if dec.More() {
		return badRequest("malformed JSON body: more than one JSON value")
	}
	return nil
}

// bodyTimeout bounds how long a client may take to send a request body.
// The server has no ReadTimeout, which would also cut event streams.
const bodyTimeout = 30 * time.Second

// limitBody bounds the size of r's body and the time to read it.
func limitBody(w http.ResponseWriter, r *http.Request, max int64) {
	r.Body = http.MaxBytesReader(w, r.Body, max)
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(bodyTimeout)) // not supported by test recorders
}

// parseTime parses an RFC 3339 time, or a date (midnight UTC) when
// dateOK.
func parseTime(field, s string, dateOK bool) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if dateOK {
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return t, nil
		}
		return time.Time{}, badRequest("%s: bad time %q (want RFC 3339 such as 2026-11-25T14:00:00Z, or a date such as 2026-11-25)", field, s)
	}
	return time.Time{}, badRequest("%s: bad time %q (want RFC 3339 such as 2026-11-25T14:00:00Z)", field, s)
}

// parseKey parses "source/id" as people type it in `mauve ack`.
func parseKey(s string) (store.Key, error) {
	src, id, ok := strings.Cut(s, "/")
	if !ok || src == "" || id == "" {
		return store.Key{}, badRequest("bad alert %q (want SOURCE/ID)", s)
	}
	return store.Key{Source: src, ID: id}, nil
}
