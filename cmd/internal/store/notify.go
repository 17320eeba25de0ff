package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// notifyChannel is the PostgreSQL channel that carries change nudges
// between server processes.
const notifyChannel = "margin_changes"

// hub fans a notification out to this process's listeners.
type hub struct {
	mu   sync.Mutex // guards subs and next
	subs map[int]func(string)
	next int
}

// add registers fn and returns the function that removes it.
func (h *hub) add(fn func(string)) func() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs == nil {
		h.subs = map[int]func(string){}
	}
	id := h.next
	h.next++
	h.subs[id] = fn
	return func() {
		h.mu.Lock()
		delete(h.subs, id)
		h.mu.Unlock()
	}
}

// publish calls every listener with userID.
func (h *hub) publish(userID string) {
	h.mu.Lock()
	fns := make([]func(string), 0, len(h.subs))
	for _, fn := range h.subs {
		fns = append(fns, fn)
	}
	h.mu.Unlock()
	for _, fn := range fns {
		fn(userID)
	}
}

// Notify tells this process's listeners at once that userID's objects
// changed and, on PostgreSQL, every other process listening on the same
// database, through NOTIFY on the channel margin_changes. The payload is
// this store's instance id, a space and the user id: a process's own
// notifications come back to it, and the instance id lets it drop them, so
// each listener hears each change once.
func (s *db) Notify(ctx context.Context, userID string) error {
	s.hub.publish(userID)
	if s.name != "postgres" {
		return nil
	}
	if _, err := s.w.ExecContext(ctx, "SELECT pg_notify($1, $2)", notifyChannel, s.instance+" "+userID); err != nil {
		return fmt.Errorf("store: notify: %w", err)
	}
	return nil
}

// Listen registers fn to be called with the user id of every Notify, in
// this process or (on PostgreSQL) another, until ctx is done; it returns
// at once. fn runs on the notifying goroutine or the store's listening
// goroutine, so it must return quickly (hand the id to a channel without
// blocking, say). On PostgreSQL one connection per store LISTENs and is
// reconnected when lost; notifications sent while it is down are lost,
// which clients make up for by pulling on their own schedule.
func (s *db) Listen(ctx context.Context, fn func(userID string)) error {
	if s.closed.Load() {
		return errors.New("store: listen: the store is closed")
	}
	remove := s.hub.add(fn)
	if s.name == "postgres" {
		s.listen.Do(func() {
			s.wg.Add(1)
			go s.listenLoop()
		})
		// Return once the LISTEN is in place, so that a change made after
		// Listen returns is heard.
		wait, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		select {
		case <-s.listening:
		case <-wait.Done():
			remove()
			return fmt.Errorf("store: listen: PostgreSQL's LISTEN did not start: %w", wait.Err())
		}
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		select {
		case <-ctx.Done():
		case <-s.stop:
		}
		remove()
	}()
	return nil
}

// listenLoop keeps one connection LISTENing until the store closes,
// reconnecting with growing pauses when the connection is lost.
func (s *db) listenLoop() {
	defer s.wg.Done()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-s.stop
		cancel()
	}()
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		began := time.Now()
		err := s.listenConn(ctx)
		if ctx.Err() != nil {
			return
		}
		if time.Since(began) > time.Minute {
			pause = 100 * time.Millisecond
		}
		s.opts.Log.Warn("store: listening for changes on PostgreSQL: connection lost; reconnecting", "err", err, "in", pause)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 5*time.Second)
	}
}

// listenConn connects, LISTENs and delivers notifications until the
// connection fails or ctx ends.
func (s *db) listenConn(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := pgx.Connect(cctx, s.opts.DSN)
	cancel()
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", redact(s.opts.DSN), err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return err
	}
	s.listenOnce.Do(func() { close(s.listening) })
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		instance, userID, ok := strings.Cut(n.Payload, " ")
		if !ok {
			instance, userID = "", n.Payload // from something other than a store
		}
		if instance != s.instance {
			s.hub.publish(userID)
		}
	}
}
