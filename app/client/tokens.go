package client

import (
	"context"
	"net/url"
	"time"
)

// Token is a personal API token as the API lists it; its secret is shown
// only once, when it is made.
type Token struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Scopes   []string   `json:"scopes"`
	Created  time.Time  `json:"created"`
	LastUsed *time.Time `json:"last_used"` // nil: never used
}

// ScopeImport lets a token import articles: what the bookmarklet needs.
const ScopeImport = "import"

// CreateToken makes a token named name with the given scopes and returns
// it with its secret. A bad name or scope is a 400 whose Message says
// so; code "too_many_tokens" (409) when the account holds 50.
func (c *Client) CreateToken(ctx context.Context, name string, scopes ...string) (Token, string, error) {
	var out struct {
		Token  Token  `json:"token"`
		Secret string `json:"secret"`
	}
	err := c.call(ctx, "POST", "/api/tokens", struct {
		Name   string   `json:"name"`
		Scopes []string `json:"scopes"`
	}{name, scopes}, &out)
	return out.Token, out.Secret, err
}

// Tokens returns the signed-in user's tokens, newest first.
func (c *Client) Tokens(ctx context.Context) ([]Token, error) {
	var out struct {
		Tokens []Token `json:"tokens"`
	}
	err := c.call(ctx, "GET", "/api/tokens", nil, &out)
	return out.Tokens, err
}

// DeleteToken revokes a token; one that is not the user's, or no longer
// exists, matches library.ErrNotFound.
func (c *Client) DeleteToken(ctx context.Context, id string) error {
	return c.call(ctx, "DELETE", "/api/tokens/"+url.PathEscape(id), nil, nil)
}
