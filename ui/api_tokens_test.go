package ui_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui"
)

// TestAPI_Tokens: GET /api/v1/tokens lists the requester's tokens without
// secrets; DELETE /api/v1/tokens/{id} revokes one of them, after which it
// no longer logs in; nobody lists or revokes someone else's.
func TestAPI_Tokens(t *testing.T) {
	s := newStation(t)
	a := basic("johnny", testPassword)
	created := s.do(t, "POST", "/api/v1/tokens", `{"name":"laptop"}`, a)
	wantStatus(t, created, 201)
	secret, _ := created.json(t)["token"].(string)
	archie := s.token(t, "archie")

	list := s.do(t, "GET", "/api/v1/tokens", "", a)
	wantStatus(t, list, 200)
	tokens, _ := list.json(t)["tokens"].([]any)
	if len(tokens) != 1 {
		t.Fatalf("got %d tokens in %s, want johnny's one", len(tokens), list.body)
	}
	tok := tokens[0].(map[string]any)
	if tok["id"] != store.TokenID(secret) || tok["name"] != "laptop" || tok["person"] != "johnny" || tok["created"] == nil {
		t.Errorf("got %v, want id %s, name laptop, person johnny, created", tok, store.TokenID(secret))
	}
	for _, bad := range []string{secret, archie} {
		if strings.Contains(list.body, bad) {
			t.Errorf("the list shows a secret: %s", list.body)
		}
	}

	for _, tc := range []struct {
		name, method, path string
		want               int
	}{
		{"list someone else's", "GET", "/api/v1/tokens?person=archie", 403},
		{"revoke someone else's", "DELETE", "/api/v1/tokens/" + store.TokenID(archie), 404},
		{"revoke as someone else", "DELETE", "/api/v1/tokens/" + store.TokenID(secret) + "?person=archie", 403},
		{"revoke a bad id", "DELETE", "/api/v1/tokens/nope", 404},
		{"revoke no id", "DELETE", "/api/v1/tokens", 405},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, tc.method, tc.path, "", a)
			wantStatus(t, r, tc.want)
			if msg, _ := r.json(t)["error"].(string); msg == "" {
				t.Errorf("got no error message in %s", r.body)
			}
		})
	}
	wantStatus(t, s.do(t, "GET", "/api/v1/me", "", bearer(archie)), 200)

	revoke := s.do(t, "DELETE", "/api/v1/tokens/"+store.TokenID(secret), "", bearer(secret))
	wantStatus(t, revoke, 200)
	wantStatus(t, s.do(t, "GET", "/api/v1/me", "", bearer(secret)), 401)
	wantStatus(t, s.do(t, "DELETE", "/api/v1/tokens/"+store.TokenID(secret), "", a), 404)
}

// TestClient_Tokens: the client lists and revokes tokens.
func TestClient_Tokens(t *testing.T) {
	s := newStation(t)
	other := s.token(t, "johnny")
	c, err := ui.NewClient(s.http.URL, s.token(t, "johnny"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	got, err := c.ListTokens(ctx, "")
	if err != nil || len(got) != 2 {
		t.Fatalf("got %+v, %v, want two tokens", got, err)
	}
	if err := c.RevokeToken(ctx, "", store.TokenID(other)); err != nil {
		t.Fatal(err)
	}
	var ue *ui.Error
	if err := c.RevokeToken(ctx, "", store.TokenID(other)); !errors.As(err, &ue) || ue.Status != 404 {
		t.Errorf("revoking twice: got %v, want a 404", err)
	}
	if got, _ := c.ListTokens(ctx, ""); len(got) != 1 {
		t.Errorf("after revoking got %+v, want one token", got)
	}
}
