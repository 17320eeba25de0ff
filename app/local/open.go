package local

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"
)

// openTimeout bounds the wait for the database, which another tab holding
// an older version open can block.
const openTimeout = 10 * time.Second

// BrowserDB returns a store over the named IndexedDB database (GuestDB,
// or UserDB of the signed-in user), opened on first use. When the
// browser has no IndexedDB (some private modes refuse it), the store
// keeps everything in memory for the life of the page, logging why, so
// the reader still works.
func BrowserDB(name string, logf func(format string, args ...any)) *Store {
	return New(&lazy{name: name, logf: logf}, logf)
}

// lazy opens IndexedDB the first time it is used.
type lazy struct {
	name string
	logf func(format string, args ...any)

	// mu guards b, which is nil until first use and after Destroy.
	mu sync.Mutex
	b  Backend
}

func (l *lazy) backend(context.Context) Backend {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b != nil {
		return l.b
	}
	// Not the caller's context: one cancelled call must not leave the
	// whole page without its database.
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	defer cancel()
	db, err := OpenIndexedDB(ctx, l.name)
	if err != nil {
		if l.logf != nil {
			l.logf("local: highlights are kept in memory only, for this page: %v", err)
		}
		l.b = &Memory{}
		return l.b
	}
	l.b = db
	return l.b
}

func (l *lazy) All(ctx context.Context, store, field, value string) ([]json.RawMessage, error) {
	return l.backend(ctx).All(ctx, store, field, value)
}

func (l *lazy) Get(ctx context.Context, store, id string) (json.RawMessage, error) {
	return l.backend(ctx).Get(ctx, store, id)
}

func (l *lazy) Update(ctx context.Context, stores []string, step func(got []json.RawMessage) ([]Op, error)) error {
	return l.backend(ctx).Update(ctx, stores, step)
}

func (l *lazy) Destroy(ctx context.Context) error {
	err := l.backend(ctx).Destroy(ctx)
	l.mu.Lock()
	l.b = nil // opened afresh on next use
	l.mu.Unlock()
	return err
}

// IsQuota reports whether err says the device's storage is full.
func IsQuota(err error) bool { return errors.Is(err, ErrQuota) }
