package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"margin/cmd/internal/store"
)

var (
	errHubClosed = errors.New("server: event streams closed for shutdown")
	errTooMany   = errors.New("server: too many event streams")
)

// hub keeps the open event streams by user.
type hub struct {
	perUser, total int

	mu      sync.Mutex // guards the fields below
	users   map[string][]*stream
	n       int
	closed  bool
	pending map[string]struct{} // users whose counters may have moved
	wake    chan struct{}       // holds one wake-up for run when pending is not empty
}

func newHub(perUser, total int) *hub {
	return &hub{perUser: perUser, total: total, users: map[string][]*stream{},
		pending: map[string]struct{}{}, wake: make(chan struct{}, 1)}
}

// add registers a stream for user's session, still to be started. When
// the user already has perUser streams, the oldest ends: a browser that
// reloads opens a new stream before the server notices the old one has
// gone, and the newest is the one in use.
func (h *hub) add(user, session string) (*stream, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, errHubClosed
	}
	if list := h.users[user]; len(list) >= h.perUser {
		h.endLocked(list[0])
	} else if h.n >= h.total {
		return nil, errTooMany
	}
	st := &stream{hub: h, user: user, session: session, busy: true, ended: make(chan struct{})}
	h.users[user] = append(h.users[user], st)
	h.n++
	return st, nil
}

// end ends a stream, if it has not ended yet.
func (h *hub) end(st *stream) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.endLocked(st)
}

// endLocked ends st; h.mu is held.
func (h *hub) endLocked(st *stream) {
	st.mu.Lock()
	dead, sk := st.dead, st.sink
	st.dead = true
	st.mu.Unlock()
	if dead {
		return
	}
	list := h.users[st.user]
	for i, x := range list {
		if x == st {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(h.users, st.user)
	} else {
		h.users[st.user] = list
	}
	h.n--
	if sk != nil {
		sk.close()
	}
	close(st.ended)
}

// notify marks user's counter as possibly moved. It never blocks: the
// store calls it on its own goroutines.
func (h *hub) notify(user string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.users[user]) == 0 {
		return
	}
	h.pending[user] = struct{}{}
	h.wakeLocked()
}

// notifyAll marks every user with a stream.
func (h *hub) notifyAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for user := range h.users {
		h.pending[user] = struct{}{}
	}
	h.wakeLocked()
}

// wakeLocked wakes run, unless a wake-up is already waiting; h.mu is
// held.
func (h *hub) wakeLocked() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// run tells streams of changes and sends heartbeats until ctx is done.
func (h *hub) run(ctx context.Context, st store.Store, every, writeTimeout time.Duration, log *slog.Logger) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			for _, s := range h.streams("") {
				s.offer(0, true, writeTimeout)
			}
		case <-h.wake:
			h.mu.Lock()
			users := make([]string, 0, len(h.pending))
			for u := range h.pending {
				users = append(users, u)
			}
			clear(h.pending)
			h.mu.Unlock()
			for _, u := range users {
				qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				seq, err := st.ChangeSeq(qctx, u)
				cancel()
				if errors.Is(err, store.ErrNotFound) {
					h.endWhere(func(s *stream) bool { return s.user == u }) // the account is gone
					continue
				}
				if err != nil {
					if ctx.Err() == nil {
						log.Warn("sync: read a change counter for the event streams", "user", u, "err", err)
					}
					continue
				}
				for _, s := range h.streams(u) {
					s.offer(seq, false, writeTimeout)
				}
			}
		}
	}
}

// streams returns user's streams, or every stream for "".
func (h *hub) streams(user string) []*stream {
	h.mu.Lock()
	defer h.mu.Unlock()
	if user != "" {
		return append([]*stream(nil), h.users[user]...)
	}
	out := make([]*stream, 0, h.n)
	for _, list := range h.users {
		out = append(out, list...)
	}
	return out
}

// closeSession ends the streams of a session that has ended.
func (h *hub) closeSession(session string) {
	h.endWhere(func(st *stream) bool { return st.session == session })
}

// closeUser ends user's streams but those of session keep.
func (h *hub) closeUser(user, keep string) {
	h.endWhere(func(st *stream) bool { return st.user == user && st.session != keep })
}

func (h *hub) endWhere(match func(*stream) bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var doomed []*stream
	for _, list := range h.users {
		for _, st := range list {
			if match(st) {
				doomed = append(doomed, st)
			}
		}
	}
	for _, st := range doomed {
		h.endLocked(st)
	}
}

// close ends every stream and refuses new ones: the server is shutting
// down, and would otherwise wait for streams that never end.
func (h *hub) close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.endWhere(func(*stream) bool { return true })
}

// len returns how many streams are open.
func (h *hub) len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n
}

// stream is one open event stream. At most one goroutine writes to it at
// a time (busy); what arrives meanwhile is folded into want and ping, so
// a slow client costs one pending message, not a queue.
type stream struct {
	hub           *hub
	user, session string
	ended         chan struct{} // closed when the stream ends

	mu      sync.Mutex // guards the fields below
	sink    sink       // where the bytes go; set by attach
	busy    bool       // a goroutine is writing (or the handler has not started the stream)
	dead    bool
	last    int64 // the counter the client was last told
	want    int64 // the newest counter to tell
	ping    bool  // a heartbeat is due
	writing sync.WaitGroup
}

// attach sets where the stream's bytes go, unless it has already ended
// (then the caller closes sk).
func (st *stream) attach(sk sink) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.dead {
		sk.close()
		return false
	}
	st.sink = sk
	return true
}

// started marks the hello, telling seq, as sent, and sends whatever came
// in meanwhile.
func (st *stream) started(seq int64, writeTimeout time.Duration) {
	st.mu.Lock()
	st.last = max(st.last, seq)
	st.writing.Add(1)
	st.mu.Unlock()
	st.drain(writeTimeout)
}

// offer asks for the counter seq to be told, or a heartbeat.
func (st *stream) offer(seq int64, ping bool, writeTimeout time.Duration) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.dead {
		return
	}
	st.want = max(st.want, seq)
	st.ping = st.ping || ping
	if st.busy {
		return
	}
	st.busy = true
	st.writing.Add(1)
	go st.drain(writeTimeout)
}

// drain writes what is due until nothing is, then lets go of busy.
func (st *stream) drain(writeTimeout time.Duration) {
	defer st.writing.Done()
	for {
		st.mu.Lock()
		var msg []byte
		switch {
		case st.dead:
		case st.want > st.last:
			msg = fmt.Appendf(nil, "event: change\ndata: {\"seq\":%d}\n\n", st.want)
			st.last, st.ping = st.want, false
		case st.ping:
			msg, st.ping = []byte(": ping\n\n"), false
		}
		if msg == nil {
			st.busy = false
			st.mu.Unlock()
			return
		}
		sk := st.sink
		st.mu.Unlock()
		if err := sk.write(msg, time.Now().Add(writeTimeout)); err != nil {
			st.hub.end(st)
		}
	}
}

// wait waits for writes in progress to finish.
func (st *stream) wait() { st.writing.Wait() }

// sink is where a stream's bytes go.
type sink interface {
	write(p []byte, deadline time.Time) error
	close()
}

// connSink writes to a connection taken over from net/http.
type connSink struct{ conn net.Conn }

func (c connSink) write(p []byte, deadline time.Time) error {
	c.conn.SetWriteDeadline(deadline)
	_, err := c.conn.Write(p)
	return err
}

func (c connSink) close() { c.conn.Close() }

// writerSink writes through a handler's ResponseWriter, while the
// handler waits for the stream to end.
type writerSink struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

func (s *writerSink) write(p []byte, deadline time.Time) error {
	s.rc.SetWriteDeadline(deadline)
	if _, err := s.w.Write(p); err != nil {
		return err
	}
	return s.rc.Flush()
}

func (s *writerSink) close() {}
