package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"margin/cmd/internal/account"
	"margin/cmd/internal/respond"
	"margin/cmd/internal/store"
)

// Session cookie names. Browsers keep a __Host- cookie only if it is
// Secure, has Path=/ and no Domain, so no other site or subdomain can
// plant or widen it; they accept Secure cookies over https and on
// localhost, so the prefixed name is used whenever the browser will
// take it and the plain one (for http on a LAN address) otherwise.
const (
	sessionCookieSecure = "__Host-margin_session"
	sessionCookiePlain  = "margin_session"
)

// secureContext reports whether the browser that sent r treats the page
// as a secure context: https (directly, or as a trusted proxy or
// PublicURL says), or a loopback host.
func (s *Server) secureContext(r *http.Request) bool {
	if s.isHTTPS(r) || strings.HasPrefix(s.cfg.PublicURL, "https://") {
		return true
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sessionCookieName is the session cookie's name in a secure context
// or not.
func sessionCookieName(secure bool) string {
	if secure {
		return sessionCookieSecure
	}
	return sessionCookiePlain
}

// sessionCookie sends the session cookie with value, kept until
// expires; a zero expires tells the browser to forget it.
func (s *Server) sessionCookie(w http.ResponseWriter, r *http.Request, value string, expires time.Time) {
	secure := s.secureContext(r)
	maxAge := -1
	if !expires.IsZero() {
		maxAge = int(time.Until(expires).Seconds())
	}
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookieName(secure),
		Value:    value,
		Path:     "/",
		Expires:  expires,
		MaxAge:   maxAge,
		Secure:   secure,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	})
}

// clearSession tells the browser to forget its session cookie.
func (s *Server) clearSession(w http.ResponseWriter, r *http.Request) {
	s.sessionCookie(w, r, "", time.Time{})
}

// sessionHash returns the hash of the session r's cookie names, if it
// carries a well-formed one.
func (s *Server) sessionHash(r *http.Request) (string, bool) {
	c, err := r.Cookie(sessionCookieName(s.secureContext(r)))
	if err != nil {
		return "", false
	}
	return account.SessionHash(c.Value)
}

// startSession creates a session for userID and sends its cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, userID string) error {
	cookie, hash := account.NewSession()
	now := time.Now()
	sess := store.Session{Hash: hash, UserID: userID, Created: now, Expires: now.Add(account.SessionTTL), LastSeen: now}
	if err := s.cfg.Store.CreateSession(r.Context(), sess); err != nil {
		return err
	}
	s.sessionCookie(w, r, cookie, sess.Expires)
	return nil
}

// signedOut is the answer to a request that needs a session and has
// none.
var signedOut = respond.Problem{Status: http.StatusUnauthorized, Code: "signed_out",
	Message: "You are signed out. Sign in to go on."}

// authed is a handler for a signed-in request.
type authed func(w http.ResponseWriter, r *http.Request, sess store.Session)

// signedIn runs h with the request's session, or answers 401.
func (s *Server) signedIn(h authed) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if sess, ok := s.session(w, r); ok {
			h(w, r, sess)
		}
	}
}

// session returns the request's session, or answers 401 (or the store's
// failure) and returns false.
func (s *Server) session(w http.ResponseWriter, r *http.Request) (store.Session, bool) {
	hash, ok := s.sessionHash(r)
	if !ok {
		respond.Error(w, r, signedOut, nil)
		return store.Session{}, false
	}
	sess, err := s.cfg.Store.Session(r.Context(), hash, time.Now())
	if errors.Is(err, store.ErrNotFound) {
		s.clearSession(w, r)
		respond.Error(w, r, signedOut, err)
		return store.Session{}, false
	}
	if err != nil {
		s.storeError(w, r, err)
		return store.Session{}, false
	}
	return sess, true
}

// viewer returns the id of the user signed in on r, for routes that
// anyone may read and a signed-in reader sees more of: without a store,
// a session cookie, or with one that is unknown or expired, the reader is
// a guest ("", false). A store failure is an error.
func (s *Server) viewer(r *http.Request) (string, bool, error) {
	if s.cfg.Store == nil {
		return "", false, nil
	}
	hash, ok := s.sessionHash(r)
	if !ok {
		return "", false, nil
	}
	sess, err := s.cfg.Store.Session(r.Context(), hash, time.Now())
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return sess.UserID, true, nil
}

// storeError answers a store failure that has no meaning of its own
// for the request: 401 when the user has gone meanwhile, 503 with
// Retry-After when the store is busy, 500 otherwise.
func (s *Server) storeError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		respond.Error(w, r, signedOut, err)
		return
	}
	if errors.Is(err, store.ErrBusy) || errors.Is(err, context.DeadlineExceeded) {
		w.Header().Set("Retry-After", "1")
		respond.Error(w, r, respond.Problem{Status: http.StatusServiceUnavailable, Code: "busy",
			Message: "The server is busy. Try again in a moment."}, err)
		return
	}
	respond.Error(w, r, respond.Internal(), err)
}

// clientAddress returns the key the sign-in limiter counts r's client
// under: its IP address (see clientIP: a trusted proxy's word counts), or
// its /64 for IPv6, where one machine commonly holds a whole /64.
func (s *Server) clientAddress(r *http.Request) string {
	ip, ok := s.clientIP(r)
	if !ok {
		return r.RemoteAddr
	}
	if ip.Is4() {
		return ip.String()
	}
	p, _ := ip.Prefix(64) // never fails for IPv6
	return p.String()
}
