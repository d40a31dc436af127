package ui_test

import (
	"net/http"
	"testing"
)

// FuzzAPI_ActionBody: no request body makes an action answer 5xx; bad
// input is a 4xx with a message. The seeds run as a normal test.
func FuzzAPI_ActionBody(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `null`, `[]`, `"x"`, `{"for":"2h"}`, `{"for":""}`, `{"for":"0s"}`, `{"for":"1e400h"}`,
		`{"for":"99999999999h"}`, `{"until":"9999-12-31T23:59:59Z"}`, `{"until":"0001-01-01T00:00:00Z"}`,
		`{"for":"2h","until":"2027-01-01T00:00:00Z"}`, `{"mode":"working","for":"1000d"}`, `{"for":"14:00"}`,
		`{"text":"` + string(make([]byte, 5000)) + `"}`, `{"for":"2h"} {"for":"3h"}`, "\xff\xfe", `{"for":null}`,
		`{"for":"2h","note":"\u0000\u202e"}`,
	} {
		f.Add("acknowledge", seed)
		f.Add("suppress", seed)
		f.Add("notes", seed)
	}
	s := newStation(f)
	s.raise(f, "a", "b", "x", "")
	f.Fuzz(func(t *testing.T, action, body string) {
		switch action {
		case "acknowledge", "unacknowledge", "raise", "clear", "suppress", "unsuppress", "notes":
		default:
			action = "acknowledge"
		}
		r := s.do(t, "POST", "/api/v1/alerts/a/b/"+action, body, basic("johnny", testPassword))
		if r.status >= 500 {
			t.Fatalf("POST %s %q: got %d %s, want no 5xx", action, body, r.status, r.body)
		}
		if r.status >= 400 && r.status != http.StatusConflict {
			if msg, _ := r.json(t)["error"].(string); msg == "" {
				t.Errorf("POST %s %q: got %d without a message", action, body, r.status)
			}
		}
	})
}
