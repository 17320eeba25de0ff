package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxStmts bounds the statements kept prepared: a push uses a dozen
// texts, more with multi-row inserts of different sizes.
const maxStmts = 256

// stmtCache keeps SQLite's writer statements prepared, by query text.
// Parsing a statement costs SQLite more than running it (a fifth of a
// small push's time went to the parser), and the writer is the one
// connection every push waits for. PostgreSQL's driver keeps its own
// cache, so only SQLite's pushes use this one.
//
// A statement can only be prepared while the writer's one connection is
// free, so a text met inside a transaction is noted and prepared after
// it; the next push finds it ready.
type stmtCache struct {
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

func (c *stmtCache) get(q string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[q]
}

// prepare prepares the texts not yet kept, while there is room. A
// failure only means the text is parsed each time, as without a cache.
func (c *stmtCache) prepare(ctx context.Context, d *sql.DB, texts []string) {
	if len(texts) == 0 {
		return
	}
	for _, q := range texts {
		c.mu.RLock()
		_, have := c.m[q]
		full := len(c.m) >= maxStmts
		c.mu.RUnlock()
		if have || full {
			continue
		}
		st, err := d.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if _, have := c.m[q]; have || len(c.m) >= maxStmts {
			st.Close()
		} else {
			c.m[q] = st
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
}

// cachedTx is a write transaction that runs its statements from the cache,
// noting the texts the cache lacks. It has *sql.Tx's methods, so code
// written for a transaction takes either.
type cachedTx struct {
	tx     *sql.Tx
	c      *stmtCache
	misses *[]string
}

func (t cachedTx) stmt(ctx context.Context, q string) *sql.Stmt {
	if st := t.c.get(q); st != nil {
		return t.tx.StmtContext(ctx, st)
	}
	if t.misses != nil {
		*t.misses = append(*t.misses, q)
	}
	return nil
}

// ExecContext is sql.Tx's ExecContext through the cache.
func (t cachedTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, q, args...)
}

// QueryContext is sql.Tx's QueryContext through the cache.
func (t cachedTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, q, args...)
}

// QueryRowContext is sql.Tx's QueryRowContext through the cache.
func (t cachedTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, q, args...)
}

// querier is what statements run on: a transaction, or a cachedTx.
type querier interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}
