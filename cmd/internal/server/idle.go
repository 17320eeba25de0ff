package server

import (
	"context"
	"net/http"
	"runtime/debug"
	"sync/atomic"
	"time"
)

// idleAfter is how long the server must have had no request in flight
// before it hands its freed memory back to the system.
const idleAfter = time.Second

// idleRelease hands memory back to the system when a burst of requests
// ends. Go's runtime keeps a burst's freed heap for minutes before it
// returns it; on the small machine a self-hosted server runs on, that is
// memory the rest of the machine lacks while the server sits idle. One
// forced collection per burst costs a few milliseconds.
type idleRelease struct {
	inFlight atomic.Int64
	last     atomic.Int64 // Unix nanoseconds of the last request's end
	dirty    atomic.Bool  // a request ran since the last release
}

// wrap counts the requests in flight through next.
func (ir *idleRelease) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ir.inFlight.Add(1)
		ir.dirty.Store(true)
		defer func() {
			ir.last.Store(time.Now().UnixNano())
			ir.inFlight.Add(-1)
		}()
		next.ServeHTTP(w, r)
	})
}

// run releases memory once after each burst, until ctx ends.
func (ir *idleRelease) run(ctx context.Context) {
	t := time.NewTicker(idleAfter / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if ir.inFlight.Load() == 0 && ir.dirty.Load() &&
				now.Sub(time.Unix(0, ir.last.Load())) >= idleAfter {
				ir.dirty.Store(false)
				debug.FreeOSMemory()
			}
		}
	}
}
