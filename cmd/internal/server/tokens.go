package server

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"margin/cmd/internal/account"
	"margin/cmd/internal/respond"
	"margin/cmd/internal/store"
)

// tokenBodyLimit bounds the body of a token's creation: a name of at
// most 100 characters and a scope or two.
const tokenBodyLimit = 4 << 10

// tokenJSON is a token as the API shows it: never its secret or hash.
type tokenJSON struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Scopes   []string   `json:"scopes"`
	Created  time.Time  `json:"created"`
	LastUsed *time.Time `json:"last_used"` // null: never used
}

func answerToken(t store.Token) tokenJSON {
	out := tokenJSON{ID: t.ID, Name: t.Name, Scopes: t.Scopes, Created: t.Created}
	if out.Scopes == nil {
		out.Scopes = []string{}
	}
	if !t.LastUsed.IsZero() {
		used := t.LastUsed
		out.LastUsed = &used
	}
	return out
}

// createToken makes an API token for the signed-in user and answers its
// record and its secret, which is never shown again.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request, sess store.Session) {
	var in struct {
		Name   string   `json:"name"`
		Scopes []string `json:"scopes"`
	}
	if !respond.DecodeJSON(w, r, tokenBodyLimit, &in) {
		return
	}
	name := strings.TrimSpace(in.Name)
	if err := account.CheckTokenName(name); err != nil {
		respond.Error(w, r, respond.Problem{Status: http.StatusBadRequest, Code: "bad_name", Message: err.Error()}, err)
		return
	}
	scopes, err := account.CheckScopes(in.Scopes)
	if err != nil {
		respond.Error(w, r, respond.Problem{Status: http.StatusBadRequest, Code: "bad_scope", Message: err.Error()}, err)
		return
	}
	secret, hash := account.NewToken()
	tok, err := s.cfg.Store.CreateToken(r.Context(), store.Token{UserID: sess.UserID, Name: name, Hash: hash,
		Scopes: scopes, Created: time.Now()}, account.MaxTokens)
	if errors.Is(err, store.ErrTooMany) {
		respond.Error(w, r, respond.Problem{Status: http.StatusConflict, Code: "too_many_tokens",
			Message: "You have 50 API tokens, as many as an account may hold. Revoke one you no longer use first."}, err)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.log.Info("token created", "user", sess.UserID, "token", tok.ID, "scopes", scopes)
	respond.JSON(w, http.StatusCreated, struct {
		Token  tokenJSON `json:"token"`
		Secret string    `json:"secret"`
	}{answerToken(tok), secret})
}

// listTokens answers the signed-in user's tokens, newest first.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, sess store.Session) {
	list, err := s.cfg.Store.Tokens(r.Context(), sess.UserID)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	out := make([]tokenJSON, len(list))
	for i, t := range list {
		out[i] = answerToken(t)
	}
	respond.JSON(w, http.StatusOK, struct {
		Tokens []tokenJSON `json:"tokens"`
	}{out})
}

// deleteToken revokes one of the signed-in user's tokens. Another
// user's token is answered as one that does not exist.
func (s *Server) deleteToken(w http.ResponseWriter, r *http.Request, sess store.Session) {
	id := r.PathValue("id")
	err := s.cfg.Store.DeleteToken(r.Context(), sess.UserID, id)
	if errors.Is(err, store.ErrNotFound) {
		respond.Error(w, r, respond.NotFound("token"), err)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.log.Info("token revoked", "user", sess.UserID, "token", id)
	w.WriteHeader(http.StatusNoContent)
}
