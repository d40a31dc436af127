package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mauve-alert/mauve/store"
)

// TestAPI_TokensMakeTokensOnlyWhenMadeForIt: a token made without
// may_create_tokens cannot make tokens (API or web form); one made with it
// can, and revoking it revokes what it made, and what those made.
func TestAPI_TokensMakeTokensOnlyWhenMadeForIt(t *testing.T) {
	s := newStation(t)
	pw := basic("johnny", testPassword)
	mk := func(a auth, body string, want int) string {
		t.Helper()
		r := s.do(t, "POST", "/api/v1/tokens", body, a)
		wantStatus(t, r, want)
		if want != http.StatusCreated {
			if !strings.Contains(r.body, "may_create_tokens") {
				t.Errorf("refusal %s does not say why", r.body)
			}
			return ""
		}
		tok, _ := r.json(t)["token"].(string)
		return tok
	}

	plain := mk(pw, `{"name":"script"}`, http.StatusCreated)
	mk(bearer(plain), `{"name":"more"}`, http.StatusForbidden)
	mk(bearer(plain), `{"name":"more","may_create_tokens":true}`, http.StatusForbidden)
	// The web form takes a bearer token too: same rule.
	r := s.form(t, "/tokens", url.Values{"name": {"more"}}, bearer(plain))
	wantStatus(t, r, http.StatusForbidden)

	minter := mk(pw, `{"name":"provisioner","may_create_tokens":true}`, http.StatusCreated)
	child := mk(bearer(minter), `{"name":"child"}`, http.StatusCreated)
	mk(bearer(child), `{"name":"grandchild"}`, http.StatusForbidden)
	minter2 := mk(bearer(minter), `{"name":"sub-provisioner","may_create_tokens":true}`, http.StatusCreated)
	grandchild := mk(bearer(minter2), `{"name":"grandchild"}`, http.StatusCreated)

	list := s.do(t, "GET", "/api/v1/tokens", "", pw)
	wantStatus(t, list, http.StatusOK)
	createdBy := map[string]string{}
	for _, tok := range list.json(t)["tokens"].([]any) {
		m := tok.(map[string]any)
		by, _ := m["created_by"].(string)
		createdBy[m["id"].(string)] = by
	}
	if createdBy[store.TokenID(child)] != store.TokenID(minter) || createdBy[store.TokenID(grandchild)] != store.TokenID(minter2) || createdBy[store.TokenID(plain)] != "" {
		t.Errorf("the list does not record who made each token: %s", list.body)
	}

	rev := s.do(t, "DELETE", "/api/v1/tokens/"+store.TokenID(minter), "", pw)
	wantStatus(t, rev, http.StatusOK)
	if n := rev.json(t)["count"]; n != float64(4) {
		t.Errorf("revoking the provisioner revoked %v tokens, want 4 (it, child, sub-provisioner, grandchild)", n)
	}
	for name, tok := range map[string]string{"provisioner": minter, "child": child, "sub-provisioner": minter2, "grandchild": grandchild} {
		if r := s.do(t, "GET", "/api/v1/me", "", bearer(tok)); r.status != http.StatusUnauthorized {
			t.Errorf("the %s token after its maker was revoked: got %d, want 401", name, r.status)
		}
	}
	wantStatus(t, s.do(t, "GET", "/api/v1/me", "", bearer(plain)), http.StatusOK)
}
