package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"margin/cmd/internal/respond"
	"margin/cmd/internal/store"
)

// events opens a stream of nudges for a signed-in client (Server-Sent
// Events): first "hello" with the user's change counter, then "change"
// whenever the counter has moved, and ": ping" comments in between. The
// stream ends when writing to the client fails, its session ends here,
// the user opens too many others, or the server shuts down.
//
// A thousand open streams must cost little, so a stream holds no
// goroutine and no buffers: the handler takes the connection over from
// net/http (Hijack), writes the answer's head and the hello, hands the
// connection to the hub and returns. The hub writes what follows. Where
// the connection cannot be taken over (HTTP/2), the handler stays and the
// hub writes through it.
func (s *Server) events(w http.ResponseWriter, r *http.Request, sess store.Session) {
	ctx := r.Context()
	seq, err := s.cfg.Store.ChangeSeq(ctx, sess.UserID)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	st, err := s.hub.add(sess.UserID, sess.Hash)
	if err != nil {
		status, code, msg := http.StatusTooManyRequests, "too_many_streams", "The server follows too many windows. Try again in a minute."
		if errors.Is(err, errHubClosed) {
			status, code, msg = http.StatusServiceUnavailable, "shutting_down", "The server is restarting. Try again in a moment."
		}
		w.Header().Set("Retry-After", "60")
		respond.Error(w, r, respond.Problem{Status: status, Code: code, Message: msg}, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // tells nginx not to hold the messages back
	hello := fmt.Appendf(nil, "retry: 5000\nevent: hello\ndata: {\"seq\":%d}\n\n", seq)

	rc := http.NewResponseController(w)
	var (
		waitHere bool
		sk       sink
		first    []byte // what sk is sent first
	)
	if conn, _, err := rc.Hijack(); err == nil {
		head := bytes.NewBufferString("HTTP/1.1 200 OK\r\n")
		h.Set("Connection", "close") // the body ends when the connection does
		h.Write(head)
		head.WriteString("\r\n")
		head.Write(hello)
		conn.SetReadDeadline(time.Time{})
		sk, first = connSink{conn}, head.Bytes()
	} else {
		waitHere = true
		rc.SetReadDeadline(time.Time{}) // the read deadline would end the request
		w.WriteHeader(http.StatusOK)
		sk, first = &writerSink{w: w, rc: rc}, hello
	}
	if !st.attach(sk) || sk.write(first, time.Now().Add(s.cfg.Timeouts.Write)) != nil {
		s.hub.end(st)
		return
	}
	st.started(seq, s.cfg.Timeouts.Write)
	if waitHere {
		select {
		case <-st.ended:
		case <-ctx.Done():
			s.hub.end(st)
		}
		st.wait() // no write through w after the handler returns
	}
}

// Relay keeps the event streams informed until ctx is done: it passes
// the store's change notices (from this process and, on PostgreSQL,
// from every server on the database) to the hub, which reads the
// changed users' counters and tells their streams, and it sends the
// heartbeats. Serve runs it; a Server used only as an http.Handler
// (under httptest) must run it for its event streams to hear anything.
func (s *Server) Relay(ctx context.Context) {
	if s.cfg.Store == nil {
		return
	}
	var wg sync.WaitGroup
	wg.Go(func() { s.hub.run(ctx, s.cfg.Store, s.cfg.Timeouts.Heartbeat, s.cfg.Timeouts.Write, s.log) })
	defer wg.Wait()
	wait := time.Second
	for {
		err := s.cfg.Store.Listen(ctx, s.hub.notify)
		if err == nil {
			<-ctx.Done()
			return
		}
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("sync: cannot listen for changes; event streams miss nudges until it can",
			"err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		// Changes may have been missed meanwhile: every stream checks.
		s.hub.notifyAll()
		wait = min(2*wait, 30*time.Second)
	}
}
