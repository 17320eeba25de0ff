package server

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"margin/cmd/internal/account"
	"margin/cmd/internal/respond"
	"margin/cmd/internal/store"
)

// tokenRoutes are the routes an API token may call, by their pattern,
// each with the scope it needs. Every other route refuses a token (403),
// token management first of all: a token cannot mint tokens.
var tokenRoutes = map[string]string{
	"POST /api/import": account.ScopeImport,
}

// corsPaths are the paths of tokenRoutes: pages on other sites (the
// bookmarklet runs in them) may call them, with a token and without
// cookies.
var corsPaths = func() map[string]bool {
	m := map[string]bool{}
	for p := range tokenRoutes {
		_, path, _ := strings.Cut(p, " ")
		m[path] = true
	}
	return m
}()

type principalKey struct{}

// tokenPrincipal returns the principal of a request authenticated by an
// API token; false for any other request.
func tokenPrincipal(ctx context.Context) (principal, bool) {
	p, ok := ctx.Value(principalKey{}).(principal)
	return p, ok
}

var (
	badToken = respond.Problem{Status: http.StatusUnauthorized, Code: "bad_token",
		Message: "This API token is not valid: it was revoked, or it is mistyped. Make a new one on your account page."}
	tokenNotHere = respond.Problem{Status: http.StatusForbidden, Code: "token_not_allowed",
		Message: "An API token can only import articles. Sign in to Margin for anything else."}
)

// withTokens routes a request that carries an API token (Authorization:
// Bearer …) straight to mux, authenticated by the token alone: its
// cookies are dropped, and the cross-origin check (next's) is skipped,
// because browsers never attach an Authorization header to a request on
// their own, so a page elsewhere cannot borrow the user's token the way
// it could borrow a cookie. Every other request goes to next. Other
// schemes (Basic, from a proxy in front of Margin) are left alone.
//
// Responses of tokenRoutes carry CORS headers for any origin, without
// credentials: the bookmarklet reads the answer from another site's page.
func (s *Server) withTokens(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if corsPaths[r.URL.Path] {
			allowAnyOrigin(w.Header())
		}
		secret, bearer := bearerSecret(r.Header)
		if !bearer {
			next.ServeHTTP(w, r)
			return
		}
		_, pattern := mux.Handler(r)
		hash, ok := account.TokenHash(secret)
		if !ok {
			refuseToken(w, r, badToken, errors.New("malformed bearer token"))
			return
		}
		tok, err := s.cfg.Store.TokenByHash(r.Context(), hash, time.Now())
		if errors.Is(err, store.ErrNotFound) {
			refuseToken(w, r, badToken, err)
			return
		}
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		scope, allowed := tokenRoutes[pattern]
		if !allowed {
			respond.Error(w, r, tokenNotHere, nil)
			return
		}
		if !slices.Contains(tok.Scopes, scope) {
			respond.Error(w, r, respond.Problem{Status: http.StatusForbidden, Code: "token_scope",
				Message: `This API token may not do this: it lacks the "` + scope + `" scope. Make a token that has it.`}, nil)
			return
		}
		p := principal{UserID: tok.UserID, LimitKey: "token:" + tok.ID}
		r = r.Clone(context.WithValue(r.Context(), principalKey{}, p))
		r.Header.Del("Cookie")
		mux.ServeHTTP(w, r)
	})
}

// maxAuthorization bounds the Authorization header looked at: a token
// is 47 bytes, so anything longer is not one and is not read further.
const maxAuthorization = 256

// bearerSecret returns the credentials of r's Authorization header when
// its scheme is Bearer (in any case, as RFC 9110 has it). bearer is true
// for any Bearer header, well-formed or not; a request with two
// Authorization headers, one of them Bearer, is taken as a bad Bearer
// one, never guessed at.
func bearerSecret(h http.Header) (secret string, bearer bool) {
	vals := h.Values("Authorization")
	if !slices.ContainsFunc(vals, isBearer) {
		return "", false
	}
	if len(vals) > 1 || len(vals[0]) > maxAuthorization {
		return "", true
	}
	return strings.TrimLeft(vals[0][len("Bearer"):], " \t"), true
}

// isBearer reports whether an Authorization header's scheme is Bearer.
func isBearer(v string) bool {
	const scheme = "Bearer"
	return len(v) >= len(scheme) && strings.EqualFold(v[:len(scheme)], scheme) &&
		(len(v) == len(scheme) || v[len(scheme)] == ' ' || v[len(scheme)] == '\t')
}

// refuseToken answers 401 for a token that opens nothing, with the
// challenge RFC 6750 asks for.
func refuseToken(w http.ResponseWriter, r *http.Request, p respond.Problem, err error) {
	w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	respond.Error(w, r, p, err)
}

// allowAnyOrigin lets pages of any origin read the answer, as long as
// they sent no credentials (browsers refuse "*" with cookies).
func allowAnyOrigin(h http.Header) {
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", "Retry-After")
}

// preflight answers a browser's CORS preflight for a token route: POST,
// with an Authorization and a JSON Content-Type header, from anywhere.
// Chromium caps how long it keeps the answer at two hours.
func (s *Server) preflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	allowAnyOrigin(h)
	h.Set("Access-Control-Allow-Methods", "POST")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
	h.Set("Access-Control-Max-Age", "7200")
	// A public page calling Margin on localhost or the LAN: Chromium
	// asks first (Private Network Access).
	if r.Header.Get("Access-Control-Request-Private-Network") == "true" {
		h.Set("Access-Control-Allow-Private-Network", "true")
	}
	w.WriteHeader(http.StatusNoContent)
}
