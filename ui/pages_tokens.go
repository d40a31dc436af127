package ui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui/components"
)

// The API tokens page: a person makes tokens (the secret is shown once,
// in the response to the form, never again), lists them and revokes
// them. Only their own: the page has no way to name another person.

// maxTokenName bounds a token's label.
const maxTokenName = 100

// tokensPage: GET /tokens lists the person's tokens.
func (p *pages) tokensPage(w http.ResponseWriter, r *http.Request) {
	p.renderTokens(w, r, http.StatusOK, components.TokensPage{})
}

// makeToken: POST /tokens makes a token named by the form and shows its
// secret this once.
func (p *pages) makeToken(w http.ResponseWriter, r *http.Request) {
	limitBody(w, r, 16<<10)
	if err := r.ParseForm(); err != nil {
		p.renderTokens(w, r, http.StatusBadRequest, components.TokensPage{Error: "the form could not be read: send it again"})
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	switch {
	case name == "":
		p.renderTokens(w, r, http.StatusBadRequest, components.TokensPage{Error: "name: say what the token is for, e.g. laptop or backup script"})
		return
	case len(name) > maxTokenName:
		p.renderTokens(w, r, http.StatusBadRequest, components.TokensPage{Name: name[:maxTokenName], Error: fmt.Sprintf("name: at most %d characters", maxTokenName)})
		return
	}
	person := personFrom(r.Context())
	pr, _ := principalFrom(r.Context())
	createdBy, err := tokenMaker(pr)
	if err != nil {
		status, msg := statusOf(err)
		p.renderTokens(w, r, status, components.TokensPage{Name: name, Error: msg})
		return
	}
	secret, err := p.s.store.CreateTokenSpec(store.TokenSpec{Person: person, Name: name, CreatedBy: createdBy}, p.s.now())
	if err != nil {
		p.fail(w, r, "API tokens", err)
		return
	}
	p.s.log.Info("token created", "person", person, "name", name, "by", person, "via", pr.Via)
	p.renderTokens(w, r, http.StatusCreated, components.TokensPage{Secret: secret, Made: name})
}

// revokeToken: POST /tokens/{id}/revoke revokes one of the person's
// tokens.
func (p *pages) revokeToken(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := p.s.revokeToken(r, personFrom(r.Context()), id); err != nil {
		status, msg := statusOf(err)
		if status >= 500 {
			p.fail(w, r, "API tokens", err)
			return
		}
		p.renderTokens(w, r, status, components.TokensPage{Error: msg})
		return
	}
	p.renderTokens(w, r, http.StatusOK, components.TokensPage{Notice: "token " + id + " revoked: scripts using it are refused from now on"})
}

func (p *pages) renderTokens(w http.ResponseWriter, r *http.Request, status int, v components.TokensPage) {
	tokens, err := p.s.store.ListTokens(personFrom(r.Context()))
	if err != nil {
		p.fail(w, r, "API tokens", err)
		return
	}
	v.Tokens = tokens
	pg := p.page(r, "API tokens", false)
	pg.Nav = "tokens"
	p.render(w, r, status, components.Tokens(pg, v))
}
