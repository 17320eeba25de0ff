package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"time"
)

// maxTries bounds how often a transaction that failed for a transient
// reason (SQLITE_BUSY, a serialization failure, a deadlock) is run again
// before the caller gets ErrBusy.
const maxTries = 5

// write runs fn in a write transaction (BEGIN IMMEDIATE on SQLite, READ
// COMMITTED on PostgreSQL), trying again on transient failures. fn may run
// more than once and must not keep state between runs.
func (s *db) write(ctx context.Context, what string, fn func(*sql.Tx) error) error {
	return s.retry(ctx, what, func() error { return inTx(ctx, s.w, nil, fn) })
}

// read runs fn in a read-only transaction that sees one snapshot.
func (s *db) read(ctx context.Context, what string, fn func(*sql.Tx) error) error {
	return s.retry(ctx, what, func() error { return inTx(ctx, s.r, s.readTx, fn) })
}

func inTx(ctx context.Context, d *sql.DB, opts *sql.TxOptions, fn func(*sql.Tx) error) error {
	tx, err := d.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// retry calls fn until it succeeds, fails for good, or has failed
// transiently maxTries times, which is ErrBusy. Between tries it waits a
// random time up to 10 ms × 2^try ("full jitter"), so that writers that
// collided do not collide again.
func (s *db) retry(ctx context.Context, what string, fn func() error) error {
	var err error
	for try := range maxTries {
		if try > 0 {
			wait := time.Duration(rand.Int64N(int64(min(10*time.Millisecond<<try, 500*time.Millisecond))))
			select {
			case <-ctx.Done():
				return fmt.Errorf("store: %s: %w (after: %v)", what, ctx.Err(), err)
			case <-time.After(wait):
			}
		}
		err = fn()
		if err == nil || !s.retryable(err) {
			return err
		}
		s.opts.Log.Debug("store: transient failure; trying again", "op", what, "try", try+1, "err", err)
	}
	return fmt.Errorf("%w: %s failed %d times: %v", ErrBusy, what, maxTries, err)
}

// ms converts a time to the Unix milliseconds the tables hold.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts stored Unix milliseconds to a time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }
