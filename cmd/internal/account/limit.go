package account

import (
	"sync"
	"time"
)

// Limiter counts sign-in attempts by key (an account name, a client
// address) and refuses a key that has made Max attempts within Window.
// Each attempt is counted when it starts, so that a burst of parallel
// attempts cannot all slip in before the first failure is recorded; a
// successful attempt is given back with Refund or Forget.
//
// It keeps at most Size keys in memory. When full, keys whose attempts
// have all expired go first, then arbitrary ones: under a flood of
// distinct keys a lock-out may end early, but memory stays bounded.
// It is safe for concurrent use.
type Limiter struct {
	max    int
	window time.Duration
	size   int

	mu        sync.Mutex // guards the fields below
	keys      map[string]*attempts
	lastSweep time.Time
}

type attempts struct {
	times  []time.Time // the latest attempts, oldest first, at most max
	warned bool        // the current lock-out has been reported
}

// NewLimiter returns a limiter allowing max attempts per key within
// window, keeping at most size keys.
func NewLimiter(max int, window time.Duration, size int) *Limiter {
	return &Limiter{max: max, window: window, size: size, keys: map[string]*attempts{}}
}

// Take counts an attempt for key at now, if key is not locked out. When
// it is, Take returns how long until it may try again, and first is true
// for the first refusal of this lock-out (to be logged once).
func (l *Limiter) Take(key string, now time.Time) (wait time.Duration, first bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.keys[key]
	if a == nil {
		l.makeRoom(now)
		a = &attempts{times: make([]time.Time, 0, min(l.max, 4))}
		l.keys[key] = a
	}
	a.expire(now, l.window)
	if len(a.times) >= l.max {
		wait = a.times[0].Add(l.window).Sub(now)
		first = !a.warned
		a.warned = true
		return max(wait, time.Second), first
	}
	a.warned = false
	a.times = append(a.times, now)
	return 0, false
}

// Refund gives back key's latest attempt: it succeeded.
func (l *Limiter) Refund(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if a := l.keys[key]; a != nil && len(a.times) > 0 {
		a.times = a.times[:len(a.times)-1]
	}
}

// Forget drops every attempt of key.
func (l *Limiter) Forget(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.keys, key)
}

// Len returns how many keys the limiter holds.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// makeRoom makes room for one more key. l.mu is held.
func (l *Limiter) makeRoom(now time.Time) {
	if len(l.keys) < l.size {
		return
	}
	// A sweep costs one pass over the keys; at most one a second.
	if now.Sub(l.lastSweep) >= time.Second {
		l.lastSweep = now
		for k, a := range l.keys {
			if a.expire(now, l.window); len(a.times) == 0 {
				delete(l.keys, k)
			}
		}
	}
	for k := range l.keys {
		if len(l.keys) < l.size {
			break
		}
		delete(l.keys, k)
	}
}

// expire drops attempts older than window.
func (a *attempts) expire(now time.Time, window time.Duration) {
	n := 0
	for n < len(a.times) && now.Sub(a.times[n]) >= window {
		n++
	}
	if n > 0 {
		a.times = append(a.times[:0], a.times[n:]...)
	}
}
