package store

import (
	"context"
	"database/sql"
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
// it; the next push finds it ready. Only the group committer's goroutine
// uses the cache (and Close, once that goroutine has ended), so it needs
// no lock.
type stmtCache struct {
	m      map[string]*sql.Stmt
	misses []string // texts met without a statement since the last prepare
}

// prepare prepares the texts noted as missing, while there is room. A
// failure only means the text is parsed each time, as without a cache.
func (c *stmtCache) prepare(ctx context.Context, d *sql.DB) {
	for _, q := range c.misses {
		if _, have := c.m[q]; have || len(c.m) >= maxStmts {
			continue
		}
		if st, err := d.PrepareContext(ctx, q); err == nil {
			c.m[q] = st
		}
	}
	c.misses = c.misses[:0]
}

func (c *stmtCache) close() {
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
}

// cachedTx is a write transaction that runs its statements from the cache,
// noting the texts the cache lacks. It has *sql.Tx's methods, so code
// written for a transaction takes either.
type cachedTx struct {
	tx *sql.Tx
	c  *stmtCache
}

func (t cachedTx) stmt(ctx context.Context, q string) *sql.Stmt {
	if st := t.c.m[q]; st != nil {
		return t.tx.StmtContext(ctx, st)
	}
	if len(t.c.m) < maxStmts { // a full cache prepares nothing more
		t.c.misses = append(t.c.misses, q)
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
