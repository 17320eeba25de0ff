package library

import (
	"context"
	"net/url"
)

// ScopeParam is the query parameter of the address the server hands its
// own prerender of a page: a one-time value naming, on the server only,
// whose library the page is drawn from. The prerender has no request of
// its own to read (no cookies reach it), so this is how a signed-in
// reader's own articles reach their pages. Browsers never see it.
const ScopeParam = "margin-scope"

type scopeKey struct{}

// WithScope returns ctx carrying the scope that the page address u
// names, if any: a Source's lookups under it may see the library of the
// reader the page is for.
func WithScope(ctx context.Context, u *url.URL) context.Context {
	if u == nil {
		return ctx
	}
	v := u.Query().Get(ScopeParam)
	if v == "" {
		return ctx
	}
	return context.WithValue(ctx, scopeKey{}, v)
}

// Scope returns the scope ctx carries, or "".
func Scope(ctx context.Context) string {
	v, _ := ctx.Value(scopeKey{}).(string)
	return v
}
