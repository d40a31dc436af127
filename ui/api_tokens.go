package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/mauve-alert/mauve/store"
)

// tokenInfoJSON is an API token as GET /api/v1/tokens shows it: never
// its secret.
type tokenInfoJSON struct {
	ID              string    `json:"id"`
	Person          string    `json:"person"`
	Name            string    `json:"name"`
	Created         time.Time `json:"created"`
	MayCreateTokens bool      `json:"may_create_tokens"`
	CreatedBy       string    `json:"created_by,omitempty"` // the ID of the token that made it
}

type tokensResponse struct {
	Tokens []tokenInfoJSON `json:"tokens"`
}

type revokeResponse struct {
	Revoked string `json:"revoked"`
	Person  string `json:"person"`
	// Count is how many tokens went: this one and those made with it.
	Count int `json:"count"`
}

// tokenOwner is whose tokens a request lists or revokes: the requester,
// or (a socket admin only) the person named by ?person=.
func (s *Server) tokenOwner(r *http.Request) (string, error) {
	p, _ := principalFrom(r.Context())
	who := r.URL.Query().Get("person")
	if who == "" {
		who = p.Person
	}
	if who == "" {
		return "", badRequest("person: missing (name the person whose tokens these are with ?person=)")
	}
	if who != p.Person && !p.Admin {
		return "", &apiError{http.StatusForbidden, "only root or the station's user, on the station's socket, may see or revoke someone else's tokens"}
	}
	return who, nil
}

// handleListTokens: GET /api/v1/tokens lists the requester's API tokens.
func (s *Server) handleListTokens(w http.ResponseWriter, r *http.Request) {
	who, err := s.tokenOwner(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	tokens, err := s.store.ListTokens(who)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, tokensResponse{Tokens: toTokensJSON(tokens)})
}

func toTokensJSON(tokens []store.TokenInfo) []tokenInfoJSON {
	out := make([]tokenInfoJSON, len(tokens))
	for i, t := range tokens {
		out[i] = tokenInfoJSON{ID: t.ID, Person: t.Person, Name: t.Name, Created: t.Created.UTC(), MayCreateTokens: t.MayCreateTokens, CreatedBy: t.CreatedBy}
	}
	return out
}

// handleRevokeToken: DELETE /api/v1/tokens/{id} revokes one of the
// requester's tokens. Someone else's token is a 404, as if it did not
// exist.
func (s *Server) handleRevokeToken(w http.ResponseWriter, r *http.Request) {
	who, err := s.tokenOwner(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	id := r.PathValue("id")
	n, err := s.revokeToken(r, who, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, revokeResponse{Revoked: id, Person: who, Count: n})
}

// revokeToken revokes person's token id and those made with it, logging
// who did it; it returns how many went.
func (s *Server) revokeToken(r *http.Request, person, id string) (int, error) {
	n, err := s.store.RevokeToken(person, id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return 0, &apiError{http.StatusNotFound, "no token " + id + " of " + person + " (see the IDs in the token list)"}
		}
		return 0, err
	}
	p, _ := principalFrom(r.Context())
	s.log.Info("token revoked", "person", person, "id", id, "with_tokens_it_made", n-1, "by", p.Person, "via", p.Via)
	return n, nil
}

// TokenInfo is an API token as the station lists it (never its secret).
type TokenInfo = store.TokenInfo

// ListTokens lists the API tokens of person ("" for the caller).
func (c *Client) ListTokens(ctx context.Context, person string) ([]TokenInfo, error) {
	var resp tokensResponse
	if err := c.do(ctx, http.MethodGet, "/api/v1/tokens", personQuery(person), nil, &resp); err != nil {
		return nil, err
	}
	out := make([]TokenInfo, len(resp.Tokens))
	for i, t := range resp.Tokens {
		out[i] = TokenInfo{ID: t.ID, Person: t.Person, Name: t.Name, Created: t.Created, MayCreateTokens: t.MayCreateTokens, CreatedBy: t.CreatedBy}
	}
	return out, nil
}

// RevokeToken revokes the API token id of person ("" for the caller).
func (c *Client) RevokeToken(ctx context.Context, person, id string) error {
	var resp revokeResponse
	return c.do(ctx, http.MethodDelete, "/api/v1/tokens/"+url.PathEscape(id), personQuery(person), nil, &resp)
}

func personQuery(person string) url.Values {
	if person == "" {
		return nil
	}
	return url.Values{"person": {person}}
}
