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

// Browser returns a store over the browser's IndexedDB, opened on first
// use. When the browser has no IndexedDB (some private modes refuse it),
// the store keeps everything in memory for the life of the page, logging
// why, so the reader still works.
func Browser(logf func(format string, args ...any)) *Store {
	return New(&lazy{logf: logf}, logf)
}

// lazy opens IndexedDB the first time it is used.
type lazy struct {
	logf func(format string, args ...any)

	once sync.Once
	b    Backend
}

func (l *lazy) backend(context.Context) Backend {
	l.once.Do(func() {
		// Not the caller's context: one cancelled call must not leave the
		// whole page without its database.
		ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
		defer cancel()
		db, err := OpenIndexedDB(ctx)
		if err != nil {
			if l.logf != nil {
				l.logf("local: highlights are kept in memory only, for this page: %v", err)
			}
			l.b = &Memory{}
			return
		}
		l.b = db
	})
	return l.b
}

func (l *lazy) Put(ctx context.Context, store string, records ...[]byte) error {
	return l.backend(ctx).Put(ctx, store, records...)
}

func (l *lazy) Delete(ctx context.Context, store string, ids ...string) error {
	return l.backend(ctx).Delete(ctx, store, ids...)
}

func (l *lazy) All(ctx context.Context, store, field, value string) ([]json.RawMessage, error) {
	return l.backend(ctx).All(ctx, store, field, value)
}

func (l *lazy) Get(ctx context.Context, store, id string) (json.RawMessage, error) {
	return l.backend(ctx).Get(ctx, store, id)
}

// IsQuota reports whether err says the device's storage is full.
func IsQuota(err error) bool { return errors.Is(err, ErrQuota) }
