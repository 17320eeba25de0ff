package server

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"margin/cmd/internal/account"
	"margin/cmd/internal/respond"
	"margin/cmd/internal/store"
)

// accountBodyLimit bounds the body of every account request: a name and
// two passwords of at most 1 KiB each, with room to spare.
const accountBodyLimit = 16 << 10

// userJSON is a user as the API shows it.
type userJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type userAnswer struct {
	User userJSON `json:"user"`
}

func answerUser(u store.User) userAnswer { return userAnswer{userJSON{u.ID, u.Name}} }

// credentials is the body of sign-up and sign-in.
type credentials struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

var (
	badCredentials = respond.Problem{Status: http.StatusUnauthorized, Code: "bad_credentials",
		Message: "The name or the password is wrong."}
	wrongPassword = respond.Problem{Status: http.StatusForbidden, Code: "wrong_password",
		Message: "The password is wrong."}
)

// signUp creates an account and signs it in.
func (s *Server) signUp(w http.ResponseWriter, r *http.Request) {
	if s.cfg.SignupClosed {
		respond.Error(w, r, respond.Problem{Status: http.StatusForbidden, Code: "signup_closed",
			Message: "This server does not take new accounts. Ask its operator for one."}, nil)
		return
	}
	var c credentials
	if !respond.DecodeJSON(w, r, accountBodyLimit, &c) {
		return
	}
	if err := account.CheckName(c.Name); err != nil {
		respond.Error(w, r, respond.Problem{Status: http.StatusBadRequest, Code: "bad_name", Message: err.Error()}, err)
		return
	}
	if err := account.CheckPassword(c.Password); err != nil {
		respond.Error(w, r, respond.Problem{Status: http.StatusBadRequest, Code: "bad_password", Message: err.Error()}, err)
		return
	}
	hash, err := s.cfg.Hasher.Hash(r.Context(), c.Password)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	u, err := s.cfg.Store.CreateUser(r.Context(), c.Name, hash)
	if errors.Is(err, store.ErrExists) {
		respond.Error(w, r, respond.Problem{Status: http.StatusConflict, Code: "name_taken",
			Message: "That name is taken. Choose another."}, err)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if err := s.rotateSession(w, r, u.ID); err != nil {
		s.storeError(w, r, err)
		return
	}
	s.log.Info("account created", "user", u.ID, "addr", s.clientAddress(r))
	respond.JSON(w, http.StatusCreated, answerUser(u))
}

// signIn checks a name and password and starts a new session in place
// of the one the browser had.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	var c credentials
	if !respond.DecodeJSON(w, r, accountBodyLimit, &c) {
		return
	}
	u, ok := s.checkPassword(w, r, c.Name, "", c.Password, badCredentials)
	if !ok {
		return
	}
	if err := s.rotateSession(w, r, u.ID); err != nil {
		s.storeError(w, r, err)
		return
	}
	respond.JSON(w, http.StatusOK, answerUser(u))
}

// rotateSession ends the session the browser had, if any, and starts a
// new one for userID: a session id known before sign-in (planted, or
// seen on a shared computer) is worthless after it.
func (s *Server) rotateSession(w http.ResponseWriter, r *http.Request, userID string) error {
	if err := s.endSession(r); err != nil {
		return err
	}
	return s.startSession(w, r, userID)
}

// endSession ends the session r's cookie names, if any, and closes its
// event streams. A session that has already ended is no error.
func (s *Server) endSession(r *http.Request) error {
	hash, ok := s.sessionHash(r)
	if !ok {
		return nil
	}
	if err := s.cfg.Store.DeleteSession(r.Context(), hash); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	s.hub.closeSession(hash)
	return nil
}

// checkPassword finds the account named name (or with id userID) and
// checks password against it, counting the attempt against the account
// and the client's address. When the check fails it answers, with wrong
// for a wrong name or password, and returns false.
func (s *Server) checkPassword(w http.ResponseWriter, r *http.Request, name, userID, password string, wrong respond.Problem) (store.User, bool) {
	ctx := r.Context()
	var u store.User
	var err error
	if userID != "" {
		if u, err = s.cfg.Store.UserByID(ctx, userID); err != nil {
			s.storeError(w, r, err) // ErrNotFound: the account has gone, signed out
			return u, false
		}
		name = u.Name
	}
	acct, addr := strings.ToLower(name), s.clientAddress(r)
	if len(acct) > account.MaxName {
		acct = acct[:account.MaxName]
	}
	now := time.Now()
	if wait, first := s.accountLimits.Take(acct, now); wait > 0 {
		s.refuseAttempt(w, r, wait, first, "account", name)
		return u, false
	}
	if wait, first := s.addressLimits.Take(addr, now); wait > 0 {
		s.accountLimits.Refund(acct)
		s.refuseAttempt(w, r, wait, first, "address", addr)
		return u, false
	}
	if userID == "" {
		if account.CheckName(name) != nil {
			// No account can have this name, and the rules are public:
			// answering at once tells nothing.
			respond.Error(w, r, wrong, errors.New("malformed name"))
			return u, false
		}
		u, err = s.cfg.Store.UserByName(ctx, name)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			s.accountLimits.Refund(acct)
			s.addressLimits.Refund(addr)
			s.storeError(w, r, err)
			return u, false
		}
	}
	// For an unknown name, u.PasswordHash is empty and Verify checks a
	// dummy hash: the answer takes as long as for a wrong password.
	ok, err := s.cfg.Hasher.Verify(ctx, u.PasswordHash, password)
	if err != nil {
		s.accountLimits.Refund(acct)
		s.addressLimits.Refund(addr)
		s.storeError(w, r, err)
		return u, false
	}
	if !ok {
		respond.Error(w, r, wrong, errors.New("wrong name or password"))
		return u, false
	}
	s.accountLimits.Forget(acct)
	s.addressLimits.Refund(addr)
	if s.cfg.Hasher.NeedsRehash(u.PasswordHash) {
		s.rehash(ctx, u.ID, password)
	}
	return u, true
}

// refuseAttempt answers a sign-in attempt refused by a limiter, and logs
// the first refusal of each lock-out.
func (s *Server) refuseAttempt(w http.ResponseWriter, r *http.Request, wait time.Duration, first bool, by, key string) {
	if first {
		s.log.Warn("security: sign-in attempts locked out", "by", by, "key", key,
			"addr", s.clientAddress(r), "for", wait.Round(time.Second))
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	respond.Error(w, r, respond.Problem{Status: http.StatusTooManyRequests, Code: "rate_limited",
		Message: "Too many sign-in attempts. Wait a minute and try again."}, nil)
}

// rehash stores a fresh hash of a password that was hashed with weaker
// parameters than today's. Failing is harmless: the old hash still works.
func (s *Server) rehash(ctx context.Context, userID, password string) {
	hash, err := s.cfg.Hasher.Hash(ctx, password)
	if err == nil {
		err = s.cfg.Store.SetPassword(ctx, userID, hash)
	}
	if err != nil {
		s.log.Warn("rehash password", "user", userID, "err", err)
	}
}

// whoAmI answers the signed-in user.
func (s *Server) whoAmI(w http.ResponseWriter, r *http.Request, sess store.Session) {
	u, err := s.cfg.Store.UserByID(r.Context(), sess.UserID)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	respond.JSON(w, http.StatusOK, answerUser(u))
}

// signOut ends the request's session, if it has one; with ?erase=1 it
// also asks the browser to erase what the site stored on the device.
// Signing out twice is not an error.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if err := s.endSession(r); err != nil {
		s.storeError(w, r, err)
		return
	}
	s.clearSession(w, r)
	if r.URL.Query().Get("erase") == "1" {
		w.Header().Set("Clear-Site-Data", `"cache", "storage"`)
	}
	w.WriteHeader(http.StatusNoContent)
}

// changePassword sets a new password and ends the user's other sessions.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, sess store.Session) {
	var body struct {
		Password    string `json:"password"`
		NewPassword string `json:"new_password"`
	}
	if !respond.DecodeJSON(w, r, accountBodyLimit, &body) {
		return
	}
	if err := account.CheckPassword(body.NewPassword); err != nil {
		respond.Error(w, r, respond.Problem{Status: http.StatusBadRequest, Code: "bad_password", Message: err.Error()}, err)
		return
	}
	if _, ok := s.checkPassword(w, r, "", sess.UserID, body.Password, wrongPassword); !ok {
		return
	}
	hash, err := s.cfg.Hasher.Hash(r.Context(), body.NewPassword)
	if err == nil {
		err = s.cfg.Store.SetPassword(r.Context(), sess.UserID, hash)
	}
	if err == nil {
		err = s.cfg.Store.DeleteSessions(r.Context(), sess.UserID, sess.Hash)
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.hub.closeUser(sess.UserID, sess.Hash)
	s.log.Info("password changed", "user", sess.UserID, "addr", s.clientAddress(r))
	w.WriteHeader(http.StatusNoContent)
}

// deleteAccount deletes the user and all their data, once they confirm
// with their password.
func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request, sess store.Session) {
	var body struct {
		Password string `json:"password"`
	}
	if !respond.DecodeJSON(w, r, accountBodyLimit, &body) {
		return
	}
	if _, ok := s.checkPassword(w, r, "", sess.UserID, body.Password, wrongPassword); !ok {
		return
	}
	if err := s.cfg.Store.DeleteUser(r.Context(), sess.UserID); err != nil {
		s.storeError(w, r, err)
		return
	}
	s.hub.closeUser(sess.UserID, "")
	s.clearSession(w, r)
	s.log.Info("account deleted", "user", sess.UserID, "addr", s.clientAddress(r))
	w.WriteHeader(http.StatusNoContent)
}
