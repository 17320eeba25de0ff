package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	msync "margin/app/sync"
	"margin/cmd/internal/respond"
	"margin/cmd/internal/store"
)

// pushBodyLimit is the largest push body: msync.MaxPushBytes, which
// clients fill, and room for a client's rounding.
const pushBodyLimit = msync.MaxPushBytes + 64<<10

// notifyTimeout bounds the nudge sent after a push; a lost nudge only
// delays the other devices until their next scheduled pull.
const notifyTimeout = 5 * time.Second

// push applies a batch of mutations (RELIABILITY.md §1.4).
func (s *Server) push(w http.ResponseWriter, r *http.Request, sess store.Session) {
	var req msync.PushRequest
	if !respond.DecodeJSON(w, r, pushBodyLimit, &req) {
		return
	}
	if err := msync.CheckRequest(&req); err != nil {
		respond.Error(w, r, invalid(err), err)
		return
	}
	res, err := s.cfg.Store.Push(r.Context(), sess.UserID, &req, time.Now())
	switch {
	case errors.Is(err, store.ErrClientOwned):
		s.clientOwned(w, r, sess.UserID, req.ClientID, err)
		return
	case errors.Is(err, store.ErrClientReused):
		respond.Error(w, r, respond.Problem{Status: http.StatusConflict, Code: "client_id_reused",
			Message: "This device's sync state was lost while its id was kept. It will start again with a new id."}, err)
		return
	case err != nil:
		s.storeError(w, r, err)
		return
	}
	if res.Clamped > 0 {
		s.log.Info("sync: clocks clamped", "user", sess.UserID, "client_id", req.ClientID, "count", res.Clamped)
	}
	if res.Changed {
		// The push is committed whatever happens to the nudge, and the
		// client may already have hung up.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), notifyTimeout)
		if err := s.cfg.Store.Notify(ctx, sess.UserID); err != nil {
			s.log.Warn("sync: notify other devices", "user", sess.UserID, "err", err)
		}
		cancel()
	}
	if res.Response.Results == nil {
		res.Response.Results = []msync.Result{}
	}
	respond.JSON(w, http.StatusOK, res.Response)
}

// clientOwned answers, and logs as a security event, a request naming a
// client id that belongs to another user.
func (s *Server) clientOwned(w http.ResponseWriter, r *http.Request, userID, clientID string, err error) {
	s.log.Warn("security: client id of another user", "user", userID, "client_id", clientID,
		"addr", s.clientAddress(r), "path", r.URL.Path)
	respond.Error(w, r, respond.Problem{Status: http.StatusForbidden, Code: "client_owned",
		Message: "This device's sync id belongs to another account. Sign out and in again to sync."}, err)
}

// pull answers the user's changes after a cursor.
func (s *Server) pull(w http.ResponseWriter, r *http.Request, sess store.Session) {
	q := r.URL.Query()
	clientID := q.Get("client_id")
	if !msync.ValidClientID(clientID) {
		respond.Error(w, r, badQuery("client_id must be 8 to 64 letters, digits, '_' or '-'."), nil)
		return
	}
	cursor, limit := int64(0), msync.PullLimit
	if v := q.Get("cursor"); v != "" {
		c, err := strconv.ParseInt(v, 10, 64)
		if err != nil || c < 0 {
			respond.Error(w, r, badQuery("cursor must be a whole number from 0 up."), err)
			return
		}
		cursor = c
	}
	if v := q.Get("limit"); v != "" {
		l, err := strconv.Atoi(v)
		if err != nil || l < 1 || l > msync.MaxPullLimit {
			respond.Error(w, r, badQuery("limit must be a whole number from 1 to "+strconv.Itoa(msync.MaxPullLimit)+"."), err)
			return
		}
		limit = l
	}
	res, err := s.cfg.Store.Pull(r.Context(), sess.UserID, clientID, cursor, limit, time.Now())
	switch {
	case errors.Is(err, store.ErrResetRequired):
		respond.JSON(w, http.StatusGone, msync.ResetResponse{ResetRequired: true, Code: "reset_required",
			Error: "This device has been away too long to catch up; it will fetch everything again."})
		return
	case errors.Is(err, store.ErrClientOwned):
		s.clientOwned(w, r, sess.UserID, clientID, err)
		return
	case err != nil:
		s.storeError(w, r, err)
		return
	}
	if res.Changes == nil {
		res.Changes = []msync.Record{}
	}
	respond.JSON(w, http.StatusOK, res)
}

// invalid is the answer to a sync request that breaks the protocol.
func invalid(err error) respond.Problem {
	msg := strings.TrimPrefix(err.Error(), msync.ErrInvalid.Error()+": ")
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
		if !strings.HasSuffix(msg, ".") {
			msg += "."
		}
	}
	return respond.Problem{Status: http.StatusBadRequest, Code: "invalid", Message: msg}
}

func badQuery(msg string) respond.Problem {
	return respond.Problem{Status: http.StatusBadRequest, Code: "bad_query", Message: "The address is wrong: " + msg}
}
