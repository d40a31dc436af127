package ui

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mauve-alert/mauve/store"
)

// TestPages_Tokens: on /tokens a person makes a token (its secret shown
// that once and working as a bearer token), sees it listed without the
// secret, and revokes it; someone else's token is not theirs to revoke.
func TestPages_Tokens(t *testing.T) {
	st := newPagesStation(t)
	c := st.login()

	empty := st.get(c, "/tokens")
	if empty.status != http.StatusOK || !strings.Contains(empty.body, "You have no API tokens") || !strings.Contains(empty.body, `href="/tokens" aria-current="page"`) {
		t.Fatalf("empty page: got %d:\n%s", empty.status, empty.body)
	}

	made := st.post(c, "/tokens", url.Values{"name": {"laptop <b>"}})
	if made.status != http.StatusCreated {
		t.Fatalf("make: got %d, want 201:\n%s", made.status, made.body)
	}
	m := regexp.MustCompile(`value="([0-9a-f]{64})"[^>]*data-testid="secret"`).FindStringSubmatch(made.body)
	if m == nil {
		t.Fatalf("no secret on the page:\n%s", made.body)
	}
	secret := m[1]
	if strings.Contains(made.body, "laptop <b>") || !strings.Contains(made.body, "laptop &lt;b&gt;") {
		t.Errorf("the name is not escaped:\n%s", made.body)
	}
	if got, err := st.store.TokenPerson(secret, st.Now()); err != nil || got != "johnny" {
		t.Fatalf("the secret shown: got %q, %v, want johnny's token", got, err)
	}

	list := st.get(c, "/tokens")
	id := store.TokenID(secret)
	if !strings.Contains(list.body, id) || strings.Contains(list.body, secret) {
		t.Errorf("list: want ID %s and no secret:\n%s", id, list.body)
	}

	archie, err := st.store.CreateToken("archie", "phone", st.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		form       url.Values
		want       int
		text       string
	}{
		{"no name", "/tokens", url.Values{"name": {"  "}}, http.StatusBadRequest, "say what the token is for"},
		{"long name", "/tokens", url.Values{"name": {strings.Repeat("x", 101)}}, http.StatusBadRequest, "at most 100 characters"},
		{"someone else's", "/tokens/" + store.TokenID(archie) + "/revoke", nil, http.StatusNotFound, "no token " + store.TokenID(archie)},
		{"unknown", "/tokens/nope/revoke", nil, http.StatusNotFound, "no token nope"},
		{"revoke", "/tokens/" + id + "/revoke", nil, http.StatusOK, "token " + id + " revoked"},
		{"revoke again", "/tokens/" + id + "/revoke", nil, http.StatusNotFound, "no token " + id},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := st.post(c, tc.path, tc.form)
			if res.status != tc.want || !strings.Contains(res.body, tc.text) {
				t.Errorf("got %d, want %d saying %q:\n%s", res.status, tc.want, tc.text, res.body)
			}
		})
	}
	if _, err := st.store.TokenPerson(secret, st.Now()); err == nil {
		t.Error("the revoked token still works")
	}
	if _, err := st.store.TokenPerson(archie, st.Now()); err != nil {
		t.Errorf("archie's token: %v", err)
	}
	if res := st.get(st.client(), "/tokens"); res.status != http.StatusSeeOther {
		t.Errorf("logged out: got %d, want a redirect to the login form", res.status)
	}
}
